/**
 * The registry-credentials reader against real docker config folders and a real credential helper program (a
 * `docker-credential-<name>` script on PATH speaking the helper protocol: server URL on stdin, JSON on stdout).
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import {
  DOCKER_HUB_KEY,
  dockerConfigCredentials,
  registryCredentials
} from '../../../actions/lib/docker-auth.js';

const saved = {
  DOCKER_CONFIG: process.env.DOCKER_CONFIG,
  PATH: process.env.PATH,
  GITHUB_ACTOR: process.env.GITHUB_ACTOR
};
let dir: string;

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const writeConfig = (config: unknown): void =>
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));

/** A helper that knows one server URL; any other is "credentials not found" (exit 1), as the real helpers answer. */
function installHelper(name: string, serverUrl: string, username: string, secret: string): void {
  const file = path.join(dir, `docker-credential-${name}`);
  writeFileSync(
    file,
    `#!/bin/sh\n[ "$1" = get ] || exit 2\nread -r url\nif [ "$url" = "${serverUrl}" ]; then\n` +
      `  printf '{"ServerURL":"%s","Username":"${username}","Secret":"${secret}"}' "$url"\n` +
      `else\n  echo "credentials not found in native keychain"; exit 1\nfi\n`
  );
  chmodSync(file, 0o755);
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'docker-auth-'));
  process.env.DOCKER_CONFIG = dir;
  process.env.PATH = `${dir}${path.delimiter}${saved.PATH}`;
  process.env.GITHUB_ACTOR = 'octocat';
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('dockerConfigCredentials', () => {
  test('reads auths by host, by https:// URL, and Docker Hub under its index key', () => {
    writeConfig({
      auths: {
        '127.0.0.1:5000': { auth: b64('local:pw1') },
        'https://registry.example.com': { auth: b64('ex:pw:with:colons') },
        [DOCKER_HUB_KEY]: { auth: b64('hub:pw3') }
      }
    });
    expect(dockerConfigCredentials('127.0.0.1:5000')).toEqual({ username: 'local', password: 'pw1' });
    expect(dockerConfigCredentials('registry.example.com')).toEqual({
      username: 'ex',
      password: 'pw:with:colons'
    });
    expect(dockerConfigCredentials('docker.io')).toEqual({ username: 'hub', password: 'pw3' });
    expect(dockerConfigCredentials('ghcr.io')).toBeUndefined();
  });

  test('asks the credHelpers helper of the registry, and credsStore for the rest', () => {
    installHelper('per-registry', 'ghcr.io', 'from-helper', 's3cret');
    installHelper('store', DOCKER_HUB_KEY, 'from-store', 'hub-secret');
    writeConfig({
      credHelpers: { 'ghcr.io': 'per-registry' },
      credsStore: 'store',
      auths: { 'ghcr.io': {}, 'quay.io': { auth: b64('quay:pw') } }
    });
    expect(dockerConfigCredentials('ghcr.io')).toEqual({ username: 'from-helper', password: 's3cret' });
    expect(dockerConfigCredentials('index.docker.io')).toEqual({
      username: 'from-store',
      password: 'hub-secret'
    });
    // the store does not know quay.io: the auths entry still counts
    expect(dockerConfigCredentials('quay.io')).toEqual({ username: 'quay', password: 'pw' });
  });

  test('a missing helper or an identity token gives no credentials instead of failing', () => {
    installHelper('idtoken', 'ghcr.io', '<token>', 'refresh-token');
    writeConfig({ credHelpers: { 'ghcr.io': 'idtoken', 'quay.io': 'not-installed' } });
    expect(dockerConfigCredentials('ghcr.io')).toBeUndefined();
    expect(dockerConfigCredentials('quay.io')).toBeUndefined();
  });

  test('no config file, or one that is not JSON, is no credentials', () => {
    expect(dockerConfigCredentials('ghcr.io')).toBeUndefined();
    writeFileSync(path.join(dir, 'config.json'), '{not json');
    expect(dockerConfigCredentials('ghcr.io')).toBeUndefined();
  });
});

describe('registryCredentials', () => {
  test('falls back to the GitHub token on ghcr.io only', () => {
    writeConfig({ auths: { '127.0.0.1:5000': { auth: b64('local:pw1') } } });
    expect(registryCredentials('ghcr.io', 'ghs_x')).toEqual({ username: 'octocat', password: 'ghs_x' });
    expect(registryCredentials('registry.example.com', 'ghs_x')).toBeUndefined();
    expect(registryCredentials('127.0.0.1:5000', 'ghs_x')).toEqual({ username: 'local', password: 'pw1' });
    expect(registryCredentials('ghcr.io')).toBeUndefined();
  });
});
