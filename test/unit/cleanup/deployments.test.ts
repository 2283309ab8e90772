/** Deployed digests from the Deployments API (the OpenAPI-validated fake): active, under way, rollback window. */
import * as github from '@actions/github';
import { protectedDigests, scanDeployments } from '../../../actions/cleanup/deployments.js';
import { payloadImages } from '../../../actions/lib/deployments.js';
import { addRepo, startGitHubFake, type GitHubFake } from '../../support/github-fake/index.js';

const dg = (n: number): string => `sha256:${String(n).padStart(64, '0')}`;
let fake: GitHubFake;
let octokit: ReturnType<typeof github.getOctokit>;

beforeAll(async () => {
  fake = await startGitHubFake({ token: 't' });
  addRepo(fake.state, 'acme', 'shop');
  octokit = github.getOctokit('t', { baseUrl: fake.url });
});
afterAll(async () => fake.close());

async function deploy(environment: string, digest: string, states: string[]): Promise<number> {
  const images = [{ service: 'api', image: 'ghcr.io/acme/api', digest }];
  const payload = { slipway: { images, version: '1.0.0' } };
  const res = await octokit.rest.repos.createDeployment({
    owner: 'acme',
    repo: 'shop',
    ref: 'main',
    environment,
    payload,
    auto_merge: false,
    required_contexts: []
  });
  const id = (res.data as { id: number }).id;
  for (const state of states)
    await octokit.rest.repos.createDeploymentStatus({
      owner: 'acme',
      repo: 'shop',
      deployment_id: id,
      state: state as 'success'
    });
  return id;
}

it('reads the deploy action’s payload (object or JSON string), ignores junk and other shapes', () => {
  const image = { service: 'b', image: 'ghcr.io/a/b', digest: dg(1) };
  expect(payloadImages({ slipway: { images: [image], version: '1.0.0' } })).toEqual([image]);
  expect(payloadImages(JSON.stringify({ slipway: { images: [image] } }))).toEqual([image]);
  expect(payloadImages({ slipway: { images: [{ digest: 'sha256:nope' }, 3, null] } })).toEqual([]);
  expect(payloadImages({ images: [image] })).toEqual([]);
  expect(payloadImages('not json')).toEqual([]);
});

it('protects the active deployment, newer ones (under way or failed) and the rollback window of every environment', async () => {
  // production: 1..5 succeeded in turn (auto_inactive marks the older ones inactive), 6 failed, 7 is in progress
  for (let n = 1; n <= 5; n++) await deploy('production', dg(n), ['in_progress', 'success']);
  await deploy('production', dg(6), ['failure']);
  await deploy('production', dg(7), ['in_progress']);
  await deploy('staging', dg(20), ['success']);
  await deploy('staging', dg(21), ['error']);
  const scan = await scanDeployments(octokit, { owner: 'acme', repo: 'shop' }, 2);
  const map = protectedDigests(scan.protected);
  expect([...map.keys()].sort()).toEqual([dg(3), dg(4), dg(5), dg(6), dg(7), dg(20), dg(21)].sort());
  expect(map.get(dg(6))).toMatch(/failed after active in production/);
  expect(map.get(dg(5))).toMatch(/active in production/);
  expect(map.get(dg(7))).toMatch(/in progress in production/);
  expect(map.get(dg(4))).toMatch(/rollback window in production/);
  expect(map.get(dg(20))).toMatch(/active in staging/);
  // production stops after the window: deployments 1 and 2 cost no statuses request
  const statusCalls = fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/statuses'));
  expect(statusCalls.length).toBe(scan.requests - 1);
  expect(statusCalls.length).toBe(7); // of 9 deployments: production 7, 6, 5, 4, 3 and staging 21, 20
  fake.assertNoViolations();
});

it('rollback-window 0 keeps only what runs', async () => {
  const scan = await scanDeployments(octokit, { owner: 'acme', repo: 'shop' }, 0);
  expect([...protectedDigests(scan.protected).keys()].sort()).toEqual(
    [dg(5), dg(6), dg(7), dg(20), dg(21)].sort()
  );
});
