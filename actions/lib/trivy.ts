/**
 * The one trivy of the suite (trivy-gate scans with it, sbom generates SBOMs with it):
 * - which binary: input `trivy-path`, else `trivy` already on PATH, else a pinned release from GitHub, SHA-256-verified
 *   before it is extracted (lib/tool-install.ts: tool-cache find → download → verify → extract → cacheDir → addPath);
 * - its `--timeout` duration syntax (a Go duration);
 * - a run with a hard deadline. trivy's own --timeout does not cover everything (a cached scan ignored
 *   `--timeout 1ms` here, and the UPX-packed build spends seconds before it starts), so the process is killed when
 *   the deadline passes and the run counts as failed (exit 124), never as a verdict.
 */
import { spawn } from 'node:child_process';
import { ConfigurationError } from './errors.js';
import { LineSplitter } from './exec.js';
import { type PinnedTool, type ReleaseAsset, pinnedAsset, resolveTool } from './tool-install.js';

/** trivy's release asset platform names (trivy_<v>_<platform>.tar.gz). */
export type TrivyPlatform = 'Linux-64bit' | 'Linux-ARM64' | 'macOS-64bit' | 'macOS-ARM64';

/**
 * SHA-256 of the release archives of trivy 0.69.3, transcribed from trivy_0.69.3_checksums.txt of the release (as
 * quoted verbatim by two public build files: a Python tool-download table citing
 * https://github.com/aquasecurity/trivy/releases/download/v0.69.3/trivy_0.69.3_checksums.txt for all four, and a
 * shell installer with the same Linux-64bit/Linux-ARM64 values). 0.69.3 because it exists: after the 2026-03-01
 * incident Aqua deleted every GitHub release from v0.27.0 to v0.69.1 (https://github.com/aquasecurity/trivy/discussions/10265,
 * as reported in https://github.com/goharbor/harbor/pull/22911 and https://github.com/stackhpc/stackhpc-kayobe-config/pull/2187),
 * restored 0.69.2, and 0.69.3 followed; 0.69.4 was the malicious release (below). Another version needs
 * `trivy-sha256`. `scripts/check-pins.ts` (scheduled in Slipway's CI) downloads each pinned URL and re-checks the hash.
 */
export const TRIVY_RELEASES: Record<string, Partial<Record<TrivyPlatform, string>>> = {
  '0.69.3': {
    'Linux-64bit': '1816b632dfe529869c740c0913e36bd1629cb7688bd5634f4a858c1d57c88b75',
    'Linux-ARM64': '7e3924a974e912e57b4a99f65ece7931f8079584dae12eb7845024f97087bdfd',
    'macOS-64bit': 'fec4a9f7569b624dd9d044fca019e5da69e032700edbb1d7318972c448ec2f4e',
    'macOS-ARM64': 'a2f2179afd4f8bb265ca3c7aefb56a666bc4a9a411663bc0f22c3549fbc643a5'
  }
};
export const DEFAULT_TRIVY_VERSION = '0.69.3';

/**
 * Trivy versions refused by name. 0.69.4: the malicious release of the second compromise, 2026-03-19
 * (GHSA-69fq-xp46-6x23 / CVE-2026-33634, https://github.com/aquasecurity/trivy/security/advisories/GHSA-69fq-xp46-6x23;
 * https://github.com/microsoft/winget-pkgs/pull/350435 removed it). 0.69.5 and 0.69.6: reported compromised in the
 * same 2026-03-19..23 window (https://github.com/iuliandita/digarr/pull/98; Aqua's advisory names only 0.69.4 —
 * refusing two more costs nothing). 0.27.0–0.69.1: their release assets were deleted on 2026-03-01, so a download
 * could only fail or come from somewhere else.
 */
export const TRIVY_REFUSED: Record<string, string> = {
  '0.69.4': 'malicious release (GHSA-69fq-xp46-6x23, CVE-2026-33634)',
  '0.69.5': 'reported compromised in the 2026-03-19..23 window of GHSA-69fq-xp46-6x23',
  '0.69.6': 'reported compromised in the 2026-03-19..23 window of GHSA-69fq-xp46-6x23'
};

export function trivyRefused(version: string): string | undefined {
  if (TRIVY_REFUSED[version]) return TRIVY_REFUSED[version];
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  const n = major * 1_000_000 + minor * 1_000 + patch;
  if (n >= 27_000 && n <= 69_001) {
    return 'its GitHub release assets were deleted after the 2026-03-01 incident (aquasecurity/trivy discussion 10265)';
  }
  return undefined;
}

export const TRIVY: PinnedTool<TrivyPlatform> = {
  name: 'trivy',
  releases: TRIVY_RELEASES,
  defaultVersion: DEFAULT_TRIVY_VERSION,
  example: DEFAULT_TRIVY_VERSION,
  refused: trivyRefused,
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

// ---------------------------------------------------------------------------------------------------------------
// a run with a deadline

export interface SpawnResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export const TIMEOUT_EXIT_CODE = 124;

/** The hard deadline: trivy's timeout plus a grace for start-up and writing the report. */
export function deadlineMs(timeoutMs: number): number {
  return timeoutMs + Math.min(30_000, Math.max(1_000, Math.round(timeoutMs / 10)));
}

/** `onStderrLine` gets trivy's log lines as they come (its progress); stdout is captured only. */
export function runWithDeadline(
  tool: string,
  args: string[],
  deadline: number,
  onStderrLine?: (line: string) => void
): Promise<SpawnResult> {
  return new Promise((resolve) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const live = onStderrLine ? new LineSplitter(onStderrLine) : undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      live?.write(d);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, deadline);
    child.on('error', (error) => {
      clearTimeout(timer);
      live?.flush();
      resolve({ exitCode: 127, stdout, stderr: `${stderr}${error.message}`, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      live?.flush();
      resolve({ exitCode: timedOut ? TIMEOUT_EXIT_CODE : (code ?? 1), stdout, stderr, timedOut });
    });
  });
}
