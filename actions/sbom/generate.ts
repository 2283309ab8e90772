/** SBOM generator command lines (pure) and the run that checks a file was really written. */
import { existsSync, rmSync, statSync } from 'node:fs';
import { ConfigurationError, ToolError } from '../lib/errors.js';
import { TimeoutError, execTool, lastLines } from '../lib/exec.js';
import { isInsecureRegistry, parseImageRef } from '../lib/image-ref.js';
import type { AttestationType } from '../lib/cosign.js';
import { deadlineMs, runWithDeadline } from '../lib/trivy.js';

export const SBOM_FORMATS = ['cyclonedx', 'spdx-json'] as const;
export type SbomFormat = (typeof SBOM_FORMATS)[number];
export const GENERATORS = ['trivy', 'syft'] as const;
export type Generator = (typeof GENERATORS)[number];

export const ATTESTATION_TYPE: Record<SbomFormat, AttestationType> = {
  cyclonedx: 'cyclonedx',
  'spdx-json': 'spdxjson'
};

/** File name suffix: <name>.cdx.json / <name>.spdx.json (the conventional extensions). */
export const FILE_SUFFIX: Record<SbomFormat, string> = { cyclonedx: 'cdx.json', 'spdx-json': 'spdx.json' };

/**
 * The GitHub attestation store (and so `gh attestation verify`) rejects predicates over 16 MiB (actions/attest#262);
 * a larger SBOM is attested trimmed. Tests lower it through SLIPWAY_SBOM_PREDICATE_LIMIT to exercise the trim path.
 */
export const PREDICATE_LIMIT_BYTES = 16 * 1024 * 1024;

export function predicateLimit(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SLIPWAY_SBOM_PREDICATE_LIMIT;
  if (raw && /^\d+$/.test(raw)) return Number(raw);
  return PREDICATE_LIMIT_BYTES;
}

export interface GenerateOptions {
  ref: string;
  format: SbomFormat;
  output: string;
  cacheDir: string;
  timeout: string;
  platform?: string;
}

/**
 * trivy: an SBOM needs no vulnerability DB (cyclonedx/spdx formats turn security scanning off), so the scan runs
 * with --skip-db-update/--skip-java-db-update (no download, also on a first run) and --offline-scan (no API calls
 * to identify dependencies): it reads the image from the registry and nothing else.
 */
export function trivyArgs(o: GenerateOptions): string[] {
  const insecure = isInsecureRegistry(parseImageRef(o.ref).registry);
  return [
    'image',
    '--format',
    o.format,
    '--output',
    o.output,
    '--cache-dir',
    o.cacheDir,
    '--timeout',
    o.timeout,
    '--no-progress',
    '--skip-db-update',
    '--skip-java-db-update',
    '--offline-scan',
    ...(insecure ? ['--insecure'] : []),
    ...(o.platform ? ['--platform', o.platform] : []),
    o.ref
  ];
}

/** syft ≥ 1.0: `syft scan registry:<ref> -o <format>=<file>`; plain-http registries through SYFT_REGISTRY_INSECURE_USE_HTTP. */
export function syftArgs(o: GenerateOptions): { args: string[]; env: Record<string, string> } {
  const insecure = isInsecureRegistry(parseImageRef(o.ref).registry);
  const fmt = o.format === 'cyclonedx' ? 'cyclonedx-json' : 'spdx-json';
  return {
    args: [
      'scan',
      `registry:${o.ref}`,
      '-o',
      `${fmt}=${o.output}`,
      ...(o.platform ? ['--platform', o.platform] : [])
    ],
    env: insecure
      ? { SYFT_REGISTRY_INSECURE_USE_HTTP: 'true', SYFT_CHECK_FOR_APP_UPDATE: 'false' }
      : { SYFT_CHECK_FOR_APP_UPDATE: 'false' }
  };
}

export function syftMissing(): ConfigurationError {
  return new ConfigurationError(
    "Input 'generator' is syft but no syft binary was found on PATH: install it first (e.g. anchore/sbom-action/download-syft), " +
      "set 'syft-path', or use generator: trivy (the default, installed by this action)"
  );
}

export interface SpawnLike {
  (
    tool: string,
    args: string[],
    env: Record<string, string>
  ): Promise<{ exitCode: number; stdout: string; stderr: string; timedOut?: boolean }>;
}

/**
 * How a generator runs: trivy under the hard deadline trivy-gate's runs have (the `timeout` input plus a grace,
 * lib/trivy.ts: a trivy that ignores its own --timeout is killed), its log lines to `onLine`; syft, which has no
 * timeout of its own, killed at the `timeout` input itself (execTool's timeoutMs: SIGTERM to its process group,
 * SIGKILL 5 s later), its log lines streamed to the job log.
 */
export function generatorSpawn(
  generator: Generator,
  timeoutMs: number,
  onLine: (line: string) => void
): SpawnLike {
  if (generator === 'trivy')
    return (tool, args) => runWithDeadline(tool, args, deadlineMs(timeoutMs), onLine);
  return async (tool, args, env) => {
    try {
      return await execTool(tool, args, { env, ignoreReturnCode: true, stream: 'stderr', timeoutMs });
    } catch (error) {
      if (error instanceof TimeoutError)
        return { exitCode: 124, stdout: '', stderr: error.message, timedOut: true };
      throw error;
    }
  };
}

/** Runs the generator; a missing or empty output file is a failure even with exit code 0. */
export async function runGenerator(
  tool: string,
  generator: Generator,
  o: GenerateOptions,
  spawn: SpawnLike
): Promise<void> {
  rmSync(o.output, { force: true });
  const { args, env } = generator === 'trivy' ? { args: trivyArgs(o), env: {} } : syftArgs(o);
  const r = await spawn(tool, args, env);
  if (r.timedOut) {
    throw new ToolError(
      `${generator} ${o.ref}`,
      r.exitCode,
      `killed: no SBOM within the ${o.timeout} timeout`,
      "raise 'timeout'"
    );
  }
  if (r.exitCode !== 0 || !existsSync(o.output) || statSync(o.output).size === 0) {
    throw new ToolError(
      `${generator} ${args[0]} ${o.ref}`,
      r.exitCode,
      lastLines(r.stderr || r.stdout),
      `no SBOM was written for ${o.ref}: check that the digest exists in the registry and that this job can pull it ` +
        `(docker login); the trivy build used in tests exits 1 without a message on any fatal error`
    );
  }
}
