export const id = 382;
export const ids = [382];
export const modules = {

/***/ 3382:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DEFAULT_MANIFEST_PATH: () => (/* binding */ DEFAULT_MANIFEST_PATH),
  findService: () => (/* binding */ findService),
  loadServicesManifest: () => (/* binding */ loadServicesManifest)
});

// UNUSED EXPORTS: parseServicesManifest

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/ajv/dist/ajv.js
var ajv = __webpack_require__(2463);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
// EXTERNAL MODULE: ./node_modules/jsonc-parser/lib/umd/main.js
var main = __webpack_require__(9547);
;// CONCATENATED MODULE: ./.tmp/build/actions/lib/config-location.js
/**
 * Where in a config file a mistake is: the line of a JSON-pointer path (ajv's instancePath) in YAML or JSON text, so a
 * ConfigurationError can carry file:line and become an inline annotation (lib/run.ts). YAML positions come from the
 * `yaml` library's node ranges and LineCounter; JSON positions from jsonc-parser (JSON.parse gives none: V8's message
 * quotes a snippet, not always an offset).
 */


/** The line (1-based) of the deepest node of `instancePath` that exists in the document. */
function lineOfPath(doc, counter, instancePath) {
    const segments = pointerSegments(instancePath);
    for (let n = segments.length; n >= 0; n--) {
        const node = n === 0 ? doc.contents : doc.getIn(segments.slice(0, n), true);
        if ((0,dist/* isNode */.Ll)(node) && node.range)
            return counter.linePos(node.range[0]).line;
    }
    return undefined;
}
const lineAtOffset = (text, offset) => text.slice(0, offset).split('\n').length;
const pointerSegments = (instancePath) => instancePath
    .split('/')
    .slice(1)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
/** The line of `instancePath` in JSON text: the deepest node of the path that exists (jsonc-parser's node offsets). */
function jsonLineOfPath(text, instancePath) {
    const errors = [];
    const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
    if (!tree || errors.length > 0)
        return undefined;
    const segments = pointerSegments(instancePath);
    for (let n = segments.length; n >= 0; n--) {
        const node = findNodeAtLocation(tree, segments.slice(0, n));
        // a property's value node: report the line of its key (the property node)
        if (node)
            return lineAtOffset(text, node.parent?.type === 'property' ? node.parent.offset : node.offset);
    }
    return undefined;
}
/** The line of the first syntax error of JSON text (jsonc-parser, strict JSON: no comments, no trailing commas). */
function jsonErrorLine(text) {
    const errors = [];
    parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
    return errors.length > 0 ? lineAtOffset(text, errors[0].offset) : undefined;
}

// EXTERNAL MODULE: ./.tmp/build/actions/lib/errors.js
var errors = __webpack_require__(3337);
;// CONCATENATED MODULE: ./.tmp/build/actions/lib/services-manifest.js
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
const validate = new ajv.Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true }).compile(schema);
function lineOf(doc, counter, instancePath) {
    return lineOfPath(doc, counter, instancePath);
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
    const counter = new dist/* LineCounter */.HN();
    const doc = (0,dist/* parseDocument */.Tp)(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: true });
    if (doc.errors.length > 0) {
        const first = doc.errors[0];
        const line = first.linePos?.[0]?.line;
        throw new errors/* ConfigurationError */.j1(`${file}${line ? `:${line}` : ''}: invalid YAML: ${first.message.split('\n')[0]}`, {
            file,
            line
        });
    }
    const data = doc.toJS();
    if (!validate(data)) {
        const lines = (validate.errors ?? []).map((e) => lineOf(doc, counter, e.instancePath));
        const messages = (validate.errors ?? []).map((e, i) => `${file}${lines[i] ? `:${lines[i]}` : ''}: ${describe(e)}`);
        throw new errors/* ConfigurationError */.j1(`Services manifest is invalid:\n${[...new Set(messages)].join('\n')}\nSee docs/services-manifest.md for the format.`, { file, line: lines.find((l) => l !== undefined) });
    }
    const raw = data;
    const seen = new Map();
    const services = raw.services.map((s, index) => {
        const line = lineOf(doc, counter, `/services/${index}/name`);
        const previous = seen.get(s.name);
        if (previous !== undefined) {
            throw new errors/* ConfigurationError */.j1(`${file}${line ? `:${line}` : ''}: duplicate service name '${s.name}' (first defined at line ${previous}); service names must be unique`, { file, line });
        }
        seen.set(s.name, line ?? 0);
        const context = normalizeRel(s.context ?? '.');
        const dockerfile = normalizeRel(s.dockerfile ?? external_node_path_.posix.join(context, 'Dockerfile'));
        for (const [key, value] of [
            ['context', context],
            ['dockerfile', dockerfile]
        ]) {
            if (value.startsWith('..') || external_node_path_.posix.isAbsolute(value)) {
                throw new errors/* ConfigurationError */.j1(`${file}${line ? `:${line}` : ''}: service '${s.name}': ${key} '${value}' must stay inside the repository`, { file, line });
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
    const n = external_node_path_.posix.normalize(p.replace(/\\/g, '/')).replace(/\/$/, '');
    return n === '' ? '.' : n;
}
/** Reads the manifest from a repository checkout and checks that every context and Dockerfile exists. */
function loadServicesManifest(repoRoot, manifestPath = DEFAULT_MANIFEST_PATH) {
    const file = external_node_path_.resolve(repoRoot, manifestPath);
    if (!(0,external_node_fs_.existsSync)(file)) {
        throw new errors/* ConfigurationError */.j1(`Services manifest not found: ${manifestPath} (looked in ${repoRoot}). Create it (see docs/services-manifest.md) or set the 'manifest' input.`);
    }
    const manifest = parseServicesManifest((0,external_node_fs_.readFileSync)(file, 'utf8'), manifestPath);
    for (const service of manifest.services) {
        const context = external_node_path_.resolve(repoRoot, service.context);
        if (!(0,external_node_fs_.existsSync)(context) || !(0,external_node_fs_.statSync)(context).isDirectory()) {
            throw new errors/* ConfigurationError */.j1(`${manifestPath}: service '${service.name}': context '${service.context}' is not a directory`);
        }
        if (!(0,external_node_fs_.existsSync)(external_node_path_.resolve(repoRoot, service.dockerfile))) {
            throw new errors/* ConfigurationError */.j1(`${manifestPath}: service '${service.name}': Dockerfile '${service.dockerfile}' does not exist`);
        }
    }
    return manifest;
}
function findService(manifest, name) {
    const service = manifest.services.find((s) => s.name === name);
    if (!service) {
        throw new errors/* ConfigurationError */.j1(`Input 'service': '${name}' is not in ${manifest.file} (services: ${manifest.services.map((s) => s.name).join(', ')})`);
    }
    return service;
}


/***/ })

};
