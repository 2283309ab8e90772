/**
 * The ignore file: accepted findings with a reason and an optional expiry. This trivy build ignores
 * `.trivyignore.yaml`, so Slipway applies the file itself, on the full JSON report. An expired entry stops
 * ignoring (and the action warns), so an accepted risk is looked at again instead of being hidden forever.
 *
 * Format (YAML): a list, or a mapping with an `ignores:` list, of
 *   { id: CVE-…, reason: why, expires?: YYYY-MM-DD (last day it applies, UTC), paths?: [glob], purls?: [purl] }
 */
import picomatch from 'picomatch';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
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

/** Parses ignore-file text; `file` is used in messages. Pure. */
export function parseIgnoreFile(text: string, file: string): IgnoreEntry[] {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: true });
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as Node | undefined)?.range;
    return range ? counter.linePos(range[0]).line : undefined;
  };
  const fail = (what: string, node?: unknown): never => {
    const line = lineOf(node);
    throw new ConfigurationError(
      `Ignore file ${file}${line ? `:${line}` : ''}: ${what}. Expected a list of {id, reason, expires?: YYYY-MM-DD, paths?, purls?}.`
    );
  };
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = first.linePos?.[0]?.line;
    throw new ConfigurationError(
      `Ignore file ${file}${line ? `:${line}` : ''}: invalid YAML: ${first.message.split('\n')[0]}`
    );
  }
  let list: unknown = doc.contents;
  if (list === null || list === undefined) return [];
  if (isMap(list)) {
    const keys = list.items.map((pair) =>
      String((pair.key as { value?: unknown } | null)?.value ?? pair.key)
    );
    const unknown = keys.filter((k) => k !== 'ignores');
    if (unknown.length) fail(`unknown top-level key '${unknown[0]}' (only 'ignores')`, list);
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
