/**
 * The tags action reads repository metadata from the GitHub API when the event payload carries none, through
 * GITHUB_API_URL — here the local fake, which validates every request and response against GitHub's OpenAPI.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { addRepo, startGitHubFake, type GitHubFake } from '../support/github-fake/index.js';
import { runAction, failureMessage, REPO_ROOT } from '../support/run-action.js';

let fake: GitHubFake;

beforeAll(async () => {
  fake = await startGitHubFake({ token: 'ghs_test' });
  // metadata-action's repo.json (its GitHub.repoData mock), served by the API fake.
  addRepo(fake.state, 'octocat', 'Hello-World', {
    default_branch: 'master',
    description: 'This your first repo!',
    license: { key: 'mit', name: 'MIT License', spdx_id: 'MIT' }
  });
  addRepo(fake.state, 'Acme', 'monorepo', {
    default_branch: 'trunk',
    description: 'Acme services',
    license: { key: 'apache-2.0', name: 'Apache License 2.0', spdx_id: 'Apache-2.0' }
  });
});
afterAll(async () => fake.close());

const schedule = { name: 'schedule', payload: { schedule: '0 3 * * 1' } };

it('a schedule run with no repository in its payload asks the API for it', async () => {
  const run = await runAction('tags', {
    event: schedule,
    ref: 'refs/heads/trunk',
    sha: 'a'.repeat(40),
    repository: 'Acme/monorepo',
    inputs: {
      images: 'ghcr.io/Acme/api',
      tags: 'type=schedule,pattern=nightly\ntype=ref,event=branch',
      'github-token': 'ghs_test'
    },
    env: { GITHUB_API_URL: fake.url }
  });
  expect(run.exitCode).toBe(0);
  expect(run.outputs.tags).toBe('ghcr.io/acme/api:nightly\nghcr.io/acme/api:trunk');
  const labels = run.outputs.labels!.split('\n');
  expect(labels).toContain('org.opencontainers.image.licenses=Apache-2.0');
  expect(labels).toContain('org.opencontainers.image.description=Acme services');
  expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toContain('GET /repos/Acme/monorepo');
  fake.assertNoViolations();
});

it('a bad token is a clear failure, not a guess', async () => {
  const run = await runAction('tags', {
    event: schedule,
    repository: 'Acme/monorepo',
    inputs: { images: 'ghcr.io/acme/api', 'github-token': 'wrong' },
    env: { GITHUB_API_URL: fake.url }
  });
  expect(run.exitCode).not.toBe(0);
  expect(failureMessage(run)).toMatch(/Bad credentials/);
  expect(run.outputs).toEqual({});
});

/**
 * Cases of docker/metadata-action's own suite (test/fixtures/metadata-action, see its README) through the bundled
 * action as a user writes them: each input one text with a line per item, the event payload file, the repository
 * from the API (the payload keeps only default_branch, so the action asks GET /repos like metadata-action always
 * does). Only cases with no date expression: the clock is real here (the unit parity test covers those).
 */
