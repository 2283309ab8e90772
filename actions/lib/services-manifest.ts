/**
 * The services manifest (`.slipway/services.yml`) of a consumer monorepo: one entry per service with its build
 * context, Dockerfile, platforms, build args, target and the path globs whose changes rebuild it.
 * Errors carry the file and line of the offending node.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { lineOfPath } from './config-location.js';
import { ConfigurationError } from './errors.js';
import validateManifest from './generated/services-manifest-validate.js';

export const DEFAULT_MANIFEST_PATH = '.slipway/services.yml';

export interface ServiceSpec {
  name: string;
  /** build context, relative to the repository root */
  context: string;
  /** Dockerfile path, relative to the repository root */
  dockerfile: string;
  /** explicit repository name override (without tag); default derived from registry/owner/prefix/name */
  image?: string;
  platforms: string[];
  buildArgs: Record<string, string>;
  target?: string;
  /** globs relative to the repository root */
  paths: string[];
}

export interface ServicesManifest {
  file: string;
  version: 1;
  registry: string;
  imagePrefix: string;
  sharedPaths: string[];
  services: ServiceSpec[];
}

/**
 * The schema (services-manifest.schema.json) compiled at build time by scripts/gen-validators.mjs into ajv's
 * standalone code (https://ajv.js.org/standalone.html): the same checks and error objects as `new Ajv({ allErrors,
 * verbose, strict, allowUnionTypes }).compile(schema)`, without compiling anything at run time.
 */
const validate = validateManifest as ValidateFunction;

function lineOf(doc: Document, counter: LineCounter, instancePath: string): number | undefined {
  return lineOfPath(doc, counter, instancePath);
}

function describe(error: ErrorObject): string {
  const at = error.instancePath || '(top level)';
  switch (error.keyword) {
    case 'additionalProperties':
      return `${at}: unknown key '${String(error.params.additionalProperty)}'`;
    case 'required':
      return `${at}: missing required key '${String(error.params.missingProperty)}'`;
    case 'const':
      return `${at}: must be ${JSON.stringify(error.params.allowedValue)}`;
    case 'pattern':
      return `${at}: '${String(error.data)}' does not match ${String(error.params.pattern)}`;
    default:
      return `${at}: ${error.message ?? 'invalid'}`;
  }
}

/** Parses manifest text; `file` is used in error messages. Pure: no filesystem access. */
export function parseServicesManifest(text: string, file: string): ServicesManifest {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = first.linePos?.[0]?.line;
    throw new ConfigurationError(
      `${file}${line ? `:${line}` : ''}: invalid YAML: ${first.message.split('\n')[0]}`,
      {
        file,
        line
      }
    );
  }
  const data: unknown = doc.toJS();
  if (!validate(data)) {
    const lines = (validate.errors ?? []).map((e) => lineOf(doc, counter, e.instancePath));
    const messages = (validate.errors ?? []).map(
      (e, i) => `${file}${lines[i] ? `:${lines[i]}` : ''}: ${describe(e)}`
    );
    throw new ConfigurationError(
      `Services manifest is invalid:\n${[...new Set(messages)].join('\n')}\nSee docs/services-manifest.md for the format.`,
      { file, line: lines.find((l) => l !== undefined) }
    );
  }
  const raw = data as {
    registry?: string;
    'image-prefix'?: string;
    'shared-paths'?: string[];
    services: Array<{
      name: string;
      context?: string;
      dockerfile?: string;
      image?: string;
      target?: string;
      platforms?: string[];
      'build-args'?: Record<string, string | number | boolean>;
      paths?: string[];
    }>;
  };
  const seen = new Map<string, number>();
  const services = raw.services.map((s, index) => {
    const line = lineOf(doc, counter, `/services/${index}/name`);
    const previous = seen.get(s.name);
    if (previous !== undefined) {
      throw new ConfigurationError(
        `${file}${line ? `:${line}` : ''}: duplicate service name '${s.name}' (first defined at line ${previous}); service names must be unique`,
        { file, line }
      );
    }
    seen.set(s.name, line ?? 0);
    const context = normalizeRel(s.context ?? '.');
    const dockerfile = normalizeRel(s.dockerfile ?? path.posix.join(context, 'Dockerfile'));
    for (const [key, value] of [
      ['context', context],
      ['dockerfile', dockerfile]
    ] as const) {
      if (value.startsWith('..') || path.posix.isAbsolute(value)) {
        throw new ConfigurationError(
          `${file}${line ? `:${line}` : ''}: service '${s.name}': ${key} '${value}' must stay inside the repository`,
          { file, line }
        );
      }
    }
    const paths = s.paths ?? [context === '.' ? '**' : `${context}/**`, dockerfile];
    return {
      name: s.name,
      context,
      dockerfile,
      image: s.image,
      target: s.target,
      platforms: s.platforms ?? ['linux/amd64'],
      buildArgs: Object.fromEntries(Object.entries(s['build-args'] ?? {}).map(([k, v]) => [k, String(v)])),
      paths
    } satisfies ServiceSpec;
  });
  return {
    file,
    version: 1,
    registry: raw.registry ?? 'ghcr.io',
    imagePrefix: raw['image-prefix'] ?? '',
    sharedPaths: raw['shared-paths'] ?? [],
    services
  };
}

function normalizeRel(p: string): string {
  const n = path.posix.normalize(p.replace(/\\/g, '/')).replace(/\/$/, '');
  return n === '' ? '.' : n;
}

/** Reads the manifest from a repository checkout and checks that every context and Dockerfile exists. */
export function loadServicesManifest(
  repoRoot: string,
  manifestPath = DEFAULT_MANIFEST_PATH
): ServicesManifest {
  const file = path.resolve(repoRoot, manifestPath);
  if (!existsSync(file)) {
    throw new ConfigurationError(
      `Services manifest not found: ${manifestPath} (looked in ${repoRoot}). Create it (see docs/services-manifest.md) or set the 'manifest' input.`
    );
  }
  const manifest = parseServicesManifest(readFileSync(file, 'utf8'), manifestPath);
  for (const service of manifest.services) {
    const context = path.resolve(repoRoot, service.context);
    if (!existsSync(context) || !statSync(context).isDirectory()) {
      throw new ConfigurationError(
        `${manifestPath}: service '${service.name}': context '${service.context}' is not a directory`
      );
    }
    if (!existsSync(path.resolve(repoRoot, service.dockerfile))) {
      throw new ConfigurationError(
        `${manifestPath}: service '${service.name}': Dockerfile '${service.dockerfile}' does not exist`
      );
    }
  }
  return manifest;
}

export function findService(manifest: ServicesManifest, name: string): ServiceSpec {
  const service = manifest.services.find((s) => s.name === name);
  if (!service) {
    throw new ConfigurationError(
      `Input 'service': '${name}' is not in ${manifest.file} (services: ${manifest.services.map((s) => s.name).join(', ')})`
    );
  }
  return service;
}
