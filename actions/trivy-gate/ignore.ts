/**
 * The ignore file: accepted findings with a reason and an optional expiry. Slipway applies it itself, on the full
 * JSON report (so suppressed findings stay in the SARIF as suppressions, and expiries warn). An expired entry stops
 * ignoring (and the action warns), so an accepted risk is looked at again instead of being hidden forever.
 *
 * Three formats, so users keep the file they have:
 * - trivy's `.trivyignore.yaml` (https://trivy.dev/latest/docs/configuration/filtering/#by-finding-ids): a mapping
 *   with `vulnerabilities`, `misconfigurations`, `secrets` and `licenses` lists of
 *   { id, paths?: [glob], purls?: [purl], expired_at?: YYYY-MM-DD, statement?: why }. trivy ignores an entry from
 *   its `expired_at` date on (it compares with the current time: `expired_at` is the first day it no longer applies).
 * - trivy's plain `.trivyignore` (same page): one finding ID a line, `#` comments, optionally `exp:YYYY-MM-DD`
 *   after the ID (again the first day it no longer applies).
 * - Slipway's YAML: a list, or a mapping with an `ignores:` list, of
 *   { id: CVE-…, reason: why, expires?: YYYY-MM-DD (last day it applies, UTC), paths?: [glob], purls?: [purl] }
 */
import picomatch from 'picomatch';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { ConfigurationError } from '../lib/errors.js';

export interface IgnoreEntry {
  id: string;
  reason: string;
  /** YYYY-MM-DD, inclusive (UTC) */
  expires?: string;
  paths?: string[];
  purls?: string[];
  /** line in the file, for messages */
  line?: number;
}

/** What an ignore entry is matched against. */
export interface IgnoreSubject {
  id: string;
  target: string;
  pkgName?: string;
  pkgPath?: string;
  installed?: string;
  purl?: string;
}

const KEYS = new Set(['id', 'reason', 'expires', 'paths', 'purls']);
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDate(text: string): boolean {
  const m = DATE_RE.exec(text);
  if (!m) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

const TRIVY_SECTIONS = ['vulnerabilities', 'misconfigurations', 'secrets', 'licenses'];
const TRIVY_KEYS = new Set(['id', 'paths', 'purls', 'expired_at', 'statement']);

/** The day before a YYYY-MM-DD date: trivy's first day of no effect → our last day of effect. */
function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/** Is this file trivy's plain `.trivyignore` (by name: `.trivyignore`, `*.trivyignore` or `.txt`)? Else YAML. */
export function isPlainTrivyignore(file: string): boolean {
  return /(^|[/\\.])trivyignore$|\.txt$/i.test(file);
}

/** trivy's plain `.trivyignore`: an ID a line, `#` comments, optional `exp:YYYY-MM-DD`. Pure. */
export function parsePlainTrivyignore(text: string, file: string): IgnoreEntry[] {
  const entries: IgnoreEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const fields = line.split(/\s+/);
    const id = fields[0]!;
    let expires: string | undefined;
    for (const field of fields.slice(1)) {
      const exp = /^exp:(.*)$/.exec(field);
      if (!exp || !validDate(exp[1]!)) {
        throw new ConfigurationError(
          `Ignore file ${file}:${index + 1}: '${field}' is not exp:YYYY-MM-DD; a line is a finding ID, optionally followed by exp:YYYY-MM-DD`,
          { file, line: index + 1 }
        );
      }
      expires = dayBefore(exp[1]!);
    }
    const comment = /#\s*(.*)$/.exec(raw)?.[1]?.trim();
    entries.push({ id, reason: comment || `listed in ${file}`, expires, line: index + 1 });
  });
  return entries;
}

/** Parses ignore-file text (any of the three formats); `file` is used in messages and picks the plain format. Pure. */
export function parseIgnoreFile(text: string, file: string): IgnoreEntry[] {
  if (isPlainTrivyignore(file)) return parsePlainTrivyignore(text, file);
  return parseYamlIgnoreFile(text, file);
}

