export const id = 614;
export const ids = [614];
export const modules = {

/***/ 2614:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DEFAULT_MANIFEST_PATH: () => (/* binding */ DEFAULT_MANIFEST_PATH),
/* harmony export */   findService: () => (/* binding */ findService),
/* harmony export */   loadServicesManifest: () => (/* binding */ loadServicesManifest)
/* harmony export */ });
/* unused harmony export parseServicesManifest */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var ajv__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(2463);
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8815);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3337);
/**
 * The services manifest (`.slipway/services.yml`) of a consumer monorepo: one entry per service with its build
 * context, Dockerfile, platforms, build args, target and the path globs whose changes rebuild it.
 * Errors carry the file and line of the offending node.
 */





const DEFAULT_MANIFEST_PATH = '.slipway/services.yml';
const PLATFORM_RE = '^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$';
const NAME_RE = '^[a-z0-9]+(?:[._-][a-z0-9]+)*$';
const schema = {
    type: 'object',
    additionalProperties: false,
    required: ['version', 'services'],
    properties: {
        version: { const: 1 },
        registry: { type: 'string', minLength: 1 },
        'image-prefix': { type: 'string', pattern: '^([a-z0-9]+([._-][a-z0-9]+)*[._/-]?)?$' },
        'shared-paths': { type: 'array', items: { type: 'string', minLength: 1 } },
        services: {
            type: 'array',
            minItems: 1,
            items: {
                type: 'object',
                additionalProperties: false,
                required: ['name'],
                properties: {
                    name: { type: 'string', pattern: NAME_RE },
                    context: { type: 'string', minLength: 1 },
                    dockerfile: { type: 'string', minLength: 1 },
                    image: { type: 'string', minLength: 1 },
                    target: { type: 'string', minLength: 1 },
                    platforms: { type: 'array', minItems: 1, items: { type: 'string', pattern: PLATFORM_RE } },
                    'build-args': {
                        type: 'object',
                        additionalProperties: { type: ['string', 'number', 'boolean'] }
                    },
                    paths: { type: 'array', items: { type: 'string', minLength: 1 } }
                }
            }
        }
    }
};
const validate = new ajv__WEBPACK_IMPORTED_MODULE_4__.Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true }).compile(schema);
function lineOf(doc, counter, instancePath) {
    const segments = instancePath
        .split('/')
        .slice(1)
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
    for (let n = segments.length; n >= 0; n--) {
        const node = n === 0 ? doc.contents : doc.getIn(segments.slice(0, n), true);
        if ((0,yaml__WEBPACK_IMPORTED_MODULE_2__/* .isNode */ .Ll)(node) && node.range)
            return counter.linePos(node.range[0]).line;
    }
    return undefined;
}
function describe(error) {
    const at = error.instancePath || '(top level)';
    switch (error.keyword) {
        case 'additionalProperties':
            return `${at}: unknown key '${String(error.params.additionalProperty)}'`;
        case 'required':
            return `${at}: missing required key '${String(error.params.missingProperty)}'`;
        case 'const':
            return `${at}: must be ${JSON.stringify(error.params.allowedValue)}`;
        case 'pattern':
            return `${at}: '${String(error.data)}' does not match ${String(error.params.pattern)}`;
        default:
            return `${at}: ${error.message ?? 'invalid'}`;
    }
}
/** Parses manifest text; `file` is used in error messages. Pure: no filesystem access. */
function parseServicesManifest(text, file) {
    const counter = new yaml__WEBPACK_IMPORTED_MODULE_2__/* .LineCounter */ .HN();
    const doc = (0,yaml__WEBPACK_IMPORTED_MODULE_2__/* .parseDocument */ .Tp)(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: true });
    if (doc.errors.length > 0) {
        const first = doc.errors[0];
        const line = first.linePos?.[0]?.line;
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ConfigurationError */ .j1(`${file}${line ? `:${line}` : ''}: invalid YAML: ${first.message.split('\n')[0]}`);
    }
    const data = doc.toJS();
    if (!validate(data)) {
        const messages = (validate.errors ?? []).map((e) => {
            const line = lineOf(doc, counter, e.instancePath);
            return `${file}${line ? `:${line}` : ''}: ${describe(e)}`;
        });
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ConfigurationError */ .j1(`Services manifest is invalid:\n${[...new Set(messages)].join('\n')}\nSee docs/services-manifest.md for the format.`);
    }
    const raw = data;
    const seen = new Map();
    const services = raw.services.map((s, index) => {
        const line = lineOf(doc, counter, `/services/${index}/name`);
        const previous = seen.get(s.name);
        if (previous !== undefined) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ConfigurationError */ .j1(`${file}${line ? `:${line}` : ''}: duplicate service name '${s.name}' (first defined at line ${previous}); service names must be unique`);
        }
        seen.set(s.name, line ?? 0);
        const context = normalizeRel(s.context ?? '.');
        const dockerfile = normalizeRel(s.dockerfile ?? node_path__WEBPACK_IMPORTED_MODULE_1__.posix.join(context, 'Dockerfile'));
        for (const [key, value] of [
            ['context', context],
            ['dockerfile', dockerfile]
        ]) {
            if (value.startsWith('..') || node_path__WEBPACK_IMPORTED_MODULE_1__.posix.isAbsolute(value)) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ConfigurationError */ .j1(`${file}${line ? `:${line}` : ''}: service '${s.name}': ${key} '${value}' must stay inside the repository`);
            }
        }
        const paths = s.paths ?? [context === '.' ? '**' : `${context}/**`, dockerfile];
        return {
            name: s.name,
            context,
            dockerfile,
            image: s.image,
            target: s.target,
            platforms: s.platforms ?? ['linux/amd64'],
            buildArgs: Object.fromEntries(Object.entries(s['build-args'] ?? {}).map(([k, v]) => [k, String(v)])),
            paths
        };
    });
    return {
        file,
        version: 1,
        registry: raw.registry ?? 'ghcr.io',
        imagePrefix: raw['image-prefix'] ?? '',
        sharedPaths: raw['shared-paths'] ?? [],
        services
    };
}
function normalizeRel(p) {
    const n = node_path__WEBPACK_IMPORTED_MODULE_1__.posix.normalize(p.replace(/\\/g, '/')).replace(/\/$/, '');
    return n === '' ? '.' : n;
}
/** Reads the manifest from a repository checkout and checks that every context and Dockerfile exists. */
function loadServicesManifest(repoRoot, manifestPath = DEFAULT_MANIFEST_PATH) {
    const file = node_path__WEBPACK_IMPORTED_MODULE_1__.resolve(repoRoot, manifestPath);
    if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(file)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ConfigurationError */ .j1(`Services manifest not found: ${manifestPath} (looked in ${repoRoot}). Create it (see docs/services-manifest.md) or set the 'manifest' input.`);
    }
    const manifest = parseServicesManifest((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8'), manifestPath);
    for (const service of manifest.services) {
        const context = node_path__WEBPACK_IMPORTED_MODULE_1__.resolve(repoRoot, service.context);
        if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(context) || !(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync)(context).isDirectory()) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ConfigurationError */ .j1(`${manifestPath}: service '${service.name}': context '${service.context}' is not a directory`);
        }
        if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(node_path__WEBPACK_IMPORTED_MODULE_1__.resolve(repoRoot, service.dockerfile))) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ConfigurationError */ .j1(`${manifestPath}: service '${service.name}': Dockerfile '${service.dockerfile}' does not exist`);
        }
    }
    return manifest;
}
function findService(manifest, name) {
    const service = manifest.services.find((s) => s.name === name);
    if (!service) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ConfigurationError */ .j1(`Input 'service': '${name}' is not in ${manifest.file} (services: ${manifest.services.map((s) => s.name).join(', ')})`);
    }
    return service;
}


/***/ })

};
