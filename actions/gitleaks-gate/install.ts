/**
 * Which gitleaks binary to run: input `gitleaks-path`, else a `gitleaks` already on PATH, else a pinned release
 * from GitHub, checksum-verified before it is extracted, through @actions/tool-cache (find → download → verify →
 * extract → cacheDir → addPath). No license key is involved (this is the gitleaks CLI, not gitleaks-action).
 */
import { ConfigurationError } from '../lib/errors.js';
import {
  type PinnedTool,
  type ReleaseAsset,
  type ToolInputs,
  pinnedAsset,
  resolveTool
} from '../lib/tool-install.js';

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

export const GITLEAKS: PinnedTool<GitleaksArch> = {
  name: 'gitleaks',
  releases: GITLEAKS_RELEASES,
  defaultVersion: DEFAULT_GITLEAKS_VERSION,
  example: '8.18.2',
  url: (v, arch) =>
    `https://github.com/gitleaks/gitleaks/releases/download/v${v}/gitleaks_${v}_linux_${arch}.tar.gz`
};

export function runnerArch(arch = process.arch): GitleaksArch {
  if (arch === 'x64') return 'x64';
  if (arch === 'arm64') return 'arm64';
  throw new ConfigurationError(
    `gitleaks-gate installs gitleaks for linux x64/arm64 only (runner arch '${arch}'): set input 'gitleaks-path'`
  );
}

export function releaseAsset(
  version: string,
  arch: GitleaksArch,
  sha256?: string
): ReleaseAsset<GitleaksArch> {
  return pinnedAsset(GITLEAKS, version, arch, sha256);
}

export interface InstallInputs {
  gitleaksPath?: string;
  version?: string;
  sha256?: string;
}

export async function resolveGitleaks(inputs: InstallInputs): Promise<string> {
  const tool: ToolInputs = { path: inputs.gitleaksPath, version: inputs.version, sha256: inputs.sha256 };
  return resolveTool(GITLEAKS, () => runnerArch(), tool);
}
