/**
 * Every job that calls one of Slipway's reusable workflows — the example callers, the reusable workflows calling
 * each other, and the README's adoption snippet — grants exactly the permissions the callee's jobs ask (fewer: GitHub
 * does not start the run; more: least privilege broken), hands on only declared secrets, and every secret name is
 * one a repository secret can have.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, test } from '@jest/globals';
import { WORKFLOWS } from '../../../workflows-src/index.js';
import { REPO_ROOT } from '../../../workflows-src/lib/actions.js';
import { calleeFile, calleeNeeds, checkCalls, readWorkflow } from '../../../workflows-src/lib/callers.js';
import { SECRET_NAME_RE } from '../../../workflows-src/lib/common.js';

const read = (rel: string): string => readFileSync(path.join(REPO_ROOT, rel), 'utf8');

/** The first ```yaml block of README.md's "Adopting it in a repository" section. */
function readmeSnippet(): string {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('## Adopting it in a repository'));
  const m = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README.md: no ```yaml block under "## Adopting it in a repository"');
  return m[1]!;
}

const callers = [
  ...WORKFLOWS.map((w) => ({ name: w.path, doc: parse(read(w.path)) as object })),
  { name: 'README.md adoption snippet', doc: parse(readmeSnippet()) as object }
];

describe.each(callers)('$name', ({ doc }) => {
  test('each call grants exactly what the called workflow needs, and passes only declared, valid secrets', () => {
    expect(checkCalls(doc, SECRET_NAME_RE)).toEqual([]);
  });
});

test('the README snippet and the example callers call something (the check above is not vacuous)', () => {
  const calls = (doc: object): number =>
    Object.values((doc as { jobs: Record<string, { uses?: string }> }).jobs).filter(
      (j) => typeof j.uses === 'string' && calleeFile(j.uses)
    ).length;
  expect(calls(parse(readmeSnippet()) as object)).toBeGreaterThanOrEqual(2);
  expect(calls(parse(read('examples/monorepo/.github/workflows/images.yml')) as object)).toBe(2);
});

describe('what the calls need', () => {
  const build = path.join(REPO_ROOT, '.github/workflows/build.yml');
  const release = path.join(REPO_ROOT, '.github/workflows/release.yml');

  test('build.yml asks no contents: write (release assets are attached by release.yml)', () => {
    expect(calleeNeeds(build)).toEqual({
      contents: 'read',
      'id-token': 'write',
      packages: 'write',
      'security-events': 'write'
    });
  });

  test('release.yml needs contents: write for the tag, the release and its SBOM assets', () => {
    expect(calleeNeeds(release)).toEqual({
      contents: 'write',
      'id-token': 'write',
      packages: 'write',
      'security-events': 'write'
    });
  });
});

describe('the check finds what is wrong', () => {
  const call = (permissions: Record<string, string>, secrets?: Record<string, string>): object => ({
    jobs: {
      build: {
        permissions,
        uses: 'slipway/slipway/.github/workflows/build.yml@v1',
        ...(secrets ? { secrets } : {})
      }
    }
  });
  const granted = {
    contents: 'read',
    packages: 'write',
    'security-events': 'write',
    'id-token': 'write'
  };

  test('a caller granting contents: read to a callee with a contents: write job (the startup failure)', () => {
    const doc = {
      jobs: { release: { permissions: granted, uses: 'slipway/slipway/.github/workflows/release.yml@v1' } }
    };
    expect(checkCalls(doc, SECRET_NAME_RE).map((f) => f.message)).toEqual([
      expect.stringMatching(/need contents: write, but grants contents: read/)
    ]);
  });

  test('a caller granting more than the callee needs', () => {
    expect(checkCalls(call({ ...granted, contents: 'write', deployments: 'write' }), SECRET_NAME_RE)).toEqual(
      [
        expect.objectContaining({
          message: expect.stringMatching(/grants contents: write but .* needs contents: read/)
        }),
        expect.objectContaining({ message: expect.stringMatching(/grants deployments: write/) })
      ]
    );
  });

  test('an undeclared secret and a secret name GitHub cannot store', () => {
    const found = checkCalls(
      call(granted, { 'cosign-private-key': '${{ secrets.cosign-private-key }}' }),
      SECRET_NAME_RE
    ).map((f) => f.message);
    expect(found).toEqual([
      'passes secret cosign-private-key, which slipway/slipway/.github/workflows/build.yml@v1 does not declare',
      'reads secrets.cosign-private-key: not a name a repository secret can have'
    ]);
  });
});

describe('secret names', () => {
  test('GitHub rules: [A-Za-z0-9_], not starting with a digit or GITHUB_ (any case)', () => {
    for (const ok of ['COSIGN_PRIVATE_KEY', 'WEBHOOK_URL', '_X', 'a1'])
      expect(SECRET_NAME_RE.test(ok)).toBe(true);
    for (const bad of ['cosign-password', '1KEY', 'GITHUB_TOKEN_X', 'github_x', 'A B', ''])
      expect(SECRET_NAME_RE.test(bad)).toBe(false);
  });

  test.each(['build.yml', 'release.yml', 'deploy.yml', 'cleanup.yml'])(
    'every secret %s declares can be created as a repository secret',
    (name) => {
      const declared = Object.keys(
        readWorkflow(path.join(REPO_ROOT, '.github/workflows', name)).on?.workflow_call?.secrets ?? {}
      );
      expect(declared.filter((s) => !SECRET_NAME_RE.test(s))).toEqual([]);
    }
  );
});
