/** Package names and patterns, user and organisation owners, against the OpenAPI-validated fake. */
import * as github from '@actions/github';
import { resolvePackages } from '../../../actions/cleanup/cleanup.js';
import { ConfigurationError } from '../../../actions/lib/errors.js';
import { PackagesClient } from '../../../actions/lib/packages.js';
import {
  addPackage,
  makeVersions,
  startGitHubFake,
  type GitHubFake
} from '../../support/github-fake/index.js';

let fake: GitHubFake;
let client: PackagesClient;

beforeAll(async () => {
  fake = await startGitHubFake({ token: 't' });
  for (const name of ['api', 'app', 'dashboard', 'team/api'])
    addPackage(fake.state, 'acme', name, {
      ownerType: 'Organization',
      versions: makeVersions(fake.state, 3)
    });
  addPackage(fake.state, 'octo', 'tool', { ownerType: 'User', versions: makeVersions(fake.state, 2) });
  client = new PackagesClient(github.getOctokit('t', { baseUrl: fake.url }));
});
afterAll(async () => fake.close());

it('detects organisations and users and uses their endpoints', async () => {
  const org = await client.ownerScope('acme');
  const user = await client.ownerScope('octo');
  expect([org.kind, user.kind]).toEqual(['Organization', 'User']);
  expect(await client.listVersions(user, 'tool')).toHaveLength(2);
  expect(await client.listVersions(org, 'team/api')).toHaveLength(3);
  expect(fake.requests.map((r) => r.path)).toEqual(
    expect.arrayContaining([
      '/users/octo/packages/container/tool/versions',
      '/orgs/acme/packages/container/team%2Fapi/versions'
    ])
  );
  await expect(client.ownerScope('nobody')).rejects.toThrow(/Input 'owner': 'nobody' is neither/);
  fake.assertNoViolations();
});

it('expands globs against the owner’s container packages; names pass through', async () => {
  const org = await client.ownerScope('acme');
  expect(await resolvePackages(client, org, ['a*', 'dashboard'])).toEqual(['api', 'app', 'dashboard']);
  expect(await resolvePackages(client, org, ['**/api'])).toEqual(['api', 'team/api']);
  await expect(resolvePackages(client, org, ['zzz-*'])).rejects.toThrow(/pattern 'zzz-\*' matches none/);
  await expect(resolvePackages(client, org, [])).rejects.toThrow(ConfigurationError);
  fake.assertNoViolations();
});

it('an unknown package is an error naming it', async () => {
  const org = await client.ownerScope('acme');
  await expect(client.listVersions(org, 'nope')).rejects.toThrow(
    /Package 'nope' was not found for organisation 'acme'/
  );
});
