/**
 * Parsing of the `tags`, `flavor` and `images` inputs of the tags action, in docker/metadata-action v5 syntax
 * (https://github.com/docker/metadata-action#tags-input). Everything here is pure: strings in, typed rules out,
 * and every mistake is a TagRuleError naming the offending line and what is allowed.
 *
 * Where Slipway is stricter than metadata-action (it accepts unknown attributes and unknown template
 * expressions silently), the stricter behaviour is deliberate: a typo in a tag rule should fail the run,
 * not publish an image under a surprising tag.
 */
import { ConfigurationError } from '../lib/errors.js';

export class TagRuleError extends ConfigurationError {
  override readonly name = 'TagRuleError';
}

export const TAG_RULE_TYPES = ['schedule', 'semver', 'pep440', 'match', 'edge', 'ref', 'raw', 'sha'] as const;
export type TagRuleType = (typeof TAG_RULE_TYPES)[number];
export const REF_EVENTS = ['branch', 'tag', 'pr'] as const;
export type RefEvent = (typeof REF_EVENTS)[number];
export const SHA_FORMATS = ['short', 'long'] as const;
export type ShaFormat = (typeof SHA_FORMATS)[number];

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

/** Slipway's rules when the `tags` input is empty (metadata-action would use schedule + ref branch/tag/pr). */
export const SLIPWAY_DEFAULT_TAG_RULES: readonly string[] = [
  'type=ref,event=branch',
  'type=ref,event=pr',
  'type=semver,pattern={{version}}',
  'type=semver,pattern={{major}}.{{minor}}',
  'type=semver,pattern={{major}}',
  'type=sha,prefix={{branch}}-',
  'type=raw,value=latest,enable={{is_default_branch}}'
];

// ---------------------------------------------------------------------------------------------------------
// Templates: the Handlebars subset metadata-action documents ({{name}}, {{date 'FORMAT' tz='Zone'}}).
// ---------------------------------------------------------------------------------------------------------

export type TemplateSegment =
  { kind: 'text'; text: string } | { kind: 'expr'; name: string; format?: DateFormat; tz?: string };

export interface Template {
  source: string;
  segments: TemplateSegment[];
}

/** Expressions usable in value, prefix, suffix, enable, labels and annotations ("Global expressions"). */
export const GLOBAL_EXPRESSIONS = [
  'branch',
  'tag',
  'sha',
  'base_ref',
  'is_default_branch',
  'date',
  'commit_date'
];
/** Expressions of a `type=semver` pattern. */
export const SEMVER_EXPRESSIONS = ['raw', 'version', 'major', 'minor', 'patch'];
/** Expressions of a `type=schedule` pattern. */
export const SCHEDULE_EXPRESSIONS = ['date', 'commit_date'];
const DATE_EXPRESSIONS = new Set(['date', 'commit_date']);

export function parseTemplate(source: string, allowed: readonly string[], where: string): Template {
  const segments: TemplateSegment[] = [];
  let rest = source;
  while (rest.length > 0) {
    const open = rest.indexOf('{{');
    if (open < 0) {
      segments.push({ kind: 'text', text: rest });
      break;
    }
    if (open > 0) segments.push({ kind: 'text', text: rest.slice(0, open) });
    const close = rest.indexOf('}}', open + 2);
    if (close < 0) throw new TagRuleError(`${where}: unclosed '{{' in '${source}'`);
    segments.push(parseExpression(rest.slice(open + 2, close), allowed, where));
    rest = rest.slice(close + 2);
  }
  return { source, segments };
}

export function literalTemplate(text: string): Template {
  return { source: text, segments: text ? [{ kind: 'text', text }] : [] };
}

/** `{{raw}}` alone: metadata-action then keeps the raw tag even for a pre-release. */
export function isRawStatement(template: Template): boolean {
  const [only, ...others] = template.segments;
  return others.length === 0 && only?.kind === 'expr' && only.name === 'raw';
}

export function isLiteral(template: Template): boolean {
  return template.segments.every((segment) => segment.kind === 'text');
}

const EXPRESSION_TOKEN = /\s*(?:([A-Za-z_]\w*)=(?:'([^']*)'|"([^"]*)")|'([^']*)'|"([^"]*)"|([^\s'"]+))/y;

