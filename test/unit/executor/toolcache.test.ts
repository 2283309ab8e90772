import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tc from '@actions/tool-cache';
import { jobToolCache, publishToolCache } from '../../../scripts/executor/toolcache.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'executor-toolcache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** @actions/tool-cache reads RUNNER_TOOL_CACHE on each call: run fn with a job's cache as the action would see it */
async function withCache<T>(cache: string, fn: () => Promise<T> | T): Promise<T> {
  const was = process.env.RUNNER_TOOL_CACHE;
  process.env.RUNNER_TOOL_CACHE = cache;
  try {
    return await fn();
  } finally {
    if (was === undefined) delete process.env.RUNNER_TOOL_CACHE;
    else process.env.RUNNER_TOOL_CACHE = was;
  }
}

test('a job sees the complete shared tools, caches its own apart, and publishes them whole', async () => {
  const shared = path.join(dir, 'shared');
  mkdirSync(path.join(shared, 'trivy/0.1.0/x64'), { recursive: true });
  writeFileSync(path.join(shared, 'trivy/0.1.0/x64/trivy'), 'old');
  writeFileSync(path.join(shared, 'trivy/0.1.0/x64.complete'), '');
  // half cached by someone (no marker): not offered
  mkdirSync(path.join(shared, 'cosign/2.0.0/x64'), { recursive: true });

  const job1 = jobToolCache(shared, path.join(dir, 'job1'));
  const job2 = jobToolCache(shared, path.join(dir, 'job2'));
  expect(await withCache(job1, () => tc.find('trivy', '0.1.0', 'x64'))).toBe(
    path.join(job1, 'trivy/0.1.0/x64')
  );
  expect(await withCache(job1, () => tc.find('cosign', '2.0.0', 'x64'))).toBe('');

  // both jobs cache cosign, each in its own directory, as the real tool-cache does it (one after the other here:
  // tool-cache reads RUNNER_TOOL_CACHE from this process's environment; jobs are separate processes)
  const source = path.join(dir, 'extracted');
  mkdirSync(source);
  writeFileSync(path.join(source, 'cosign'), 'new');
  await withCache(job1, () => tc.cacheDir(source, 'cosign', '2.0.0', 'x64'));
  await withCache(job2, () => tc.cacheDir(source, 'cosign', '2.0.0', 'x64'));
  expect(publishToolCache(job1, shared)).toEqual(['cosign/2.0.0/x64']);
  // the first to publish wins; the shared trivy link is not copied back
  expect(publishToolCache(job2, shared)).toEqual([]);
  expect(readFileSync(path.join(shared, 'cosign/2.0.0/x64/cosign'), 'utf8')).toBe('new');
  expect(existsSync(path.join(shared, 'cosign/2.0.0/x64.complete'))).toBe(true);
  expect(lstatSync(path.join(shared, 'trivy/0.1.0/x64')).isDirectory()).toBe(true);

  const job3 = jobToolCache(shared, path.join(dir, 'job3'));
  expect(lstatSync(path.join(job3, 'cosign/2.0.0/x64')).isSymbolicLink()).toBe(true);
  expect(await withCache(job3, () => tc.find('cosign', '2.0.0', 'x64'))).toBe(
    path.join(job3, 'cosign/2.0.0/x64')
  );
});
