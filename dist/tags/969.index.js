export const id = 969;
export const ids = [969];
export const modules = {

/***/ 2969:
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
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./.tmp/build/actions/lib/config-location.js
/**
 * Where in a config file a mistake is: the line of a JSON-pointer path (ajv's instancePath) in YAML or JSON text, so a
 * ConfigurationError can carry file:line and become an inline annotation (lib/run.ts). YAML positions come from the
 * `yaml` library's node ranges and LineCounter; JSON positions (json-location.ts) from jsonc-parser, in a module of
 * its own so the actions that read only YAML (plan: its start is measured) do not load it.
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
/** ajv's instancePath (a JSON pointer) as path segments; numeric ones as array indexes. */
const pointerSegments = (instancePath) => instancePath
    .split('/')
    .slice(1)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));

// EXTERNAL MODULE: ./.tmp/build/actions/lib/errors.js
var errors = __webpack_require__(3337);
// EXTERNAL MODULE: ./node_modules/ajv/dist/runtime/ucs2length.js
var ucs2length = __webpack_require__(6214);
;// CONCATENATED MODULE: ./.tmp/build/actions/lib/generated/services-manifest-validate.js
// generated from actions/lib/services-manifest.schema.json by scripts/gen-validators.mjs (ajv standalone code): do not edit
/* eslint-disable */
// @ts-nocheck
/* harmony default export */ const services_manifest_validate = (validate10);
const schema11 = {
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
                    name: { type: 'string', pattern: '^[a-z0-9]+(?:[._-][a-z0-9]+)*$' },
                    context: { type: 'string', minLength: 1 },
                    dockerfile: { type: 'string', minLength: 1 },
                    image: { type: 'string', minLength: 1 },
                    target: { type: 'string', minLength: 1 },
                    platforms: {
                        type: 'array',
                        minItems: 1,
                        items: { type: 'string', pattern: '^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$' }
                    },
                    'build-args': { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
                    paths: { type: 'array', items: { type: 'string', minLength: 1 } }
                }
            }
        }
    }
};

