/**
 * Which trivy binary to run: input `trivy-path`, else `trivy` already on PATH, else a pinned release from GitHub,
 * SHA-256-verified before it is extracted, through @actions/tool-cache (find → download → verify → extract →
 * cacheDir → addPath).
 */
import { ConfigurationError } from '../lib/errors.js';
import { type PinnedTool, type ReleaseAsset, pinnedAsset, resolveTool } from '../lib/tool-install.js';

export { findOnPath, sha256File } from '../lib/tool-install.js';

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

export const TRIVY: PinnedTool<TrivyPlatform> = {
  name: 'trivy',
  releases: TRIVY_RELEASES,
  defaultVersion: DEFAULT_TRIVY_VERSION,
  example: '0.58.1',
  url: (v, platform) =>
    `https://github.com/aquasecurity/trivy/releases/download/v${v}/trivy_${v}_${platform}.tar.gz`
};

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

export function releaseAsset(
  version: string,
  platform: TrivyPlatform,
  sha256?: string
): ReleaseAsset<TrivyPlatform> {
  return pinnedAsset(TRIVY, version, platform, sha256);
}

export interface InstallInputs {
  trivyPath?: string;
  version?: string;
  sha256?: string;
}

export async function resolveTrivy(inputs: InstallInputs): Promise<string> {
  return resolveTool(TRIVY, () => runnerPlatform(), {
    path: inputs.trivyPath,
    version: inputs.version,
    sha256: inputs.sha256
  });
}
