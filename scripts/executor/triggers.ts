/**
 * Does an event trigger the workflow? `on:` keys, branch/tag filters (GitHub's filter pattern syntax: `*`, `**`,
 * `?`, `+`, `[]`, `!` negation where the last matching pattern wins), `paths` filters when the changed files are
 * known, and `types` filters against the payload's `action`.
 */
import type { EventsConfig } from '@actions/workflow-parser/model/workflow-template';
import picomatch from 'picomatch';

export interface TriggerRequest {
  event: string;
  ref?: string;
  payload: Record<string, unknown>;
  /** files changed by a push / pull request, when known (paths filters are not applied otherwise) */
  changedFiles?: string[];
}

export interface TriggerDecision {
  triggered: boolean;
  reason: string;
  notes: string[];
}

function escapeRegex(c: string): string {
  return /[\\^$.|{}()]/.test(c) ? `\\${c}` : c;
}

/** One GitHub filter pattern (branches, tags) as a RegExp. */
export function filterPatternRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '?';
    else if (c === '+') re += '+';
    else if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) re += '\\[';
      else {
        re += pattern.slice(i, end + 1);
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) {
      re += `\\${pattern[++i]}`;
    } else re += escapeRegex(c);
  }
  return new RegExp(`^${re}$`);
}

/** Positive/negative pattern list: the last pattern that matches decides (a leading `!` excludes). */
export function matchesFilters(value: string, patterns: string[]): boolean {
  let matched = false;
  for (const p of patterns) {
    const negative = p.startsWith('!');
    if (filterPatternRegex(negative ? p.slice(1) : p).test(value)) matched = !negative;
  }
  return matched;
}

function pathsMatch(files: string[], patterns: string[]): boolean {
  return files.some((file) => {
    let matched = false;
    for (const p of patterns) {
      const negative = p.startsWith('!');
      if (picomatch(negative ? p.slice(1) : p, { dot: true })(file)) matched = !negative;
    }
    return matched;
  });
}

type Filters = {
  branches?: string[];
  'branches-ignore'?: string[];
  tags?: string[];
  'tags-ignore'?: string[];
  paths?: string[];
  'paths-ignore'?: string[];
  types?: string[];
};

const DEFAULT_PR_TYPES = ['opened', 'synchronize', 'reopened'];

export function checkTrigger(events: EventsConfig, request: TriggerRequest): TriggerDecision {
  const notes: string[] = [];
  const names = Object.keys(events).filter((k) => events[k] !== undefined);
  if (!names.includes(request.event)) {
    return {
      triggered: false,
      reason: `the workflow is not triggered by '${request.event}' (its triggers: ${names.join(', ') || 'none'})`,
      notes
    };
  }
  const f = (events[request.event] ?? {}) as Filters;
  const no = (reason: string): TriggerDecision => ({ triggered: false, reason, notes });

  if (request.event === 'push') {
    const ref = request.ref ?? '';
    const hasBranchFilter = f.branches !== undefined || f['branches-ignore'] !== undefined;
    const hasTagFilter = f.tags !== undefined || f['tags-ignore'] !== undefined;
    if (ref.startsWith('refs/heads/')) {
      const branch = ref.slice('refs/heads/'.length);
      if (!hasBranchFilter && hasTagFilter)
        return no(`push to branch '${branch}': the push trigger only lists tags`);
      if (f.branches && !matchesFilters(branch, f.branches))
        return no(`push to branch '${branch}' does not match on.push.branches [${f.branches.join(', ')}]`);
      if (f['branches-ignore'] && matchesFilters(branch, f['branches-ignore']))
        return no(`push to branch '${branch}' matches on.push.branches-ignore`);
    } else if (ref.startsWith('refs/tags/')) {
      const tag = ref.slice('refs/tags/'.length);
      if (!hasTagFilter && hasBranchFilter)
        return no(`push of tag '${tag}': the push trigger only lists branches`);
      if (f.tags && !matchesFilters(tag, f.tags))
        return no(`push of tag '${tag}' does not match on.push.tags [${f.tags.join(', ')}]`);
      if (f['tags-ignore'] && matchesFilters(tag, f['tags-ignore']))
        return no(`push of tag '${tag}' matches on.push.tags-ignore`);
    }
  }
  if (request.event === 'pull_request' || request.event === 'pull_request_target') {
    const pr = request.payload.pull_request as { base?: { ref?: string } } | undefined;
    const base = pr?.base?.ref ?? '';
    if (f.branches && !matchesFilters(base, f.branches))
      return no(`pull request into '${base}' does not match on.${request.event}.branches`);
    if (f['branches-ignore'] && matchesFilters(base, f['branches-ignore']))
      return no(`pull request into '${base}' matches on.${request.event}.branches-ignore`);
    const types = f.types ?? DEFAULT_PR_TYPES;
    const action = String(request.payload.action ?? 'opened');
    if (!types.includes(action))
      return no(`pull request action '${action}' is not in types [${types.join(', ')}]`);
  } else if (f.types && request.payload.action !== undefined) {
    const action = String(request.payload.action);
    if (!f.types.includes(action))
      return no(`${request.event} action '${action}' is not in types [${f.types.join(', ')}]`);
  }
  if (f.paths || f['paths-ignore']) {
    if (!request.changedFiles) {
      notes.push(`on.${request.event} paths filters not applied: the changed files are not known`);
    } else {
      if (f.paths && !pathsMatch(request.changedFiles, f.paths))
        return no(`no changed file matches on.${request.event}.paths`);
      if (
        f['paths-ignore'] &&
        request.changedFiles.length > 0 &&
        request.changedFiles.every((file) => pathsMatch([file], f['paths-ignore'] as string[]))
      )
        return no(`every changed file matches on.${request.event}.paths-ignore`);
    }
  }
  return { triggered: true, reason: `triggered by ${request.event}`, notes };
}
