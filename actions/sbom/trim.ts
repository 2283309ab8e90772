/**
 * Trimming an SBOM for attestation when it is over the predicate limit: components keep their identity (name,
 * version, purl, licenses, hashes) but lose file lists, properties and evidence; the full file stays the artifact.
 */
import type { SbomFormat } from './generate.js';

type Json = Record<string, unknown>;

function trimCycloneDxComponents(components: unknown, kept: Set<string>): Json[] {
  if (!Array.isArray(components)) return [];
  const out: Json[] = [];
  for (const c of components as Json[]) {
    if (c.type === 'file') continue;
    const { properties: _p, evidence: _e, components: nested, ...rest } = c;
    const trimmed: Json = { ...rest };
    const children = trimCycloneDxComponents(nested, kept);
    if (children.length) trimmed.components = children;
    if (typeof c['bom-ref'] === 'string') kept.add(c['bom-ref']);
    out.push(trimmed);
  }
  return out;
}

export function trimCycloneDx(doc: Json): Json {
  const kept = new Set<string>();
  const metadata = doc.metadata as Json | undefined;
  const metaComponent = metadata?.component as Json | undefined;
  if (metaComponent && typeof metaComponent['bom-ref'] === 'string') kept.add(metaComponent['bom-ref']);
  const components = trimCycloneDxComponents(doc.components, kept);
  const dependencies = Array.isArray(doc.dependencies)
    ? (doc.dependencies as Json[])
        .filter((d) => kept.has(String(d.ref)))
        .map((d) => ({
          ...d,
          dependsOn: Array.isArray(d.dependsOn)
            ? (d.dependsOn as string[]).filter((r) => kept.has(r))
            : d.dependsOn
        }))
    : doc.dependencies;
  const out: Json = { ...doc, components };
  if (dependencies !== undefined) out.dependencies = dependencies;
  if (metadata && metaComponent) {
    const { properties: _p, ...restMeta } = metaComponent;
    out.metadata = { ...metadata, component: restMeta };
  }
  return out;
}

export function trimSpdx(doc: Json): Json {
  const fileIds = new Set(Array.isArray(doc.files) ? (doc.files as Json[]).map((f) => String(f.SPDXID)) : []);
  const packages = Array.isArray(doc.packages)
    ? (doc.packages as Json[]).map((p) => {
        const { hasFiles: _h, attributionTexts: _a, annotations: _n, ...rest } = p;
        return rest;
      })
    : doc.packages;
  const relationships = Array.isArray(doc.relationships)
    ? (doc.relationships as Json[]).filter(
        (r) => !fileIds.has(String(r.spdxElementId)) && !fileIds.has(String(r.relatedSpdxElement))
      )
    : doc.relationships;
  const { files: _f, ...rest } = doc;
  const out: Json = { ...rest, packages };
  if (relationships !== undefined) out.relationships = relationships;
  return out;
}

export function trimSbom(doc: Json, format: SbomFormat): Json {
  return format === 'cyclonedx' ? trimCycloneDx(doc) : trimSpdx(doc);
}

/** Component (CycloneDX) or package (SPDX) names, for the summary and tests. */
export function componentNames(doc: Json, format: SbomFormat): string[] {
  if (format === 'cyclonedx') {
    const names: string[] = [];
    const walk = (list: unknown): void => {
      if (!Array.isArray(list)) return;
      for (const c of list as Json[]) {
        if (typeof c.name === 'string') names.push(c.name);
        walk(c.components);
      }
    };
    walk(doc.components);
    return names;
  }
  return Array.isArray(doc.packages) ? (doc.packages as Json[]).map((p) => String(p.name)) : [];
}
