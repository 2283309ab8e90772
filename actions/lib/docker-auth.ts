/**
 * The one registry-credentials reader: what `docker login` (docker/login-action) stored for a registry, read the way
 * the docker CLI reads it (https://github.com/docker/cli/blob/master/docs/reference/commandline/login.md):
 * `credHelpers[<registry>]` names a helper for that registry, else `credsStore` one for all, else the base64
 * `user:password` in `auths[<registry>]`. A helper is the program `docker-credential-<name>` on PATH; `get` reads the
 * server URL on stdin and prints `{"ServerURL", "Username", "Secret"}`. Docker Hub is stored under
 * `https://index.docker.io/v1/`. `DOCKER_CONFIG` moves the folder, as for the CLI.
 * Failing all of that, the job's GitHub token, for GitHub's registry only (ghcr.io takes GITHUB_TOKEN with
 * `github.actor`: https://github.blog/changelog/2021-03-24-packages-container-registry-now-supports-github_token/,
 * https://docs.github.com/en/packages/managing-github-packages-using-github-actions-workflows/publishing-and-installing-a-package-with-github-actions);
 * the token is never sent to another registry.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import type { RegistryCredentials } from './registry.js';

/** The config key of Docker Hub (docker login's default server). */
export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
/** A helper is a local program; one that hangs must not hang the action. */
const HELPER_TIMEOUT_MS = 30_000;

interface DockerConfig {
  auths?: Record<string, { auth?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

function readConfig(): DockerConfig | undefined {
  const file = path.join(process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'), 'config.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DockerConfig;
  } catch (error) {
    core.warning(`Ignoring ${file}: not JSON (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
}

/** The keys docker login may have stored a registry under, most specific first. */
function configKeys(registry: string): string[] {
  if (DOCKER_HUB_HOSTS.has(registry)) return [DOCKER_HUB_KEY, ...DOCKER_HUB_HOSTS];
  return [registry, `https://${registry}`, `http://${registry}`];
}

function fromHelper(helper: string, serverUrl: string): RegistryCredentials | undefined {
  const program = `docker-credential-${helper}`;
  const r = spawnSync(program, ['get'], {
    input: serverUrl,
    encoding: 'utf8',
    timeout: HELPER_TIMEOUT_MS,
    env: process.env
  });
  if (r.error || r.status !== 0) {
    // "credentials not found" is an ordinary answer (exit 1); anything else is worth a line in the log
    core.debug(`${program} get ${serverUrl}: ${r.error?.message ?? (r.stdout || r.stderr).trim()}`);
    return undefined;
  }
  try {
    const c = JSON.parse(r.stdout) as { Username?: string; Secret?: string };
    // Username "<token>" marks an identity token (an OAuth refresh token), which is not a registry password
    if (!c.Username || !c.Secret || c.Username === '<token>') return undefined;
    core.setSecret(c.Secret);
    return { username: c.Username, password: c.Secret };
  } catch {
    core.debug(`${program} get ${serverUrl}: the answer is not JSON`);
    return undefined;
  }
}

function fromAuth(auth: string): RegistryCredentials | undefined {
  const decoded = Buffer.from(auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) } : undefined;
}

/** What `docker login` stored for the registry (host[:port], e.g. ghcr.io, docker.io, 127.0.0.1:5000), if anything. */
export function dockerConfigCredentials(registry: string): RegistryCredentials | undefined {
  const config = readConfig();
  if (!config) return undefined;
  const keys = configKeys(registry);
  for (const key of keys) {
    const helper = config.credHelpers?.[key];
    if (helper) return fromHelper(helper, key);
  }
  if (config.credsStore) {
    for (const key of keys) {
      const found = fromHelper(config.credsStore, key);
      if (found) return found;
    }
  }
  for (const key of keys) {
    const auth = config.auths?.[key]?.auth;
    if (auth) return fromAuth(auth);
  }
  return undefined;
}

/** The credentials for a registry: docker login's, else (ghcr.io only) the GitHub token as `github.actor`. */
export function registryCredentials(registry: string, githubToken?: string): RegistryCredentials | undefined {
  const stored = dockerConfigCredentials(registry);
  if (stored) return stored;
  if (githubToken && registry === 'ghcr.io') {
    return { username: process.env.GITHUB_ACTOR || 'slipway', password: githubToken };
  }
  return undefined;
}