function parseExpression(body: string, allowed: readonly string[], where: string): TemplateSegment {
  const words: string[] = [];
  const hash: Record<string, string> = {};
  EXPRESSION_TOKEN.lastIndex = 0;
  while (EXPRESSION_TOKEN.lastIndex < body.trimEnd().length) {
    const m = EXPRESSION_TOKEN.exec(body);
    if (!m) throw new TagRuleError(`${where}: cannot read expression '{{${body}}}'`);
    if (m[1] !== undefined) hash[m[1]] = m[2] ?? m[3] ?? '';
    else words.push(m[4] ?? m[5] ?? m[6] ?? '');
  }
  const [name, ...args] = words;
  if (!name || !allowed.includes(name)) {
    throw new TagRuleError(
      `${where}: unknown expression '{{${body.trim()}}}'; allowed here: ${allowed.map((a) => `{{${a}}}`).join(', ')}`
    );
  }
  if (!DATE_EXPRESSIONS.has(name)) {
    if (args.length > 0 || Object.keys(hash).length > 0) {
      throw new TagRuleError(`${where}: '{{${name}}}' takes no arguments, got '{{${body.trim()}}}'`);
    }
    return { kind: 'expr', name };
  }
  return parseDateExpression(name, args, hash, body, where);
}

function parseDateExpression(
  name: string,
  args: string[],
  hash: Record<string, string>,
  body: string,
  where: string
): TemplateSegment {
  const quotedFormat = /^\s*\w+\s+(['"])/.test(body);
  if (args.length !== 1 || !quotedFormat) {
    throw new TagRuleError(
      `${where}: '{{${body.trim()}}}' needs one quoted format, e.g. {{${name} 'YYYYMMDD'}}`
    );
  }
  const unknown = Object.keys(hash).filter((key) => key !== 'tz');
  if (unknown.length > 0) {
    throw new TagRuleError(`${where}: '{{${body.trim()}}}': unknown attribute '${unknown[0]}'; allowed: tz`);
  }
  const tz = hash['tz'] ?? 'UTC';
  assertTimeZone(tz, where);
  return { kind: 'expr', name, format: parseDateFormat(args[0] ?? '', where), tz };
}

function assertTimeZone(tz: string, where: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new TagRuleError(`${where}: unknown time zone tz='${tz}' (use an IANA name such as Europe/Paris)`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Date formats: the moment.js tokens people use in tags; unsupported moment tokens are refused, not guessed.
// ---------------------------------------------------------------------------------------------------------

export const DATE_TOKENS = [
  'YYYY',
  'YY',
  'MMMM',
  'MMM',
  'MM',
  'M',
  'DDDD',
  'DDD',
  'DD',
  'Do',
  'D',
  'dddd',
  'ddd',
  'dd',
  'd',
  'HH',
  'H',
  'hh',
  'h',
  'mm',
  'm',
  'ss',
  's',
  'SSS',
  'SS',
  'S',
  'A',
  'a',
  'ZZ',
  'Z',
  'X',
  'x'
] as const;
export type DateToken = (typeof DATE_TOKENS)[number];
export type DateFormatPart = { kind: 'token'; token: DateToken } | { kind: 'text'; text: string };
export type DateFormat = DateFormatPart[];

const UNSUPPORTED_MOMENT_LETTERS = 'QWwEekGgNzLlY';

export function parseDateFormat(format: string, where: string): DateFormat {
  const parts: DateFormat = [];
  let i = 0;
  while (i < format.length) {
    if (format[i] === '[') {
      const end = format.indexOf(']', i);
      if (end < 0) throw new TagRuleError(`${where}: unclosed '[' in date format '${format}'`);
      parts.push({ kind: 'text', text: format.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const token = DATE_TOKENS.find((t) => format.startsWith(t, i));
    if (token) {
      parts.push({ kind: 'token', token });
      i += token.length;
      continue;
    }
    const ch = format.charAt(i);
    if (UNSUPPORTED_MOMENT_LETTERS.includes(ch)) {
      throw new TagRuleError(
        `${where}: date format '${format}' uses '${ch}', which Slipway does not support; ` +
          `supported: ${DATE_TOKENS.join(' ')} and [literal text]`
      );
    }
    parts.push({ kind: 'text', text: ch });
    i += 1;
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------------------
// Input lines and CSV fields.
// ---------------------------------------------------------------------------------------------------------

export interface InputLine {
  number: number;
  text: string;
}

/** Newline-separated list inputs; blank lines and `#` comment lines are skipped (metadata-action does too). */
export function splitInputLines(input: string): InputLine[] {
  return input
    .split(/\r?\n/)
    .map((text, index) => ({ number: index + 1, text: text.trim() }))
    .filter((line) => line.text.length > 0 && !line.text.startsWith('#'));
}

/** One CSV record: comma-separated fields, a field may be double-quoted ("a,b"; "" is a quote). */
export function parseCsvFields(line: string, where: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new TagRuleError(`${where}: unclosed quote in '${line}'`);
        if (line[i] === '"' && line[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else field += line[i++];
      }
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (i < line.length && line[i] !== ',') {
        throw new TagRuleError(`${where}: unexpected text after a quoted field in '${line}'`);
      }
    } else {
      const comma = line.indexOf(',', i);
      field = line.slice(i, comma < 0 ? line.length : comma);
      i = comma < 0 ? line.length : comma;
    }
    fields.push(field.trim());
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

/** `key=value` (split at the first `=`, key lower-cased) or a bare value. */
function splitAttribute(field: string): { key?: string; value: string } {
  const eq = field.indexOf('=');
  if (eq <= 0) return { value: field };
  return { key: field.slice(0, eq).trim().toLowerCase(), value: field.slice(eq + 1).trim() };
}

// ---------------------------------------------------------------------------------------------------------
// Tag rules.
// ---------------------------------------------------------------------------------------------------------

interface RuleCommon {
  /** The line as written, for messages. */
  source: string;
  priority: number;
  enable: Template;
  /** undefined = not given, so the flavor prefix/suffix applies (metadata-action's rule). */
  prefix?: Template;
  suffix?: Template;
}

export type TagRule =
  | (RuleCommon & { type: 'schedule'; pattern: Template })
  | (RuleCommon & { type: 'semver'; pattern: Template; value: Template })
  | (RuleCommon & { type: 'match'; pattern: RegExp | string; group: number; value: Template })
  | (RuleCommon & { type: 'edge'; branch: string })
  | (RuleCommon & { type: 'ref'; event: RefEvent })
  | (RuleCommon & { type: 'raw'; value: Template })
  | (RuleCommon & { type: 'sha'; format: ShaFormat });

const COMMON_ATTRIBUTES = ['type', 'enable', 'priority', 'prefix', 'suffix'];
const TYPE_ATTRIBUTES: Record<TagRuleType, string[]> = {
  schedule: ['pattern'],
  semver: ['pattern', 'value'],
  pep440: ['pattern', 'value'],
  match: ['pattern', 'group', 'value'],
  edge: ['branch'],
  ref: ['event'],
  raw: ['value'],
  sha: ['format']
};

type Attributes = Map<string, string>;

/**
 * Slipway's defaults for a ref. Off a branch (tags, pull requests) `{{branch}}` is empty, so the branch-prefixed
 * sha rule would give a bare `860c190`; there the sha tag takes metadata-action's own `sha-` prefix instead.
 */
export function slipwayDefaultRules(ref: string): readonly string[] {
  if (ref.startsWith('refs/heads/')) return SLIPWAY_DEFAULT_TAG_RULES;
  return SLIPWAY_DEFAULT_TAG_RULES.map((rule) =>
    rule === 'type=sha,prefix={{branch}}-' ? 'type=sha' : rule
  );
}

/**
 * Rules of a release build that does not run on the tag ref (the release workflow builds right after semantic-release
 * created the tag, on the main-branch run): semver tags from an explicit version, plus the commit sha.
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

/** Parses the whole `tags` input, sorted by priority (highest first, stable); empty → `defaults`. */
export function parseTagRules(
  input: string,
  defaults: readonly string[] = SLIPWAY_DEFAULT_TAG_RULES
): TagRule[] {
  const lines = splitInputLines(input);
  const effective = lines.length > 0 ? lines : defaults.map((text, index) => ({ number: index + 1, text }));
  const rules = effective.map((line) => parseTagRule(line.text, `tags line ${line.number} '${line.text}'`));
  return rules.sort((a, b) => b.priority - a.priority);
}

export function parseTagRule(line: string, where = `tag rule '${line}'`): TagRule {
  const { type, attrs } = readRuleAttributes(line, where);
  checkAllowedAttributes(type, attrs, where);
  const common = parseCommon(type, line, attrs, where);
  switch (type) {
    case 'schedule':
      return {
        ...common,
        type,
        pattern: parseTemplate(attrs.get('pattern') ?? 'nightly', SCHEDULE_EXPRESSIONS, where)
      };
    case 'semver':
      return {
        ...common,
        type,
        pattern: parseTemplate(required(attrs, 'pattern', type, where), SEMVER_EXPRESSIONS, where),
        value: parseTemplate(attrs.get('value') ?? '', GLOBAL_EXPRESSIONS, where)
      };
    case 'pep440':
      throw new TagRuleError(
        `${where}: type=pep440 is not supported by Slipway; use type=semver, or type=match with a regular expression`
      );
    case 'match':
      return {
        ...common,
        type,
        pattern: parseMatchPattern(required(attrs, 'pattern', type, where), where),
        group: parseGroup(attrs.get('group') ?? '0', where),
        value: parseTemplate(attrs.get('value') ?? '', GLOBAL_EXPRESSIONS, where)
      };
    case 'edge':
      return { ...common, type, branch: attrs.get('branch') ?? '' };
    case 'ref':
      return {
        ...common,
        type,
        event: parseOneOf(required(attrs, 'event', type, where), REF_EVENTS, 'event', where)
      };
    case 'raw':
      return {
        ...common,
        type,
        value: parseTemplate(required(attrs, 'value', type, where), GLOBAL_EXPRESSIONS, where)
      };
    case 'sha':
      return {
        ...common,
        type,
        format: parseOneOf(attrs.get('format') ?? 'short', SHA_FORMATS, 'format', where)
      };
  }
}

function readRuleAttributes(line: string, where: string): { type: TagRuleType; attrs: Attributes } {
  const attrs: Attributes = new Map();
  for (const field of parseCsvFields(line, where)) {
    const { key, value } = splitAttribute(field);
    const name = key ?? 'value'; // a bare field is the value: `type=raw,foo` or just `foo`
    if (attrs.has(name))
      throw new TagRuleError(
        `${where}: attribute '${name}' is given twice (put a value containing commas in double quotes)`
      );
    attrs.set(name, value);
  }
  const type = attrs.get('type') ?? 'raw';
  if (!(TAG_RULE_TYPES as readonly string[]).includes(type)) {
    throw new TagRuleError(`${where}: unknown type '${type}'; allowed: ${TAG_RULE_TYPES.join(', ')}`);
  }
  return { type: type as TagRuleType, attrs };
}

function checkAllowedAttributes(type: TagRuleType, attrs: Attributes, where: string): void {
  const allowed = [...COMMON_ATTRIBUTES, ...TYPE_ATTRIBUTES[type]];
  for (const key of attrs.keys()) {
    if (!allowed.includes(key)) {
      throw new TagRuleError(
        `${where}: unknown attribute '${key}' for type=${type}; allowed: ${allowed.join(', ')}`
      );
    }
  }
}

function parseCommon(type: TagRuleType, source: string, attrs: Attributes, where: string): RuleCommon {
  const prefix = attrs.get('prefix') ?? defaultPrefix(type, attrs);
  const suffix = attrs.get('suffix');
  return {
    source,
    priority: parsePriority(attrs.get('priority'), type, where),
    enable: parseEnable(attrs.get('enable') ?? 'true', where),
    prefix: prefix === undefined ? undefined : parseTemplate(prefix, GLOBAL_EXPRESSIONS, where),
    suffix: suffix === undefined ? undefined : parseTemplate(suffix, GLOBAL_EXPRESSIONS, where)
  };
}

/** `type=sha` defaults to prefix `sha-` and `type=ref,event=pr` to `pr-`; both then ignore the flavor prefix. */
function defaultPrefix(type: TagRuleType, attrs: Attributes): string | undefined {
  if (type === 'sha') return 'sha-';
  if (type === 'ref' && attrs.get('event') === 'pr') return 'pr-';
  return undefined;
}

function parsePriority(raw: string | undefined, type: TagRuleType, where: string): number {
  if (raw === undefined) return DEFAULT_PRIORITIES[type];
  if (!/^-?\d+$/.test(raw)) throw new TagRuleError(`${where}: priority must be a whole number, got '${raw}'`);
  return Number(raw);
}

function parseEnable(raw: string, where: string): Template {
  const template = parseTemplate(raw, GLOBAL_EXPRESSIONS, where);
  if (isLiteral(template) && raw !== 'true' && raw !== 'false') {
    throw new TagRuleError(
      `${where}: enable must be true, false or an expression such as {{is_default_branch}}`
    );
  }
  return template;
}

function required(attrs: Attributes, key: string, type: TagRuleType, where: string): string {
  const value = attrs.get(key);
  if (value === undefined) throw new TagRuleError(`${where}: type=${type} needs a '${key}' attribute`);
  return value;
}

function parseOneOf<T extends string>(raw: string, allowed: readonly T[], name: string, where: string): T {
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new TagRuleError(`${where}: unknown ${name} '${raw}'; allowed: ${allowed.join(', ')}`);
  }
  return raw as T;
}

/** `/body/flags` is a regular expression with flags; anything else is used as `new RegExp(pattern)`. */
function parseMatchPattern(pattern: string, where: string): RegExp | string {
  const delimited = /^\/(.+)\/(.*)$/.exec(pattern);
  try {
    if (delimited) return new RegExp(delimited[1] ?? '', delimited[2]);
    new RegExp(pattern);
    return pattern;
  } catch (error) {
    throw new TagRuleError(
      `${where}: pattern '${pattern}' is not a valid regular expression (${String(error)})`
    );
  }
}

function parseGroup(raw: string, where: string): number {
  if (!/^\d+$/.test(raw))
    throw new TagRuleError(`${where}: group must be a non-negative whole number, got '${raw}'`);
  return Number(raw);
}

// ---------------------------------------------------------------------------------------------------------
// Flavor.
// ---------------------------------------------------------------------------------------------------------

export type LatestMode = 'auto' | 'true' | 'false';

export interface Flavor {
  latest: LatestMode;
  prefix: Template;
  /** Also put the prefix on the `latest` tag (`prefix=...,onlatest=true`). */
  prefixOnLatest: boolean;
  suffix: Template;
  suffixOnLatest: boolean;
}

const FLAVOR_KEYS = ['latest', 'prefix', 'suffix', 'onlatest'];

export function parseFlavor(input: string): Flavor {
  const flavor: Flavor = {
    latest: 'auto',
    prefix: literalTemplate(''),
    prefixOnLatest: false,
    suffix: literalTemplate(''),
    suffixOnLatest: false
  };
  for (const line of splitInputLines(input)) {
    applyFlavorLine(flavor, line.text, `flavor line ${line.number} '${line.text}'`);
  }
  return flavor;
}

function applyFlavorLine(flavor: Flavor, line: string, where: string): void {
  let onLatestFor: 'prefix' | 'suffix' | undefined;
  for (const field of parseCsvFields(line, where)) {
    const { key, value } = splitAttribute(field);
    if (key === undefined || !FLAVOR_KEYS.includes(key)) {
      throw new TagRuleError(`${where}: unknown flavor entry '${field}'; allowed: ${FLAVOR_KEYS.join(', ')}`);
    }
    if (key === 'latest')
      flavor.latest = parseOneOf(value, ['auto', 'true', 'false'] as const, 'latest', where);
    else if (key === 'prefix' || key === 'suffix') {
      flavor[key] = parseTemplate(value, GLOBAL_EXPRESSIONS, where);
      onLatestFor = key;
    } else {
      const onLatest = parseOneOf(value, ['true', 'false'] as const, 'onlatest', where) === 'true';
      if (onLatestFor === undefined)
        throw new TagRuleError(`${where}: onlatest must follow prefix= or suffix=`);
      if (onLatestFor === 'prefix') flavor.prefixOnLatest = onLatest;
      else flavor.suffixOnLatest = onLatest;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Images.
// ---------------------------------------------------------------------------------------------------------

/**
 * The `images` input: one image per line as `name/app` or `name=name/app,enable=false`; a single line of
 * bare comma-separated names (`a/app,ghcr.io/a/app`) is metadata-action's old format and still accepted.
 * Returns the enabled names, lower-cased (GHCR and the OCI distribution spec require lower case).
 */
export function parseImages(input: string): string[] {
  const lines = splitInputLines(input);
  const [first] = lines;
  if (lines.length === 1 && first) {
    const fields = parseCsvFields(first.text, `images line ${first.number}`);
    if (fields.every((field) => !field.includes('=')))
      return fields.filter(Boolean).map((f) => f.toLowerCase());
  }
  return lines.flatMap((line) => parseImageLine(line)).map((name) => name.toLowerCase());
}

function parseImageLine(line: InputLine): string[] {
  const where = `images line ${line.number} '${line.text}'`;
  let name = '';
  let enabled = true;
  for (const field of parseCsvFields(line.text, where)) {
    const { key, value } = splitAttribute(field);
    if (key === undefined || key === 'name') name = value;
    else if (key === 'enable')
      enabled = parseOneOf(value, ['true', 'false'] as const, 'enable', where) === 'true';
    else throw new TagRuleError(`${where}: unknown image attribute '${key}'; allowed: name, enable`);
  }
  if (!name) throw new TagRuleError(`${where}: image name is empty`);
  return enabled ? [name] : [];
}
