/**
 * What a job calling one of Slipway's reusable workflows must grant, derived from the callee file itself.
 *
 * GitHub refuses to start a run whose called workflow has a job asking more than the calling job grants: "The
 * nested job 'provision-vm' is requesting 'packages: write', but is only allowed 'packages: read'"
 * (https://github.com/canonical/authd/issues/1528, https://github.com/actions/runner/issues/4151 — an `if:` that
 * would skip the job does not help), because "GITHUB_TOKEN permissions can only be the same or more restrictive in
 * nested workflows" (https://docs.github.com/en/actions/reference/workflows-and-actions/reusing-workflow-configurations).
 * So a caller needs the union over the callee's jobs; least privilege says it grants nothing beyond that.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT, SLIPWAY_REPO } from './actions.js';

const RANK = { none: 0, read: 1, write: 2 } as const;
type Level = keyof typeof RANK;
export type Grants = Record<string, Level>;

interface JobDoc {
  uses?: string;
  permissions?: Record<string, string> | string;
  secrets?: Record<string, string> | string;
}
interface WorkflowDoc {
  on?: { workflow_call?: { secrets?: Record<string, unknown> } };
  jobs?: Record<string, JobDoc>;
}

/** A permissions block as scope → level, `none` left out (absent and none are the same grant). */
export function normalise(perms: JobDoc['permissions']): Grants {
  if (perms === undefined) return {};
  if (typeof perms === 'string') {
    throw new Error(
      `permissions '${perms}' (a shorthand) cannot be compared scope by scope; spell the scopes out`
    );
  }
  const out: Grants = {};
  for (const [scope, level] of Object.entries(perms)) {
    if (!(level in RANK)) throw new Error(`permissions: ${scope}: '${level}' is not read, write or none`);
    if (level !== 'none') out[scope] = level as Level;
  }
  return out;
}

/** The highest level each scope is asked for across the grants given. */
export function union(all: Grants[]): Grants {
  const out: Grants = {};
  for (const g of all) {
    for (const [scope, level] of Object.entries(g)) {
      if (RANK[level] > RANK[out[scope] ?? 'none']) out[scope] = level;
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** The repository file a `uses:` of a reusable workflow names, when it is one of Slipway's; else undefined. */
export function calleeFile(uses: string): string | undefined {
  const local = /^\.\/(\.github\/workflows\/[^@]+)$/.exec(uses);
  const remote = /^([^/]+\/[^/]+)\/(\.github\/workflows\/[^@]+)@\S+$/.exec(uses);
  const rel = local?.[1] ?? (remote && remote[1]!.toLowerCase() === SLIPWAY_REPO ? remote[2] : undefined);
  if (!rel) return undefined;
  const file = path.join(REPO_ROOT, rel);
  if (!existsSync(file)) throw new Error(`${uses}: no ${rel} in this repository`);
  return file;
}

export function readWorkflow(file: string): WorkflowDoc {
  return parse(readFileSync(file, 'utf8')) as WorkflowDoc;
}

/** What a call of `file` needs: the union of its jobs' permissions (a nested call job counts with what it grants). */
export function calleeNeeds(file: string): Grants {
  const doc = readWorkflow(file);
  return union(Object.values(doc.jobs ?? {}).map((job) => normalise(job.permissions)));
}

export interface CallFinding {
  job: string;
  message: string;
}

/**
 * Every job of `doc` that calls a Slipway reusable workflow: it grants exactly what the callee's jobs need, and
 * hands on only secrets the callee declares, under names GitHub allows.
 */
export function checkCalls(doc: WorkflowDoc, secretNameRe: RegExp): CallFinding[] {
  const found: CallFinding[] = [];
  for (const [id, job] of Object.entries(doc.jobs ?? {})) {
    if (typeof job.uses !== 'string') continue;
    const file = calleeFile(job.uses);
    if (!file) continue;
    const needs = calleeNeeds(file);
    const grants = union([normalise(job.permissions)]);
    const show = (g: Grants): string =>
      Object.entries(g)
        .map(([s, l]) => `${s}: ${l}`)
        .join(', ') || '(nothing)';
    for (const [scope, level] of Object.entries(needs)) {
      if (RANK[grants[scope] ?? 'none'] < RANK[level]) {
        found.push({
          job: id,
          message: `calls ${job.uses}, whose jobs need ${scope}: ${level}, but grants ${scope}: ${grants[scope] ?? 'none'} (GitHub does not start the run)`
        });
      }
    }
    for (const [scope, level] of Object.entries(grants)) {
      if (RANK[level] > RANK[needs[scope] ?? 'none']) {
        found.push({
          job: id,
          message: `grants ${scope}: ${level} but ${job.uses} needs ${scope}: ${needs[scope] ?? 'none'} (least privilege: grant ${show(needs)})`
        });
      }
    }
    const declared = Object.keys(readWorkflow(file).on?.workflow_call?.secrets ?? {});
    if (job.secrets !== undefined && job.secrets !== 'inherit') {
      for (const [name, value] of Object.entries(job.secrets)) {
        if (!declared.includes(name)) {
          found.push({ job: id, message: `passes secret ${name}, which ${job.uses} does not declare` });
        }
        for (const m of String(value).matchAll(/\bsecrets\.([A-Za-z0-9_-]+)/g)) {
          if (!secretNameRe.test(m[1]!)) {
            found.push({
              job: id,
              message: `reads secrets.${m[1]}: not a name a repository secret can have`
            });
          }
        }
      }
    }
  }
  return found;
}
