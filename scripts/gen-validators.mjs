#!/usr/bin/env node
// Generates the JSON-schema validators the actions use, at build time: ajv's standalone code
// (https://ajv.js.org/standalone.html) of each schema, so a bundle carries no schema compiler and compiles nothing
// when it starts (compiling the services-manifest schema was a sixth of plan's CPU on a no-change push).
// scripts/build.mjs runs this before tsc; `node scripts/gen-validators.mjs` runs it alone. Output is committed and
// scripts/check-generated.sh fails when it is stale.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import * as prettier from 'prettier';

/** Each schema and the module its validator is written to (default export: the validate function). */
export const VALIDATORS = [
  {
    schema: 'actions/lib/services-manifest.schema.json',
    out: 'actions/lib/generated/services-manifest-validate.ts'
  }
];

/** The options the validators were compiled with at run time before: every error, with its data (verbose). */
const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true };

/**
 * ajv's standalone code requires its runtime helpers (e.g. ucs2length for minLength) with `require()` even with
 * `code.esm` (https://github.com/ajv-validator/ajv/issues/2209): each becomes an import. Node gives a CommonJS
 * module's `module.exports` as the default import, webpack (ncc) its `exports.default` (the module sets
 * __esModule): the helper is whichever of the two is the function.
 */
function esmRuntimeImports(code, file) {
  let n = 0;
  const rewritten = code.replace(
    /const (\w+) = require\("(ajv\/dist\/runtime\/\w+)"\)\.default;/g,
    (_, name, module) => {
      const ns = `runtime${n++}`;
      return (
        `import * as ${ns} from '${module}.js';\n` +
        `const ${name} = typeof ${ns}.default === 'function' ? ${ns}.default : ${ns}.default.default;\n`
      );
    }
  );
  if (/\brequire\(/.test(rewritten))
    throw new Error(`${file}: ajv's standalone code requires a module this generator does not rewrite`);
  return rewritten;
}

export async function generateValidators(root) {
  for (const { schema, out } of VALIDATORS) {
    const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
    const validate = ajv.compile(JSON.parse(readFileSync(path.join(root, schema), 'utf8')));
    const code = esmRuntimeImports(standaloneCode(ajv, validate), out)
      .replace(/^"use strict";/, '')
      .replace(/export const validate = validate\d+;/, '');
    const text = [
      `// generated from ${schema} by scripts/gen-validators.mjs (ajv standalone code): do not edit`,
      '/* eslint-disable */',
      '// @ts-nocheck',
      code
    ].join('\n');
    const file = path.join(root, out);
    const formatted = await prettier.format(text, {
      ...(await prettier.resolveConfig(file)),
      filepath: file
    });
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, formatted);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await generateValidators(path.resolve(path.dirname(new URL(import.meta.url).pathname), '..'));
}
