/** Maps changed paths onto services through the manifest's globs. Pure. */
import picomatch from 'picomatch';
import type { ServiceSpec, ServicesManifest } from '../lib/services-manifest.js';

export interface ServiceDecision {
  service: string;
  build: boolean;
  reason: string;
  /** the changed files that triggered it (at most a few, for the summary) */
  matched: string[];
}

const MATCH_OPTIONS = { dot: true } as const;

function describeMatches(files: string[]): string {
  const shown = files.slice(0, 3).join(', ');
  return files.length > 3 ? `${shown} (+${files.length - 3} more)` : shown;
}

export function selectChangedServices(manifest: ServicesManifest, changed: string[]): ServiceDecision[] {
  const shared = picomatch(manifest.sharedPaths.length ? manifest.sharedPaths : ['\0none'], MATCH_OPTIONS);
  const sharedHits = manifest.sharedPaths.length ? changed.filter((f) => shared(f)) : [];
  return manifest.services.map((service: ServiceSpec) => {
    if (sharedHits.length > 0) {
      return {
        service: service.name,
        build: true,
        reason: `shared path changed: ${describeMatches(sharedHits)}`,
        matched: sharedHits
      };
    }
    const matcher = picomatch(service.paths, MATCH_OPTIONS);
    const hits = changed.filter((f) => matcher(f));
    return hits.length > 0
      ? { service: service.name, build: true, reason: `changed: ${describeMatches(hits)}`, matched: hits }
      : { service: service.name, build: false, reason: 'no matching change', matched: [] };
  });
}

export function selectAll(manifest: ServicesManifest, reason: string): ServiceDecision[] {
  return manifest.services.map((s) => ({ service: s.name, build: true, reason, matched: [] }));
}

export function selectExplicit(manifest: ServicesManifest, names: string[]): ServiceDecision[] {
  const wanted = new Set(names);
  return manifest.services.map((s) => ({
    service: s.name,
    build: wanted.has(s.name),
    reason: wanted.has(s.name) ? "listed in input 'services'" : "not listed in input 'services'",
    matched: []
  }));
}

export interface MatrixEntry {
  service: string;
  context: string;
  dockerfile: string;
  platforms: string;
}

/** `strategy.matrix` JSON: `{ include: [...] }` with one entry per service to build. */
export function buildMatrix(
  manifest: ServicesManifest,
  decisions: ServiceDecision[]
): { include: MatrixEntry[] } {
  const selected = new Set(decisions.filter((d) => d.build).map((d) => d.service));
  return {
    include: manifest.services
      .filter((s) => selected.has(s.name))
      .map((s) => ({
        service: s.name,
        context: s.context,
        dockerfile: s.dockerfile,
        platforms: s.platforms.join(',')
      }))
  };
}
