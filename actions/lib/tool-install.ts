/**
 * Pinned tool installs for the runner: an explicit path input, else the tool on PATH, else a pinned release through
 * @actions/tool-cache (find → download → verify SHA-256 → extract → cacheDir → addPath). Nothing unverified runs.
 *
 * Where the release files come from is configurable for tests and air-gapped runners, never the trust in them:
 * - `SLIPWAY_TOOL_MIRROR` (a base URL) serves the same files laid out like GitHub releases,
 *   `<mirror>/<owner>/<repo>/releases/download/<tag>/<asset>`; the pinned upstream checksums still apply.
 * - `SLIPWAY_TOOL_PINS` (JSON, `{"<tool>": {"version": "x.y.z", "sha256": {"<platform>": "<hex>"}}}`) replaces a
 *   tool's pin table, e.g. with the checksums of locally packaged test binaries. It is refused unless
 *   `SLIPWAY_TOOL_MIRROR` is set too, so the upstream checksums cannot be weakened silently on a GitHub runner, and
 *   a warning names it whenever it is used.
 */
import { createHash } from 'node:crypto';
import { chmodSync, createReadStream, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import * as io from '@actions/io';
import * as tc from '@actions/tool-cache';
import { ConfigurationError, httpStatus } from './errors.js';

/** The release files' home: tool URLs are GitHub release download URLs under it. */
export const GITHUB_RELEASES_BASE = 'https://github.com';
export const TOOL_MIRROR_ENV = 'SLIPWAY_TOOL_MIRROR';
export const TOOL_PINS_ENV = 'SLIPWAY_TOOL_PINS';

export interface PinnedTool<P extends string> {
  /** binary and tool-cache name, also the prefix of its inputs (`<name>-path`, `-version`, `-sha256`) */
  name: string;
  /** SHA-256 of each release archive by version and platform, from the release's checksums file */
  releases: Record<string, Partial<Record<P, string>>>;
  defaultVersion: string;
  /** release archive URL for a version and platform (a GitHub release download URL) */
  url(version: string, platform: P): string;
  /** example version for error messages */
  example: string;
  /**
   * Versions that must never be installed (a malicious release, deleted assets), with the reason and its source:
   * refused by name before any pin or explicit checksum is looked at.
   */
  refused?: (version: string) => string | undefined;
}

/** A replacement pin table of one tool (see SLIPWAY_TOOL_PINS above). */
export interface PinOverride {
  version: string;
  sha256: Record<string, string>;
}

/** Where pinned releases are downloaded from and which checksums they must have. */
export interface ToolSource {
  /** base URL replacing https://github.com in release URLs */
  mirror?: string;
  /** by tool name; only together with a mirror */
  pins?: Record<string, PinOverride>;
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

const HEX64 = /^[0-9a-f]{64}$/;

function parsePins(text: string): Record<string, PinOverride> {
  const shape = `{"<tool>": {"version": "1.2.3", "sha256": {"<platform>": "<64 hex>"}}}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(
      `${TOOL_PINS_ENV} is not JSON (${error instanceof Error ? error.message : String(error)}): expected ${shape}`
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigurationError(`${TOOL_PINS_ENV} must be a JSON object like ${shape}`);
  }
  const pins: Record<string, PinOverride> = {};
  for (const [tool, entry] of Object.entries(parsed as Record<string, unknown>)) {
    const e = entry as { version?: unknown; sha256?: unknown } | null;
    const sums = e?.sha256;
    const valid =
      e &&
      typeof e.version === 'string' &&
      /^\d+\.\d+\.\d+$/.test(e.version) &&
      sums &&
      typeof sums === 'object' &&
      !Array.isArray(sums) &&
      Object.values(sums).every((v) => typeof v === 'string' && HEX64.test(v.toLowerCase()));
    if (!valid) {
      throw new ConfigurationError(
        `${TOOL_PINS_ENV}: the entry of '${tool}' must be {"version": "1.2.3", "sha256": {"<platform>": "<64 hex>"}}`
      );
    }
    const lower = Object.fromEntries(
      Object.entries(sums as Record<string, string>).map(([k, v]) => [k, v.toLowerCase()])
    );
    pins[tool] = { version: e.version as string, sha256: lower };
  }
  return pins;
}

/**
 * The tool source from the environment: default GitHub's release URLs and the pinned checksums. A pin table
 * override without a mirror is refused (see the file comment).
 */
export function toolSourceFromEnv(env: NodeJS.ProcessEnv = process.env): ToolSource {
  const source: ToolSource = {};
  const mirror = env[TOOL_MIRROR_ENV]?.trim();
  if (mirror) {
    const protocol = URL.canParse(mirror) ? new URL(mirror).protocol : undefined;
    if (protocol !== 'http:' && protocol !== 'https:') {
      throw new ConfigurationError(
        `${TOOL_MIRROR_ENV} must be an http(s) base URL like http://127.0.0.1:8080, got '${mirror}'`
      );
    }
    const base = mirror.replace(/\/+$/, '');
    if (base !== GITHUB_RELEASES_BASE) source.mirror = base;
  }
  const pins = env[TOOL_PINS_ENV]?.trim();
  if (pins) {
    if (!source.mirror) {
      throw new ConfigurationError(
        `${TOOL_PINS_ENV} replaces the pinned release checksums and is accepted only together with ${TOOL_MIRROR_ENV} ` +
          `(a mirror of the release files, e.g. in tests): unset ${TOOL_PINS_ENV} to install the pinned upstream releases`
      );
    }
    source.pins = parsePins(pins);
  }
  return source;
}

