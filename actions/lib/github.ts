/**
 * GitHub client and event context. @actions/github reads GITHUB_API_URL for the base URL, which is how GHES and
 * the tests' local API fake are reached.
 *
 * Every client retries and throttles the way GitHub documents, by construction (one place for every action):
 * - @octokit/plugin-throttling queues requests (at most 10 at once; mutative requests one at a time, 1 s apart unless
 *   the caller asks for another pace) and handles both documented rate-limit answers: a primary limit
 *   (`x-ratelimit-remaining: 0`, wait until `x-ratelimit-reset`) and a secondary limit (403/429 whose message says
 *   "secondary rate limit", wait `retry-after`, else a minute). Its source (wrap-request.js / index.js, v11) matches
 *   both on 403 and 429.
 * - @octokit/plugin-retry retries 5xx and network errors (1 s, 4 s, 9 s).
 * - The gap both leave: a 403/429 that carries `retry-after` but neither the secondary-limit message nor
 *   `x-ratelimit-remaining: 0` (GitHub: "If the retry-after response header is present, you should not retry your
 *   request until after that many seconds has elapsed") is retried here after `retry-after`.
 *
 * Rate limits: https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
 * Handling them: https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api
 */
import * as core from '@actions/core';
import * as github from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import { sleep } from './backoff.js';
import {
  ConfigurationError,
  githubApiError,
  httpStatus,
  isGitHubRequestError,
  type GitHubOperation,
  type HttpErrorLike
} from './errors.js';

export type Octokit = ReturnType<typeof github.getOctokit>;

/** What the client learnt from the last `x-ratelimit-*` headers it received (primary limit). */
export interface RateLimitState {
  limit?: number;
  remaining?: number;
  /** epoch seconds */
  reset?: number;
  resource?: string;
  /** the client's request count when these headers arrived */
  seenAtRequest?: number;
}

export interface ClientOptions {
  /** longest wait for a primary rate limit reset before giving up on the request (default 60 s) */
  maxResetWaitSeconds?: number;
  /** retries of one request after a rate limit (default 3) */
  rateLimitRetries?: number;
  /** mutative requests in flight at once (default 1, as GitHub's best practices ask) */
  writeConcurrency?: number;
  /** ms between the starts of two mutative requests (default 1000, GitHub: "wait at least one second") */
  writeIntervalMs?: number;
  /** unit of retry-after / reset waits in ms (default 1000; tests and the bench shrink time with it) */
  retryAfterBaseMs?: number;
  /** debug log of every retry and wait */
  log?: (line: string) => void;
  /** what the action uses GitHub for: names the job permission in error messages (errors.ts GITHUB_OPERATIONS) */
  operation?: GitHubOperation;
}

export interface GitHubClient {
  octokit: Octokit;
  /** the primary limit as last reported by GitHub */
  rateLimit: RateLimitState;
  /** HTTP requests sent, retries included */
  requests(): number;
}

const header = (e: HttpErrorLike, name: string): string | undefined => {
  const v = e.response?.headers?.[name];
  return v === undefined ? undefined : String(v);
};

/** A 403/429 plugin-throttling does not recognise: no "secondary rate" message, remaining not 0. */
export function unmarkedRateLimitWait(error: unknown, baseMs = 1000): number | undefined {
  const e = error as HttpErrorLike;
  if (e.status !== 429 && e.status !== 403) return undefined;
  if (/\bsecondary rate\b/i.test(e.message ?? '') || header(e, 'x-ratelimit-remaining') === '0')
    return undefined;
  const after = header(e, 'retry-after');
  if (after !== undefined && /^\d+$/.test(after.trim())) return Number(after) * baseMs;
  // an unmarked 429 without retry-after: GitHub says wait at least a minute; a bare 403 is a permission error
  return e.status === 429 ? 60 * baseMs : undefined;
}

let clientSeq = 0;

/**
 * ACTIONS_STEP_DEBUG (core.isDebug(): RUNNER_DEBUG=1, https://github.com/actions/toolkit/blob/master/docs/action-debugging.md):
 * every HTTP request to the API as a ::debug:: line — method, URL, status, and which retry it was. Given first among
 * the plugins, its hooks are the innermost, so each attempt is logged, not only the final answer.
 */
export function debugRequests(octokit: { hook: Octokit['hook']; request: Octokit['request'] }): void {
  if (!core.isDebug()) return;
  // a retry (plugin-retry, the rate-limit plugins) sends the same options object again: counted per object
  const attempts = new WeakMap<object, number>();
  const line = (
    o: Parameters<Octokit['request']['endpoint']['parse']>[0],
    outcome: string | number
  ): void => {
    const n = attempts.get(o) ?? 0;
    attempts.set(o, n + 1);
    const { method, url } = octokit.request.endpoint.parse(o);
    core.debug(`GitHub API ${method} ${url}${n ? ` (retry ${n})` : ''} → ${outcome}`);
  };
  octokit.hook.after('request', (response, o) => line(o, response.status));
  octokit.hook.error('request', (error, o) => {
    line(o, httpStatus(error) ?? (error as Error).message);
    throw error;
  });
}

