import { readFileSync, mkdtempSync } from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {
  GITHUB_PLUGIN_PACKAGE,
  installPackageJsonShim,
  SEMANTIC_RELEASE_PACKAGE
} from '../../../actions/release/package-json-shim.js';
import { REPO_ROOT } from '../../support/run-action.js';

const pkg = (name: string) =>
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as Record<
    string,
    string
  >;

it('answers with the installed versions (an upgrade must update the shim)', () => {
  const sr = pkg('semantic-release');
  const gh = pkg('@semantic-release/github');
  expect(SEMANTIC_RELEASE_PACKAGE).toEqual({ name: sr.name, version: sr.version, homepage: sr.homepage });
  expect(GITHUB_PLUGIN_PACKAGE).toEqual({ name: gh.name, version: gh.version, homepage: gh.homepage });
});

it('serves the three package.json requests from the bundle folder only', () => {
  const bundleDir = mkdtempSync(path.join(os.tmpdir(), 'slipway-shim-'));
  installPackageJsonShim(bundleDir);
  const fromBundle = Module.createRequire(path.join(bundleDir, 'index.js'));
  expect(fromBundle('./package.json')).toBe(SEMANTIC_RELEASE_PACKAGE);
  expect(fromBundle('../package.json')).toBe(GITHUB_PLUGIN_PACKAGE);
  expect(fromBundle('../../package.json')).toBe(SEMANTIC_RELEASE_PACKAGE);
  expect(typeof fromBundle.resolve).toBe('function');
  expect(() => fromBundle('./other.json')).toThrow(/Cannot find module/);
  const elsewhere = Module.createRequire(path.join(REPO_ROOT, 'index.js'));
  expect((elsewhere('./package.json') as { name: string }).name).toBe('slipway');
});
