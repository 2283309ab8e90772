/**
 * The pure domain of the `tags` action: from a GitHub event and metadata-action style inputs, the image
 * tags, OCI labels and annotations to build with. No I/O and no process.env: the action adapter reads the
 * event and the environment and passes them in.
 *
 * Semantics follow docker/metadata-action v5 (src/meta.ts, src/tag.ts, src/flavor.ts, src/image.ts and its
 * README). Deliberate divergences, each marked "Slipway:" below:
 *  - `latest` is never produced for a pre-release semver tag ref (see isPrerelease);
 *  - tags are cut to 128 characters and leading '.'/'-' are dropped, so a tag is always valid
 *    (metadata-action would hand buildx an invalid tag such as `-860c190`);
 *  - {{date}} and the created label use ctx.now, or the commit date when absent, rather than the clock;
 *  - {{base_ref}} on a tag ref is empty (metadata-action reads an undocumented push payload field);
 *  - unknown attributes/expressions, pep440 and unsupported date tokens are errors (see rules.ts).
 */
import semver from 'semver';
import { ConfigurationError } from '../lib/errors.js';
import { parseImageRef } from '../lib/image-ref.js';
import {
  isRawStatement,
  parseFlavor,
  parseTagRules,
  slipwayDefaultRules,
  TagRuleError,
  parseTemplate,
  GLOBAL_EXPRESSIONS,
  type DateFormat,
  type DateToken,
  type Flavor,
  type TagRule,
  type Template,
  type TemplateSegment
} from './rules.js';

export { parseImages, TagRuleError, SLIPWAY_DEFAULT_TAG_RULES, slipwayDefaultRules } from './rules.js';

export interface TagsContext {
  /** push | pull_request | pull_request_target | schedule | workflow_dispatch | release | ... */
  eventName: string;
  /** refs/heads/main, refs/tags/v1.2.3, refs/pull/12/merge */
  ref: string;
  /** 40 hex */
  sha: string;
  /** e.g. main */
  defaultBranch: string;
  prNumber?: number;
  prHeadRef?: string;
  prBaseRef?: string;
  prHeadSha?: string;
  /** Used for {{commit_date}}, and for {{date}} and the created label when `now` is absent. */
  commitDate: Date;
  /** The run's clock for {{date}} and the created label; defaults to commitDate for reproducible output. */
  now?: Date;
  /** license = SPDX id */
  repo: { name: string; htmlUrl: string; description?: string; license?: string };
}

export interface TagsOptions {
  /** Full image names without tag, e.g. ghcr.io/acme/api (see parseImages for the input syntax). */
  images: string[];
  /** Raw rules input; empty => SLIPWAY_DEFAULT_TAG_RULES. */
  tags: string;
  /** Raw flavor input. */
  flavor: string;
  /** Extra labels key=value; they override generated ones. */
  labels?: string[];
  annotations?: string[];
  /** Default "\n". */
  sepTags?: string;
  sepLabels?: string;
  sepAnnotations?: string;
  /** metadata-action's DOCKER_METADATA_ANNOTATIONS_LEVELS; default ['manifest']. */
  annotationLevels?: string[];
  /** metadata-action's DOCKER_METADATA_PR_HEAD_SHA: on pull_request* events use the PR head sha. */
  prHeadShaForSha?: boolean;
  /** metadata-action's DOCKER_METADATA_SHORT_SHA_LENGTH; default 7. */
  shortShaLength?: number;
}

export interface TagsResult {
  version: string;
  tags: string[];
  labels: Record<string, string>;
  annotations: string[];
  json: { tags: string[]; labels: Record<string, string>; annotations: string[] };
  tagsText: string;
  labelsText: string;
  annotationsText: string;
  /** What metadata-action would log as warnings (a rule that matched nothing, an invalid semver, ...). */
  warnings: string[];
}

export const MAX_TAG_LENGTH = 128;
const DEFAULT_SHORT_SHA_LENGTH = 7;

