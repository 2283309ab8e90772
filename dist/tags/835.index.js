export const id = 835;
export const ids = [835];
export const modules = {

/***/ 6835:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createClient: () => (/* binding */ createClient),
  currentRepo: () => (/* binding */ currentRepo),
  debugRequests: () => (/* binding */ debugRequests),
  eventContext: () => (/* binding */ eventContext),
  getClient: () => (/* binding */ getClient),
  unmarkedRateLimitWait: () => (/* binding */ unmarkedRateLimitWait)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 18 modules
var core = __webpack_require__(6257);
// EXTERNAL MODULE: ./node_modules/@actions/github/lib/github.js + 21 modules
var github = __webpack_require__(1758);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-retry/dist-bundle/index.js
var dist_bundle = __webpack_require__(9735);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-throttling/dist-bundle/index.js
var plugin_throttling_dist_bundle = __webpack_require__(6856);
// EXTERNAL MODULE: ./node_modules/bottleneck/lib/index.js
var lib = __webpack_require__(2203);
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(8500);
;// CONCATENATED MODULE: ./.tmp/build/actions/lib/backoff.js
/** The one wait of the suite and the one exponential backoff (base, 2·base, 4·base, … capped). */

function sleep(ms) {
    return (0,promises_.setTimeout)(ms);
}
/** The wait before retry `attempt` (1-based): base · 2^(attempt-1), capped. */
function backoffDelay(attempt, baseMs, capMs = 60_000) {
    return Math.min(capMs, baseMs * 2 ** (attempt - 1));
}
/** The waits before retries 1..n. */
function backoffDelays(retries, baseMs, capMs = 60_000) {
    return Array.from({ length: Math.max(0, retries) }, (_, i) => backoffDelay(i + 1, baseMs, capMs));
}

// EXTERNAL MODULE: ./.tmp/build/actions/lib/errors.js
var errors = __webpack_require__(3337);
;// CONCATENATED MODULE: ./.tmp/build/actions/lib/github.js
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







const header = (e, name) => {
    const v = e.response?.headers?.[name];
    return v === undefined ? undefined : String(v);
};
/** A 403/429 plugin-throttling does not recognise: no "secondary rate" message, remaining not 0. */
function unmarkedRateLimitWait(error, baseMs = 1000) {
    const e = error;
    if (e.status !== 429 && e.status !== 403)
        return undefined;
    if (/\bsecondary rate\b/i.test(e.message ?? '') || header(e, 'x-ratelimit-remaining') === '0')
        return undefined;
    const after = header(e, 'retry-after');
    if (after !== undefined && /^\d+$/.test(after.trim()))
        return Number(after) * baseMs;
    // an unmarked 429 without retry-after: GitHub says wait at least a minute; a bare 403 is a permission error
    return e.status === 429 ? 60 * baseMs : undefined;
}
let clientSeq = 0;
/**
 * ACTIONS_STEP_DEBUG (core.isDebug(): RUNNER_DEBUG=1, https://github.com/actions/toolkit/blob/master/docs/action-debugging.md):
 * every HTTP request to the API as a ::debug:: line — method, URL, status, and which retry it was. Given first among
 * the plugins, its hooks are the innermost, so each attempt is logged, not only the final answer.
 */
function debugRequests(octokit) {
    if (!core/* isDebug */._o())
        return;
    // a retry (plugin-retry, the rate-limit plugins) sends the same options object again: counted per object
    const attempts = new WeakMap();
    const line = (o, outcome) => {
        const n = attempts.get(o) ?? 0;
        attempts.set(o, n + 1);
        const { method, url } = octokit.request.endpoint.parse(o);
        core/* debug */.Yz(`GitHub API ${method} ${url}${n ? ` (retry ${n})` : ''} → ${outcome}`);
    };
    octokit.hook.after('request', (response, o) => line(o, response.status));
    octokit.hook.error('request', (error, o) => {
        line(o, (0,errors/* httpStatus */.nG)(error) ?? error.message);
        throw error;
    });
}
/** A GitHub client with retries, throttling and rate-limit tracking; `github-token` must be set. */
function createClient(token, options = {}) {
    if (!token) {
        throw new errors/* ConfigurationError */.j1("Input 'github-token' is empty: pass `github-token: ${{ secrets.GITHUB_TOKEN }}` (or a token with the needed permissions)");
    }
    const log = options.log ?? (() => undefined);
    const base = options.retryAfterBaseMs ?? 1000;
    const maxRetries = options.rateLimitRetries ?? 3;
    const maxReset = options.maxResetWaitSeconds ?? 60;
    const id = `slipway-${process.pid}-${++clientSeq}`;
    const rateLimit = {};
    let requests = 0;
    const track = (headers) => {
        const n = (k) => {
            const v = headers?.[k];
            return v === undefined || !/^\d+$/.test(String(v)) ? undefined : Number(v);
        };
        if (n('x-ratelimit-remaining') === undefined)
            return;
        rateLimit.limit = n('x-ratelimit-limit');
        rateLimit.remaining = n('x-ratelimit-remaining');
        rateLimit.reset = n('x-ratelimit-reset');
        const resource = headers?.['x-ratelimit-resource'];
        rateLimit.resource = resource === undefined ? undefined : String(resource);
        rateLimit.seenAtRequest = requests;
    };
    // a plugin given before retry and throttling: its hook is the innermost, so it sees every HTTP request and answer
    const observe = (inner) => {
        inner.hook.wrap('request', async (request, requestOptions) => {
            for (let attempt = 1;; attempt++) {
                requests++;
                try {
                    const response = await request(requestOptions);
                    track(response.headers);
                    return response;
                }
                catch (error) {
                    track(error.response?.headers);
                    const wait = attempt <= maxRetries ? unmarkedRateLimitWait(error, base) : undefined;
                    if (wait === undefined)
                        throw error;
                    log(`GitHub answered ${(0,errors/* httpStatus */.nG)(error)} with retry-after to ${requestOptions.method} ${requestOptions.url}: retry ${attempt} in ${wait / base}s`);
                    await sleep(wait);
                }
            }
        });
    };
    // given after retry and throttling: its hook is the outermost, so it sees only the final failure (after every
    // retry and rate-limit wait) and turns it into a message naming `github-token`, the permission and the fix
    const explain = (inner) => {
        inner.hook.wrap('request', async (request, requestOptions) => {
            try {
                return await request(requestOptions);
            }
            catch (error) {
                throw (0,errors/* isGitHubRequestError */.Bd)(error) ? (0,errors/* githubApiError */.Ar)(error, options.operation) : error;
            }
        });
    };
    const octokit = github/* getOctokit */.Q(token, {
        baseUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
        throttle: {
            id,
            retryAfterBaseValue: base,
            write: new lib.Group({
                maxConcurrent: options.writeConcurrency ?? 1,
                minTime: options.writeIntervalMs ?? 1000
            }),
            onRateLimit: (retryAfter, o, _o, count) => {
                const ok = count < maxRetries && retryAfter <= maxReset;
                log(`GitHub primary rate limit reached on ${o.method} ${o.url}: ` +
                    (ok ? `retrying after the reset in ${retryAfter}s` : `reset in ${retryAfter}s, not waiting`));
                return ok;
            },
            onSecondaryRateLimit: (retryAfter, o, _o, count) => {
                log(`GitHub secondary rate limit on ${o.method} ${o.url}: retry ${count + 1} in ${retryAfter}s`);
                return count < maxRetries;
            }
        },
        retry: { retryAfterBaseValue: base, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] }
    }, debugRequests, observe, dist_bundle/* retry */.L, plugin_throttling_dist_bundle/* throttling */.A, explain);
    return { octokit, rateLimit, requests: () => requests };
}
function getClient(token, options = {}) {
    return createClient(token, options).octokit;
}
function currentRepo() {
    const full = process.env.GITHUB_REPOSITORY ?? '';
    const [owner, repo] = full.split('/');
    if (!owner || !repo) {
        throw new errors/* ConfigurationError */.j1(`GITHUB_REPOSITORY must be "owner/repo", got '${full}'`);
    }
    return { owner, repo };
}
/** The parsed event payload (GITHUB_EVENT_PATH) and the fields Slipway reads from the environment. */
function eventContext() {
    const ctx = github/* context */._;
    return {
        eventName: ctx.eventName,
        ref: ctx.ref,
        sha: ctx.sha,
        payload: ctx.payload
    };
}


/***/ })

};
