/** The executor's programmatic API: options in, per-job/step results and outputs out. */
import type { Value } from './expressions.js';

export type Conclusion = 'success' | 'failure' | 'skipped' | 'cancelled';

export interface RunOptions {
  /** path of the workflow file, e.g. .github/workflows/build.yml */
  workflow: string;
  /** event name (default push) */
  event?: string;
  /** webhook payload (github.event); a minimal one is made for the event when absent */
  eventPayload?: Record<string, unknown>;
  /** workflow_dispatch (or, for a direct run of a reusable workflow, workflow_call) inputs */
  inputs?: Record<string, string>;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /** environment of the "runner machine": visible to every step, below workflow/job/step env */
  env?: Record<string, string>;
  /** source git repository actions/checkout materializes (default: the current directory) */
  repo?: string;
  /** one workspace shared by all jobs, which then run one after another (default: a fresh workspace per job, as each GitHub job gets a new runner) */
  workspace?: string;
  /** github.ref / github.sha (default: from the payload, else the repo's HEAD) */
  ref?: string;
  sha?: string;
  /** owner/name (default: payload.repository.full_name, else local/<dir name>) */
  repository?: string;
  actor?: string;
  /** directory for this run: job workspaces, artifacts, SARIF, summary (default: a new temp dir) */
  runDir?: string;
  /**
   * Where `uses: ./path` actions resolve. GitHub resolves them in the workspace (the checked-out repository);
   * set this to run e.g. Slipway's ./actions/* while the workspace is another repository.
   */
  actionsDir?: string;
  /** `owner/name` → local directory: `uses: owner/name/path@ref` (actions and reusable workflows) resolve there */
  actionRepos?: Record<string, string>;
  /** github.api_url / GITHUB_API_URL (e.g. a local fake); when set, upload-sarif POSTs there */
  apiUrl?: string;
  serverUrl?: string;
  /** github.token / secrets.GITHUB_TOKEN (default: secrets.GITHUB_TOKEN or empty) */
  token?: string;
  runId?: number;
  runNumber?: number;
  /**
   * GITHUB_TOKEN permissions of jobs where no `permissions:` applies — the repository/organization setting
   * "Workflow permissions" (default restricted: contents and packages read, GitHub's default for new
   * repositories and organizations since
   * https://github.blog/changelog/2023-02-02-github-actions-updating-the-default-github_token-permissions-to-read-only)
   */
  defaultPermissions?: 'restricted' | 'permissive';
  /**
   * github.run_attempt: 2 or more re-runs the run in `runDir` (same run id, event, sha, ref; its artifacts stay,
   * as on GitHub); default 1
   */
  runAttempt?: number;
  /** with runAttempt > 1: "Re-run failed jobs" — failed jobs and the jobs after them run, the others keep their result */
  rerunFailed?: boolean;
  /**
   * Hosted-runner mode (default true): a job on a GitHub-hosted label (ubuntu-latest, ubuntu-24.04, ubuntu-22.04)
   * sees only the tools that label's runner image ships, and an empty tool cache (scripts/executor/runner-image.ts).
   * false gives every job this machine's PATH — for debugging only, the run then proves less.
   */
  hostedRunners?: boolean;
  /**
   * jobs (and matrix legs) with steps running at once, default the number of cores (os.availableParallelism()).
   * 1 runs them one after another in the sequential order (also when `workspace` is shared by all jobs).
   */
  jobs?: number;
  /** only validate: parse, trigger, inputs and every static check (also of called workflows and actions); run nothing */
  checkOnly?: boolean;
  /** progress output (default process.stdout; null for silence) */
  output?: NodeJS.WritableStream | null;
}

export interface StepResult {
  id: string;
  name: string;
  outcome: Conclusion;
  conclusion: Conclusion;
  outputs: Record<string, string>;
  durationMs: number;
  /** masked output of the step */
  log: string;
  error?: string;
}

export interface JobResult {
  /** job id in its workflow */
  id: string;
  /** display name (matrix legs: `build (api)`, called jobs: `caller / called`) */
  name: string;
  depth: number;
  matrix?: Record<string, Value>;
  /** epoch ms when its first step began (after waiting for a slot) and when it ended (jobs with steps only) */
  startedAt?: number;
  finishedAt?: number;
  result: Conclusion;
  /** a re-run of failed jobs kept this job's result and outputs from the previous attempt */
  keptFromPreviousAttempt?: boolean;
  /** failed but the job has continue-on-error (the run and dependent jobs see success) */
  continuedOnError?: boolean;
  outputs: Record<string, string>;
  steps: StepResult[];
  durationMs: number;
  error?: string;
  /** GITHUB_TOKEN permissions GitHub grants this job (scopes that are not `none`; steps jobs only) */
  permissions?: Record<string, 'read' | 'write'>;
  /** matrix legs of this job, or the jobs of the workflow it calls */
  children?: JobResult[];
}

export interface RunResult {
  conclusion: 'success' | 'failure';
  workflow: string;
  event: string;
  /** top-level jobs in execution order (matrix legs and called workflows nested under children) */
  jobs: JobResult[];
  /** by job id: result and outputs as `needs.<id>` sees them */
  needs: Record<string, { result: Conclusion; outputs: Record<string, string> }>;
  /** outputs of a workflow run as workflow_call */
  outputs: Record<string, string>;
  runDir: string;
  summaryFile: string;
  artifactsDir: string;
  durationMs: number;
  notes: string[];
}