describe('metadata-action suite cases through dist/tags', () => {
  const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/metadata-action');
  interface Case {
    suite: string;
    name: string;
    env: string;
    inputs: Record<string, string | string[] | undefined>;
    expected: unknown[];
  }
  const cases = JSON.parse(readFileSync(path.join(FIXTURES, 'meta-cases.json'), 'utf8')) as Case[];
  const pick = (suite: string, name: string) =>
    cases.find((c) => c.suite === suite && c.name === name) as Case;
  const selected = [
    pick('push', 'push07'),
    pick('push', 'push11'),
    pick('tag', 'tag21'),
    pick('latest', 'latest08'),
    pick('pr', 'pr07'),
    pick('pr-head-sha', 'pr04'),
    pick('release', 'release01'),
    pick('json', 'json05'),
    pick('bakeFile', 'bakeFile05'),
    pick('sepTags', 'sepTags02')
  ];
  const withoutCreated = (labels: string[]) =>
    labels.filter((l) => !/^(\w+:)?org\.opencontainers\.image\.created=/.test(l));

  test.each(selected.map((c) => [c.suite, c.name, c] as const))('%s %s', async (suite, _name, c) => {
    const env = parseEnv(readFileSync(path.join(FIXTURES, c.env), 'utf8')) as Record<
      string,
      string | undefined
    >;
    const eventFile = path.join(FIXTURES, path.basename(env['GITHUB_EVENT_PATH'] ?? ''));
    const payload = JSON.parse(readFileSync(eventFile, 'utf8')) as Record<string, unknown> & {
      repository?: { default_branch?: string };
    };
    expect(existsSync(eventFile)).toBe(true);
    payload.repository = { default_branch: payload.repository?.default_branch };
    const lines = (key: string) => ((c.inputs[key] as string[] | undefined) ?? []).join('\n');
    const inputs: Record<string, string> = {
      images: lines('images'),
      tags: lines('tags'),
      flavor: lines('flavor'),
      labels: lines('labels'),
      annotations: lines('annotations'),
      'github-token': 'ghs_test'
    };
    if (typeof c.inputs['sepTags'] === 'string') inputs['sep-tags'] = c.inputs['sepTags'];
    if (typeof c.inputs['bakeTarget'] === 'string') inputs['bake-target'] = c.inputs['bakeTarget'];
    const run = await runAction('tags', {
      event: { name: env['GITHUB_EVENT_NAME'] ?? '', payload },
      ref: env['GITHUB_REF'],
      sha: env['GITHUB_SHA'],
      repository: 'octocat/Hello-World',
      inputs,
      env: {
        GITHUB_API_URL: fake.url,
        ...(suite === 'pr-head-sha' ? { DOCKER_METADATA_PR_HEAD_SHA: 'true' } : {})
      }
    });
    expect(failureMessage(run)).toBe('');
    expect(run.exitCode).toBe(0);
    const out = run.outputs;
    const created = /org\.opencontainers\.image\.created=(\S+)/.exec(out['labels'] ?? '')?.[1] ?? '';
    expect(new Date(created).toISOString()).toBe(created);
    switch (suite) {
      case 'json': {
        const expected = c.expected[0] as { labels: Record<string, string>; annotations: string[] };
        const json = JSON.parse(out['json'] ?? '{}') as typeof expected;
        expect(json.labels['org.opencontainers.image.created']).toBe(created);
        delete json.labels['org.opencontainers.image.created'];
        delete expected.labels['org.opencontainers.image.created'];
        expect({ ...json, annotations: withoutCreated(json.annotations) }).toEqual({
          ...expected,
          annotations: withoutCreated(expected.annotations)
        });
        break;
      }
      case 'bakeFile': {
        const [tags] = c.expected as [unknown];
        expect(JSON.parse(readFileSync(out['bake-file-tags'] ?? '', 'utf8'))).toEqual(tags);
        const labels = JSON.parse(readFileSync(out['bake-file-labels'] ?? '', 'utf8')) as {
          target: Record<string, { labels: Record<string, string> }>;
        };
        expect(Object.values(labels.target)[0]?.labels['org.opencontainers.image.created']).toBe(created);
        break;
      }
      case 'sepTags':
        expect(out['tags']).toBe(c.expected[0]);
        break;
      default: {
        const [version, tags, labels] = c.expected as [{ main?: string }, string[], string[]];
        expect(out['version']).toBe(version.main ?? '');
        expect(out['tags']).toBe(tags.join('\n'));
        expect(withoutCreated((out['labels'] ?? '').split('\n'))).toEqual(withoutCreated(labels));
        // metadata-action's DOCKER_METADATA_OUTPUT_* environment (DOCKER_METADATA_SET_OUTPUT_ENV defaults to true)
        expect(run.env['DOCKER_METADATA_OUTPUT_VERSION']).toBe(version.main ?? '');
        expect(run.env['DOCKER_METADATA_OUTPUT_TAGS']).toBe(out['tags']);
      }
    }
    fake.assertNoViolations();
  });

  test('quoted fields in a tags input written as a user writes it (CSV, as metadata-action reads it)', async () => {
    const run = await runAction('tags', {
      event: { name: 'push', payload: { repository: { default_branch: 'master' } } },
      ref: 'refs/tags/p1/v1.2.3',
      sha: '860c1904a1ce19322e91ac35af1ab07466440c37',
      repository: 'octocat/Hello-World',
      inputs: {
        images: '',
        tags: [
          'type=match,"pattern=p1/v(\\d.\\d.\\d)",group=1',
          'type=pep440,pattern={{major}}.{{minor}},"value=p1/v1.2.3","match=v(\\d.\\d.\\d)$"',
          '# a comment line',
          'type=sha'
        ].join('\n'),
        'github-token': 'ghs_test'
      },
      env: { GITHUB_API_URL: fake.url }
    });
    expect(run.exitCode).toBe(0);
    // images empty (bake use): bare tags
    expect(run.outputs['tags']).toBe('1.2\n1.2.3\nsha-860c190\nlatest');
    expect(run.outputs['tag-names']).toBe(run.outputs['tags']);
    const bake = JSON.parse(readFileSync(run.outputs['bake-file-tags'] ?? '', 'utf8')) as unknown;
    expect(bake).toEqual({
      target: {
        'docker-metadata-action': {
          tags: ['1.2', '1.2.3', 'sha-860c190', 'latest'],
          args: { DOCKER_META_IMAGES: '', DOCKER_META_VERSION: '1.2' }
        }
      }
    });
  });

  test('images and service together are refused, naming both', async () => {
    const run = await runAction('tags', {
      event: { name: 'push', payload: { repository: { default_branch: 'master' } } },
      repository: 'octocat/Hello-World',
      inputs: { images: 'user/app', service: 'api', 'github-token': 'ghs_test' },
      env: { GITHUB_API_URL: fake.url }
    });
    expect(run.exitCode).not.toBe(0);
    expect(failureMessage(run)).toMatch(/Inputs 'images' and 'service' are exclusive/);
    expect(run.outputs).toEqual({});
  });
});
