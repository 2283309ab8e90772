/**
 * Target platforms of a build: validated against the known os/arch/variant values before anything is built or
 * pushed, and the plan for building several of them on the builder at hand.
 */
import { ConfigurationError } from '../lib/errors.js';

/*
 * An index's platform uses GOOS / GOARCH values, and the variants of the image-index spec's table:
 * https://github.com/opencontainers/image-spec/blob/v1.1.0/image-index.md#image-index-property-descriptions
 * (platform.os / platform.architecture "SHOULD use ... values listed in the Go Language document for GOOS/GOARCH",
 * https://go.dev/doc/install/source#environment) and the "Platform variants" table (arm v6/v7/v8, arm64 v8).
 * amd64 micro-architecture levels v2–v4 are what buildx/containerd accept as amd64 variants
 * (https://docs.docker.com/build/building/multi-platform/).
 */
const LINUX_ARCHITECTURES: Record<string, readonly string[]> = {
  amd64: ['v1', 'v2', 'v3', 'v4'],
  arm64: ['v8'],
  arm: ['v5', 'v6', 'v7', 'v8'],
  '386': [],
  ppc64le: [],
  s390x: [],
  riscv64: [],
  mips64le: [],
  mips64: [],
  loong64: []
};

/** The valid platforms, spelled out for error messages: linux with variants, windows and freebsd on amd64/arm64. */
export const KNOWN_PLATFORMS: readonly string[] = [
  ...Object.entries(LINUX_ARCHITECTURES).flatMap(([arch, variants]) => [
    `linux/${arch}`,
    ...variants.map((v) => `linux/${arch}/${v}`)
  ]),
  ...['windows', 'freebsd'].flatMap((os) => [`${os}/amd64`, `${os}/arm64`])
];

const COMMON = [
  'linux/amd64',
  'linux/arm64',
  'linux/arm/v7',
  'linux/arm/v6',
  'linux/386',
  'linux/ppc64le',
  'linux/s390x',
  'linux/riscv64'
];

/**
 * The form buildx and registries write in an index: arm64/v8 and amd64/v1 carry no variant, plain arm is arm/v7
 * (containerd's platform normalisation, which buildx uses).
 */
export function normalizePlatform(platform: string): string {
  const [os, arch, variant] = platform.split('/');
  if (arch === 'arm64' && variant === 'v8') return `${os}/arm64`;
  if (arch === 'amd64' && variant === 'v1') return `${os}/amd64`;
  if (arch === 'arm' && !variant) return `${os}/arm/v7`;
  return platform;
}

/**
 * Checks every platform (trimmed, lower case as buildx takes them) and refuses unknown or repeated ones.
 * `source` names where the list came from (the input or the manifest's service entry).
 */
export function validatePlatforms(platforms: string[], source: string): string[] {
  if (platforms.length === 0) {
    throw new ConfigurationError(
      `${source}: no platform given; use e.g. linux/amd64 or linux/amd64,linux/arm64`
    );
  }
  const seen = new Map<string, string>();
  for (const raw of platforms) {
    const platform = raw.trim();
    if (!KNOWN_PLATFORMS.includes(platform)) {
      throw new ConfigurationError(
        `${source}: '${raw}' is not a known platform (os/arch[/variant]). Common ones: ${COMMON.join(', ')}; ` +
          `every valid value: ${KNOWN_PLATFORMS.join(', ')}`
      );
    }
    const normal = normalizePlatform(platform);
    const earlier = seen.get(normal);
    if (earlier !== undefined) {
      throw new ConfigurationError(
        `${source}: '${earlier}' and '${platform}' are the same platform; list each platform once`
      );
    }
    seen.set(normal, platform);
  }
  return platforms.map((p) => p.trim());
}

/*
 * The docker driver builds one platform per call ("Multiple platforms feature is currently not supported for docker
 * driver", https://github.com/docker/buildx/issues/1996), and cannot push by digest alone ("push-by-digest is
 * currently not implemented for docker driver", buildx 0.13 here). So on it each platform is built and pushed on its
 * own under a per-platform tag, and `docker buildx imagetools create` merges the pushed digests into one index:
 * the pattern Docker documents for per-runner builds
 * (https://docs.docker.com/build/ci/github-actions/multi-platform/#distribute-build-across-multiple-runners).
 * Any other driver (docker-container on GitHub, docker/setup-buildx-action) builds all platforms in one call.
 */
export type BuildStrategy = 'one-call' | 'per-platform';

export function buildStrategy(platforms: string[], driver: string): BuildStrategy {
  return platforms.length > 1 && driver === 'docker' ? 'per-platform' : 'one-call';
}

// tag grammar of the distribution spec: https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pulling-manifests
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** `<repo>:<tag>-<os>-<arch>[-<variant>]`: where one platform of a per-platform build is pushed before the merge. */
export function platformTag(repository: string, tag: string, platform: string): string {
  const platformTagName = `${tag}-${platform.replace(/\//g, '-')}`;
  if (!TAG_RE.test(platformTagName)) {
    throw new ConfigurationError(
      `Input 'tags': the per-platform tag '${platformTagName}' (the first tag plus -${platform.replace(/\//g, '-')}) ` +
        `is longer than the 128 characters a tag may have; make the first tag shorter`
    );
  }
  return `${repository}:${platformTagName}`;
}

/** The requested platforms that the pushed image lacks, and the pushed platforms nobody asked for. */
export function platformMismatch(
  requested: string[],
  pushed: string[]
): { missing: string[]; unexpected: string[] } {
  const want = new Set(requested.map(normalizePlatform));
  const have = new Set(pushed.map(normalizePlatform));
  return {
    missing: [...want].filter((p) => !have.has(p)),
    unexpected: [...have].filter((p) => !want.has(p))
  };
}
