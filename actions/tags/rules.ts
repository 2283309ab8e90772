/**
 * Parsing of the `images`, `tags` and `flavor` inputs of the tags action, in docker/metadata-action v5 syntax
 * (https://github.com/docker/metadata-action#tags-input). Pure: strings in, typed rules out.
 *
 * Each input is read the way metadata-action reads it: the whole input as CSV records (one a line, `#` comment
 * lines, quotes for fields with commas, via @docker/actions-toolkit's Util.getList), then every line again as one
 * CSV record of `key=value` fields (src/tag.ts, src/flavor.ts, src/image.ts). Both steps use csv-parse, the
 * parser metadata-action itself uses, so a line that parses there parses the same here.
 *
 * metadata-action accepts unknown attributes silently; we accept them too (a user swapping `uses:` must get the
 * same tags), and report each one as a warning so a typo does not pass unnoticed.
 */
import { parse } from 'csv-parse/sync';
import { ConfigurationError } from '../lib/errors.js';

export class TagRuleError extends ConfigurationError {
  override readonly name = 'TagRuleError';
}

export const TAG_RULE_TYPES = ['schedule', 'semver', 'pep440', 'match', 'edge', 'ref', 'raw', 'sha'] as const;
export type TagRuleType = (typeof TAG_RULE_TYPES)[number];
export const REF_EVENTS = ['branch', 'tag', 'pr'] as const;
export const SHA_FORMATS = ['short', 'long'] as const;

/** metadata-action's documented default priorities ("priority attribute" table of its README). */
export const DEFAULT_PRIORITIES: Readonly<Record<TagRuleType, number>> = {
  schedule: 1000,
  semver: 900,
  pep440: 900,
  match: 800,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100
};

/** Attributes each type reads (plus the common ones); anything else is ignored with a warning. */
const COMMON_ATTRIBUTES = ['enable', 'priority', 'prefix', 'suffix'];
const TYPE_ATTRIBUTES: Readonly<Record<TagRuleType, readonly string[]>> = {
  schedule: ['pattern'],
  semver: ['pattern', 'value', 'match'],
  pep440: ['pattern', 'value', 'match'],
  match: ['pattern', 'group', 'value'],
  edge: ['branch'],
  ref: ['event'],
  raw: ['value'],
  sha: ['format']
};

/** metadata-action's rules when `tags` is empty (README "tags input"; src/tag.ts Transform). */
export const METADATA_ACTION_DEFAULT_TAG_RULES: readonly string[] = [
  'type=schedule',
  'type=ref,event=branch',
  'type=ref,event=tag',
  'type=ref,event=pr'
];

/** Slipway's rules when `tags` is empty and the image comes from the services manifest (`service:`). */
export const SLIPWAY_DEFAULT_TAG_RULES: readonly string[] = [
  'type=ref,event=branch',
  'type=ref,event=pr',
  'type=semver,pattern={{version}}',
  'type=semver,pattern={{major}}.{{minor}}',
  'type=semver,pattern={{major}}',
  'type=sha,prefix={{branch}}-',
  'type=raw,value=latest,enable={{is_default_branch}}'
];

/**
 * Slipway's defaults for a ref. Off a branch (tags, pull requests) `{{branch}}` is empty, so the branch-prefixed
 * sha rule would give a bare `-860c190`; there the sha tag takes metadata-action's own `sha-` prefix instead.
 */
export function slipwayDefaultRules(ref: string): readonly string[] {
  if (ref.startsWith('refs/heads/')) return SLIPWAY_DEFAULT_TAG_RULES;
  return SLIPWAY_DEFAULT_TAG_RULES.map((rule) =>
    rule === 'type=sha,prefix={{branch}}-' ? 'type=sha' : rule
  );
}

/**
 * Rules of a release build that does not run on the tag ref (the release workflow builds right after
 * semantic-release created the tag, on the main-branch run): semver tags from an explicit version, plus the sha.
 */
export function releaseTagRules(version: string): readonly string[] {
  const clean = version.trim().replace(/^v/, '');
  if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(clean)) {
    throw new ConfigurationError(
      `Input 'version': '${version}' is not a semantic version (X.Y.Z, optionally -pre and +build); pass the release version, e.g. the 'version' output of the release action`
    );
  }
  return [
    `type=semver,pattern={{version}},value=${clean}`,
    `type=semver,pattern={{major}}.{{minor}},value=${clean}`,
    `type=semver,pattern={{major}},value=${clean}`,
    'type=sha'
  ];
}

// ---------------------------------------------------------------------------------------------------------
// CSV.
// ---------------------------------------------------------------------------------------------------------

