/**
 * Which gitleaks binary to run: input `gitleaks-path`, else a `gitleaks` already on PATH, else a pinned release
 * from GitHub, checksum-verified before it is extracted, through @actions/tool-cache (find → download → verify →
 * extract → cacheDir → addPath). No license key is involved (this is the gitleaks CLI, not gitleaks-action).
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import * as tc from '@actions/tool-cache';
import { ConfigurationError } from '../lib/errors.js';

export type GitleaksArch = 'x64' | 'arm64';

/**
 * SHA-256 of the linux release archives (gitleaks_<v>_linux_<arch>.tar.gz), as published in the release's
 * gitleaks_<v>_checksums.txt. 8.18.2 keeps the `detect`/`protect` CLI of 8.16 that Slipway drives.
 */
export const GITLEAKS_RELEASES: Record<string, Partial<Record<GitleaksArch, string>>> = {
  '8.18.2': {
    x64: '6298c9235dfc9278c14b28afd9b7fa4e6f4a289cb1974bd27949fc1e9122bdee',
    arm64: '4df25683f95b9e1dbb8cc71dac74d10067b8aba221e7f991e01cafa05bcbd030'
  }
};
export const DEFAULT_GITLEAKS_VERSION = '8.18.2';

export interface ReleaseAsset {
  version: string;
  arch: GitleaksArch;
  url: string;
  sha256: string;
}

export function runnerArch(arch = process.arch): GitleaksArch {
  if (arch === 'x64') return 'x64';
  if (arch === 'arm64') return 'arm64';
  throw new ConfigurationError(
    `gitleaks-gate installs gitleaks for linux x64/arm64 only (runner arch '${arch}'): set input 'gitleaks-path'`
  );
}

/** The archive to download and the checksum it must have; an unknown version needs an explicit checksum. */
export function releaseAsset(version: string, arch: GitleaksArch, sha256?: string): ReleaseAsset {
  const v = version.replace(/^v/, '');
  if (!/^\d+\.\d+\.\d+$/.test(v)) {
    throw new ConfigurationError(`Input 'gitleaks-version' must be a release like 8.18.2, got '${version}'`);
  }
  const expected = (sha256 || GITLEAKS_RELEASES[v]?.[arch] || '').toLowerCase();
  if (!expected) {
    throw new ConfigurationError(
      `No pinned SHA-256 for gitleaks ${v} linux ${arch}: set input 'gitleaks-sha256' (from gitleaks_${v}_checksums.txt ` +
        `of the release), or set 'gitleaks-path' to an installed binary`
    );
  }
  if (!/^[0-9a-f]{64}$/.test(expected)) {
    throw new ConfigurationError(`Input 'gitleaks-sha256' must be 64 hex characters`);
  }
  return {
    version: v,
    arch,
    url: `https://github.com/gitleaks/gitleaks/releases/download/v${v}/gitleaks_${v}_linux_${arch}.tar.gz`,
    sha256: expected
  };
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `gitleaks` on PATH, like `which`. */
export function findOnPath(name = 'gitleaks', pathEnv = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathEnv.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export interface InstallInputs {
  gitleaksPath?: string;
  version?: string;
  sha256?: string;
}

export async function resolveGitleaks(inputs: InstallInputs): Promise<string> {
  if (inputs.gitleaksPath) {
    if (!isExecutable(inputs.gitleaksPath)) {
      throw new ConfigurationError(
        `Input 'gitleaks-path': ${inputs.gitleaksPath} is not an executable file${existsSync(inputs.gitleaksPath) ? '' : ' (it does not exist)'}`
      );
    }
    return inputs.gitleaksPath;
  }
  if (!inputs.version) {
    const onPath = findOnPath();
    if (onPath) {
      core.info(`Using ${onPath} (set 'gitleaks-version' to install a pinned release instead)`);
      return onPath;
    }
  }
  const asset = releaseAsset(inputs.version || DEFAULT_GITLEAKS_VERSION, runnerArch(), inputs.sha256);
  let dir = tc.find('gitleaks', asset.version, asset.arch);
  if (!dir) {
    core.info(`Downloading ${asset.url}`);
    const archive = await tc.downloadTool(asset.url);
    const actual = await sha256File(archive);
    if (actual !== asset.sha256) {
      throw new ConfigurationError(
        `SHA-256 mismatch for ${asset.url}: expected ${asset.sha256}, got ${actual}; refusing to run it`
      );
    }
    const extracted = await tc.extractTar(archive);
    dir = await tc.cacheDir(extracted, 'gitleaks', asset.version, asset.arch);
  }
  core.addPath(dir);
  return path.join(dir, 'gitleaks');
}
