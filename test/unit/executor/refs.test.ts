import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mappedRoot, resolveRef } from '../../../scripts/executor/refs.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'executor-refs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    cwd: dir,
    encoding: 'utf8'
  }).trim();

mkdirSync(path.join(dir, 'actions/x'), { recursive: true });
git('init', '-q', '-b', 'main');
writeFileSync(path.join(dir, 'actions/x/file.txt'), 'one\n');
git('add', '-A');
git('commit', '-q', '-m', 'one');
const first = git('rev-parse', 'HEAD');
git('tag', 'v1');
git('branch', 'release');
writeFileSync(path.join(dir, 'actions/x/file.txt'), 'two\n');
git('commit', '-q', '-am', 'two');
const head = git('rev-parse', 'HEAD');
writeFileSync(path.join(dir, 'actions/x/file.txt'), 'uncommitted\n');

const uses = (ref: string) => ({ owner: 'acme', repo: 'tools', subpath: 'actions/x', ref });
const read = (root: string) => readFileSync(path.join(root, 'actions/x/file.txt'), 'utf8');

describe('refs of mapped repositories', () => {
  test('tags, branches and full SHAs resolve; short SHAs and unknown refs do not', () => {
    expect(resolveRef(dir, 'v1')).toBe(first);
    expect(resolveRef(dir, 'release')).toBe(first);
    expect(resolveRef(dir, 'main')).toBe(head);
    expect(resolveRef(dir, head)).toBe(head);
    expect(resolveRef(dir, head.slice(0, 7))).toBeUndefined();
    expect(resolveRef(dir, 'v2')).toBeUndefined();
    expect(resolveRef(dir, 'f'.repeat(40))).toBeUndefined();
  });

  test('HEAD is the working tree (uncommitted state); another commit is its own files', () => {
    const repos = { 'acme/tools': dir };
    expect(mappedRoot(repos, uses('main'), 'action', 'here')).toBe(dir);
    expect(read(mappedRoot(repos, uses(head), 'action', 'here')!)).toBe('uncommitted\n');
    expect(read(mappedRoot(repos, uses('v1'), 'action', 'here')!)).toBe('one\n');
  });

  test("an unknown ref is refused in GitHub's words; owner/name@ref=dir lets the working tree stand for it", () => {
    const repos = { 'acme/tools': dir };
    expect(() => mappedRoot(repos, uses('v9'), 'action', 'here')).toThrow(
      'here: Unable to resolve action `acme/tools/actions/x@v9`, unable to find version `v9`'
    );
    expect(() => mappedRoot(repos, uses(head.slice(0, 7)), 'workflow', 'here')).toThrow(
      'failed to fetch workflow: reference to workflow should be either a valid branch, tag, or commit'
    );
    expect(mappedRoot({ ...repos, 'acme/tools@v9': dir }, uses('v9'), 'action', 'here')).toBe(dir);
    expect(() => mappedRoot({ 'acme/tools@v9': dir }, uses('v8'), 'action', 'here')).toThrow(
      'acme/tools is mapped only for other refs than v8'
    );
    expect(mappedRoot({}, uses('v1'), 'action', 'here')).toBeUndefined();
  });
});
