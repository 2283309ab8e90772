/**
 * ACTIONS_STEP_DEBUG (the runner sets RUNNER_DEBUG=1, core.isDebug()): every GitHub API request and every registry
 * request is a ::debug:: line with method, URL and status (and the retry number for GitHub), against a local HTTP
 * server. Without debug nothing extra is printed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { createClient } from '../../../actions/lib/github.js';
import { RegistryClient } from '../../../actions/lib/registry.js';

let server: http.Server;
let base: string;
let flaky = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/repos/o/r') {
      // one 502 first: plugin-retry retries it
      if (flaky-- > 0)
        return void res.writeHead(502, { 'content-type': 'application/json' }).end('{"message":"bad"}');
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"r"}');
    }
    if (req.url === '/v2/app/tags/list') {
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"name":"app","tags":["v1"]}');
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let written: string[];
let spy: ReturnType<typeof jest.spyOn>;
const saved = { RUNNER_DEBUG: process.env.RUNNER_DEBUG, GITHUB_API_URL: process.env.GITHUB_API_URL };
beforeEach(() => {
  written = [];
  spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    written.push(String(chunk));
    return true;
  });
  process.env.GITHUB_API_URL = `http://${base}`;
});
afterEach(() => {
  spy.mockRestore();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
const debugLines = (): string[] =>
  written
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('::debug::'));

describe('GitHub API requests under ACTIONS_STEP_DEBUG', () => {
  test('each attempt: method, URL, status, and the retry number', async () => {
    process.env.RUNNER_DEBUG = '1';
    flaky = 1;
    const { octokit } = createClient('t', { retryAfterBaseMs: 1 });
    await octokit.rest.repos.get({ owner: 'o', repo: 'r' });
    await expect(octokit.rest.repos.get({ owner: 'o', repo: 'missing' })).rejects.toMatchObject({
      status: 404
    });
    const lines = debugLines().filter((l) => l.includes('GitHub API'));
    expect(lines).toEqual([
      `::debug::GitHub API GET http://${base}/repos/o/r → 502`,
      `::debug::GitHub API GET http://${base}/repos/o/r (retry 1) → 200`,
      `::debug::GitHub API GET http://${base}/repos/o/missing → 404`
    ]);
  });

  test('without debug: no request lines', async () => {
    delete process.env.RUNNER_DEBUG;
    const { octokit } = createClient('t', { retryAfterBaseMs: 1 });
    await octokit.rest.repos.get({ owner: 'o', repo: 'r' });
    expect(debugLines()).toEqual([]);
  });
});

describe('registry requests under ACTIONS_STEP_DEBUG', () => {
  test('method, URL and status of each request', async () => {
    process.env.RUNNER_DEBUG = '1';
    const client = new RegistryClient(base);
    expect(await client.listTags('app')).toEqual(['v1']);
    expect(await client.resolve('app', 'v9')).toBeUndefined();
    expect(debugLines()).toEqual([
      `::debug::registry GET http://${base}/v2/app/tags/list → 200`,
      `::debug::registry HEAD http://${base}/v2/app/manifests/v9 → 404`
    ]);
  });

  test('without debug: no request lines', async () => {
    delete process.env.RUNNER_DEBUG;
    await new RegistryClient(base).listTags('app');
    expect(debugLines()).toEqual([]);
  });
});