export function computeTags(ctx: TagsContext, opts: TagsOptions): TagsResult {
  const event = resolveEvent(ctx, opts);
  const flavor = parseFlavor(opts.flavor);
  const rules = parseTagRules(opts.tags, slipwayDefaultRules(ctx.ref));
  const warnings: string[] = [];
  const version = computeVersion(rules, flavor, event, warnings);
  const images = opts.images.filter((image) => image.trim() !== '').map(normalizeImageName);
  const tags = expandTags(images, version, latestTagName(flavor, event));
  const labels = ociMetadata(event, version.main ?? '', opts.labels ?? []);
  const annotationValues = ociMetadata(event, version.main ?? '', opts.annotations ?? []);
  const annotations = (opts.annotationLevels ?? ['manifest']).flatMap((level) =>
    Object.entries(annotationValues).map(([key, value]) => `${level}:${key}=${value}`)
  );
  return {
    version: version.main ?? '',
    tags,
    labels,
    annotations,
    json: { tags, labels, annotations },
    tagsText: tags.join(opts.sepTags ?? '\n'),
    labelsText: Object.entries(labels)
      .map(([key, value]) => `${key}=${value}`)
      .join(opts.sepLabels ?? '\n'),
    annotationsText: annotations.join(opts.sepAnnotations ?? '\n'),
    warnings
  };
}

/**
 * Slipway: true when the ref is a tag that is a valid semver with a pre-release part (v1.2.3-rc.1).
 * metadata-action can still emit `latest` for such a ref (a `type=ref,event=tag` or `type=match` rule,
 * `latest=true`, or a raw `latest` value); Slipway never does, so `latest` always names a stable release.
 */
