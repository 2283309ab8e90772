/**
 * A thin typed layer over GitHub's workflow syntax: the shapes we generate, nothing more. Keys are GitHub's own so
 * a generated file reads like a hand-written one; the YAML is produced by the `yaml` package (render.ts).
 *
 * Why our own layer instead of a builder library (github-actions-workflow-ts and others): we need generation-time
 * checks those libraries cannot know — `with:` of our own actions checked against their action.yml, third-party
 * actions only through the SHA pin table, `permissions` per job spelled out — and the layer is ~150 lines of types.
 */

export type PermissionScope =
  | 'actions'
  | 'attestations'
  | 'checks'
  | 'contents'
  | 'deployments'
  | 'id-token'
  | 'issues'
  | 'packages'
  | 'pull-requests'
  | 'security-events'
  | 'statuses';
export type PermissionLevel = 'read' | 'write' | 'none';
export type Permissions = Partial<Record<PermissionScope, PermissionLevel>>;

/** A `${{ … }}` expression or a literal. */
export type Value = string | number | boolean;

export interface DispatchInput {
  description: string;
  required?: boolean;
  type: 'string' | 'boolean' | 'choice' | 'number' | 'environment';
  default?: Value;
  options?: string[];
}

export interface CallInput {
  description: string;
  required?: boolean;
  type: 'string' | 'boolean' | 'number';
  default?: Value;
}

/** `queue: max` lets pending runs wait in line instead of replacing each other (the default keeps one pending). */
export interface Concurrency {
  group: string;
  'cancel-in-progress': boolean | string;
  queue?: 'single' | 'max';
}

export interface CallSecret {
  description: string;
  required?: boolean;
}

export interface CallOutput {
  description: string;
  value: string;
}

export interface Triggers {
  push?: { branches?: string[]; tags?: string[]; paths?: string[]; 'paths-ignore'?: string[] };
  pull_request?: { branches?: string[]; types?: string[]; paths?: string[] };
  schedule?: { cron: string }[];
  workflow_dispatch?: { inputs?: Record<string, DispatchInput> } | null;
  workflow_call?: {
    inputs?: Record<string, CallInput>;
    secrets?: Record<string, CallSecret>;
    outputs?: Record<string, CallOutput>;
  };
}

export interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  with?: Record<string, Value>;
  run?: string;
  shell?: string;
  env?: Record<string, Value>;
  'working-directory'?: string;
  'continue-on-error'?: boolean | string;
  'timeout-minutes'?: number;
}

export interface Strategy {
  matrix: string | Record<string, unknown>;
  'fail-fast'?: boolean;
  'max-parallel'?: number;
}

interface JobCommon {
  name?: string;
  needs?: string[];
  if?: string;
  permissions: Permissions;
  strategy?: Strategy;
  concurrency?: Concurrency;
}

export interface StepsJob extends JobCommon {
  'runs-on': string;
  environment?: { name: string; url?: string };
  'timeout-minutes': number;
  env?: Record<string, Value>;
  defaults?: { run?: { shell?: string; 'working-directory'?: string } };
  outputs?: Record<string, string>;
  steps: Step[];
}

/** A job that calls a reusable workflow. */
export interface CallJob extends JobCommon {
  uses: string;
  with?: Record<string, Value>;
  secrets?: 'inherit' | Record<string, string>;
}

export type Job = StepsJob | CallJob;

export interface Workflow {
  name: string;
  'run-name'?: string;
  on: Triggers;
  /** workflow-wide default: none, so every job states what it needs */
  permissions: Permissions;
  concurrency?: Concurrency;
  env?: Record<string, Value>;
  jobs: Record<string, Job>;
}

export function isCallJob(job: Job): job is CallJob {
  return 'uses' in job;
}
