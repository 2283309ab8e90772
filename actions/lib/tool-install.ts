/**
 * Pinned tool installs for the runner: an explicit path input, else the tool on PATH, else a pinned release through
 * @actions/tool-cache (find → download → verify SHA-256 → extract → cacheDir → addPath). Nothing unverified runs.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import * as tc from '@actions/tool-cache';
import { ConfigurationError } from './errors.js';

export interface PinnedTool<P extends string> {
  /** binary and tool-cache name, also the prefix of its inputs (`<name>-path`, `-version`, `-sha256`) */
  name: string;
  /** SHA-256 of each release archive by version and platform, from the release's checksums file */
  releases: Record<string, Partial<Record<P, string>>>;
  defaultVersion: string;
  /** release archive URL for a version and platform */
  url(version: string, platform: P): string;
  /** example version for error messages */
  example: string;
  /**
   * Versions that must never be installed (a malicious release, deleted assets), with the reason and its source:
   * refused by name before any pin or explicit checksum is looked at.
   */
  refused?: (version: string) => string | undefined;
}

export interface ReleaseAsset<P extends string> {
  version: string;
  platform: P;
  url: string;
  sha256: string;
}

export interface ToolInputs {
  path?: string;
  version?: string;
  sha256?: string;
}

/** The archive to download and the checksum it must have; an unknown version needs an explicit checksum. */
export function pinnedAsset<P extends string>(
  tool: PinnedTool<P>,
  version: string,
  platform: P,
  sha256?: string
): ReleaseAsset<P> {
  const v = version.replace(/^v/, '');
  if (!/^\d+\.\d+\.\d+$/.test(v)) {
    throw new ConfigurationError(
      `Input '${tool.name}-version' must be a release like ${tool.example}, got '${version}'`
    );
  }
  const refusal = tool.refused?.(v);
  if (refusal) {
    throw new ConfigurationError(
      `${tool.name} ${v} is refused: ${refusal}. Set '${tool.name}-version' to ${tool.defaultVersion} (the pinned release) or leave it empty`
    );
  }
  const expected = (sha256 || tool.releases[v]?.[platform] || '').toLowerCase();
  if (!expected) {
    throw new ConfigurationError(
      `No pinned SHA-256 for ${tool.name} ${v} ${platform}: set input '${tool.name}-sha256' (from ${tool.name}_${v}_checksums.txt ` +
        `of the release) together with '${tool.name}-version', or set '${tool.name}-path' to an installed binary`
    );
  }
  if (!/^[0-9a-f]{64}$/.test(expected)) {
    throw new ConfigurationError(`Input '${tool.name}-sha256' must be 64 hex characters`);
  }
  return { version: v, platform, url: tool.url(v, platform), sha256: expected };
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

/** A binary on PATH, like `which`. */
export function findOnPath(name: string, pathEnv = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathEnv.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export async function resolveTool<P extends string>(
  tool: PinnedTool<P>,
  platform: () => P,
  inputs: ToolInputs
): Promise<string> {
  if (inputs.path) {
    if (!isExecutable(inputs.path)) {
      throw new ConfigurationError(
        `Input '${tool.name}-path': ${inputs.path} is not an executable file${existsSync(inputs.path) ? '' : ' (it does not exist)'}`
      );
    }
    return inputs.path;
  }
  if (!inputs.version) {
    const onPath = findOnPath(tool.name);
    if (onPath) {
      core.info(`Using ${onPath} (set '${tool.name}-version' to install a pinned release instead)`);
      return onPath;
    }
  }
  const asset = pinnedAsset(tool, inputs.version || tool.defaultVersion, platform(), inputs.sha256);
  let dir = tc.find(tool.name, asset.version, asset.platform);
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
    dir = await tc.cacheDir(extracted, tool.name, asset.version, asset.platform);
  }
  core.addPath(dir);
  return path.join(dir, tool.name);
}