export function isPrerelease(ctx: Pick<TagsContext, 'ref'>): boolean {
  const tag = tagName(ctx.ref);
  if (tag === undefined) return false;
  const candidate = tag.replace(/\//g, '-');
  return semver.valid(candidate) !== null && (semver.prerelease(candidate)?.length ?? 0) > 0;
}

/**
 * `ghcr.io/<owner>/<prefix><service>`, lower-cased (GHCR requires it) and checked to be a valid OCI
 * repository name.
 */
export function ghcrImageName(owner: string, service: string, prefix = '', registry = 'ghcr.io'): string {
  const name = `${registry}/${owner}/${prefix}${service}`.toLowerCase();
  const invalid = (why: string) =>
    new ConfigurationError(
      `Image name '${name}' (owner '${owner}', service '${service}', prefix '${prefix}') ${why}. ` +
        `An OCI repository name is lower-case letters and digits separated by '.', '_', '__' or '-'.`
    );
  if (!owner || /[/:@]/.test(owner)) throw invalid('has an invalid owner');
  if (!service) throw invalid('has an empty service name');
  let parsed;
  try {
    parsed = parseImageRef(name);
  } catch (error) {
    throw invalid(`is not valid: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed.tag !== undefined || parsed.digest !== undefined || parsed.registry !== registry.toLowerCase()) {
    throw invalid('is not a plain <registry>/<owner>/<name> repository');
  }
  return name;
}

// ---------------------------------------------------------------------------------------------------------
// The event as the rules see it.
// ---------------------------------------------------------------------------------------------------------

interface ResolvedEvent {
  eventName: string;
  ref: string;
  sha: string;
  shortSha: string;
  defaultBranch: string;
  prBaseRef: string;
  commitDate: Date;
  now: Date;
  repo: TagsContext['repo'];
}

function resolveEvent(ctx: TagsContext, opts: TagsOptions): ResolvedEvent {
  const isPullRequest = /pull_request/.test(ctx.eventName);
  // metadata-action: pull_request_target runs on the base branch, so its ref is rewritten to the PR's.
  const ref =
    /pull_request_target/.test(ctx.eventName) && ctx.prNumber !== undefined
      ? `refs/pull/${ctx.prNumber}/merge`
      : ctx.ref;
  const sha = opts.prHeadShaForSha && isPullRequest && ctx.prHeadSha ? ctx.prHeadSha : ctx.sha;
  const shortShaLength = opts.shortShaLength ?? DEFAULT_SHORT_SHA_LENGTH;
  if (!Number.isInteger(shortShaLength) || shortShaLength < 1) {
    throw new ConfigurationError(`short sha length must be a positive whole number, got ${shortShaLength}`);
  }
  return {
    eventName: ctx.eventName,
    ref,
    sha,
    shortSha: sha.slice(0, shortShaLength),
    defaultBranch: ctx.defaultBranch,
    prBaseRef: ctx.prBaseRef ?? '',
    commitDate: ctx.commitDate,
    now: ctx.now ?? ctx.commitDate,
    repo: ctx.repo
  };
}

function branchName(ref: string): string | undefined {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

function tagName(ref: string): string | undefined {
  return ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
}

function pullRequestRefValue(ref: string): string | undefined {
  return ref.startsWith('refs/pull/') ? ref.slice('refs/pull/'.length).replace(/\/merge$/, '') : undefined;
}

/** metadata-action's {{is_default_branch}}: these events always run on the default branch's last commit. */
function isDefaultBranch(event: ResolvedEvent): boolean {
  if (branchName(event.ref) === event.defaultBranch) return true;
  return /create|discussion|issues|schedule/.test(event.eventName);
}

// ---------------------------------------------------------------------------------------------------------
// Templates.
// ---------------------------------------------------------------------------------------------------------

type ExpressionSegment = Extract<TemplateSegment, { kind: 'expr' }>;

function renderTemplate(template: Template, resolve: (expr: ExpressionSegment) => string): string {
  return template.segments
    .map((segment) => (segment.kind === 'text' ? segment.text : resolve(segment)))
    .join('');
}

function renderGlobal(template: Template, event: ResolvedEvent): string {
  return renderTemplate(template, (expr) => globalExpressionValue(expr, event));
}

function globalExpressionValue(expr: ExpressionSegment, event: ResolvedEvent): string {
  switch (expr.name) {
    case 'branch':
      return branchName(event.ref) ?? '';
    case 'tag':
      return tagName(event.ref) ?? '';
    case 'sha':
      return event.shortSha;
    case 'base_ref':
      return pullRequestRefValue(event.ref) !== undefined ? event.prBaseRef : '';
    case 'is_default_branch':
      return String(isDefaultBranch(event));
    default:
      return dateExpressionValue(expr, event);
  }
}

function dateExpressionValue(expr: ExpressionSegment, event: ResolvedEvent): string {
  const date = expr.name === 'commit_date' ? event.commitDate : event.now;
  if (!expr.format || (expr.name !== 'date' && expr.name !== 'commit_date')) {
    throw new TagRuleError(`expression {{${expr.name}}} cannot be used here`);
  }
  return formatDate(date, expr.format, expr.tz ?? 'UTC');
}

// ---------------------------------------------------------------------------------------------------------
// Rules → version (main tag, partial tags, latest).
// ---------------------------------------------------------------------------------------------------------

interface Version {
  main?: string;
  partial: string[];
  latest: boolean;
}

interface Candidate {
  value: string;
  /** Whether this rule asks for `latest` under latest=auto. */
  latestOnAuto: boolean;
}

function computeVersion(rules: TagRule[], flavor: Flavor, event: ResolvedEvent, warnings: string[]): Version {
  const prerelease = isPrerelease(event);
  const forbidden = prerelease ? new Set(['latest', latestTagName(flavor, event)]) : new Set<string>();
  const version: Version = { partial: [], latest: false };
  let latestDecided = false;
  for (const rule of rules) {
    if (!isEnabled(rule, event)) continue;
    const candidate = evaluateRule(rule, event, warnings);
    if (!candidate || candidate.value === '') continue;
    const value = sanitizeTag(withPrefixSuffix(candidate.value, rule, flavor, event));
    if (value === '' || forbidden.has(value)) continue;
    if (version.main === undefined) version.main = value;
    else if (value !== version.main && !version.partial.includes(value)) version.partial.push(value);
    if (!latestDecided) {
      // metadata-action: the highest-priority rule that produced a tag decides `latest`.
      version.latest = flavor.latest === 'auto' ? candidate.latestOnAuto : flavor.latest === 'true';
      latestDecided = true;
    }
  }
  if (prerelease) version.latest = false; // Slipway: see isPrerelease
  return version;
}

function isEnabled(rule: TagRule, event: ResolvedEvent): boolean {
  const enabled = renderGlobal(rule.enable, event);
  if (enabled !== 'true' && enabled !== 'false') {
    throw new TagRuleError(
      `tag rule '${rule.source}': enable rendered to '${enabled}', expected true or false (from '${rule.enable.source}')`
    );
  }
  return enabled === 'true';
}

/** A rule's own prefix/suffix wins, even when empty; otherwise the flavor's applies. */
function withPrefixSuffix(value: string, rule: TagRule, flavor: Flavor, event: ResolvedEvent): string {
  const prefix = renderGlobal(rule.prefix ?? flavor.prefix, event);
  const suffix = renderGlobal(rule.suffix ?? flavor.suffix, event);
  return `${prefix}${value}${suffix}`;
}

function evaluateRule(rule: TagRule, event: ResolvedEvent, warnings: string[]): Candidate | undefined {
  switch (rule.type) {
    case 'schedule':
      return scheduleValue(rule, event);
    case 'semver':
      return semverValue(rule, event, warnings);
    case 'match':
      return matchValue(rule, event, warnings);
    case 'edge':
      return edgeValue(rule, event);
    case 'ref':
      return refValue(rule, event);
    case 'raw':
      return { value: renderGlobal(rule.value, event), latestOnAuto: false };
    case 'sha':
      return event.sha
        ? { value: rule.format === 'short' ? event.shortSha : event.sha, latestOnAuto: false }
        : undefined;
  }
}

type RuleOf<T extends TagRule['type']> = Extract<TagRule, { type: T }>;

function scheduleValue(rule: RuleOf<'schedule'>, event: ResolvedEvent): Candidate | undefined {
  if (!/schedule/.test(event.eventName)) return undefined;
  return {
    value: renderTemplate(rule.pattern, (expr) => dateExpressionValue(expr, event)),
    latestOnAuto: false
  };
}

/** The tag being versioned: the rule's `value` if given, else the pushed tag; undefined = rule does not apply. */
function versionSource(value: Template, event: ResolvedEvent, slashToDash: boolean): string | undefined {
  if (value.segments.length > 0) return renderGlobal(value, event);
  const tag = tagName(event.ref);
  if (tag === undefined) return undefined;
  return slashToDash ? tag.replace(/\//g, '-') : tag;
}

function semverValue(
  rule: RuleOf<'semver'>,
  event: ResolvedEvent,
  warnings: string[]
): Candidate | undefined {
  const raw = versionSource(rule.value, event, true);
  if (raw === undefined) return undefined;
  if (semver.valid(raw) === null) {
    warnings.push(`${raw} is not a valid semver. More info: https://semver.org/`);
    return undefined;
  }
  const parsed = semver.parse(raw, { loose: true });
  if (parsed === null) return undefined;
  const fields: Record<string, string> = {
    raw: parsed.raw,
    version: parsed.version,
    major: String(parsed.major),
    minor: String(parsed.minor),
    patch: String(parsed.patch)
  };
  const render = (template: Template) => renderTemplate(template, (expr) => fields[expr.name] ?? '');
  // A pre-release only ever yields {{version}} (or {{raw}} when that is the whole pattern), and never latest.
  if (parsed.prerelease.length > 0) {
    return { value: isRawStatement(rule.pattern) ? parsed.raw : parsed.version, latestOnAuto: false };
  }
  return { value: render(rule.pattern), latestOnAuto: true };
}

function matchValue(rule: RuleOf<'match'>, event: ResolvedEvent, warnings: string[]): Candidate | undefined {
  const raw = versionSource(rule.value, event, false);
  if (raw === undefined) return undefined;
  const found = raw.match(typeof rule.pattern === 'string' ? new RegExp(rule.pattern) : rule.pattern);
  const pattern = String(rule.pattern);
  if (!found) {
    warnings.push(`${pattern} does not match ${raw}.`);
    return undefined;
  }
  const group = found[rule.group];
  if (group === undefined) {
    warnings.push(`Group ${rule.group} does not exist for ${pattern} pattern.`);
    return undefined;
  }
  return { value: group, latestOnAuto: true };
}

function edgeValue(rule: RuleOf<'edge'>, event: ResolvedEvent): Candidate | undefined {
  const branch = branchName(event.ref);
  if (branch === undefined || branch !== (rule.branch || event.defaultBranch)) return undefined;
  return { value: 'edge', latestOnAuto: false };
}

function refValue(rule: RuleOf<'ref'>, event: ResolvedEvent): Candidate | undefined {
  switch (rule.event) {
    case 'branch': {
      const branch = branchName(event.ref);
      return branch === undefined ? undefined : { value: branch, latestOnAuto: false };
    }
    case 'tag': {
      const tag = tagName(event.ref);
      return tag === undefined ? undefined : { value: tag, latestOnAuto: true };
    }
    case 'pr': {
      const pr = pullRequestRefValue(event.ref);
      return pr === undefined ? undefined : { value: pr, latestOnAuto: false };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Tags, labels, annotations.
// ---------------------------------------------------------------------------------------------------------

/**
 * metadata-action replaces each run of characters outside [A-Za-z0-9._-] with '-'. Slipway: additionally
 * drops leading '.'/'-' and cuts to 128 characters, the limits of a valid tag.
 */
export function sanitizeTag(tag: string): string {
  return tag
    .replace(/[^a-zA-Z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, MAX_TAG_LENGTH);
}

function latestTagName(flavor: Flavor, event: ResolvedEvent): string {
  const prefix = flavor.prefixOnLatest ? renderGlobal(flavor.prefix, event) : '';
  const suffix = flavor.suffixOnLatest ? renderGlobal(flavor.suffix, event) : '';
  return sanitizeTag(`${prefix}latest${suffix}`);
}

function expandTags(images: string[], version: Version, latestTag: string): string[] {
  if (version.main === undefined) return [];
  const values = [version.main, ...version.partial, ...(version.latest ? [latestTag] : [])];
  const unique = values.filter((value, index) => values.indexOf(value) === index);
  if (images.length === 0) return unique; // metadata-action: no images => bare tags
  return images.flatMap((image) => unique.map((value) => `${image}:${value}`));
}

/** Lower-cases (metadata-action does) and refuses names that are not a valid repository without tag. */
function normalizeImageName(image: string): string {
  const name = image.trim().toLowerCase();
  let parsed;
  try {
    parsed = parseImageRef(name);
  } catch (error) {
    throw new ConfigurationError(`images: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed.tag !== undefined || parsed.digest !== undefined) {
    throw new ConfigurationError(`images: '${image}' must be an image name without tag or digest`);
  }
  return name;
}

/** OCI image labels/annotations, user entries (with global expressions) overriding; sorted by key. */
function ociMetadata(event: ResolvedEvent, version: string, extra: string[]): Record<string, string> {
  const entries = new Map<string, string>([
    ['org.opencontainers.image.title', event.repo.name],
    ['org.opencontainers.image.description', event.repo.description ?? ''],
    ['org.opencontainers.image.url', event.repo.htmlUrl],
    ['org.opencontainers.image.source', event.repo.htmlUrl],
    ['org.opencontainers.image.version', version],
    ['org.opencontainers.image.created', event.now.toISOString()],
    ['org.opencontainers.image.revision', event.sha],
    ['org.opencontainers.image.licenses', event.repo.license ?? '']
  ]);
  for (const line of extra) {
    const rendered = renderGlobal(
      parseTemplate(line, GLOBAL_EXPRESSIONS, `label/annotation '${line}'`),
      event
    );
    const eq = rendered.indexOf('=');
    if (eq > 0) entries.set(rendered.slice(0, eq), rendered.slice(eq + 1));
  }
  const sorted = [...entries].sort(([a], [b]) => a.localeCompare(b));
  return Object.fromEntries(sorted);
}

// ---------------------------------------------------------------------------------------------------------
// Dates: moment.js-compatible rendering of the tokens rules.ts accepts.
// ---------------------------------------------------------------------------------------------------------

interface ZonedDate {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  offsetMinutes: number;
  epochMs: number;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December'
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function formatDate(date: Date, format: DateFormat, tz: string): string {
  const zoned = toZone(date, tz);
  return format
    .map((part) => (part.kind === 'text' ? part.text : formatDateToken(zoned, part.token)))
    .join('');
}

function toZone(date: Date, tz: string): ZonedDate {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric'
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const epochMs = date.getTime();
  const millisecond = ((epochMs % 1000) + 1000) % 1000;
  const zoned = {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second')
  };
  const asUtc = Date.UTC(zoned.year, zoned.month - 1, zoned.day, zoned.hour, zoned.minute, zoned.second);
  const offsetMinutes = Math.round((asUtc - (epochMs - millisecond)) / 60000);
  return { ...zoned, millisecond, offsetMinutes, epochMs };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function formatDateToken(d: ZonedDate, token: DateToken): string {
  const hour12 = d.hour % 12 === 0 ? 12 : d.hour % 12;
  const weekday = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  const dayOfYear = (Date.UTC(d.year, d.month - 1, d.day) - Date.UTC(d.year, 0, 1)) / 86400000 + 1;
  const table: Record<DateToken, () => string> = {
    YYYY: () => pad(d.year, 4),
    YY: () => pad(d.year % 100, 2),
    MMMM: () => MONTHS[d.month - 1] ?? '',
    MMM: () => (MONTHS[d.month - 1] ?? '').slice(0, 3),
    MM: () => pad(d.month, 2),
    M: () => String(d.month),
    DDDD: () => pad(dayOfYear, 3),
    DDD: () => String(dayOfYear),
    DD: () => pad(d.day, 2),
    Do: () => ordinal(d.day),
    D: () => String(d.day),
    dddd: () => WEEKDAYS[weekday] ?? '',
    ddd: () => (WEEKDAYS[weekday] ?? '').slice(0, 3),
    dd: () => (WEEKDAYS[weekday] ?? '').slice(0, 2),
    d: () => String(weekday),
    HH: () => pad(d.hour, 2),
    H: () => String(d.hour),
    hh: () => pad(hour12, 2),
    h: () => String(hour12),
    mm: () => pad(d.minute, 2),
    m: () => String(d.minute),
    ss: () => pad(d.second, 2),
    s: () => String(d.second),
    SSS: () => pad(d.millisecond, 3),
    SS: () => pad(Math.floor(d.millisecond / 10), 2),
    S: () => String(Math.floor(d.millisecond / 100)),
    A: () => (d.hour < 12 ? 'AM' : 'PM'),
    a: () => (d.hour < 12 ? 'am' : 'pm'),
    ZZ: () => utcOffset(d.offsetMinutes, ''),
    Z: () => utcOffset(d.offsetMinutes, ':'),
    X: () => String(Math.floor(d.epochMs / 1000)),
    x: () => String(d.epochMs)
  };
  return table[token]();
}

function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

function utcOffset(minutes: number, separator: string): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60), 2)}${separator}${pad(abs % 60, 2)}`;
}