function csvRecords(text: string, options: { comment?: string; relaxQuotes?: boolean }, where: string) {
  try {
    return parse(text, {
      relax_column_count: true,
      skip_empty_lines: true,
      ...(options.relaxQuotes ? { relax_quotes: true } : {}),
      ...(options.comment ? { comment: options.comment, comment_no_infix: true } : {})
    }) as string[][];
  } catch (error) {
    throw new TagRuleError(
      `${where}: not valid CSV (${error instanceof Error ? error.message : String(error)}); ` +
        'put a field that contains commas or quotes in double quotes, a quote inside it doubled ("")'
    );
  }
}

/**
 * A list input as metadata-action reads it (Util.getInputList with ignoreComma, comment '#', commentNoInfix):
 * CSV records, one a line, `#` lines skipped; a record's fields are joined back with ',' — so quotes around a
 * field are consumed here, as they are in metadata-action.
 */
export function inputList(text: string, name: string): string[] {
  if (text === '') return [];
  return csvRecords(text, { comment: '#', relaxQuotes: true }, `input '${name}'`)
    .map((record) => record.join(','))
    .filter((item) => item !== '')
    .map((item) => item.trim());
}

/** The fields of one line (its first CSV record). */
function lineFields(line: string, where: string): string[] {
  return csvRecords(line, {}, where)[0] ?? [];
}

// ---------------------------------------------------------------------------------------------------------
// Tags.
// ---------------------------------------------------------------------------------------------------------

export interface TagRule {
  type: TagRuleType;
  /** Attribute values as written (after CSV unquoting and trimming), with metadata-action's defaults filled in. */
  attrs: Record<string, string>;
  priority: number;
  /** The line as written, for messages. */
  source: string;
}

export interface ParsedRules {
  rules: TagRule[];
  warnings: string[];
}

/** All rule lines (empty → `defaults`), sorted by priority, highest first; equal priorities keep their order. */
export function parseTagRules(lines: readonly string[], defaults: readonly string[]): ParsedRules {
  const warnings: string[] = [];
  const rules = (lines.length > 0 ? lines : defaults).map((line) => parseTagRule(line, warnings));
  rules.sort((a, b) => b.priority - a.priority);
  return { rules, warnings };
}

export function parseTagRule(line: string, warnings: string[] = []): TagRule {
  const where = `tags line '${line}'`;
  const attrs: Record<string, string> = {};
  let type: TagRuleType = 'raw';
  for (const field of lineFields(line, where)) {
    // Split at the first '=' only when the key has no '=' before it (metadata-action: /(?<=^[^=]+?)=/).
    const eq = field.indexOf('=');
    if (eq <= 0) {
      attrs['value'] = field.trim();
      continue;
    }
    const key = field.slice(0, eq).trim().toLowerCase();
    const value = field.slice(eq + 1).trim();
    if (key === 'type') {
      if (!(TAG_RULE_TYPES as readonly string[]).includes(value)) {
        throw new TagRuleError(`${where}: unknown type '${value}'; allowed: ${TAG_RULE_TYPES.join(', ')}`);
      }
      type = value as TagRuleType;
    } else {
      attrs[key] = value;
    }
  }
  const has = (key: string) => Object.hasOwn(attrs, key);
  const need = (key: string) => {
    if (!has(key)) throw new TagRuleError(`${where}: type=${type} needs a '${key}' attribute`);
  };
  const oneOf = (key: string, allowed: readonly string[]) => {
    if (!allowed.includes(attrs[key] ?? '')) {
      throw new TagRuleError(`${where}: ${key} '${attrs[key]}' is not one of ${allowed.join(', ')}`);
    }
  };
  switch (type) {
    case 'schedule':
      attrs['pattern'] ??= 'nightly';
      break;
    case 'semver':
    case 'pep440':
      need('pattern');
      attrs['value'] ??= '';
      attrs['match'] ??= '';
      break;
    case 'match':
      need('pattern');
      attrs['group'] ??= '0';
      if (Number.isNaN(Number(attrs['group']))) {
        throw new TagRuleError(`${where}: group '${attrs['group']}' is not a number`);
      }
      attrs['value'] ??= '';
      break;
    case 'edge':
      attrs['branch'] ??= '';
      break;
    case 'ref':
      need('event');
      oneOf('event', REF_EVENTS);
      if (attrs['event'] === 'pr') attrs['prefix'] ??= 'pr-';
      break;
    case 'raw':
      need('value');
      break;
    case 'sha':
      attrs['prefix'] ??= 'sha-';
      attrs['format'] ??= 'short';
      oneOf('format', SHA_FORMATS);
      break;
  }
  attrs['enable'] ??= 'true';
  const priority = attrs['priority'] === undefined ? DEFAULT_PRIORITIES[type] : Number(attrs['priority']);
  attrs['priority'] ??= String(priority);
  const known = [...COMMON_ATTRIBUTES, ...TYPE_ATTRIBUTES[type]];
  for (const key of Object.keys(attrs)) {
    if (!known.includes(key)) {
      warnings.push(`${where}: attribute '${key}' is not used by type=${type} and is ignored`);
    }
  }
  return { type, attrs, priority, source: line };
}

