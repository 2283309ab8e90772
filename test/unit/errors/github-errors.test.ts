/**
 * GitHub API failures end in a message we wrote: the real client (lib/github.ts, with its retry and throttling
 * plugins) against a small local server that answers like GitHub does when the token is bad (401 "Bad
 * credentials"), lacks a permission (403 "Resource not accessible by integration"), or GitHub fails (500).
 * retryAfterBaseMs shrinks the documented retry waits (1 s, 4 s, 9 s) to milliseconds; the retries still happen.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createClient } from '../../../actions/lib/github.js';
import { GitHubApiError, GITHUB_OPERATIONS, githubApiError } from '../../../actions/lib/errors.js';
import { failureMessage } from '../../../actions/lib/run.js';

let server: http.Server;
let answer: { status: number; message: string; headers?: Record<string, string> };
let hits = 0;
const saved = process.env.GITHUB_API_URL;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits++;
    res
      .writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers })
      .end(JSON.stringify({ message: answer.message, documentation_url: 'https://docs.github.com/rest' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.GITHUB_API_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  process.env.GITHUB_API_URL = saved;
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  hits = 0;
});

async function failure(
  operation: keyof typeof GITHUB_OPERATIONS | undefined,
  call: string
): Promise<unknown> {
  const { octokit } = createClient('t0ken', { operation, retryAfterBaseMs: 1, writeIntervalMs: 0 });
  try {
    if (call === 'deploy') await octokit.rest.repos.createDeployment({ owner: 'o', repo: 'r', ref: 'main' });
    else if (call === 'sarif')
      await octokit.rest.codeScanning.uploadSarif({
        owner: 'o',
        repo: 'r',
        commit_sha: 'a'.repeat(40),
        ref: 'refs/heads/main',
        sarif: 'x'
      });
    else await octokit.rest.repos.get({ owner: 'o', repo: 'r' });
  } catch (error) {
    return error;
  }
  throw new Error('the call did not fail');
}

const noStack = (text: string): void => expect(text).not.toMatch(/^\s+at /m);

describe('GitHub API errors name github-token, the permission and the fix', () => {
  test('401 Bad credentials: names github-token and a re-run, not retried', async () => {
    answer = { status: 401, message: 'Bad credentials' };
    const error = await failure('read-repository', 'get');
    expect(error).toBeInstanceOf(GitHubApiError);
    const text = failureMessage(error);
    expect(text).toContain('HTTP 401');
    expect(text).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/repos\/o\/r /);
    expect(text).toContain('"Bad credentials"');
    expect(text).toContain("input 'github-token'");
    expect(text).toContain('re-run the job');
    noStack(text);
    expect(hits).toBe(1);
  });

  test('403 on createDeployment names deployments: write', async () => {
    answer = {
      status: 403,
      message: 'Resource not accessible by integration',
      headers: { 'x-accepted-github-permissions': 'deployments=write' }
    };
    const error = (await failure('record-deployments', 'deploy')) as GitHubApiError;
    expect(error.message).toContain('(GitHub accepts: deployments=write)');
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/POST \S+\/repos\/o\/r\/deployments /);
    expect(error.message).toContain("input 'github-token'");
    expect(error.message).toContain('permissions: deployments: write');
    expect(error.message).toContain('re-run the job');
    noStack(error.message);
  });

  test('403 on the SARIF upload names security-events: write', async () => {
    answer = { status: 403, message: 'Resource not accessible by integration' };
    const error = (await failure('upload-code-scanning', 'sarif')) as GitHubApiError;
    expect(error.message).toContain('security-events: write');
    expect(error.message).toContain("'github-token'");
  });

  test('500 is retried, then reported as GitHub failing with a re-run', async () => {
    answer = { status: 500, message: 'Server Error' };
    const error = (await failure('delete-package-versions', 'get')) as GitHubApiError;
    expect(hits).toBe(4); // the first try and plugin-retry's 3 retries
    expect(error.status).toBe(500);
    expect(error.message).toContain('HTTP 500');
    expect(error.message).toContain('githubstatus.com');
    expect(error.message).toContain('re-run the job');
    noStack(error.message);
  });

  test('404 keeps its status (callers treat it as absent) and names the permission', async () => {
    answer = { status: 404, message: 'Not Found' };
    const error = (await failure('publish-release-assets', 'get')) as GitHubApiError;
    expect(error.status).toBe(404);
    expect(error.message).toContain('contents: write');
    expect(error.message).toContain('repository/package name');
  });
});

describe('runAction failure messages', () => {
  const rawRequestError = (status: number, message: string): Error =>
    Object.assign(new Error(`${message} - https://docs.github.com/rest`), {
      status,
      request: { method: 'POST', url: 'https://api.github.com/repos/o/r/releases?x=1' },
      response: { headers: {}, data: { message } }
    });

  test('a raw Octokit error (semantic-release) is mapped with the action-level operation', () => {
    const text = failureMessage(rawRequestError(403, 'Resource not accessible by integration'), {
      githubOperation: 'release'
    });
    expect(text).toContain('POST https://api.github.com/repos/o/r/releases (');
    expect(text).toContain('contents: write');
    expect(text).not.toContain('x=1');
  });

  test("semantic-release's AggregateError of a GitHub 429 and 500 gives one line each, no stack", () => {
    const text = failureMessage(
      new AggregateError([
        rawRequestError(429, 'API rate limit exceeded'),
        rawRequestError(500, 'Server Error')
      ]),
      { githubOperation: 'release' }
    );
    expect(text).toContain('HTTP 429');
    expect(text).toContain('rate limit');
    expect(text).toContain('HTTP 500');
    noStack(text);
  });

  test('stack frames inside a library message are dropped', () => {
    const text = failureMessage(new Error('boom\n    at foo (x.js:1:1)\n    at bar (y.js:2:2)'));
    expect(text).toBe('boom');
  });

  test('every operation names at least one job permission', () => {
    for (const [op, spec] of Object.entries(GITHUB_OPERATIONS)) {
      expect(spec.permissions.length).toBeGreaterThan(0);
      const msg = githubApiError(rawRequestError(403, 'x'), op as keyof typeof GITHUB_OPERATIONS).message;
      for (const p of spec.permissions) expect(msg).toContain(p);
    }
  });
});
