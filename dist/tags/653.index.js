export const id = 653;
export const ids = [653];
export const modules = {

/***/ 653:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   formatDate: () => (/* binding */ formatDate)
/* harmony export */ });
/* harmony import */ var moment_timezone__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9856);
/**
 * {{date}} / {{commit_date}} formatting with moment-timezone, as docker/metadata-action does it (moment format
 * tokens, IANA zones). A module of its own so the action loads moment-timezone and its zone data (~0.7 MB of
 * JSON) only when a template uses a date.
 */

const formatDate = (date, format, tz) => {
    if (moment_timezone__WEBPACK_IMPORTED_MODULE_0__.tz.zone(tz) === null) {
        throw new Error(`unknown time zone tz='${tz}' (use an IANA name such as Europe/Paris or Asia/Tokyo)`);
    }
    // An undefined format is moment's default (ISO 8601 with offset), which is what metadata-action gives for an
    // unquoted format that handlebars read as a path.
    return moment_timezone__WEBPACK_IMPORTED_MODULE_0__(date).tz(tz).format(format);
};


/***/ })

};
