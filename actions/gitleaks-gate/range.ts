/**
 * Which commits to scan, and the checks that there is history to scan at all (fail closed: a missing commit or a
 * shallow clone that cannot be deepened is a ConfigurationError naming the fix, never an empty, "clean" scan).
 */
import { existsSync } from 'node:fs';
import * as core from '@actions/core';
import { type ChangeRange, rangeEventOf, resolveRange } from '../lib/change-range.js';
import { ConfigurationError } from '../lib/errors.js';
import { execTool } from '../lib/exec.js';
import type { Git } from '../lib/git.js';
import { eventContext } from '../lib/github.js';
import { optionalString } from '../lib/inputs.js';
import type { ScanMode, ScanTarget } from './args.js';

export const FETCH_HINT =
  'use actions/checkout with fetch-depth: 0, or keep the origin remote so Slipway can deepen the clone';

export async function requireRepository(git: Git): Promise<void> {
  const inside = await execTool('git', ['rev-parse', '--is-inside-work-tree'], {
    cwd: git.cwd,
    ignoreReturnCode: true
  }).catch(() => undefined);
  if (!existsSync(git.cwd) || inside?.exitCode !== 0 || inside.stdout.trim() !== 'true') {
    throw new ConfigurationError(
      `${git.cwd} is not a git repository, so there is no history to scan: run actions/checkout before this step ` +
        `(${FETCH_HINT}), or point 'working-directory' at the checkout`
    );
  }
}

/** The commit the event is about must be in the checkout (fetched or deepened if needed), else nothing is scanned. */
async function requireCommit(git: Git, sha: string, what: string): Promise<void> {
  if (await git.hasCommit(sha)) return;
  await git.fetchCommits([sha], what);
  if (await git.hasCommit(sha)) return;
  throw new ConfigurationError(
    `${what} ${sha} is not in the checkout at ${git.cwd}: ${FETCH_HINT} (and check out the event's commit)`
  );
}

async function requireFullHistory(git: Git): Promise<void> {
  if (!(await git.isShallow())) return;
  await git.unshallowAll('the full history to scan');
  if (await git.isShallow()) {
    throw new ConfigurationError(
      `A full-history scan needs the whole history but ${git.cwd} is a shallow clone that could not be deepened: ${FETCH_HINT}`
    );
  }
}

export async function chooseTarget(
  git: Git,
  mode: ScanMode
): Promise<{ target: ScanTarget; label: string; reason: string }> {
  if (mode === 'full') {
    await requireFullHistory(git);
    return { target: { kind: 'history' }, label: 'full history', reason: "scan-mode 'full'" };
  }
  // rangeEventOf refuses payload values that are not SHAs / ref names before any git command sees them
  const rangeEvent = rangeEventOf(eventContext(), optionalString('default-branch'));
  const { eventName, sha } = rangeEvent;
  const isPr = eventName === 'pull_request' || eventName === 'pull_request_target';
  const head = isPr ? rangeEvent.prHeadSha : eventName === 'push' ? (rangeEvent.after ?? sha) : undefined;
  if (head) await requireCommit(git, head, isPr ? 'The pull request head commit' : 'The pushed commit');
  const range: ChangeRange = await core.group('Resolve the commit range', () =>
    resolveRange(git, rangeEvent)
  );
  if (range.warning) core.warning(range.warning);
  if (range.kind === 'all') {
    await requireFullHistory(git);
    return { target: { kind: 'history' }, label: 'full history', reason: range.reason };
  }
  await requireCommit(git, range.base, 'The range base commit');
  const label = `${range.base}..${range.head}`;
  return mode === 'diff'
    ? {
        target: { kind: 'patch', base: range.base, head: range.head },
        label,
        reason: `${range.reason} (net patch)`
      }
    : { target: { kind: 'commits', base: range.base, head: range.head }, label, reason: range.reason };
}