/** A GitHub client with retries, throttling and rate-limit tracking; `github-token` must be set. */
export function createClient(token: string | undefined, options: ClientOptions = {}): GitHubClient {
  if (!token) {
    throw new ConfigurationError(
      "Input 'github-token' is empty: pass `github-token: ${{ secrets.GITHUB_TOKEN }}` (or a token with the needed permissions)"
    );
  }
  const log = options.log ?? (() => undefined);
  const base = options.retryAfterBaseMs ?? 1000;
  const maxRetries = options.rateLimitRetries ?? 3;
  const maxReset = options.maxResetWaitSeconds ?? 60;
  const id = `slipway-${process.pid}-${++clientSeq}`;
  const rateLimit: RateLimitState = {};
  let requests = 0;
  const track = (headers: Record<string, string | number | undefined> | undefined): void => {
    const n = (k: string): number | undefined => {
      const v = headers?.[k];
      return v === undefined || !/^\d+$/.test(String(v)) ? undefined : Number(v);
    };
    if (n('x-ratelimit-remaining') === undefined) return;
    rateLimit.limit = n('x-ratelimit-limit');
    rateLimit.remaining = n('x-ratelimit-remaining');
    rateLimit.reset = n('x-ratelimit-reset');
    const resource = headers?.['x-ratelimit-resource'];
    rateLimit.resource = resource === undefined ? undefined : String(resource);
    rateLimit.seenAtRequest = requests;
  };
  // a plugin given before retry and throttling: its hook is the innermost, so it sees every HTTP request and answer
  const observe = (inner: { hook: Octokit['hook'] }): void => {
    inner.hook.wrap('request', async (request, requestOptions) => {
      for (let attempt = 1; ; attempt++) {
        requests++;
        try {
          const response = await request(requestOptions);
          track(response.headers as Record<string, string | number | undefined>);
          return response;
        } catch (error) {
          track((error as HttpErrorLike).response?.headers);
          const wait = attempt <= maxRetries ? unmarkedRateLimitWait(error, base) : undefined;
          if (wait === undefined) throw error;
          log(
            `GitHub answered ${httpStatus(error)} with retry-after to ${requestOptions.method} ${requestOptions.url}: retry ${attempt} in ${wait / base}s`
          );
          await sleep(wait);
        }
      }
    });
  };
  // given after retry and throttling: its hook is the outermost, so it sees only the final failure (after every
  // retry and rate-limit wait) and turns it into a message naming `github-token`, the permission and the fix
  const explain = (inner: { hook: Octokit['hook'] }): void => {
    inner.hook.wrap('request', async (request, requestOptions) => {
      try {
        return await request(requestOptions);
      } catch (error) {
        throw isGitHubRequestError(error) ? githubApiError(error, options.operation) : error;
      }
    });
  };
  const octokit = github.getOctokit(
    token,
    {
      baseUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
      throttle: {
        id,
        retryAfterBaseValue: base,
        write: new Bottleneck.Group({
          maxConcurrent: options.writeConcurrency ?? 1,
          minTime: options.writeIntervalMs ?? 1000
        }),
        onRateLimit: (retryAfter: number, o: { method: string; url: string }, _o: unknown, count: number) => {
          const ok = count < maxRetries && retryAfter <= maxReset;
          log(
            `GitHub primary rate limit reached on ${o.method} ${o.url}: ` +
              (ok ? `retrying after the reset in ${retryAfter}s` : `reset in ${retryAfter}s, not waiting`)
          );
          return ok;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          o: { method: string; url: string },
          _o: unknown,
          count: number
        ) => {
          log(`GitHub secondary rate limit on ${o.method} ${o.url}: retry ${count + 1} in ${retryAfter}s`);
          return count < maxRetries;
        }
      },
      retry: { retryAfterBaseValue: base, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] }
    },
    debugRequests,
    observe,
    retry,
    throttling,
    explain
  );
  return { octokit, rateLimit, requests: () => requests };
}

export function getClient(token: string | undefined, options: ClientOptions = {}): Octokit {
  return createClient(token, options).octokit;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

export function currentRepo(): RepoRef {
  const full = process.env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = full.split('/');
  if (!owner || !repo) {
    throw new ConfigurationError(`GITHUB_REPOSITORY must be "owner/repo", got '${full}'`);
  }
  return { owner, repo };
}

/** The parsed event payload (GITHUB_EVENT_PATH) and the fields Slipway reads from the environment. */
export function eventContext(): {
  eventName: string;
  ref: string;
  sha: string;
  payload: Record<string, unknown>;
} {
  const ctx = github.context;
  return {
    eventName: ctx.eventName,
    ref: ctx.ref,
    sha: ctx.sha,
    payload: ctx.payload as Record<string, unknown>
  };
}
