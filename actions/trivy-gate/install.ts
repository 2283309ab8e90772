/**
 * Which trivy binary to run: input `trivy-path`, else `trivy` already on PATH, else a pinned release from GitHub,
 * SHA-256-verified before it is extracted, through @actions/tool-cache (find → download → verify → extract →
 * cacheDir → addPath).
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import * as tc from '@actions/tool-cache';
import { ConfigurationError } from '../lib/errors.js';

/** trivy's release asset platform names (trivy_<v>_<platform>.tar.gz). */
export type TrivyPlatform = 'Linux-64bit' | 'Linux-ARM64' | 'macOS-64bit' | 'macOS-ARM64';

/**
 * SHA-256 of the release archives of trivy 0.58.1 (DB schema 2, like the test build). Values as listed for these
 * release URLs by cashapp/hermit-packages trivy.hcl (sha256sums); compare with trivy_0.58.1_checksums.txt of the
 * release when bumping. Another version needs `trivy-sha256`.
 */
export const TRIVY_RELEASES: Record<string, Partial<Record<TrivyPlatform, string>>> = {
  '0.58.1': {
    'Linux-64bit': '21a5eea31d072b34a6284855249f4074ff43c618d398f9ec328bef4ff7c2fa0d',
    'Linux-ARM64': '29ec9c3af77a00234860f4a9c48e2dd7691e939924da5d76c259e46c614e2545',
    'macOS-64bit': '4f939f363d23eeb4d6181b2c38c518db38d94987565a8fa5ec9e037972e4b811',
    'macOS-ARM64': '499a64a911a1ac80fcc26d619cdc1bdb05528d8b1bd0490f01a8324aa6ec6e13'
  }
};
export const DEFAULT_TRIVY_VERSION = '0.58.1';

export interface ReleaseAsset {
  version: string;
  platform: TrivyPlatform;
  url: string;
  sha256: string;
}

export function runnerPlatform(os = process.platform, arch = process.arch): TrivyPlatform {
  const osName = os === 'linux' ? 'Linux' : os === 'darwin' ? 'macOS' : undefined;
  const archName = arch === 'x64' ? '64bit' : arch === 'arm64' ? 'ARM64' : undefined;
  if (!osName || !archName) {
    throw new ConfigurationError(
      `trivy-gate installs trivy for Linux/macOS x64/arm64 only (runner ${os}/${arch}): set input 'trivy-path'`
    );
  }
  return `${osName}-${archName}` as TrivyPlatform;
}

/** The archive to download and the checksum it must have; without a known checksum nothing is downloaded. */
export function releaseAsset(version: string, platform: TrivyPlatform, sha256?: string): ReleaseAsset {
  const v = version.replace(/^v/, '');
  if (!/^\d+\.\d+\.\d+$/.test(v)) {
    throw new ConfigurationError(`Input 'trivy-version' must be a release like 0.58.1, got '${version}'`);
  }
  const expected = (sha256 || TRIVY_RELEASES[v]?.[platform] || '').toLowerCase();
  if (!expected) {
    throw new ConfigurationError(
      `No pinned SHA-256 for trivy ${v} ${platform}: set input 'trivy-sha256' (from trivy_${v}_checksums.txt of the ` +
        `release) together with 'trivy-version', or set 'trivy-path' to an installed trivy`
    );
  }
  if (!/^[0-9a-f]{64}$/.test(expected))
    throw new ConfigurationError(`Input 'trivy-sha256' must be 64 hex characters`);
  return {
    version: v,
    platform,
    url: `https://github.com/aquasecurity/trivy/releases/download/v${v}/trivy_${v}_${platform}.tar.gz`,
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

export function findOnPath(name = 'trivy', pathEnv = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathEnv.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export interface InstallInputs {
  trivyPath?: string;
  version?: string;
  sha256?: string;
}

export async function resolveTrivy(inputs: InstallInputs): Promise<string> {
  if (inputs.trivyPath) {
    if (!isExecutable(inputs.trivyPath)) {
      throw new ConfigurationError(
        `Input 'trivy-path': ${inputs.trivyPath} is not an executable file${existsSync(inputs.trivyPath) ? '' : ' (it does not exist)'}`
      );
    }
    return inputs.trivyPath;
  }
  if (!inputs.version) {
    const onPath = findOnPath();
    if (onPath) {
      core.info(`Using ${onPath} (set 'trivy-version' to install a pinned release instead)`);
      return onPath;
    }
  }
  const asset = releaseAsset(inputs.version || DEFAULT_TRIVY_VERSION, runnerPlatform(), inputs.sha256);
  let dir = tc.find('trivy', asset.version, asset.platform);
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
    dir = await tc.cacheDir(extracted, 'trivy', asset.version, asset.platform);
  }
  core.addPath(dir);
  return path.join(dir, 'trivy');
}
