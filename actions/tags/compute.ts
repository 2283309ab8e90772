/**
 * The pure domain of the `tags` action: from a GitHub event and metadata-action style inputs, the image tags, OCI
 * labels, annotations, JSON and bake definitions to build with. No I/O and no process.env: the action adapter
 * reads the event and the environment and passes them in.
 *
 * With `images:` (mode 'metadata-action') every default and output is docker/metadata-action v5's (src/meta.ts,
 * src/tag.ts, src/flavor.ts, src/image.ts): the parity test test/unit/tags/metadata-action-parity.test.ts runs
 * its own test suite's cases against this function. Templates are rendered by handlebars, dates by
 * moment-timezone and Python versions parsed by @renovatebot/pep440 — the libraries metadata-action uses — so
 * their quirks are the same (an unquoted date format is a handlebars path, an expression's output is
 * HTML-escaped).
 *
 * With `service:` (mode 'slipway') Slipway's own rules apply on top, each marked "Slipway:" below:
 *  - the default rules are SLIPWAY_DEFAULT_TAG_RULES;
 *  - `latest` is never produced for a pre-release semver tag ref (see isPrerelease);
 *  - tags are cut to 128 characters and leading '.'/'-' are dropped, so a tag is always valid.
 */
import Handlebars from 'handlebars';
import pep440 from '@renovatebot/pep440';
import semver from 'semver';
import { ConfigurationError } from '../lib/errors.js';
import { parseImageRef } from '../lib/image-ref.js';
import {
  METADATA_ACTION_DEFAULT_TAG_RULES,
  parseFlavor,
  parseImages,
  parseTagRules,
  slipwayDefaultRules,
  TagRuleError,
  type Flavor,
  type TagRule
} from './rules.js';

export { TagRuleError, SLIPWAY_DEFAULT_TAG_RULES, inputList } from './rules.js';

/** The parts of a webhook payload the rules read. */
export interface EventPayload {
  /** push to a tag: the branch it was pushed from (undocumented; metadata-action reads it for {{base_ref}}). */
  base_ref?: string | null;
  /** pull_request / pull_request_target: the PR number. */
  number?: number;
  repository?: { default_branch?: string } | null;
  pull_request?: { base?: { ref?: string }; head?: { sha?: string } } | null;
  commits?: Array<{ id?: string; timestamp?: string }> | null;
  head_commit?: { id?: string; timestamp?: string } | null;
}

export interface TagsContext {
  /** push | pull_request | pull_request_target | schedule | workflow_dispatch | release | ... */
  eventName: string;
  /** refs/heads/main, refs/tags/v1.2.3, refs/pull/12/merge; empty when unknown */
  ref: string;
  /** 40 hex; empty when unknown */
  sha: string;
  payload: EventPayload;
  /** The repository (metadata-action reads it from the API): labels, and the default branch of type=edge. */
  repo: {
    name?: string;
    description?: string | null;
    htmlUrl?: string;
    license?: string | null;
    defaultBranch?: string;
  };
  /** For {{commit_date}}: see commitDateFromPayload. */
  commitDate: Date;
  /** The run's clock: {{date}} and the created label. */
  now: Date;
}

export type TagsMode = 'metadata-action' | 'slipway';

/** Formats a date in a zone with a moment.js format (undefined: moment's default); see dates.ts. */
export type DateFormatter = (date: Date, format: string | undefined, tz: string) => string;

export interface TagsOptions {
  /** 'metadata-action' (images given) or 'slipway' (image from the services manifest). */
  mode: TagsMode;
  /** `images` lines (see inputList); none → bare tags. */
  images: readonly string[];
  /** `tags` lines; none → the mode's default rules. */
  tags: readonly string[];
  flavor: readonly string[];
  labels?: readonly string[];
  annotations?: readonly string[];
  /** Default "\n". */
  sepTags?: string;
  sepLabels?: string;
  sepAnnotations?: string;
  /** metadata-action's DOCKER_METADATA_ANNOTATIONS_LEVELS; default ['manifest']. */
  annotationLevels?: readonly string[];
  /** metadata-action's DOCKER_METADATA_PR_HEAD_SHA: on pull_request* events use the PR head sha. */
  prHeadSha?: boolean;
  /** metadata-action's DOCKER_METADATA_SHORT_SHA_LENGTH (raw); default 7. */
  shortShaLength?: string;
  /** bake-target input; default docker-metadata-action. */
  bakeTarget?: string;
  /** Needed when a template uses {{date}} or {{commit_date}}: formatDate of dates.ts. */
  formatDate?: DateFormatter;
}