// ---------------------------------------------------------------------------------------------------------
// Flavor.
// ---------------------------------------------------------------------------------------------------------

export type LatestMode = 'auto' | 'true' | 'false';

export interface Flavor {
  latest: LatestMode;
  prefix: string;
  /** Also put the prefix on the `latest` tag (`prefix=...,onlatest=true`). */
  prefixLatest: boolean;
  suffix: string;
  suffixLatest: boolean;
}

export function parseFlavor(lines: readonly string[]): Flavor {
  const flavor: Flavor = { latest: 'auto', prefix: '', prefixLatest: false, suffix: '', suffixLatest: false };
  for (const line of lines) {
    const where = `flavor line '${line}'`;
    let onLatestFor: 'prefix' | 'suffix' | undefined;
    for (const field of lineFields(line, where)) {
      const [rawKey, value = '', ...rest] = field.split('=').map((part) => part.trim());
      if (rest.length > 0 || field.indexOf('=') < 0) {
        throw new TagRuleError(
          `${where}: '${field}' is not key=value (latest=, prefix=, suffix=, onlatest=)`
        );
      }
      switch ((rawKey ?? '').toLowerCase()) {
        case 'latest':
          if (value !== 'auto' && value !== 'true' && value !== 'false') {
            throw new TagRuleError(`${where}: latest must be auto, true or false, got '${value}'`);
          }
          flavor.latest = value;
          break;
        case 'prefix':
          flavor.prefix = value;
          onLatestFor = 'prefix';
          break;
        case 'suffix':
          flavor.suffix = value;
          onLatestFor = 'suffix';
          break;
        case 'onlatest':
          if (value !== 'true' && value !== 'false') {
            throw new TagRuleError(`${where}: onlatest must be true or false, got '${value}'`);
          }
          if (onLatestFor === 'prefix') flavor.prefixLatest = value === 'true';
          if (onLatestFor === 'suffix') flavor.suffixLatest = value === 'true';
          break;
        default:
          throw new TagRuleError(
            `${where}: unknown flavor '${rawKey}'; allowed: latest, prefix, suffix, onlatest`
          );
      }
    }
  }
  return flavor;
}

// ---------------------------------------------------------------------------------------------------------
// Images.
// ---------------------------------------------------------------------------------------------------------

export interface ImageEntry {
  name: string;
  enable: boolean;
}

/**
 * `images` lines: `name=…,enable=…` records, or (a single line, metadata-action's older form) a comma-separated
 * list of names.
 */
export function parseImages(lines: readonly string[]): ImageEntry[] {
  if (lines.length === 1) {
    const fields = lineFields(lines[0] ?? '', `images line '${lines[0]}'`).map((field) => field.trim());
    if (fields.every((field) => !field.includes('='))) return fields.map((name) => ({ name, enable: true }));
  }
  return lines.map((line) => {
    const where = `images line '${line}'`;
    const image: ImageEntry = { name: '', enable: true };
    for (const field of lineFields(line, where)) {
      const parts = field.split('=').map((part) => part.trim());
      const key = parts.length === 1 ? 'name' : (parts[0] ?? '').toLowerCase();
      const value = (parts.length === 1 ? parts[0] : parts[1]) ?? '';
      if (key === 'name') {
        // metadata-action keeps the last one; its image.test.ts marks a line naming two images invalid.
        if (image.name !== '')
          throw new TagRuleError(`${where}: more than one image name; put one image a line`);
        image.name = value;
      } else if (key === 'enable') {
        if (value !== 'true' && value !== 'false') {
          throw new TagRuleError(`${where}: enable must be true or false, got '${value}'`);
        }
        image.enable = value === 'true';
      } else throw new TagRuleError(`${where}: unknown attribute '${key}'; allowed: name, enable`);
    }
    if (image.name === '') throw new TagRuleError(`${where}: the image name is empty`);
    return image;
  });
}
