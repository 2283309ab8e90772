import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  attributeCommits,
  compileAttribution,
  parseDiffTreeOutput
} from '../../../actions/lib/commit-attribution.js';
import { readCommitFiles } from '../../../actions/lib/release-git.js';
import { parseServicesManifest } from '../../../actions/lib/services-manifest.js';
import { REPO_ROOT } from '../../support/run-action.js';

const manifest = parseServicesManifest(
  readFileSync(path.join(REPO_ROOT, 'examples/monorepo/.slipway/services.yml'), 'utf8'),
  '.slipway/services.yml'
);
const attribution = compileAttribution(manifest);
const ALL = ['api', 'dashboard', 'runner', 'daemon', 'proxy', 'cli'];

describe('compileAttribution', () => {
  it.each([
    [['services/api/src/index.js'], ['api']],
    [
      ['services/dashboard/Dockerfile', 'services/cli/main.go'],
      ['dashboard', 'cli']
    ],
    [['libs/shared/retry.js'], ['api', 'runner', 'daemon', 'proxy']],
    [['.slipway/services.yml'], ALL],
    [['README.md', 'docs/x.md'], []],
    [[], []],
    [['services/api/.env.example'], ['api']],
    [['services/apiary/x'], []]
  ])('%j → %j', (files, services) => {
    expect(attribution.servicesOf(files)).toEqual(services);
  });

  it('a shared path wins even with other files in the same commit, in manifest order', () => {
    expect(attribution.servicesOf(['services/cli/x', '.slipway/services.yml'])).toEqual(ALL);
  });

  it('a service without paths gets nothing; no shared paths means none are shared', () => {
    const a = compileAttribution({
      sharedPaths: [],
      services: [{ ...manifest.services[0]!, name: 'x', paths: [] }]
    });
    expect(a.servicesOf(['anything', '.slipway/services.yml'])).toEqual([]);
  });
});

describe('attributeCommits', () => {
  it('lists each service’s commits in order, every service present', () => {
    const result = attributeCommits(
      [
        { sha: 'a', files: ['services/api/x'] },
        { sha: 'b', files: ['README.md'] },
        { sha: 'c', files: ['libs/shared/y'] },
        { sha: 'd', files: ['.slipway/services.yml'] }
      ],
      attribution
    );
    expect(Object.fromEntries(result)).toEqual({
      api: ['a', 'c', 'd'],
      dashboard: ['d'],
      runner: ['c', 'd'],
      daemon: ['c', 'd'],
      proxy: ['c', 'd'],
      cli: ['d']
    });
  });
});

describe('parseDiffTreeOutput', () => {
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);
  const C = 'c'.repeat(40);

  it('splits `<sha>\\0<file>\\0…` blocks; a commit with no output (a merge) has no files', () => {
    const out = `${A}\0x/1\0x/2\0${C}\0y\0`;
    expect(Object.fromEntries(parseDiffTreeOutput(out, [A, B, C]))).toEqual({
      [A]: ['x/1', 'x/2'],
      [B]: [],
      [C]: ['y']
    });
  });

  it('a file named like a sha that was not asked for stays a file', () => {
    expect(parseDiffTreeOutput(`${A}\0${B}\0`, [A]).get(A)).toEqual([B]);
  });
});

describe('readCommitFiles (real git)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-attr-'));
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@x',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@x'
  };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' }).trim();
  const write = (file: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), `${file} ${Math.random()}\n`);
  };

  it('gives the root commit’s files, renames as both paths, and no files for a merge', async () => {
    git('init', '-q', '-b', 'main');
    write('services/api/a.txt');
    write('README.md');
    git('add', '-A');
    git('commit', '-qm', 'feat: root');
    const root = git('rev-parse', 'HEAD');
    mkdirSync(path.join(dir, 'services/cli'), { recursive: true });
    git('mv', 'services/api/a.txt', 'services/cli/a.txt');
    git('commit', '-qm', 'refactor: move');
    const moved = git('rev-parse', 'HEAD');
    git('checkout', '-qb', 'side');
    write('services/dashboard/d.txt');
    git('add', '-A');
    git('commit', '-qm', 'feat: side');
    const side = git('rev-parse', 'HEAD');
    git('checkout', '-q', 'main');
    write('services/proxy/p.txt');
    git('add', '-A');
    git('commit', '-qm', 'fix: main');
    git('merge', '-q', '--no-ff', '-m', 'Merge side', 'side');
    const merge = git('rev-parse', 'HEAD');

    const files = await readCommitFiles(dir, [merge, side, moved, root]);
    expect(files.get(root)?.sort()).toEqual(['README.md', 'services/api/a.txt']);
    expect(files.get(moved)?.sort()).toEqual(['services/api/a.txt', 'services/cli/a.txt']);
    expect(files.get(side)).toEqual(['services/dashboard/d.txt']);
    expect(files.get(merge)).toEqual([]);
    expect(attribution.servicesOf(files.get(moved)!)).toEqual(['api', 'cli']);
    expect(await readCommitFiles(dir, [])).toEqual(new Map());
  });
});