export interface Version {
  main: string | undefined;
  partial: string[];
  latest: boolean;
}

export type BakeDefinition = { target: Record<string, Record<string, unknown>> };

export interface TagsResult {
  version: Version;
  /** Image names (lower-cased, enabled only). */
  images: string[];
  tags: string[];
  /** Tags without image name. */
  tagNames: string[];
  /** KEY=VALUE, sorted by key. */
  labels: string[];
  /** KEY=VALUE, sorted by key, without level. */
  annotationValues: string[];
  /** level:KEY=VALUE for each annotation level. */
  annotations: string[];
  json: { tags: string[]; 'tag-names': string[]; labels: Record<string, string>; annotations: string[] };
  bake: { tags: BakeDefinition; labels: BakeDefinition; annotations: BakeDefinition; all: BakeDefinition };
  outputs: {
    version: string;
    tags: string;
    'tag-names': string;
    labels: string;
    annotations: string;
    json: string;
  };
  /** What metadata-action logs as warnings (a rule that matched nothing, an invalid semver, ...). */
  warnings: string[];
}

export const MAX_TAG_LENGTH = 128;
const DEFAULT_SHORT_SHA_LENGTH = 7;
const DEFAULT_BAKE_TARGET = 'docker-metadata-action';

/**
 * metadata-action's commit date from the payload: the pushed commit's timestamp (`commits[]` or `head_commit`
 * whose id is the sha). Undefined when the payload has none — then it asks the API (repos.getCommit), and
 * falls back to the clock.
 */
export function commitDateFromPayload(payload: EventPayload, sha: string): Date | undefined {
  const fromCommits = payload.commits?.find((commit) => commit.id === sha)?.timestamp;
  if (fromCommits) return new Date(fromCommits);
  if (payload.head_commit?.id === sha && payload.head_commit.timestamp) {
    return new Date(payload.head_commit.timestamp);
  }
  return undefined;
}

export function computeTags(input: TagsContext, opts: TagsOptions): TagsResult {
  const ctx = resolveContext(input, opts);
  const flavor = parseFlavor(opts.flavor);
  const defaults = opts.mode === 'slipway' ? slipwayDefaultRules(ctx.ref) : METADATA_ACTION_DEFAULT_TAG_RULES;
  const { rules, warnings } = parseTagRules(opts.tags, defaults);
  const render = new Renderer(ctx, opts);
  const latestTag = sanitizeTag(
    `${flavor.prefixLatest ? flavor.prefix : ''}latest${flavor.suffixLatest ? flavor.suffix : ''}`,
    opts.mode
  );
  const version = computeVersion(rules, flavor, ctx, render, opts.mode, latestTag, warnings);
  const images = parseImages(opts.images)
    .filter((image) => image.enable)
    .map((image) => normalizeImageName(image.name));
  const tagNames =
    version.main === undefined
      ? []
      : [version.main, ...version.partial, ...(version.latest ? [latestTag] : [])];
  const tags =
    images.length === 0 ? tagNames : images.flatMap((image) => tagNames.map((tag) => `${image}:${tag}`));
  const labels = ociMetadata(ctx, render, version.main ?? '', opts.labels ?? []);
  const annotationValues = ociMetadata(ctx, render, version.main ?? '', opts.annotations ?? []);
  const levels = opts.annotationLevels ?? ['manifest'];
  const withLevels = (ls: readonly string[]) =>
    ls.flatMap((level) => annotationValues.map((a) => `${level}:${a}`));
  const annotations = withLevels(levels);
  const labelMap = keyValueMap(labels);
  const target = opts.bakeTarget || DEFAULT_BAKE_TARGET;
  const bake = (definition: Record<string, unknown>): BakeDefinition => ({
    target: { [target]: definition }
  });
  const args = { DOCKER_META_IMAGES: images.join(','), DOCKER_META_VERSION: version.main };
  const json = { tags, 'tag-names': tagNames, labels: labelMap, annotations };
  return {
    version,
    images,
    tags,
    tagNames,
    labels,
    annotationValues,
    annotations,
    json,
    bake: {
      tags: bake({ tags, args }),
      labels: bake({ labels: labelMap }),
      annotations: bake({ annotations }),
      all: bake({ tags, labels: labelMap, args })
    },
    outputs: {
      version: version.main ?? '',
      tags: tags.join(opts.sepTags ?? '\n'),
      'tag-names': tagNames.join(opts.sepTags ?? '\n'),
      labels: labels.join(opts.sepLabels ?? '\n'),
      annotations: annotations.join(opts.sepAnnotations ?? '\n'),
      json: JSON.stringify(json)
    },
    warnings
  };
}

