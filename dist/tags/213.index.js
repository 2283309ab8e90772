export const id = 213;
export const ids = [213];
export const modules = {

/***/ 4213:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createClient: () => (/* binding */ createClient),
/* harmony export */   currentRepo: () => (/* binding */ currentRepo),
/* harmony export */   debugRequests: () => (/* binding */ debugRequests),
/* harmony export */   eventContext: () => (/* binding */ eventContext),
/* harmony export */   getClient: () => (/* binding */ getClient),
/* harmony export */   unmarkedRateLimitWait: () => (/* binding */ unmarkedRateLimitWait)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6257);
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1758);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6856);
/* harmony import */ var bottleneck__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2203);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3337);
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
    if (!_actions_core__WEBPACK_IMPORTED_MODULE_0__/* .isDebug */ ._o())
        return;
    // a retry (plugin-retry, the rate-limit plugins) sends the same options object again: counted per object
    const attempts = new WeakMap();
    const line = (o, outcome) => {
        const n = attempts.get(o) ?? 0;
        attempts.set(o, n + 1);
        const { method, url } = octokit.request.endpoint.parse(o);
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(`GitHub API ${method} ${url}${n ? ` (retry ${n})` : ''} → ${outcome}`);
    };
    octokit.hook.after('request', (response, o) => line(o, response.status));
    octokit.hook.error('request', (error, o) => {
        line(o, error.status ?? error.message);
        throw error;
    });
}
/** A GitHub client with retries, throttling and rate-limit tracking; `github-token` must be set. */
function createClient(token, options = {}) {
    if (!token) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ConfigurationError */ .j1("Input 'github-token' is empty: pass `github-token: ${{ secrets.GITHUB_TOKEN }}` (or a token with the needed permissions)");
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
                    log(`GitHub answered ${error.status} with retry-after to ${requestOptions.method} ${requestOptions.url}: retry ${attempt} in ${wait / base}s`);
                    await new Promise((resolve) => setTimeout(resolve, wait));
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
                throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .isGitHubRequestError */ .Bd)(error) ? (0,_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .githubApiError */ .Ar)(error, options.operation) : error;
            }
        });
    };
    const octokit = _actions_github__WEBPACK_IMPORTED_MODULE_1__/* .getOctokit */ .Q(token, {
        baseUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
        throttle: {
            id,
            retryAfterBaseValue: base,
            write: new bottleneck__WEBPACK_IMPORTED_MODULE_2__.Group({
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
    }, debugRequests, observe, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_4__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_5__/* .throttling */ .A, explain);
    return { octokit, rateLimit, requests: () => requests };
}
function getClient(token, options = {}) {
    return createClient(token, options).octokit;
}
function currentRepo() {
    const full = process.env.GITHUB_REPOSITORY ?? '';
    const [owner, repo] = full.split('/');
    if (!owner || !repo) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ConfigurationError */ .j1(`GITHUB_REPOSITORY must be "owner/repo", got '${full}'`);
    }
    return { owner, repo };
}
/** The parsed event payload (GITHUB_EVENT_PATH) and the fields Slipway reads from the environment. */
function eventContext() {
    const ctx = _actions_github__WEBPACK_IMPORTED_MODULE_1__/* .context */ ._;
    return {
        eventName: ctx.eventName,
        ref: ctx.ref,
        sha: ctx.sha,
        payload: ctx.payload
    };
}


/***/ })

};