/** A GitHub release download URL moved onto the mirror (same `/<owner>/<repo>/releases/download/…` path). */
export function mirroredUrl(url: string, mirror: string | undefined): string {
  if (!mirror) return url;
  const prefix = `${GITHUB_RELEASES_BASE}/`;
  if (!url.startsWith(prefix)) {
    throw new ConfigurationError(`${TOOL_MIRROR_ENV} can only serve GitHub release URLs, not ${url}`);
  }
  return `${mirror}/${url.slice(prefix.length)}`;
}

/**
 * The archive to download and the checksum it must have. The version defaults to the pin table's (the tool's, or
 * SLIPWAY_TOOL_PINS's); an unknown version needs an explicit checksum.
 */
export function pinnedAsset<P extends string>(
  tool: PinnedTool<P>,
  version: string | undefined,
  platform: P,
  sha256?: string,
  source: ToolSource = toolSourceFromEnv()
): ReleaseAsset<P> {
  const override = source.pins?.[tool.name];
  const requested = version || override?.version || tool.defaultVersion;
  const v = requested.replace(/^v/, '');
  if (!/^\d+\.\d+\.\d+$/.test(v)) {
    throw new ConfigurationError(
      `Input '${tool.name}-version' must be a release like ${tool.example}, got '${requested}'`
    );
  }
  const refusal = tool.refused?.(v);
  if (refusal) {
    throw new ConfigurationError(
      `${tool.name} ${v} is refused: ${refusal}. Set '${tool.name}-version' to ${tool.defaultVersion} (the pinned release) or leave it empty`
    );
  }
  const pinned = override
    ? override.version === v
      ? override.sha256[platform]
      : undefined
    : tool.releases[v]?.[platform];
  const expected = (sha256 || pinned || '').toLowerCase();
  if (!expected) {
    throw new ConfigurationError(
      override
        ? `No SHA-256 for ${tool.name} ${v} ${platform} in ${TOOL_PINS_ENV} (it pins ${tool.name} ${override.version} for ` +
            `${Object.keys(override.sha256).join(', ') || 'no platform'}): add it there or set input '${tool.name}-sha256'`
        : `No pinned SHA-256 for ${tool.name} ${v} ${platform}: set input '${tool.name}-sha256' (from ${tool.name}_${v}_checksums.txt ` +
            `of the release) together with '${tool.name}-version', or set '${tool.name}-path' to an installed binary`
    );
  }
  if (!HEX64.test(expected)) {
    throw new ConfigurationError(`Input '${tool.name}-sha256' must be 64 hex characters`);
  }
  return { version: v, platform, url: mirroredUrl(tool.url(v, platform), source.mirror), sha256: expected };
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * An executable file: a bare name is looked up on PATH, a path is checked where it is (@actions/io's `which`, the
 * toolkit's own; it checks the file mode against the user and group). Undefined when there is none.
 */
export async function findExecutable(nameOrPath: string): Promise<string | undefined> {
  const target = nameOrPath.includes(path.sep) ? path.resolve(nameOrPath) : nameOrPath;
  return (await io.which(target, false)) || undefined;
}

/** How a release ships the tool: a .tar.gz with the binary at its root, or the bare binary. */
export type AssetFormat = 'tar.gz' | 'binary';

/**
 * Installs a pinned release: tool-cache hit, else download → verify SHA-256 (a mismatch deletes the file and fails)
 * → extract → cacheDir/cacheFile; then addPath. Returns the binary's path.
 */
export async function installPinned<P extends string>(
  tool: PinnedTool<P>,
  asset: ReleaseAsset<P>,
  format: AssetFormat = 'tar.gz',
  env: NodeJS.ProcessEnv = process.env
): Promise<string> {
  if (toolSourceFromEnv(env).pins?.[tool.name]) {
    core.warning(
      `${tool.name}: checksum from ${TOOL_PINS_ENV}, not Slipway's pinned upstream release checksums (test/mirror setup)`
    );
  }
  let dir = tc.find(tool.name, asset.version, asset.platform);
  if (!dir) {
    core.info(`Downloading ${asset.url}`);
    let file: string;
    try {
      file = await tc.downloadTool(asset.url);
    } catch (error) {
      const status = httpStatus(error) ? ` (HTTP ${httpStatus(error)})` : '';
      throw new ConfigurationError(
        `Downloading ${tool.name} ${asset.version} from ${asset.url} failed${status}: ${error instanceof Error ? error.message : String(error)}` +
          (asset.url.startsWith(GITHUB_RELEASES_BASE)
            ? ''
            : ` (is ${TOOL_MIRROR_ENV} serving the release files?)`)
      );
    }
    const actual = await sha256File(file);
    if (actual !== asset.sha256) {
      rmSync(file, { force: true });
      throw new ConfigurationError(
        `SHA-256 mismatch for ${asset.url}: expected ${asset.sha256}, got ${actual}; refusing to run it`
      );
    }
    if (format === 'binary') {
      chmodSync(file, 0o755);
      dir = await tc.cacheFile(file, tool.name, tool.name, asset.version, asset.platform);
    } else {
      const extracted = await tc.extractTar(file);
      rmSync(file, { force: true });
      if (!(await findExecutable(path.join(extracted, tool.name)))) {
        throw new ConfigurationError(
          `${asset.url} has no executable '${tool.name}' at its root; refusing to use it`
        );
      }
      dir = await tc.cacheDir(extracted, tool.name, asset.version, asset.platform);
    }
  }
  core.addPath(dir);
  return path.join(dir, tool.name);
}

/**
 * Input `<tool>-path`, else the tool on PATH (unless a version is asked for), else the pinned release (installPinned).
 */
export async function resolveTool<P extends string>(
  tool: PinnedTool<P>,
  platform: () => P,
  inputs: ToolInputs,
  format: AssetFormat = 'tar.gz'
): Promise<string> {
  if (inputs.path) {
    const explicit = await findExecutable(path.resolve(inputs.path));
    if (!explicit) {
      throw new ConfigurationError(
        `Input '${tool.name}-path': ${inputs.path} is not an executable file${existsSync(inputs.path) ? '' : ' (it does not exist)'}`
      );
    }
    return explicit;
  }
  if (!inputs.version) {
    const onPath = await findExecutable(tool.name);
    if (onPath) {
      core.info(`Using ${onPath} (set '${tool.name}-version' to install a pinned release instead)`);
      return onPath;
    }
  }
  return installPinned(tool, pinnedAsset(tool, inputs.version, platform(), inputs.sha256), format);
}
