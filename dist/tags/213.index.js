export const id = 213;
export const ids = [213];
export const modules = {

/***/ 4213:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   currentRepo: () => (/* binding */ currentRepo),
/* harmony export */   eventContext: () => (/* binding */ eventContext),
/* harmony export */   getClient: () => (/* binding */ getClient)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2413);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3337);
/**
 * GitHub client and event context. @actions/github reads GITHUB_API_URL for the base URL, which is how GHES and
 * the tests' local API fake are reached.
 */


function getClient(token) {
    if (!token) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ConfigurationError */ .j1("Input 'github-token' is empty: pass `github-token: ${{ secrets.GITHUB_TOKEN }}` (or a token with the needed permissions)");
    }
    return _actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q(token, { baseUrl: process.env.GITHUB_API_URL || 'https://api.github.com' });
}
function currentRepo() {
    const full = process.env.GITHUB_REPOSITORY ?? '';
    const [owner, repo] = full.split('/');
    if (!owner || !repo) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ConfigurationError */ .j1(`GITHUB_REPOSITORY must be "owner/repo", got '${full}'`);
    }
    return { owner, repo };
}
/** The parsed event payload (GITHUB_EVENT_PATH) and the fields Slipway reads from the environment. */
function eventContext() {
    const ctx = _actions_github__WEBPACK_IMPORTED_MODULE_0__/* .context */ ._;
    return {
        eventName: ctx.eventName,
        ref: ctx.ref,
        sha: ctx.sha,
        payload: ctx.payload
    };
}


/***/ })

};
