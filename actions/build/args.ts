/** Pure construction of the `docker buildx build` command line for one service. */
import type { ServiceSpec } from '../lib/services-manifest.js';

export interface BuildInputs {
  repoRoot: string;
  service: ServiceSpec;
  /** build context (the `context` input, else the service's), relative to repoRoot */
  context: string;
  /** Dockerfile (the `file` input, else the service's), relative to repoRoot */
  dockerfile: string;
  /** target stage (the `target` input, else the service's) */
  target?: string;
  /** `--secret` values (id=…,env=… / id=…,src=…) */
  secrets: string[];
  /** `--ssh` values (default / id=path) */
  ssh: string[];

  /** full image references with tags */
  tags: string[];
  labels: Record<string, string>;
  annotations: string[];
  buildArgs: Record<string, string>;
  platforms: string[];
  push: boolean;
  load: boolean;
  cacheFrom: string[];
  cacheTo: string[];
  network?: string;
  builder?: string;
  provenance?: string;
  sbom?: string;
  metadataFile: string;
  /** the driver does not support annotations (docker driver): leave them out instead of silently dropping */
  supportsAnnotations: boolean;
  noCache: boolean;
  pull: boolean;
}

export function getBuildArgs(inputs: BuildInputs): string[] {
  const args = ['buildx', 'build'];
  if (inputs.builder) args.push('--builder', inputs.builder);
  args.push('--file', inputs.dockerfile);
  if (inputs.target) args.push('--target', inputs.target);
  if (inputs.platforms.length) args.push('--platform', inputs.platforms.join(','));
  for (const [key, value] of Object.entries(inputs.buildArgs)) args.push('--build-arg', `${key}=${value}`);
  for (const [key, value] of Object.entries(inputs.labels)) args.push('--label', `${key}=${value}`);
  if (inputs.supportsAnnotations)
    for (const annotation of inputs.annotations) args.push('--annotation', annotation);
  for (const tag of inputs.tags) args.push('--tag', tag);
  for (const cache of inputs.cacheFrom) args.push('--cache-from', cache);
  for (const cache of inputs.cacheTo) args.push('--cache-to', cache);
  for (const secret of inputs.secrets) args.push('--secret', secret);
  for (const ssh of inputs.ssh) args.push('--ssh', ssh);
  if (inputs.network) args.push('--network', inputs.network);
  if (inputs.provenance !== undefined) args.push(`--provenance=${inputs.provenance}`);
  if (inputs.sbom !== undefined) args.push(`--sbom=${inputs.sbom}`);
  if (inputs.noCache) args.push('--no-cache');
  if (inputs.pull) args.push('--pull');
  if (inputs.push) args.push('--push');
  if (inputs.load) args.push('--load');
  args.push('--metadata-file', inputs.metadataFile);
  args.push(inputs.context);
  return args;
}

export type CacheMode = 'auto' | 'gha' | 'registry' | 'inline' | 'none';

/**
 * Cache flags for a mode. `gha` needs the Actions cache service and a builder that can export caches
 * (docker-container); the docker driver can only write inline caches, so `auto` picks what the builder supports.
 */
export function cacheFlags(
  mode: CacheMode,
  opts: { service: string; cacheRef?: string; driver: string; onGitHub: boolean }
): { from: string[]; to: string[] } {
  const exportable = opts.driver !== 'docker';
  const resolved: CacheMode =
    mode === 'auto'
      ? opts.onGitHub && exportable
        ? 'gha'
        : opts.cacheRef
          ? exportable
            ? 'registry'
            : 'inline'
          : 'none'
      : mode;
  switch (resolved) {
    case 'gha':
      return { from: [`type=gha,scope=${opts.service}`], to: [`type=gha,scope=${opts.service},mode=max`] };
    case 'registry':
      return opts.cacheRef
        ? {
            from: [`type=registry,ref=${opts.cacheRef}`],
            to: [`type=registry,ref=${opts.cacheRef},mode=max`]
          }
        : { from: [], to: [] };
    case 'inline':
      return { from: opts.cacheRef ? [`type=registry,ref=${opts.cacheRef}`] : [], to: ['type=inline'] };
    default:
      return { from: [], to: [] };
  }
}