function parseYamlIgnoreFile(text: string, file: string): IgnoreEntry[] {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: true });
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as Node | undefined)?.range;
    return range ? counter.linePos(range[0]).line : undefined;
  };
  const fail = (what: string, node?: unknown): never => {
    const line = lineOf(node);
    throw new ConfigurationError(
      `Ignore file ${file}${line ? `:${line}` : ''}: ${what}. Expected a list of {id, reason, expires?: YYYY-MM-DD, paths?, purls?}.`,
      { file, line }
    );
  };
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = first.linePos?.[0]?.line;
    throw new ConfigurationError(
      `Ignore file ${file}${line ? `:${line}` : ''}: invalid YAML: ${first.message.split('\n')[0]}`,
      { file, line }
    );
  }
  let list: unknown = doc.contents;
  if (list === null || list === undefined) return [];
  if (isMap(list)) {
    const keys = list.items.map((pair) =>
      String((pair.key as { value?: unknown } | null)?.value ?? pair.key)
    );
    if (keys.some((k) => TRIVY_SECTIONS.includes(k))) return trivyYaml(list, keys, file, lineOf);
    const unknown = keys.filter((k) => k !== 'ignores');
    if (unknown.length) {
      fail(
        `unknown top-level key '${unknown[0]}' (only 'ignores', or trivy's ${TRIVY_SECTIONS.join(', ')})`,
        list
      );
    }
    list = list.get('ignores', true);
    if (list === undefined || list === null) return [];
  }
  if (!isSeq(list)) return fail('the top level must be a list of entries (or `ignores:` with a list)', list);
  return list.items.map((item) => {
    if (!isMap(item)) return fail('each entry must be a mapping with id and reason', item);
    const raw = item.toJSON() as Record<string, unknown>;
    for (const key of Object.keys(raw)) {
      if (!KEYS.has(key)) fail(`unknown key '${key}' (allowed: ${[...KEYS].join(', ')})`, item);
    }
    const id = raw.id;
    if (typeof id !== 'string' || id.trim() === '') fail("'id' must be a non-empty string", item);
    if (typeof raw.reason !== 'string' || raw.reason.trim() === '') {
      fail(`entry '${String(id)}': 'reason' is required (say why the finding is accepted)`, item);
    }
    let expires: string | undefined;
    if (raw.expires !== undefined && raw.expires !== null) {
      expires = raw.expires instanceof Date ? raw.expires.toISOString().slice(0, 10) : String(raw.expires);
      if (!validDate(expires)) {
        fail(`entry '${String(id)}': 'expires' must be a date YYYY-MM-DD, got '${expires}'`, item);
      }
    }
    const strings = (key: 'paths' | 'purls'): string[] | undefined => {
      const value = raw[key];
      if (value === undefined || value === null) return undefined;
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
        return fail(`entry '${String(id)}': '${key}' must be a list of strings`, item);
      }
      return value as string[];
    };
    return {
      id: (id as string).trim(),
      reason: (raw.reason as string).trim(),
      expires,
      paths: strings('paths'),
      purls: strings('purls'),
      line: lineOf(item)
    };
  });
}