const func2 = typeof ucs2length === 'function' ? ucs2length : ucs2length["default"];
const pattern0 = new RegExp('^([a-z0-9]+([._-][a-z0-9]+)*[._/-]?)?$', 'u');
const pattern1 = new RegExp('^[a-z0-9]+(?:[._-][a-z0-9]+)*$', 'u');
const pattern2 = new RegExp('^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$', 'u');
function validate10(data, { instancePath = '', parentData, parentDataProperty, rootData = data } = {}) {
    let vErrors = null;
    let errors = 0;
    if (data && typeof data == 'object' && !Array.isArray(data)) {
        if (data.version === undefined) {
            const err0 = {
                instancePath,
                schemaPath: '#/required',
                keyword: 'required',
                params: { missingProperty: 'version' },
                message: "must have required property '" + 'version' + "'",
                schema: schema11.required,
                parentSchema: schema11,
                data
            };
            if (vErrors === null) {
                vErrors = [err0];
            }
            else {
                vErrors.push(err0);
            }
            errors++;
        }
        if (data.services === undefined) {
            const err1 = {
                instancePath,
                schemaPath: '#/required',
                keyword: 'required',
                params: { missingProperty: 'services' },
                message: "must have required property '" + 'services' + "'",
                schema: schema11.required,
                parentSchema: schema11,
                data
            };
            if (vErrors === null) {
                vErrors = [err1];
            }
            else {
                vErrors.push(err1);
            }
            errors++;
        }
        for (const key0 in data) {
            if (!(key0 === 'version' ||
                key0 === 'registry' ||
                key0 === 'image-prefix' ||
                key0 === 'shared-paths' ||
                key0 === 'services')) {
                const err2 = {
                    instancePath,
                    schemaPath: '#/additionalProperties',
                    keyword: 'additionalProperties',
                    params: { additionalProperty: key0 },
                    message: 'must NOT have additional properties',
                    schema: false,
                    parentSchema: schema11,
                    data
                };
                if (vErrors === null) {
                    vErrors = [err2];
                }
                else {
                    vErrors.push(err2);
                }
                errors++;
            }
        }
        if (data.version !== undefined) {
            let data0 = data.version;
            if (1 !== data0) {
                const err3 = {
                    instancePath: instancePath + '/version',
                    schemaPath: '#/properties/version/const',
                    keyword: 'const',
                    params: { allowedValue: 1 },
                    message: 'must be equal to constant',
                    schema: 1,
                    parentSchema: schema11.properties.version,
                    data: data0
                };
                if (vErrors === null) {
                    vErrors = [err3];
                }
                else {
                    vErrors.push(err3);
                }
                errors++;
            }
        }
        if (data.registry !== undefined) {
            let data1 = data.registry;
            if (typeof data1 === 'string') {
                if (func2(data1) < 1) {
                    const err4 = {
                        instancePath: instancePath + '/registry',
                        schemaPath: '#/properties/registry/minLength',
                        keyword: 'minLength',
                        params: { limit: 1 },
                        message: 'must NOT have fewer than 1 characters',
                        schema: 1,
                        parentSchema: schema11.properties.registry,
                        data: data1
                    };
                    if (vErrors === null) {
                        vErrors = [err4];
                    }
                    else {
                        vErrors.push(err4);
                    }
                    errors++;
                }
            }
            else {
                const err5 = {
                    instancePath: instancePath + '/registry',
                    schemaPath: '#/properties/registry/type',
                    keyword: 'type',
                    params: { type: 'string' },
                    message: 'must be string',
                    schema: schema11.properties.registry.type,
                    parentSchema: schema11.properties.registry,
                    data: data1
                };
                if (vErrors === null) {
                    vErrors = [err5];
                }
                else {
                    vErrors.push(err5);
                }
                errors++;
            }
        }
        if (data['image-prefix'] !== undefined) {
            let data2 = data['image-prefix'];
            if (typeof data2 === 'string') {
                if (!pattern0.test(data2)) {
                    const err6 = {
                        instancePath: instancePath + '/image-prefix',
                        schemaPath: '#/properties/image-prefix/pattern',
                        keyword: 'pattern',
                        params: { pattern: '^([a-z0-9]+([._-][a-z0-9]+)*[._/-]?)?$' },
                        message: 'must match pattern "' + '^([a-z0-9]+([._-][a-z0-9]+)*[._/-]?)?$' + '"',
                        schema: '^([a-z0-9]+([._-][a-z0-9]+)*[._/-]?)?$',
                        parentSchema: schema11.properties['image-prefix'],
                        data: data2
                    };
                    if (vErrors === null) {
                        vErrors = [err6];
                    }
                    else {
                        vErrors.push(err6);
                    }
                    errors++;
                }
            }
            else {
                const err7 = {
                    instancePath: instancePath + '/image-prefix',
                    schemaPath: '#/properties/image-prefix/type',
                    keyword: 'type',
                    params: { type: 'string' },
                    message: 'must be string',
                    schema: schema11.properties['image-prefix'].type,
                    parentSchema: schema11.properties['image-prefix'],
                    data: data2
                };
                if (vErrors === null) {
                    vErrors = [err7];
                }
                else {
                    vErrors.push(err7);
                }
                errors++;
            }
        }
        if (data['shared-paths'] !== undefined) {
            let data3 = data['shared-paths'];
            if (Array.isArray(data3)) {
                const len0 = data3.length;
                for (let i0 = 0; i0 < len0; i0++) {
                    let data4 = data3[i0];
                    if (typeof data4 === 'string') {
                        if (func2(data4) < 1) {
                            const err8 = {
                                instancePath: instancePath + '/shared-paths/' + i0,
                                schemaPath: '#/properties/shared-paths/items/minLength',
                                keyword: 'minLength',
                                params: { limit: 1 },
                                message: 'must NOT have fewer than 1 characters',
                                schema: 1,
                                parentSchema: schema11.properties['shared-paths'].items,
                                data: data4
                            };
                            if (vErrors === null) {
                                vErrors = [err8];
                            }
                            else {
                                vErrors.push(err8);
                            }
                            errors++;
                        }
                    }
                    else {
                        const err9 = {
                            instancePath: instancePath + '/shared-paths/' + i0,
                            schemaPath: '#/properties/shared-paths/items/type',
                            keyword: 'type',
                            params: { type: 'string' },
                            message: 'must be string',
                            schema: schema11.properties['shared-paths'].items.type,
                            parentSchema: schema11.properties['shared-paths'].items,
                            data: data4
                        };
                        if (vErrors === null) {
                            vErrors = [err9];
                        }
                        else {
                            vErrors.push(err9);
                        }
                        errors++;
                    }
                }
            }
            else {
                const err10 = {
                    instancePath: instancePath + '/shared-paths',
                    schemaPath: '#/properties/shared-paths/type',
                    keyword: 'type',
                    params: { type: 'array' },
                    message: 'must be array',
                    schema: schema11.properties['shared-paths'].type,
                    parentSchema: schema11.properties['shared-paths'],
                    data: data3
                };
                if (vErrors === null) {
                    vErrors = [err10];
                }
                else {
                    vErrors.push(err10);
                }
                errors++;
            }
        }
        if (data.services !== undefined) {
            let data5 = data.services;
            if (Array.isArray(data5)) {
                if (data5.length < 1) {
                    const err11 = {
                        instancePath: instancePath + '/services',
                        schemaPath: '#/properties/services/minItems',
                        keyword: 'minItems',
                        params: { limit: 1 },
                        message: 'must NOT have fewer than 1 items',
                        schema: 1,
                        parentSchema: schema11.properties.services,
                        data: data5
                    };
                    if (vErrors === null) {
                        vErrors = [err11];
                    }
                    else {
                        vErrors.push(err11);
                    }
                    errors++;
                }
                const len1 = data5.length;
                for (let i1 = 0; i1 < len1; i1++) {
                    let data6 = data5[i1];
                    if (data6 && typeof data6 == 'object' && !Array.isArray(data6)) {
                        if (data6.name === undefined) {
                            const err12 = {
                                instancePath: instancePath + '/services/' + i1,
                                schemaPath: '#/properties/services/items/required',
                                keyword: 'required',
                                params: { missingProperty: 'name' },
                                message: "must have required property '" + 'name' + "'",
                                schema: schema11.properties.services.items.required,
                                parentSchema: schema11.properties.services.items,
                                data: data6
                            };
                            if (vErrors === null) {
                                vErrors = [err12];
                            }
                            else {
                                vErrors.push(err12);
                            }
                            errors++;
                        }
                        for (const key1 in data6) {
                            if (!(key1 === 'name' ||
                                key1 === 'context' ||
                                key1 === 'dockerfile' ||
                                key1 === 'image' ||
                                key1 === 'target' ||
                                key1 === 'platforms' ||
                                key1 === 'build-args' ||
                                key1 === 'paths')) {
                                const err13 = {
                                    instancePath: instancePath + '/services/' + i1,
                                    schemaPath: '#/properties/services/items/additionalProperties',
                                    keyword: 'additionalProperties',
                                    params: { additionalProperty: key1 },
                                    message: 'must NOT have additional properties',
                                    schema: false,
                                    parentSchema: schema11.properties.services.items,
                                    data: data6
                                };
                                if (vErrors === null) {
                                    vErrors = [err13];
                                }
                                else {
                                    vErrors.push(err13);
                                }
                                errors++;
                            }
                        }
                        if (data6.name !== undefined) {
                            let data7 = data6.name;
                            if (typeof data7 === 'string') {
                                if (!pattern1.test(data7)) {
                                    const err14 = {
                                        instancePath: instancePath + '/services/' + i1 + '/name',
                                        schemaPath: '#/properties/services/items/properties/name/pattern',
                                        keyword: 'pattern',
                                        params: { pattern: '^[a-z0-9]+(?:[._-][a-z0-9]+)*$' },
                                        message: 'must match pattern "' + '^[a-z0-9]+(?:[._-][a-z0-9]+)*$' + '"',
                                        schema: '^[a-z0-9]+(?:[._-][a-z0-9]+)*$',
                                        parentSchema: schema11.properties.services.items.properties.name,
                                        data: data7
                                    };
                                    if (vErrors === null) {
                                        vErrors = [err14];
                                    }
                                    else {
                                        vErrors.push(err14);
                                    }
                                    errors++;
                                }
                            }
                            else {
                                const err15 = {
                                    instancePath: instancePath + '/services/' + i1 + '/name',
                                    schemaPath: '#/properties/services/items/properties/name/type',
                                    keyword: 'type',
                                    params: { type: 'string' },
                                    message: 'must be string',
                                    schema: schema11.properties.services.items.properties.name.type,
                                    parentSchema: schema11.properties.services.items.properties.name,
                                    data: data7
                                };
                                if (vErrors === null) {
                                    vErrors = [err15];
                                }
                                else {
                                    vErrors.push(err15);
                                }
                                errors++;
                            }
                        }
                        if (data6.context !== undefined) {
                            let data8 = data6.context;
                            if (typeof data8 === 'string') {
                                if (func2(data8) < 1) {
                                    const err16 = {
                                        instancePath: instancePath + '/services/' + i1 + '/context',
                                        schemaPath: '#/properties/services/items/properties/context/minLength',
                                        keyword: 'minLength',
                                        params: { limit: 1 },
                                        message: 'must NOT have fewer than 1 characters',
                                        schema: 1,
                                        parentSchema: schema11.properties.services.items.properties.context,
                                        data: data8
                                    };
                                    if (vErrors === null) {
                                        vErrors = [err16];
                                    }
                                    else {
                                        vErrors.push(err16);
                                    }
                                    errors++;
                                }
                            }
                            else {
                                const err17 = {
                                    instancePath: instancePath + '/services/' + i1 + '/context',
                                    schemaPath: '#/properties/services/items/properties/context/type',
                                    keyword: 'type',
                                    params: { type: 'string' },
                                    message: 'must be string',
                                    schema: schema11.properties.services.items.properties.context.type,
                                    parentSchema: schema11.properties.services.items.properties.context,
                                    data: data8
                                };
                                if (vErrors === null) {
                                    vErrors = [err17];
                                }
                                else {
                                    vErrors.push(err17);
                                }
                                errors++;
                            }
                        }
                        if (data6.dockerfile !== undefined) {
                            let data9 = data6.dockerfile;
                            if (typeof data9 === 'string') {
                                if (func2(data9) < 1) {
                                    const err18 = {
                                        instancePath: instancePath + '/services/' + i1 + '/dockerfile',
                                        schemaPath: '#/properties/services/items/properties/dockerfile/minLength',
                                        keyword: 'minLength',
                                        params: { limit: 1 },
                                        message: 'must NOT have fewer than 1 characters',
                                        schema: 1,
                                        parentSchema: schema11.properties.services.items.properties.dockerfile,
                                        data: data9
                                    };
                                    if (vErrors === null) {
                                        vErrors = [err18];
                                    }
                                    else {
                                        vErrors.push(err18);
                                    }
                                    errors++;
                                }
                            }
                            else {
                                const err19 = {
                                    instancePath: instancePath + '/services/' + i1 + '/dockerfile',
                                    schemaPath: '#/properties/services/items/properties/dockerfile/type',
                                    keyword: 'type',
                                    params: { type: 'string' },
                                    message: 'must be string',
                                    schema: schema11.properties.services.items.properties.dockerfile.type,
                                    parentSchema: schema11.properties.services.items.properties.dockerfile,
                                    data: data9
                                };
                                if (vErrors === null) {
                                    vErrors = [err19];
                                }
                                else {
                                    vErrors.push(err19);
                                }
                                errors++;
                            }
                        }
                        if (data6.image !== undefined) {
                            let data10 = data6.image;
                            if (typeof data10 === 'string') {
                                if (func2(data10) < 1) {
                                    const err20 = {
                                        instancePath: instancePath + '/services/' + i1 + '/image',
                                        schemaPath: '#/properties/services/items/properties/image/minLength',
                                        keyword: 'minLength',
                                        params: { limit: 1 },
                                        message: 'must NOT have fewer than 1 characters',
                                        schema: 1,
                                        parentSchema: schema11.properties.services.items.properties.image,
                                        data: data10
                                    };
                                    if (vErrors === null) {
                                        vErrors = [err20];
                                    }
                                    else {
                                        vErrors.push(err20);
                                    }
                                    errors++;
                                }
                            }
                            else {
                                const err21 = {
                                    instancePath: instancePath + '/services/' + i1 + '/image',
                                    schemaPath: '#/properties/services/items/properties/image/type',
                                    keyword: 'type',
                                    params: { type: 'string' },
                                    message: 'must be string',
                                    schema: schema11.properties.services.items.properties.image.type,
                                    parentSchema: schema11.properties.services.items.properties.image,
                                    data: data10
                                };
                                if (vErrors === null) {
                                    vErrors = [err21];
                                }
                                else {
                                    vErrors.push(err21);
                                }
                                errors++;
                            }
                        }
                        if (data6.target !== undefined) {
                            let data11 = data6.target;
                            if (typeof data11 === 'string') {
                                if (func2(data11) < 1) {
                                    const err22 = {
                                        instancePath: instancePath + '/services/' + i1 + '/target',
                                        schemaPath: '#/properties/services/items/properties/target/minLength',
                                        keyword: 'minLength',
                                        params: { limit: 1 },
                                        message: 'must NOT have fewer than 1 characters',
                                        schema: 1,
                                        parentSchema: schema11.properties.services.items.properties.target,
                                        data: data11
                                    };
                                    if (vErrors === null) {
                                        vErrors = [err22];
                                    }
                                    else {
                                        vErrors.push(err22);
                                    }
                                    errors++;
                                }
                            }
                            else {
                                const err23 = {
                                    instancePath: instancePath + '/services/' + i1 + '/target',
                                    schemaPath: '#/properties/services/items/properties/target/type',
                                    keyword: 'type',
                                    params: { type: 'string' },
                                    message: 'must be string',
                                    schema: schema11.properties.services.items.properties.target.type,
                                    parentSchema: schema11.properties.services.items.properties.target,
                                    data: data11
                                };
                                if (vErrors === null) {
                                    vErrors = [err23];
                                }
                                else {
                                    vErrors.push(err23);
                                }
                                errors++;
                            }
                        }
                        if (data6.platforms !== undefined) {
                            let data12 = data6.platforms;
                            if (Array.isArray(data12)) {
                                if (data12.length < 1) {
                                    const err24 = {
                                        instancePath: instancePath + '/services/' + i1 + '/platforms',
                                        schemaPath: '#/properties/services/items/properties/platforms/minItems',
                                        keyword: 'minItems',
                                        params: { limit: 1 },
                                        message: 'must NOT have fewer than 1 items',
                                        schema: 1,
                                        parentSchema: schema11.properties.services.items.properties.platforms,
                                        data: data12
                                    };
                                    if (vErrors === null) {
                                        vErrors = [err24];
                                    }
                                    else {
                                        vErrors.push(err24);
                                    }
                                    errors++;
                                }
                                const len2 = data12.length;
                                for (let i2 = 0; i2 < len2; i2++) {
                                    let data13 = data12[i2];
                                    if (typeof data13 === 'string') {
                                        if (!pattern2.test(data13)) {
                                            const err25 = {
                                                instancePath: instancePath + '/services/' + i1 + '/platforms/' + i2,
                                                schemaPath: '#/properties/services/items/properties/platforms/items/pattern',
                                                keyword: 'pattern',
                                                params: { pattern: '^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$' },
                                                message: 'must match pattern "' + '^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$' + '"',
                                                schema: '^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$',
                                                parentSchema: schema11.properties.services.items.properties.platforms.items,
                                                data: data13
                                            };
                                            if (vErrors === null) {
                                                vErrors = [err25];
                                            }
                                            else {
                                                vErrors.push(err25);
                                            }
                                            errors++;
                                        }
                                    }
                                    else {
                                        const err26 = {
                                            instancePath: instancePath + '/services/' + i1 + '/platforms/' + i2,
                                            schemaPath: '#/properties/services/items/properties/platforms/items/type',
                                            keyword: 'type',
                                            params: { type: 'string' },
                                            message: 'must be string',
                                            schema: schema11.properties.services.items.properties.platforms.items.type,
                                            parentSchema: schema11.properties.services.items.properties.platforms.items,
                                            data: data13
                                        };
                                        if (vErrors === null) {
                                            vErrors = [err26];
                                        }
                                        else {
                                            vErrors.push(err26);
                                        }
                                        errors++;
                                    }
                                }
                            }
                            else {
                                const err27 = {
                                    instancePath: instancePath + '/services/' + i1 + '/platforms',
                                    schemaPath: '#/properties/services/items/properties/platforms/type',
                                    keyword: 'type',
                                    params: { type: 'array' },
                                    message: 'must be array',
                                    schema: schema11.properties.services.items.properties.platforms.type,
                                    parentSchema: schema11.properties.services.items.properties.platforms,
                                    data: data12
                                };
                                if (vErrors === null) {
                                    vErrors = [err27];
                                }
                                else {
                                    vErrors.push(err27);
                                }
                                errors++;
                            }
                        }
                        if (data6['build-args'] !== undefined) {
                            let data14 = data6['build-args'];
                            if (data14 && typeof data14 == 'object' && !Array.isArray(data14)) {
                                for (const key2 in data14) {
                                    let data15 = data14[key2];
                                    if (typeof data15 !== 'string' &&
                                        !(typeof data15 == 'number' && isFinite(data15)) &&
                                        typeof data15 !== 'boolean') {
                                        const err28 = {
                                            instancePath: instancePath +
                                                '/services/' +
                                                i1 +
                                                '/build-args/' +
                                                key2.replace(/~/g, '~0').replace(/\//g, '~1'),
                                            schemaPath: '#/properties/services/items/properties/build-args/additionalProperties/type',
                                            keyword: 'type',
                                            params: {
                                                type: schema11.properties.services.items.properties['build-args'].additionalProperties
                                                    .type
                                            },
                                            message: 'must be string,number,boolean',
                                            schema: schema11.properties.services.items.properties['build-args'].additionalProperties.type,
                                            parentSchema: schema11.properties.services.items.properties['build-args'].additionalProperties,
                                            data: data15
                                        };
                                        if (vErrors === null) {
                                            vErrors = [err28];
                                        }
                                        else {
                                            vErrors.push(err28);
                                        }
                                        errors++;
                                    }
                                }
                            }
                            else {
                                const err29 = {
                                    instancePath: instancePath + '/services/' + i1 + '/build-args',
                                    schemaPath: '#/properties/services/items/properties/build-args/type',
                                    keyword: 'type',
                                    params: { type: 'object' },
                                    message: 'must be object',
                                    schema: schema11.properties.services.items.properties['build-args'].type,
                                    parentSchema: schema11.properties.services.items.properties['build-args'],
                                    data: data14
                                };
                                if (vErrors === null) {
                                    vErrors = [err29];
                                }
                                else {
                                    vErrors.push(err29);
                                }
                                errors++;
                            }
                        }
                        if (data6.paths !== undefined) {
                            let data16 = data6.paths;
                            if (Array.isArray(data16)) {
                                const len3 = data16.length;
                                for (let i3 = 0; i3 < len3; i3++) {
                                    let data17 = data16[i3];
                                    if (typeof data17 === 'string') {
                                        if (func2(data17) < 1) {
                                            const err30 = {
                                                instancePath: instancePath + '/services/' + i1 + '/paths/' + i3,
                                                schemaPath: '#/properties/services/items/properties/paths/items/minLength',
                                                keyword: 'minLength',
                                                params: { limit: 1 },
                                                message: 'must NOT have fewer than 1 characters',
                                                schema: 1,
                                                parentSchema: schema11.properties.services.items.properties.paths.items,
                                                data: data17
                                            };
                                            if (vErrors === null) {
                                                vErrors = [err30];
                                            }
                                            else {
                                                vErrors.push(err30);
                                            }
                                            errors++;
                                        }
                                    }
                                    else {
                                        const err31 = {
                                            instancePath: instancePath + '/services/' + i1 + '/paths/' + i3,
                                            schemaPath: '#/properties/services/items/properties/paths/items/type',
                                            keyword: 'type',
                                            params: { type: 'string' },
                                            message: 'must be string',
                                            schema: schema11.properties.services.items.properties.paths.items.type,
                                            parentSchema: schema11.properties.services.items.properties.paths.items,
                                            data: data17
                                        };
                                        if (vErrors === null) {
                                            vErrors = [err31];
                                        }
                                        else {
                                            vErrors.push(err31);
                                        }
                                        errors++;
                                    }
                                }
                            }
                            else {
                                const err32 = {
                                    instancePath: instancePath + '/services/' + i1 + '/paths',
                                    schemaPath: '#/properties/services/items/properties/paths/type',
                                    keyword: 'type',
                                    params: { type: 'array' },
                                    message: 'must be array',
                                    schema: schema11.properties.services.items.properties.paths.type,
                                    parentSchema: schema11.properties.services.items.properties.paths,
                                    data: data16
                                };
                                if (vErrors === null) {
                                    vErrors = [err32];
                                }
                                else {
                                    vErrors.push(err32);
                                }
                                errors++;
                            }
                        }
                    }
                    else {
                        const err33 = {
                            instancePath: instancePath + '/services/' + i1,
                            schemaPath: '#/properties/services/items/type',
                            keyword: 'type',
                            params: { type: 'object' },
                            message: 'must be object',
                            schema: schema11.properties.services.items.type,
                            parentSchema: schema11.properties.services.items,
                            data: data6
                        };
                        if (vErrors === null) {
                            vErrors = [err33];
                        }
                        else {
                            vErrors.push(err33);
                        }
                        errors++;
                    }
                }
            }
            else {
                const err34 = {
                    instancePath: instancePath + '/services',
                    schemaPath: '#/properties/services/type',
                    keyword: 'type',
                    params: { type: 'array' },
                    message: 'must be array',
                    schema: schema11.properties.services.type,
                    parentSchema: schema11.properties.services,
                    data: data5
                };
                if (vErrors === null) {
                    vErrors = [err34];
                }
                else {
                    vErrors.push(err34);
                }
                errors++;
            }
        }
    }
    else {
        const err35 = {
            instancePath,
            schemaPath: '#/type',
            keyword: 'type',
            params: { type: 'object' },
            message: 'must be object',
            schema: schema11.type,
            parentSchema: schema11,
            data
        };
        if (vErrors === null) {
            vErrors = [err35];
        }
        else {
            vErrors.push(err35);
        }
        errors++;
    }
    validate10.errors = vErrors;
    return errors === 0;
}

;// CONCATENATED MODULE: ./.tmp/build/actions/lib/services-manifest.js
/**
 * The services manifest (`.slipway/services.yml`) of a consumer monorepo: one entry per service with its build
 * context, Dockerfile, platforms, build args, target and the path globs whose changes rebuild it.
 * Errors carry the file and line of the offending node.
 */






const DEFAULT_MANIFEST_PATH = '.slipway/services.yml';
/**
 * The schema (services-manifest.schema.json) compiled at build time by scripts/gen-validators.mjs into ajv's
 * standalone code (https://ajv.js.org/standalone.html): the same checks and error objects as `new Ajv({ allErrors,
 * verbose, strict, allowUnionTypes }).compile(schema)`, without compiling anything at run time.
 */
const validate = services_manifest_validate;
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
