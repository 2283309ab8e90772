/**
 * semantic-release and its GitHub plugin read their own package.json at load time through
 * `createRequire(import.meta.url)("./package.json")` (and "../package.json", "../../package.json"). In an ncc
 * bundle `import.meta.url` is the bundle file, so those paths point next to dist/release/ (or at Slipway's own
 * package.json) and ncc, which inlines static `require`/`import` of JSON, does not rewrite a require made from
 * `createRequire`. This shim answers exactly those three requests made from the bundle's own folder with the
 * fields the packages read (name, version, homepage); every other request goes to Node's real require.
 * It must be installed before the release engine (semantic-release) is imported: main.ts imports the engine
 * dynamically after calling installPackageJsonShim().
 * test/unit/release/shim.test.ts checks these versions against node_modules, so an upgrade cannot drift.
 */
import Module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SEMANTIC_RELEASE_PACKAGE = {
  name: 'semantic-release',
  version: '24.2.9',
  homepage: 'https://github.com/semantic-release/semantic-release#readme'
} as const;

export const GITHUB_PLUGIN_PACKAGE = {
  name: '@semantic-release/github',
  version: '11.0.6',
  homepage: 'https://github.com/semantic-release/github'
} as const;

/** request (relative to the bundle file) → what the bundled module expects to read there */
export const PACKAGE_JSON_REQUESTS: Record<string, object> = {
  // semantic-release/index.js
  './package.json': SEMANTIC_RELEASE_PACKAGE,
  // @semantic-release/github/lib/octokit.js
  '../package.json': GITHUB_PLUGIN_PACKAGE,
  // semantic-release/lib/definitions/errors.js
  '../../package.json': SEMANTIC_RELEASE_PACKAGE
};

let installed = false;

export function installPackageJsonShim(bundleDir: string): void {
  if (installed) return;
  installed = true;
  const original = Module.createRequire;
  Module.createRequire = function createRequire(from: string | URL): NodeJS.Require {
    const real = original(from);
    const file = from instanceof URL || String(from).startsWith('file:') ? fileURLToPath(from) : String(from);
    if (path.dirname(file) !== bundleDir) return real;
    const shimmed = ((id: string) =>
      id in PACKAGE_JSON_REQUESTS ? PACKAGE_JSON_REQUESTS[id] : real(id)) as NodeJS.Require;
    return Object.assign(shimmed, {
      resolve: real.resolve,
      cache: real.cache,
      extensions: real.extensions,
      main: real.main
    });
  };
}