/** trivy's `.trivyignore.yaml`: every section's entries, `statement` as the reason, `expired_at` converted. */
function trivyYaml(
  map: YAMLMap,
  keys: string[],
  file: string,
  lineOf: (node: unknown) => number | undefined
): IgnoreEntry[] {
  const fail = (what: string, node?: unknown): never => {
    const line = lineOf(node);
    throw new ConfigurationError(
      `Ignore file ${file}${line ? `:${line}` : ''}: ${what}. trivy's .trivyignore.yaml has ${TRIVY_SECTIONS.join(', ')} ` +
        'lists of {id, paths?, purls?, expired_at?: YYYY-MM-DD, statement?}',
      { file, line }
    );
  };
  const unknown = keys.filter((k) => !TRIVY_SECTIONS.includes(k));
  if (unknown.length) fail(`unknown top-level key '${unknown[0]}'`, map);
  const entries: IgnoreEntry[] = [];
  for (const section of TRIVY_SECTIONS) {
    const list = map.get(section, true);
    if (list === undefined || list === null || (isScalar(list) && list.value === null)) continue;
    if (!isSeq(list)) return fail(`'${section}' must be a list of entries`, list);
    for (const item of list.items) {
      if (!isMap(item)) return fail(`each entry of '${section}' must be a mapping with an id`, item);
      const raw = item.toJSON() as Record<string, unknown>;
      for (const key of Object.keys(raw)) {
        if (!TRIVY_KEYS.has(key)) fail(`unknown key '${key}' (allowed: ${[...TRIVY_KEYS].join(', ')})`, item);
      }
      if (typeof raw.id !== 'string' || raw.id.trim() === '') fail("'id' must be a non-empty string", item);
      const id = (raw.id as string).trim();
      let expires: string | undefined;
      if (raw.expired_at !== undefined && raw.expired_at !== null) {
        const at =
          raw.expired_at instanceof Date ? raw.expired_at.toISOString().slice(0, 10) : String(raw.expired_at);
        if (!validDate(at)) fail(`entry '${id}': 'expired_at' must be a date YYYY-MM-DD, got '${at}'`, item);
        expires = dayBefore(at);
      }
      const strings = (key: 'paths' | 'purls'): string[] | undefined => {
        const value = raw[key];
        if (value === undefined || value === null) return undefined;
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
          return fail(`entry '${id}': '${key}' must be a list of strings`, item);
        }
        return value as string[];
      };
      const statement = typeof raw.statement === 'string' ? raw.statement.trim() : '';
      entries.push({
        id,
        reason: statement || `listed in ${file} (${section}, no statement)`,
        expires,
        paths: strings('paths'),
        purls: strings('purls'),
        line: lineOf(item)
      });
    }
  }
  return entries;
}

/** An entry applies through the whole of its `expires` day (UTC). */
export function isExpired(entry: IgnoreEntry, now: Date): boolean {
  return entry.expires !== undefined && now.toISOString().slice(0, 10) > entry.expires;
}

export function partitionIgnores(
  entries: IgnoreEntry[],
  now: Date
): { active: IgnoreEntry[]; expired: IgnoreEntry[] } {
  return {
    active: entries.filter((e) => !isExpired(e, now)),
    expired: entries.filter((e) => isExpired(e, now))
  };
}

function stripPurl(purl: string): string {
  return purl.replace(/[?#].*$/, '');
}

/** `pkg:deb/debian/zlib1g@1.2` → name and optional version (for reports that carry no purl). */
function purlParts(purl: string): { name: string; version?: string } {
  const bare = stripPurl(purl);
  const at = bare.lastIndexOf('@');
  const path = at > 0 ? bare.slice(0, at) : bare;
  return {
    name: decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)),
    version: at > 0 ? decodeURIComponent(bare.slice(at + 1)) : undefined
  };
}

function purlMatches(pattern: string, subject: IgnoreSubject): boolean {
  if (subject.purl) {
    const want = stripPurl(pattern);
    const have = stripPurl(subject.purl);
    return want.includes('@') ? have === want : have.replace(/@.*$/, '') === want;
  }
  const { name, version } = purlParts(pattern);
  return name === subject.pkgName && (version === undefined || version === subject.installed);
}

/** The first entry that ignores this finding: same id, and (when given) a matching path and purl. */
export function matchIgnore(subject: IgnoreSubject, entries: IgnoreEntry[]): IgnoreEntry | undefined {
  return entries.find((entry) => {
    if (entry.id !== subject.id) return false;
    if (entry.paths?.length) {
      const candidates = [subject.pkgPath, subject.target].filter((p): p is string => Boolean(p));
      if (!entry.paths.some((glob) => candidates.some((c) => picomatch.isMatch(c, glob, { dot: true })))) {
        return false;
      }
    }
    if (entry.purls?.length && !entry.purls.some((p) => purlMatches(p, subject))) return false;
    return true;
  });
}