/** The bake definition of annotations for other levels (metadata-action's `annotations:<levels>` bake kind). */
export function annotationsBake(
  result: TagsResult,
  levels: readonly string[],
  bakeTarget?: string
): BakeDefinition {
  const annotations = levels.flatMap((level) => result.annotationValues.map((a) => `${level}:${a}`));
  return { target: { [bakeTarget || DEFAULT_BAKE_TARGET]: { annotations } } };
}

/**
 * Slipway: true when the ref is a tag that is a valid semver with a pre-release part (v1.2.3-rc.1). In 'slipway'
 * mode `latest` then never appears, so `latest` always names a stable release.
 */
export function isPrerelease(ref: string): boolean {
  if (!ref.startsWith('refs/tags/')) return false;
  const candidate = ref.slice('refs/tags/'.length).replace(/\//g, '-');
  return semver.valid(candidate) !== null && (semver.prerelease(candidate)?.length ?? 0) > 0;
}

/**
 * `ghcr.io/<owner>/<prefix><service>`, lower-cased (GHCR requires it) and checked to be a valid OCI repository
 * name.
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

/**
 * metadata-action replaces each run of characters outside [A-Za-z0-9._-] with '-'. Slipway: additionally drops
 * leading '.'/'-' and cuts to 128 characters, the limits of a valid tag.
 */
export function sanitizeTag(tag: string, mode: TagsMode = 'slipway'): string {
  const replaced = tag.replace(/[^a-zA-Z0-9._-]+/g, '-');
  return mode === 'slipway' ? replaced.replace(/^[.-]+/, '').slice(0, MAX_TAG_LENGTH) : replaced;
}

// ---------------------------------------------------------------------------------------------------------
// The event as the rules see it.
// ---------------------------------------------------------------------------------------------------------

function resolveContext(ctx: TagsContext, opts: TagsOptions): TagsContext {
  let { ref, sha } = ctx;
  // pull_request_target runs on the base branch: metadata-action rewrites the ref to the PR's merge ref.
  // https://docs.github.com/en/actions/using-workflows/events-that-trigger-workflows#pull_request_target
  if (/pull_request_target/.test(ctx.eventName)) ref = `refs/pull/${ctx.payload.number}/merge`;
  if (
    opts.prHeadSha &&
    /pull_request/.test(ctx.eventName) &&
    ctx.payload.pull_request?.head?.sha !== undefined
  ) {
    sha = ctx.payload.pull_request.head.sha;
  }
  return { ...ctx, ref, sha };
}

const stripPrefix = (value: string, prefix: string) =>
  value.startsWith(prefix) ? value.slice(prefix.length) : value;

/** Handlebars with the expressions metadata-action documents ("Global expressions" of its README). */
class Renderer {
  readonly shortSha: string;
  private readonly handlebars = Handlebars.create();
  private readonly formatDate: DateFormatter;

  constructor(
    private readonly ctx: TagsContext,
    opts: TagsOptions
  ) {
    this.shortSha = shortSha(ctx.sha, opts.shortShaLength);
    this.formatDate =
      opts.formatDate ??
      (() => {
        throw new Error('a date expression needs TagsOptions.formatDate (formatDate of dates.ts)');
      });
  }

  /** A template with the global expressions ({{branch}}, {{tag}}, {{sha}}, {{date …}}, …). */
  global(template: string): string {
    const { ctx } = this;
    const isDefault = isDefaultBranch(ctx);
    return this.render(template, {
      branch: () => (ctx.ref.startsWith('refs/heads/') ? stripPrefix(ctx.ref, 'refs/heads/') : ''),
      tag: () => (ctx.ref.startsWith('refs/tags/') ? stripPrefix(ctx.ref, 'refs/tags/') : ''),
      sha: () => this.shortSha,
      base_ref: () => {
        if (ctx.ref.startsWith('refs/tags/') && ctx.payload.base_ref != undefined) {
          return ctx.payload.base_ref.replace(/^refs\/heads\//g, '');
        }
        if (ctx.ref.startsWith('refs/pull/') && ctx.payload.pull_request?.base?.ref != undefined) {
          return ctx.payload.pull_request.base.ref;
        }
        return '';
      },
      is_default_branch: () => String(isDefault),
      is_not_default_branch: () => String(!isDefault),
      date: this.dateHelper(ctx.now),
      commit_date: this.dateHelper(ctx.commitDate)
    });
  }

  /** A type=schedule pattern: only {{date …}} and {{commit_date …}}. */
  schedule(template: string): string {
    return this.render(template, {
      date: this.dateHelper(this.ctx.now),
      commit_date: this.dateHelper(this.ctx.commitDate)
    });
  }

  /** `{{date 'FORMAT' tz='Zone'}}`: UTC unless tz is given; an unknown hash attribute is an error. */
  private dateHelper(date: Date) {
    return (format: unknown, options?: { hash?: Record<string, unknown> }): string => {
      let tz = 'UTC';
      for (const [key, value] of Object.entries(options?.hash ?? {})) {
        if (key !== 'tz') throw new Error(`Unknown ${key} attribute`);
        tz = String(value);
      }
      // A format handlebars could not resolve (unquoted, read as a path) is undefined: moment's default format.
      return this.formatDate(date, typeof format === 'string' ? format : undefined, tz);
    };
  }

  render(template: string, data: object): string {
    try {
      return this.handlebars.compile(template)(data);
    } catch (error) {
      throw new TagRuleError(
        `template '${template}': ${error instanceof Error ? error.message : String(error)} ` +
          `(expressions: https://github.com/docker/metadata-action#global-expressions)`
      );
    }
  }
}

function shortSha(sha: string, raw: string | undefined): string {
  let length = DEFAULT_SHORT_SHA_LENGTH;
  if (raw) {
    length = Number(raw);
    if (Number.isNaN(length)) {
      throw new ConfigurationError(`DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number: ${raw}`);
    }
  }
  return length >= sha.length ? sha : sha.substring(0, length);
}

/** metadata-action's {{is_default_branch}}. */
function isDefaultBranch(ctx: TagsContext): boolean {
  const branch = ctx.ref.replace(/^refs\/heads\//g, '');
  if (branch.length === 0) return false;
  if (ctx.payload.repository?.default_branch === branch) return true;
  // These events always run on the default branch's last commit.
  // https://docs.github.com/en/actions/using-workflows/events-that-trigger-workflows
  return /create|discussion|issues|schedule/.test(ctx.eventName);
}

// ---------------------------------------------------------------------------------------------------------
// Rules → version (main tag, partial tags, latest).
// ---------------------------------------------------------------------------------------------------------

interface Candidate {
  /** Before prefix/suffix. */
  value: string;
  /** Whether this rule asks for `latest` under latest=auto. */
  latestOnAuto: boolean;
}

function computeVersion(
  rules: TagRule[],
  flavor: Flavor,
  ctx: TagsContext,
  render: Renderer,
  mode: TagsMode,
  latestTag: string,
  warnings: string[]
): Version {
  const main: { value?: string } = {};
  const partial: string[] = [];
  let latest: boolean | undefined;
  for (const rule of rules) {
    const enabled = render.global(rule.attrs['enable'] ?? 'true');
    if (enabled !== 'true' && enabled !== 'false') {
      throw new TagRuleError(
        `tags line '${rule.source}': enable rendered to '${enabled}', expected true or false`
      );
    }
    if (enabled === 'false') continue;
    const candidate = evaluateRule(rule, ctx, render, warnings);
    if (candidate === undefined) continue;
    const value = withPrefixSuffix(candidate.value, rule, flavor, render);
    if (value.length === 0) continue;
    const tag = sanitizeTag(value, mode);
    if (main.value === undefined) main.value = tag;
    else if (tag !== main.value) partial.push(tag);
    latest ??= flavor.latest === 'auto' ? candidate.latestOnAuto : flavor.latest === 'true';
  }
  const version: Version = {
    main: main.value,
    partial: partial.filter((item, index) => partial.indexOf(item) === index),
    latest: latest ?? false
  };
  if (mode === 'slipway' && isPrerelease(ctx.ref)) {
    // Slipway: a pre-release never gets latest, nor a tag that reads latest.
    const kept = [version.main, ...version.partial].filter(
      (tag): tag is string => tag !== undefined && tag !== 'latest' && tag !== latestTag
    );
    version.main = kept[0];
    version.partial = kept.slice(1);
    version.latest = false;
  }
  return version;
}

/** A rule's own prefix/suffix wins, even when empty; otherwise the flavor's applies. */
function withPrefixSuffix(value: string, rule: TagRule, flavor: Flavor, render: Renderer): string {
  const prefix = rule.attrs['prefix'] ?? (flavor.prefix.length > 0 ? flavor.prefix : '');
  const suffix = rule.attrs['suffix'] ?? (flavor.suffix.length > 0 ? flavor.suffix : '');
  return `${render.global(prefix)}${value}${render.global(suffix)}`;
}

function evaluateRule(
  rule: TagRule,
  ctx: TagsContext,
  render: Renderer,
  warnings: string[]
): Candidate | undefined {
  const attrs = rule.attrs;
  const attr = (key: string) => attrs[key] ?? '';
  switch (rule.type) {
    case 'schedule':
      if (!/schedule/.test(ctx.eventName)) return undefined;
      return { value: render.schedule(attr('pattern')), latestOnAuto: false };
    case 'semver':
      return versionRule(rule, ctx, render, warnings, semverValue);
    case 'pep440':
      return versionRule(rule, ctx, render, warnings, pep440Value);
    case 'match':
      return matchValue(rule, ctx, render, warnings);
    case 'edge': {
      if (!ctx.ref.startsWith('refs/heads/')) return undefined;
      const branch = attr('branch') || (ctx.repo.defaultBranch ?? '');
      if (branch !== stripPrefix(ctx.ref, 'refs/heads/')) return undefined;
      return { value: 'edge', latestOnAuto: false };
    }
    case 'ref':
      return refValue(attr('event'), ctx.ref);
    case 'raw':
      return { value: render.global(attr('value')), latestOnAuto: false };
    case 'sha':
      if (!ctx.sha) return undefined;
      return { value: attr('format') === 'short' ? render.shortSha : ctx.sha, latestOnAuto: false };
  }
}

function refValue(event: string, ref: string): Candidate | undefined {
  if (event === 'branch' && ref.startsWith('refs/heads/')) {
    return { value: stripPrefix(ref, 'refs/heads/'), latestOnAuto: false };
  }
  if (event === 'tag' && ref.startsWith('refs/tags/')) {
    return { value: stripPrefix(ref, 'refs/tags/'), latestOnAuto: true };
  }
  if (event === 'pr' && ref.startsWith('refs/pull/')) {
    return { value: stripPrefix(ref, 'refs/pull/').replace(/\/merge$/g, ''), latestOnAuto: false };
  }
  return undefined;
}

/** The version a semver/pep440/match rule reads: its `value`, else the pushed tag; undefined: not applicable. */
function versionSource(rule: TagRule, ctx: TagsContext, render: Renderer): string | undefined {
  const value = rule.attrs['value'] ?? '';
  if (value.length > 0) return render.global(value);
  if (!ctx.ref.startsWith('refs/tags/')) return undefined;
  return stripPrefix(ctx.ref, 'refs/tags/');
}

type VersionValue = (
  raw: string,
  pattern: string,
  render: Renderer,
  warnings: string[]
) => Candidate | undefined;

function versionRule(
  rule: TagRule,
  ctx: TagsContext,
  render: Renderer,
  warnings: string[],
  value: VersionValue
): Candidate | undefined {
  let raw = versionSource(rule, ctx, render);
  if (raw === undefined) return undefined;
  const match = rule.attrs['match'] ?? '';
  if (match.length > 0) {
    const found = raw.match(match);
    if (!found) warnings.push(`${match} does not match ${raw}.`);
    else raw = found[1] ?? '';
  }
  return value(raw.replace(/\//g, '-'), rule.attrs['pattern'] ?? '', render, warnings);
}

/** `{{raw}}` alone: the raw tag is kept even for a pre-release (handlebars AST, as metadata-action checks it). */
export function isRawStatement(pattern: string): boolean {
  try {
    const program = Handlebars.parseWithoutProcessing(pattern);
    const [only, ...rest] = program.body;
    if (rest.length > 0 || only?.type !== 'MustacheStatement') return false;
    const path = (only as hbs.AST.MustacheStatement).path as hbs.AST.PathExpression;
    return path.parts?.length === 1 && path.parts[0] === 'raw';
  } catch {
    return false;
  }
}

function semverValue(
  raw: string,
  pattern: string,
  render: Renderer,
  warnings: string[]
): Candidate | undefined {
  if (!semver.valid(raw)) {
    warnings.push(`${raw} is not a valid semver. More info: https://semver.org/`);
    return undefined;
  }
  const parsed = semver.parse(raw, { loose: true });
  if (parsed === null) return undefined;
  const fields = {
    raw: parsed.raw,
    version: parsed.version,
    major: parsed.major,
    minor: parsed.minor,
    patch: parsed.patch,
    prerelease: parsed.prerelease,
    build: parsed.build
  };
  if (semver.prerelease(raw)) {
    // A pre-release only ever yields {{version}} ({{raw}} when that is the whole pattern), and never latest.
    return {
      value: render.render(isRawStatement(pattern) ? pattern : '{{version}}', fields),
      latestOnAuto: false
    };
  }
  return { value: render.render(pattern, fields), latestOnAuto: true };
}

function pep440Value(
  raw: string,
  pattern: string,
  render: Renderer,
  warnings: string[]
): Candidate | undefined {
  if (!pep440.valid(raw)) {
    warnings.push(`${raw} does not conform to PEP 440. More info: https://www.python.org/dev/peps/pep-0440`);
    return undefined;
  }
  const explained = pep440.explain(raw);
  if (explained === null) return undefined;
  if (explained.is_prerelease || explained.is_postrelease || explained.is_devrelease) {
    return { value: isRawStatement(pattern) ? raw : (pep440.clean(raw) ?? raw), latestOnAuto: false };
  }
  const fields = {
    raw: () => raw,
    version: () => pep440.clean(raw),
    major: () => pep440.major(raw),
    minor: () => pep440.minor(raw),
    patch: () => pep440.patch(raw)
  };
  return { value: render.render(pattern, fields), latestOnAuto: true };
}

function matchValue(
  rule: TagRule,
  ctx: TagsContext,
  render: Renderer,
  warnings: string[]
): Candidate | undefined {
  const raw = versionSource(rule, ctx, render);
  if (raw === undefined) return undefined;
  const pattern = rule.attrs['pattern'] ?? '';
  const group = rule.attrs['group'] ?? '0';
  let found: RegExpMatchArray | null;
  try {
    const delimited = /^\/(.+)\/(.*)$/.exec(pattern);
    found = delimited ? raw.match(new RegExp(delimited[1] ?? '', delimited[2])) : raw.match(pattern);
  } catch (error) {
    throw new TagRuleError(
      `tags line '${rule.source}': pattern '${pattern}' is not a valid regular expression (${String(error)})`
    );
  }
  if (!found) {
    warnings.push(`${pattern} does not match ${raw}.`);
    return undefined;
  }
  const value = (found as unknown as Record<string, string | undefined>)[group];
  if (value === undefined) {
    warnings.push(`Group ${group} does not exist for ${pattern} pattern.`);
    return undefined;
  }
  return { value, latestOnAuto: true };
}

// ---------------------------------------------------------------------------------------------------------
// Images, labels, annotations.
// ---------------------------------------------------------------------------------------------------------

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

/**
 * OCI labels/annotations as KEY=VALUE sorted by key; user entries (global expressions rendered) override the
 * generated ones, an entry without '=' or with nothing after it is dropped (metadata-action's rules).
 */
function ociMetadata(
  ctx: TagsContext,
  render: Renderer,
  version: string,
  extra: readonly string[]
): string[] {
  const entries: string[] = [
    `org.opencontainers.image.title=${ctx.repo.name || ''}`,
    `org.opencontainers.image.description=${ctx.repo.description || ''}`,
    `org.opencontainers.image.url=${ctx.repo.htmlUrl || ''}`,
    `org.opencontainers.image.source=${ctx.repo.htmlUrl || ''}`,
    `org.opencontainers.image.version=${version}`,
    `org.opencontainers.image.created=${ctx.now.toISOString()}`,
    `org.opencontainers.image.revision=${ctx.sha || ''}`,
    `org.opencontainers.image.licenses=${ctx.repo.license || ''}`,
    ...extra.map((line) => render.global(line))
  ];
  const map = new Map<string, string>();
  for (const entry of entries) {
    const [key = '', ...values] = entry.split('=');
    if (values.length > 0) map.set(key, values.join('='));
  }
  return [...map].sort((a, b) => a[0].localeCompare(b[0])).map(([key, value]) => `${key}=${value}`);
}

function keyValueMap(entries: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of entries) {
    const found = /([^=]*)=(.*)/.exec(entry);
    if (found) result[found[1] ?? ''] = found[2] ?? '';
  }
  return result;
}
