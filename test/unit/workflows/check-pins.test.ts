/**
 * scripts/check-pins.ts: what it checks (every pinned download and action), and that it tells a good pin from a
 * gone, a changed and a moved one — downloads through an injected fetch, tags through `git ls-remote` of a real
 * local repository.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import {
  actionPins,
  checkAction,
  checkDownload,
  commitOfTag,
  downloadPins
} from '../../../scripts/check-pins.js';
import { PINS } from '../../../workflows-src/lib/actions.js';

describe('what is checked', () => {
  test('every pinned tool download and every action pin', () => {
    const urls = downloadPins().map((d) => d.url);
    expect(urls).toContain(
      'https://github.com/aquasecurity/trivy/releases/download/v0.69.3/trivy_0.69.3_Linux-64bit.tar.gz'
    );
    expect(urls.some((u) => u.includes('/gitleaks/gitleaks/releases/'))).toBe(true);
    expect(urls.some((u) => u.includes('/sigstore/cosign/releases/'))).toBe(true);
    expect(downloadPins().every((d) => /^[0-9a-f]{64}$/.test(d.sha256))).toBe(true);
    expect(actionPins()).toHaveLength(Object.keys(PINS).length);
    expect(actionPins().find((a) => a.action === 'github/codeql-action/upload-sarif')!.repo).toBe(
      'github/codeql-action'
    );
  });
});

describe('downloads', () => {
  const body = Buffer.from('release bytes');
  const sha = createHash('sha256').update(body).digest('hex');
  const pin = { tool: 't', version: '1.0.0', platform: 'p', url: 'https://example.test/t', sha256: sha };
  const serve = (status: number, bytes: Buffer): typeof fetch =>
    (async () => new Response(status === 200 ? bytes : null, { status })) as typeof fetch;

  test('a download that hashes to its pin passes', async () => {
    await expect(checkDownload(pin, serve(200, body))).resolves.toBeUndefined();
  });
  test('a changed asset and a deleted one are reported', async () => {
    await expect(checkDownload(pin, serve(200, Buffer.from('other')))).resolves.toMatch(
      new RegExp(`SHA-256 [0-9a-f]{64}, pinned ${sha}`)
    );
    await expect(checkDownload(pin, serve(404, body))).resolves.toMatch(
      /HTTP 404 \(the release asset is gone/
    );
  });
});

describe('action tags', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'check-pins-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', dir, ...args], {
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@t',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@t'
      }
    }).trim();
  git('init', '-q');
  writeFileSync(path.join(dir, 'action.yml'), 'runs: { using: node24, main: index.js }\n');
  git('add', '.');
  git('commit', '-qm', 'one');
  const first = git('rev-parse', 'HEAD');
  git('tag', 'v1.0.0');
  git('tag', '-a', 'v1.0.1', '-m', 'annotated');
  git('commit', '-q', '--allow-empty', '-m', 'two');
  const second = git('rev-parse', 'HEAD');
  git('tag', 'v2.0.0');
  const local = (): string => dir;

  test('lightweight and annotated tags resolve to their commit', async () => {
    await expect(
      checkAction({ action: 'o/r', repo: 'o/r', tag: 'v1.0.0', sha: first }, local)
    ).resolves.toBeUndefined();
    await expect(
      checkAction({ action: 'o/r', repo: 'o/r', tag: 'v1.0.1', sha: first }, local)
    ).resolves.toBeUndefined();
  });
  test('a moved tag and a missing tag are reported', async () => {
    await expect(checkAction({ action: 'o/r', repo: 'o/r', tag: 'v2.0.0', sha: first }, local)).resolves.toBe(
      `o/r@v2.0.0: the tag points to ${second}, pinned ${first} (moved tag: review before re-pinning)`
    );
    await expect(checkAction({ action: 'o/r', repo: 'o/r', tag: 'v9.9.9', sha: first }, local)).resolves.toBe(
      'o/r@v9.9.9: the tag no longer exists in o/r'
    );
  });
  test('the peeled line of an annotated tag wins over the tag object', () => {
    const out = 'aaa\trefs/tags/v1\nbbb\trefs/tags/v1^{}\n';
    expect(commitOfTag(out, 'v1')).toBe('bbb');
    expect(commitOfTag('ccc\trefs/tags/v1\n', 'v1')).toBe('ccc');
    expect(commitOfTag('', 'v1')).toBeUndefined();
  });
});
