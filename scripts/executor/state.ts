/**
 * The state of one run of the local workflow executor, shared by its modules (engine.ts, static-checks.ts,
 * workflow-run.ts, job.ts, step.ts), and the small helpers they all use.
 */
import { execFileSync } from 'node:child_process';
import type { DefaultPermissions, Permissions } from './permissions.js';
import type { Value } from './expressions.js';
import type { LoadedWorkflow } from './load.js';
import type { Logger } from './report.js';
import type { ConcurrencyGroups, Slots } from './scheduler.js';
import type { Conclusion, JobResult, RunOptions } from './types.js';

export interface JobRecord {
  result: Conclusion;
  outputs: Record<string, string>;
}

export interface RunState {
  options: RunOptions;
  logger: Logger;
  runDir: string;
  artifactsDir: string;
  summaryParts: string[];
  notes: string[];
  github: Record<string, Value>;
  eventPath: string;
  sourceRepo: string;
  toolCache: string;
  vars: Record<string, string>;
  actionRepos: Record<string, string>;
  hostEnv: Record<string, string>;
  jobCounter: number;
  /** job workspaces of this attempt (attempt 1: <run dir>/jobs, attempt n: <run dir>/attempt-n/jobs) */
  jobsDir: string;
  defaultPermissions: DefaultPermissions;
  /** jobs with steps running at once (--jobs); 1 keeps the sequential executor's order exactly */
  slots: Slots;
  /** jobs and matrix legs start side by side (false: one after another, in orderJobs order) */
  parallel: boolean;
  groups: ConcurrencyGroups;
}

export interface WorkflowScope {
  wf: LoadedWorkflow;
  inputs: Record<string, Value>;
  secrets: Record<string, string>;
  namePrefix: string;
  depth: number;
  /** `permissions:` for jobs without their own: the workflow's, or (called workflows) the caller's */
  permissions: Permissions | undefined;
  /** the jobs of a workflow called by a matrix leg are cancelled with the leg (fail-fast of the caller's matrix) */
  cancel?: AbortSignal;
}

export function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function slug(s: string): string {
  return (
    s
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'job'
  );
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A job that failed before any step ran (a bad if:, a reusable workflow that cannot be called): logged and reported. */
export function failedJob(
  logger: Logger,
  job: { id: string; name: string; depth: number; started: number },
  error: string
): JobResult {
  logger.line(`${indent(job.depth)}✗ ${job.name}: ${error}`);
  return {
    id: job.id,
    name: job.name,
    depth: job.depth,
    result: 'failure',
    outputs: {},
    steps: [],
    durationMs: Date.now() - job.started,
    error
  };
}

export function indent(depth: number): string {
  return '  '.repeat(depth);
}
