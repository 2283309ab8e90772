/**
 * The local workflow executor: runs a workflow's jobs in `needs` order — side by side as GitHub does, bounded by
 * `jobs` (scheduler.ts), or one after another with `jobs: 1` — with matrix expansion,
 * `if:` with status functions, env/defaults, run: steps through bash, local JavaScript actions through their
 * bundles, stand-ins for a few third-party actions, and reusable-workflow calls — the GitHub semantics the
 * generated workflows rely on. Anything it does not run is an UnsupportedFeatureError found before the first step.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isBoolean, isMapping, isSequence, isString } from '@actions/workflow-parser';
import type { Job, ReusableWorkflowJob, Step } from '@actions/workflow-parser/model/workflow-template';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import {
  inputEnvName,
  parseRemoteUses,
  readActionMetadata,
  resolveUses,
  runStandIn,
  type ActionRef
} from './actions.js';
import { NotTriggeredError, UnsupportedFeatureError, WorkflowError, where } from './errors.js';
import {
  coerceString,
  evaluateCondition,
  evaluateString,
  evaluateStringMap,
  evaluateTemplateString,
  evaluateToken,
  type Scope,
  type StatusFunctions,
  type Value
} from './expressions.js';
import { ancestors, orderJobs, type JobNode } from './graph.js';
import {
  checkSecretNames,
  resolveCallInputs,
  resolveCallSecrets,
  resolveDispatchInputs,
  secretNameProblem
} from './inputs.js';
import {
  callOutputs,
  isReusableJob,
  literalString,
  loadWorkflow,
  mapGet,
  triggerInputs,
  rawJob,
  rawSteps,
  stepName,
  type LoadedWorkflow
} from './load.js';
import { createJobDeployment, setDeploymentState, type DeploymentTarget } from './deployments.js';
import { expandMatrix, legName, type Combination } from './matrix.js';
import { parseFileCommands, runProcess } from './process.js';
import { mappedRoot } from './refs.js';
import { Logger, MARK, seconds, summaryTable } from './report.js';
import { checkJobs, ConcurrencyGroups, defaultJobs, runLegs, Slots } from './scheduler.js';
import { jobToolCache, publishToolCache } from './toolcache.js';
import {
  callMaximum,
  defaultPermissions,
  granted,
  parsePermissions,
  permissionsText,
  violations,
  type DefaultPermissions,
  type Permissions
} from './permissions.js';
import { hostedRunner } from './runner-image.js';
import { checkTrigger } from './triggers.js';
import type { Conclusion, JobResult, RunOptions, RunResult, StepResult } from './types.js';

const ZERO_SHA = '0'.repeat(40);
const DEFAULT_TIMEOUT_MINUTES = 360;
const CANCEL_GRACE_MS = 5 * 60_000;

interface JobRecord {
  result: Conclusion;
  outputs: Record<string, string>;
}

interface RunState {
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

interface WorkflowScope {
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

function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function slug(s: string): string {
  return (
    s
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'job'
  );
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A job that failed before any step ran (a bad if:, a reusable workflow that cannot be called): logged and reported. */
function failedJob(
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

function indent(depth: number): string {
  return '  '.repeat(depth);
}

// ---------------------------------------------------------------------------------------------------------------
// static checks: everything detectable before the first step runs

interface StaticContext {
  state: RunState;
  /** secret names a workflow at this level can see */
  secretNames: Set<string>;
  /** `permissions:` that apply to this workflow's jobs without their own (workflow level, or the caller's) */
  inherited: Permissions | undefined;
  seen: Set<string>;
}

const UNSUPPORTED_SHELLS = ['pwsh', 'powershell', 'cmd'];

async function checkWorkflow(wf: LoadedWorkflow, ctx: StaticContext): Promise<void> {
  // the same file called with other permissions is another check
  const seenKey = `${wf.file}\0${JSON.stringify(ctx.inherited ?? null)}`;
  if (ctx.seen.has(seenKey)) return;
  ctx.seen.add(seenKey);
  orderJobs(
    wf.template.jobs.map((j) => ({ id: j.id.value, needs: (j.needs ?? []).map((n) => n.value) })),
    wf.display
  );
  for (const job of wf.template.jobs) {
    const jobId = job.id.value;
    const raw = rawJob(wf, jobId);
    const at = where(wf.display, jobId);
    if (job.snapshot)
      throw new UnsupportedFeatureError(`${at}: \`snapshot:\` is not supported by the local executor`);
    if (isReusableJob(job)) {
      const callee = await loadCallee(wf, job, ctx.state, at);
      const call = triggerInputs(callee, 'workflow_call');
      const withToken = mapGet(raw, 'with');
      const given = new Set<string>();
      if (withToken && isMapping(withToken))
        for (const { key } of withToken) if (isString(key)) given.add(key.value);
      const defs = call?.inputs ?? {};
      for (const name of given) {
        if (!(name in defs)) {
          throw new WorkflowError(
            `${at}: input '${name}' is not defined by ${callee.display} (its inputs: ${Object.keys(defs).join(', ') || 'none'})`
          );
        }
      }
      for (const [name, def] of Object.entries(defs)) {
        if (def.required && !given.has(name)) {
          throw new WorkflowError(
            `${at}: ${callee.display} requires input '${name}': add it under \`with:\``
          );
        }
      }
      const passed = new Set<string>();
      if (job['inherit-secrets']) {
        for (const s of ctx.secretNames) passed.add(s);
        for (const name of Object.keys(call?.secrets ?? {})) {
          const invalid = secretNameProblem(name);
          if (invalid) {
            throw new WorkflowError(
              `${at}: ${callee.display} declares secret '${name}', which \`secrets: inherit\` can never fill: ${invalid}, so GitHub has no repository, organization or environment secret of that name and the called workflow always sees it empty. Map it explicitly under \`secrets:\` (\`${name}: \${{ secrets.<VALID_NAME> }}\`) or rename it in ${callee.display}`
            );
          }
        }
      } else if (job['secret-values'])
        for (const { key } of job['secret-values']) if (isString(key)) passed.add(key.value);
      for (const [name, def] of Object.entries(call?.secrets ?? {})) {
        if (def?.required && !passed.has(name)) {
          throw new WorkflowError(
            `${at}: ${callee.display} requires secret '${name}', but it is not provided` +
              (job['inherit-secrets']
                ? ` (secrets: inherit, and the run has no secret ${name}: pass --secret ${name}=<value>)`
                : `: map it under \`secrets:\` (or use \`secrets: inherit\`)`)
          );
        }
      }
      const callerPermissions = parsePermissions(mapGet(raw, 'permissions'), at) ?? ctx.inherited;
      const calleeInherited = checkCalleePermissions(
        callee,
        job.ref.value,
        callerPermissions,
        ctx.state.defaultPermissions,
        isTrusted(job.ref.value, String(ctx.state.github.repository_owner)),
        at
      );
      await checkWorkflow(callee, {
        ...ctx,
        secretNames: new Set([...passed, 'GITHUB_TOKEN']),
        inherited: calleeInherited
      });
      continue;
    }
    for (const key of ['container', 'services']) {
      if (mapGet(raw, key)) {
        throw new UnsupportedFeatureError(
          `${at}: \`${key}:\` is not supported by the local executor (steps run on this machine); run the containers from run: steps instead`
        );
      }
    }
    checkRunsOn(mapGet(raw, 'runs-on'), at);
    const environment = mapGet(raw, 'environment');
    const noDeployment =
      literalBoolean(
        environment && isMapping(environment) ? mapGet(environment, 'deployment') : undefined
      ) === false;
    if (environment && !noDeployment && ctx.state.options.apiUrl && !ctx.state.github.token) {
      throw new WorkflowError(
        `${at}: \`environment:\` makes GitHub create a deployment for this job; to create it through --api-url ${ctx.state.options.apiUrl} the executor needs --token (or set \`deployment: false\`)`
      );
    }
    const raws = rawSteps(wf, jobId);
    (job as Job).steps.forEach((step, index) => {
      const rawStep = raws[index];
      const stepAt = where(wf.display, jobId, { index, name: stepName(step, rawStep) });
      for (const feature of ['wait', 'wait-all', 'cancel', 'parallel', 'background']) {
        if (feature in step && (step as unknown as Record<string, unknown>)[feature] !== undefined) {
          throw new UnsupportedFeatureError(
            `${stepAt}: \`${feature}:\` steps are not supported by the local executor`
          );
        }
      }
      const shell = literalString(mapGet(rawStep, 'shell'));
      if (shell && UNSUPPORTED_SHELLS.includes(shell)) {
        throw new UnsupportedFeatureError(
          `${stepAt}: shell '${shell}' is not supported by the local executor (bash, sh, python)`
        );
      }
      if ('uses' in step) {
        const ref = resolveUses(
          step.uses.value,
          {
            workspace: '/nonexistent',
            actionsDir: ctx.state.options.actionsDir,
            actionRepos: ctx.state.actionRepos
          },
          stepAt
        );
        if (ref.kind === 'node' && (ctx.state.options.actionsDir || !step.uses.value.startsWith('./'))) {
          readActionMetadata(ref.dir, stepAt);
        }
      }
    });
  }
}

/** Whether a called workflow is in the run's trust boundary: the same repository, or the same owner. */
function isTrusted(ref: string, owner: string): boolean {
  if (ref.startsWith('./')) return true;
  return parseRemoteUses(ref)?.owner.toLowerCase() === owner.toLowerCase();
}

/**
 * GitHub's check of a called workflow's permissions against the calling job (see permissions.ts for the sources):
 * its top-level `permissions:` and every job's own `permissions:` may not exceed what the caller grants — the
 * caller job's (or its workflow's) `permissions:`, else the repository default. Returns what the called jobs
 * without `permissions:` get.
 */
function checkCalleePermissions(
  callee: LoadedWorkflow,
  ref: string,
  callerPermissions: Permissions | undefined,
  policy: DefaultPermissions,
  trusted: boolean,
  at: string
): Permissions | undefined {
  const max = callerPermissions ?? callMaximum(policy, trusted);
  const allowedBy = callerPermissions
    ? 'the calling job grants'
    : `the calling job sets no permissions, so the repository default (${policy}) applies`;
  const root = parsePermissions(mapGet(callee.raw, 'permissions'), callee.display);
  if (root) {
    const over = violations(root, max);
    if (over) {
      throw new WorkflowError(
        `${at}: Error calling workflow '${ref}'. The workflow is requesting '${over[0]}', but is only allowed '${over[1]}'. (${allowedBy}; raise the caller's permissions or lower ${callee.display}'s)`
      );
    }
  }
  for (const job of callee.template.jobs) {
    const own = parsePermissions(mapGet(rawJob(callee, job.id.value), 'permissions'), callee.display);
    if (!own) continue;
    const over = violations(own, max);
    if (over) {
      throw new WorkflowError(
        `${at}: Error calling workflow '${ref}'. The nested job '${job.id.value}' is requesting '${over[0]}', but is only allowed '${over[1]}'. (${allowedBy}; raise the caller's permissions or lower the nested job's)`
      );
    }
  }
  return root ?? callerPermissions;
}

function literalBoolean(token: TemplateToken | undefined): boolean | undefined {
  return token && isBoolean(token) ? token.value : undefined;
}

function checkRunsOn(token: TemplateToken | undefined, at: string): void {
  if (!token) return;
  const labels: string[] = [];
  if (isString(token)) labels.push(token.value);
  if (isSequence(token))
    for (let i = 0; i < token.count; i++) {
      const t = token.get(i);
      if (isString(t)) labels.push(t.value);
    }
  const foreign = labels.find((l) => /windows|macos/i.test(l));
  if (foreign) {
    throw new UnsupportedFeatureError(
      `${at}: runs-on '${foreign}' is not supported by the local executor (it runs Linux jobs only)`
    );
  }
}

function calleePath(wf: LoadedWorkflow, job: ReusableWorkflowJob, state: RunState, at: string): string {
  const ref = job.ref.value;
  if (ref.startsWith('./')) return path.resolve(wf.root, ref);
  const remote = parseRemoteUses(ref);
  const mapped = remote && mappedRoot(state.actionRepos, remote, 'workflow', at);
  if (remote && mapped) return path.resolve(mapped, remote.subpath);
  throw new UnsupportedFeatureError(
    `${at}: the reusable workflow ${ref} is in another repository; map it to a local checkout with --action-repo ${remote ? `${remote.owner}/${remote.repo}` : '<owner/name>'}=<dir>`
  );
}

async function loadCallee(
  wf: LoadedWorkflow,
  job: ReusableWorkflowJob,
  state: RunState,
  at: string
): Promise<LoadedWorkflow> {
  const file = calleePath(wf, job, state, at);
  if (!existsSync(file))
    throw new WorkflowError(`${at}: the called workflow ${job.ref.value} does not exist (${file})`);
  const callee = await loadWorkflow(file);
  if (!callee.template.events.workflow_call) {
    throw new WorkflowError(
      `${at}: ${callee.display} is not a reusable workflow (it has no \`on: workflow_call\`)`
    );
  }
  return callee;
}

// ---------------------------------------------------------------------------------------------------------------
// the run

function defaultPayload(
  event: string,
  o: { ref: string; sha: string; before: string; repository: string; actor: string }
): Record<string, unknown> {
  const [owner, name] = o.repository.split('/');
  const repository = {
    name,
    full_name: o.repository,
    owner: { login: owner },
    default_branch: 'main',
    html_url: `https://github.com/${o.repository}`
  };
  const sender = { login: o.actor, type: 'User' };
  if (event === 'push') {
    return {
      ref: o.ref,
      before: o.before,
      after: o.sha,
      created: o.before === ZERO_SHA,
      deleted: false,
      forced: false,
      base_ref: null,
      commits: [],
      head_commit: { id: o.sha },
      repository,
      pusher: { name: o.actor },
      sender
    };
  }
  if (event === 'workflow_dispatch') return { ref: o.ref, inputs: {}, repository, sender };
  return { repository, sender };
}

function hostEnvironment(extra: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      v === undefined ||
      k.startsWith('GITHUB_') ||
      k.startsWith('INPUT_') ||
      k.startsWith('RUNNER_') ||
      k.startsWith('STATE_')
    )
      continue;
    env[k] = v;
  }
  return { ...env, ...(extra ?? {}) };
}

export async function runWorkflow(options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  let jobs: number;
  try {
    jobs = checkJobs(options.jobs ?? defaultJobs());
  } catch (error) {
    throw new WorkflowError(errorText(error));
  }
  const logger = new Logger(options.output === undefined ? process.stdout : options.output);
  const secrets = { ...(options.secrets ?? {}) };
  // secrets of a run stand for repository/organization/environment secrets, which GitHub only stores under valid
  // names; a directly run workflow_call gets its secrets from a caller's `secrets:` map, where any name is allowed
  if ((options.event ?? 'push') !== 'workflow_call') checkSecretNames(Object.keys(secrets));
  for (const value of Object.values(secrets)) logger.addMask(value);
  const wf = await loadWorkflow(options.workflow);
  const event = options.event ?? 'push';
  const sourceRepo = path.resolve(options.repo ?? process.cwd());
  const attempt = options.runAttempt ?? 1;
  const previous = previousAttempt(options, attempt, wf);
  const payloadIn = options.eventPayload ?? previous?.payload;
  // a re-run runs with the inputs of attempt 1
  const requestedInputs =
    options.inputs && Object.keys(options.inputs).length ? options.inputs : (previous?.inputs ?? {});
  const pr = payloadIn?.pull_request as
    { number?: number; head?: { sha?: string; ref?: string }; base?: { ref?: string } } | undefined;
  const sha =
    options.sha ??
    previous?.sha ??
    (event === 'push' && typeof payloadIn?.after === 'string' ? payloadIn.after : undefined) ??
    pr?.head?.sha ??
    git(sourceRepo, ['rev-parse', 'HEAD']) ??
    ZERO_SHA;
  const ref =
    options.ref ??
    previous?.ref ??
    (typeof payloadIn?.ref === 'string' ? payloadIn.ref : undefined) ??
    (pr?.number !== undefined ? `refs/pull/${pr.number}/merge` : undefined) ??
    git(sourceRepo, ['symbolic-ref', '-q', 'HEAD']) ??
    'refs/heads/main';
  const payloadRepo = (payloadIn?.repository as { full_name?: string } | undefined)?.full_name;
  const repository = options.repository ?? payloadRepo ?? `local/${path.basename(sourceRepo)}`;
  const actor = options.actor ?? 'local';
  const before =
    (typeof payloadIn?.before === 'string' ? payloadIn.before : undefined) ??
    git(sourceRepo, ['rev-parse', `${sha}^`]) ??
    ZERO_SHA;
  const payload = payloadIn
    ? structuredClone(payloadIn)
    : defaultPayload(event, { ref, sha, before, repository, actor });

  // trigger + inputs
  let changedFiles: string[] | undefined;
  if (event === 'push' && before !== ZERO_SHA) {
    changedFiles = git(sourceRepo, ['diff', '--name-only', before, sha])?.split('\n').filter(Boolean);
  }
  const decision = checkTrigger(wf.template.events, { event, ref, payload, changedFiles });
  if (!decision.triggered) throw new NotTriggeredError(`${wf.display}: ${decision.reason}`);
  let inputs: Record<string, Value> = {};
  let callInputs: { config: ReturnType<typeof triggerInputs>; given: Record<string, Value> } | undefined;
  if (event === 'workflow_dispatch') {
    const resolved = resolveDispatchInputs(
      triggerInputs(wf, 'workflow_dispatch'),
      requestedInputs,
      wf.display
    );
    inputs = resolved.context;
    payload.inputs = resolved.eventInputs;
  } else if (event === 'workflow_call') {
    const callConfig = triggerInputs(wf, 'workflow_call');
    const defs = callConfig?.inputs ?? {};
    const given: Record<string, Value> = {};
    for (const [k, v] of Object.entries(requestedInputs)) {
      const type = String(defs[k]?.type ?? 'string');
      given[k] = type === 'boolean' ? /^true$/i.test(v) : type === 'number' ? Number(v) : v;
    }
    callInputs = { config: callConfig, given };
    resolveCallSecrets(callConfig, secrets, true, wf.display);
  } else if (Object.keys(requestedInputs).length) {
    throw new WorkflowError(
      `${wf.display}: --input is only for workflow_dispatch (or workflow_call) runs, not '${event}'`
    );
  }

  const runDir = options.runDir
    ? path.resolve(options.runDir)
    : mkdtempSync(path.join(os.tmpdir(), 'slipway-workflow-run-'));
  const artifactsDir = path.join(runDir, 'artifacts');
  mkdirSync(artifactsDir, { recursive: true });
  const eventPath = path.join(runDir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(payload, null, 2));
  const token = options.token ?? secrets.GITHUB_TOKEN ?? '';
  if (token) {
    secrets.GITHUB_TOKEN = token;
    logger.addMask(token);
  }
  const refName = ref.replace(/^refs\/(heads|tags)\//, '');
  const serverUrl = options.serverUrl ?? 'https://github.com';
  const apiUrl = options.apiUrl ?? 'https://api.github.com';
  const runId = options.runId ?? previous?.runId ?? Math.floor(Date.now() / 1000);
  if (previous) {
    // "Re-running a workflow or jobs in a workflow uses the same GITHUB_SHA (commit SHA) and GITHUB_REF (Git ref)
    // of the original event": https://docs.github.com/en/actions/how-tos/manage-workflow-runs/re-run-workflows-and-jobs
    for (const [what, was, now] of [
      ['event', previous.event, event],
      ['GITHUB_SHA', previous.sha, sha],
      ['GITHUB_REF', previous.ref, ref],
      ['run id', String(previous.runId), String(runId)]
    ] as const) {
      if (was !== now)
        throw new WorkflowError(
          `--run-attempt ${attempt}: a re-run keeps the ${what} of attempt 1 (${was}), not ${now}: drop the option that changes it`
        );
    }
  }
  const github: Record<string, Value> = {
    event_name: event,
    event: payload as Value,
    event_path: eventPath,
    sha,
    ref,
    ref_name: refName,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    ref_protected: false,
    head_ref: pr?.head?.ref ?? '',
    base_ref: pr?.base?.ref ?? '',
    repository,
    repository_owner: repository.split('/')[0] ?? '',
    repositoryUrl: `git://github.com/${repository}.git`,
    actor,
    triggering_actor: actor,
    run_id: String(runId),
    run_number: String(options.runNumber ?? 1),
    run_attempt: String(attempt),
    retention_days: '90',
    workflow: wf.name,
    workflow_ref: `${repository}/${path.relative(wf.root, wf.file)}@${ref}`,
    server_url: serverUrl,
    api_url: apiUrl,
    graphql_url: `${apiUrl.replace(/\/$/, '')}/graphql`,
    token,
    secret_source: 'Actions',
    action: '',
    action_path: '',
    job: '',
    workspace: ''
  };
  if (callInputs) {
    // workflow_call defaults may use the github context
    const scope: Scope = { contexts: { github, vars: options.vars ?? {} } };
    inputs = resolveCallInputs(callInputs.config, callInputs.given, scope, wf.display);
  }
  const state: RunState = {
    options,
    logger,
    runDir,
    artifactsDir,
    summaryParts: [],
    notes: [...decision.notes],
    github,
    eventPath,
    sourceRepo,
    toolCache: process.env.RUNNER_TOOL_CACHE ?? path.join(os.tmpdir(), 'slipway-tool-cache'),
    vars: options.vars ?? {},
    actionRepos: options.actionRepos ?? {},
    hostEnv: hostEnvironment(options.env),
    jobCounter: 0,
    jobsDir: attempt > 1 ? path.join(runDir, `attempt-${attempt}`, 'jobs') : path.join(runDir, 'jobs'),
    defaultPermissions: options.defaultPermissions ?? 'restricted',
    slots: new Slots(jobs),
    // one workspace shared by all jobs cannot hold two jobs at once: they run one after another
    parallel: jobs > 1 && !options.workspace,
    groups: new ConcurrencyGroups()
  };
  const rootPermissions = parsePermissions(mapGet(wf.raw, 'permissions'), wf.display);
  await checkWorkflow(wf, {
    state,
    secretNames: new Set([...Object.keys(secrets), 'GITHUB_TOKEN']),
    inherited: rootPermissions,
    seen: new Set()
  });

  if (options.checkOnly) {
    logger.line(`✓ ${wf.display}: valid, triggered by ${event}, no unsupported features (nothing run)`);
    return {
      conclusion: 'success',
      workflow: wf.file,
      event,
      jobs: [],
      needs: {},
      outputs: {},
      runDir,
      summaryFile: path.join(runDir, 'summary.md'),
      artifactsDir,
      durationMs: Date.now() - started,
      notes: state.notes
    };
  }
  logger.line(`▶ ${wf.name} (${wf.display}) on ${event} ${ref} @ ${sha.slice(0, 12)} — ${repository}`);
  for (const note of state.notes) logger.line(`  note: ${note}`);
  logger.line(`  run dir: ${runDir}`);
  const { results, records } = await executeWorkflow(
    state,
    { wf, inputs, secrets, namePrefix: '', depth: 0, permissions: rootPermissions },
    options.rerunFailed && previous ? keptJobs(wf, previous) : undefined
  );
  writeFileSync(
    path.join(runDir, RUN_FILE),
    JSON.stringify(
      {
        workflow: wf.file,
        event,
        sha,
        ref,
        runId,
        attempt,
        payload,
        inputs: requestedInputs,
        jobs: records
      } satisfies AttemptRecord,
      null,
      2
    )
  );
  let outputs: Record<string, string> = {};
  if (event === 'workflow_call') outputs = evaluateCallOutputs(wf, records, inputs, state);

  const failed = Object.values(records).some((r) => r.result === 'failure');
  const table = summaryTable(results);
  const summaryFile = path.join(runDir, 'summary.md');
  writeFileSync(
    summaryFile,
    logger.mask(
      `# ${wf.name} — ${event} ${ref} @ ${sha.slice(0, 12)}\n\n\`\`\`\n${table}\n\`\`\`\n\n${state.summaryParts.join('\n\n')}\n`
    )
  );
  const durationMs = Date.now() - started;
  logger.line('');
  logger.line(table);
  logger.line('');
  logger.line(`${failed ? '✗ failure' : '✓ success'} in ${seconds(durationMs)} — summary: ${summaryFile}`);
  return {
    conclusion: failed ? 'failure' : 'success',
    workflow: wf.file,
    event,
    jobs: results,
    needs: records,
    outputs,
    runDir,
    summaryFile,
    artifactsDir,
    durationMs,
    notes: state.notes
  };
}

const RUN_FILE = 'run.json';

/** What a run dir remembers of its latest attempt, for a re-run (`--run-attempt n`). */
interface AttemptRecord {
  workflow: string;
  event: string;
  sha: string;
  ref: string;
  runId: number;
  attempt: number;
  payload: Record<string, unknown>;
  inputs: Record<string, string>;
  jobs: Record<string, JobRecord>;
}

/**
 * The attempt a re-run follows (undefined for attempt 1). A re-run is the same run: same run dir (artifacts stay,
 * as they stay on a GitHub run), run id, event, sha and ref, and github.run_attempt one higher.
 */
function previousAttempt(
  options: RunOptions,
  attempt: number,
  wf: LoadedWorkflow
): AttemptRecord | undefined {
  const file = options.runDir ? path.join(path.resolve(options.runDir), RUN_FILE) : undefined;
  if (attempt === 1) {
    if (file && existsSync(file)) {
      const was = (JSON.parse(readFileSync(file, 'utf8')) as AttemptRecord).attempt;
      throw new WorkflowError(
        `--run-dir ${options.runDir} already holds a run (attempt ${was}): re-run it with --run-attempt ${was + 1}, or use another --run-dir`
      );
    }
    return undefined;
  }
  if (!file || !existsSync(file)) {
    throw new WorkflowError(
      `--run-attempt ${attempt}: a re-run happens in the run dir of the earlier attempt, and ${file ? `${file} does not exist` : 'no --run-dir was given'}`
    );
  }
  const previous = JSON.parse(readFileSync(file, 'utf8')) as AttemptRecord;
  if (previous.attempt !== attempt - 1) {
    throw new WorkflowError(
      `--run-attempt ${attempt}: the run dir's latest attempt is ${previous.attempt}, so the re-run is attempt ${previous.attempt + 1}`
    );
  }
  if (previous.workflow !== wf.file) {
    throw new WorkflowError(
      `--run-attempt ${attempt}: the run dir belongs to ${previous.workflow}, not ${wf.file}`
    );
  }
  return previous;
}

/**
 * "Re-run failed jobs": "When you re-run failed jobs or a specific job, GitHub also re-runs the jobs that depend on
 * them. Jobs that aren't included keep their outputs from the previous attempt"
 * (https://docs.github.com/en/actions/how-tos/manage-workflow-runs/re-run-workflows-and-jobs). The jobs kept.
 */
function keptJobs(wf: LoadedWorkflow, previous: AttemptRecord): Record<string, JobRecord> {
  const nodes: JobNode[] = wf.template.jobs.map((j) => ({
    id: j.id.value,
    needs: (j.needs ?? []).map((n) => n.value)
  }));
  const failed = new Set(
    nodes
      .map((n) => n.id)
      .filter((id) => ['failure', 'cancelled'].includes(previous.jobs[id]?.result ?? 'failure'))
  );
  const kept: Record<string, JobRecord> = {};
  for (const n of nodes) {
    const rerun = failed.has(n.id) || [...ancestors(nodes, n.id)].some((a) => failed.has(a));
    const record = previous.jobs[n.id];
    if (!rerun && record) kept[n.id] = record;
  }
  return kept;
}

function evaluateCallOutputs(
  wf: LoadedWorkflow,
  records: Record<string, JobRecord>,
  inputs: Record<string, Value>,
  state: RunState
): Record<string, string> {
  const out: Record<string, string> = {};
  const defs = callOutputs(wf);
  if (!defs) return out;
  const scope: Scope = {
    contexts: { github: state.github, inputs, vars: state.vars, jobs: records as unknown as Value }
  };
  for (const { key, value } of defs) {
    if (!isString(key)) continue;
    out[key.value] = evaluateString(mapGet(value, 'value'), scope);
  }
  return out;
}

async function executeWorkflow(
  state: RunState,
  scope: WorkflowScope,
  kept: Record<string, JobRecord> = {}
): Promise<{ results: JobResult[]; records: Record<string, JobRecord> }> {
  const { wf } = scope;
  const nodes: JobNode[] = wf.template.jobs.map((j) => ({
    id: j.id.value,
    needs: (j.needs ?? []).map((n) => n.value)
  }));
  const order = orderJobs(nodes, wf.display);
  const records: Record<string, JobRecord> = {};
  const results: JobResult[] = [];
  if (state.parallel) return executeWorkflowParallel(state, scope, kept, nodes, order);
  for (const id of order) {
    const job = wf.template.jobs.find((j) => j.id.value === id) as Job | ReusableWorkflowJob;
    const keep = kept[id];
    if (keep) {
      results.push(keptResult(state, id, scope.depth, keep));
      records[id] = keep;
      continue;
    }
    const result = await executeJob(state, scope, job, nodes, records);
    results.push(result);
    records[id] = {
      result: result.continuedOnError ? 'success' : result.result,
      outputs: result.outputs
    };
  }
  return { results, records };
}

function keptResult(state: RunState, id: string, depth: number, keep: JobRecord): JobResult {
  state.logger.line(
    `${indent(depth)}${MARK[keep.result]} ${id} ${keep.result} (kept from attempt ${Number(state.github.run_attempt) - 1}, not re-run)`
  );
  return {
    id,
    name: id,
    depth,
    result: keep.result,
    outputs: keep.outputs,
    steps: [],
    durationMs: 0,
    keptFromPreviousAttempt: true
  };
}

/**
 * Jobs side by side: "By default, jobs have no dependencies and run in parallel with each other"; a job with
 * `needs:` starts when every job it needs has completed
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idneeds). Each job
 * starts as soon as its needs are recorded (results feed its `if:` and the needs context, as in the sequential
 * order); the run-wide Slots bound how many run steps at once. Results are listed in orderJobs order, so the
 * final table reads the same as a sequential run's.
 */
async function executeWorkflowParallel(
  state: RunState,
  scope: WorkflowScope,
  kept: Record<string, JobRecord>,
  nodes: JobNode[],
  order: string[]
): Promise<{ results: JobResult[]; records: Record<string, JobRecord> }> {
  const { wf } = scope;
  const records: Record<string, JobRecord> = {};
  const byId = new Map<string, JobResult>();
  const needsOf = new Map(nodes.map((n) => [n.id, n.needs]));
  const started = new Set<string>();
  const running = new Map<string, Promise<void>>();
  const ready = (): string[] =>
    order.filter((id) => !started.has(id) && (needsOf.get(id) ?? []).every((n) => n in records));
  while (byId.size < order.length) {
    const now = ready();
    for (const id of now) {
      started.add(id);
      const keep = kept[id];
      if (keep) {
        byId.set(id, keptResult(state, id, scope.depth, keep));
        records[id] = keep;
        continue;
      }
      const job = wf.template.jobs.find((j) => j.id.value === id) as Job | ReusableWorkflowJob;
      running.set(
        id,
        executeJob(state, scope, job, nodes, records).then((result) => {
          byId.set(id, result);
          records[id] = {
            result: result.continuedOnError ? 'success' : result.result,
            outputs: result.outputs
          };
          running.delete(id);
        })
      );
    }
    // a kept job may have made others ready at once: wait only when nothing new started
    if (now.length === 0) {
      if (!running.size) throw new Error(`${wf.display}: no job is ready and none runs (scheduler bug)`);
      await Promise.race(running.values());
    }
  }
  return { results: order.map((id) => byId.get(id) as JobResult), records };
}

async function executeJob(
  state: RunState,
  scope: WorkflowScope,
  job: Job | ReusableWorkflowJob,
  nodes: JobNode[],
  records: Record<string, JobRecord>
): Promise<JobResult> {
  const { wf, depth } = scope;
  const id = job.id.value;
  const logger = state.logger;
  const needs = (job.needs ?? []).map((n) => n.value);
  const needsCtx: Record<string, Value> = {};
  for (const n of needs) needsCtx[n] = records[n] as unknown as Value;
  const ancestry = ancestors(nodes, id);
  const status: StatusFunctions = {
    // a job without a status function runs only when every ancestor succeeded, not just its direct needs:
    // https://docs.github.com/en/actions/reference/workflows-and-actions/expressions#status-check-functions and
    // the runner's behaviour in https://github.com/actions/runner/issues/2205 (a job whose needs succeeded is
    // skipped because a job further up was skipped or failed)
    success: () => [...ancestry].every((a) => records[a]?.result === 'success'),
    failure: () => [...ancestry].some((a) => records[a]?.result === 'failure'),
    cancelled: () => false
  };
  const baseName = `${scope.namePrefix}${job.name && isString(job.name) && !job.name.isExpression ? job.name.value : id}`;
  const jobScope: Scope = {
    contexts: { github: state.github, needs: needsCtx, vars: state.vars, inputs: scope.inputs },
    status
  };
  const started = Date.now();
  const fail = (error: string, name = baseName): JobResult =>
    failedJob(logger, { id, name, depth, started }, error);
  let run: boolean;
  try {
    run = evaluateCondition(job.if.expression, jobScope);
  } catch (error) {
    return fail(`${where(wf.display, id)}: if: ${errorText(error)}`);
  }
  if (!run) {
    logger.line(`${indent(depth)}- ${baseName} skipped (if: ${job.if.expression})`);
    return { id, name: baseName, depth, result: 'skipped', outputs: {}, steps: [], durationMs: 0 };
  }
  const raw = rawJob(wf, id);
  let combos: Combination[] = [{}];
  let failFast = true;
  let maxParallel: Value = null;
  const strategyToken = mapGet(raw, 'strategy');
  let hasMatrix = false;
  try {
    if (strategyToken) {
      const matrixToken = mapGet(strategyToken, 'matrix');
      if (matrixToken) {
        hasMatrix = true;
        const matrix = evaluateToken(matrixToken, jobScope);
        if (typeof matrix === 'string') {
          throw new WorkflowError(
            `strategy.matrix evaluated to a string (${matrix.slice(0, 80)}); wrap a JSON output in fromJSON(…)`
          );
        }
        combos = expandMatrix(matrix, `${where(wf.display, id)}: strategy.matrix`);
      }
      const ff = mapGet(strategyToken, 'fail-fast');
      if (ff) failFast = evaluateToken(ff, jobScope) !== false;
      const mp = mapGet(strategyToken, 'max-parallel');
      if (mp) maxParallel = evaluateToken(mp, jobScope);
    }
  } catch (error) {
    return fail(errorText(error));
  }
  const legs: JobResult[] = [];
  let cancelRest = false;
  // fail-fast: "GitHub will cancel all in-progress and queued jobs in the matrix if any job in the matrix fails"
  // (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstrategyfail-fast):
  // queued legs never start, running legs are cancelled through this signal
  const failFastAbort = new AbortController();
  const legSignal = scope.cancel
    ? AbortSignal.any([scope.cancel, failFastAbort.signal])
    : failFastAbort.signal;
  const prepared = combos.map((combo, index) => {
    const strategy: Value = {
      'fail-fast': failFast,
      'job-index': index,
      'job-total': combos.length,
      'max-parallel': maxParallel ?? combos.length
    };
    const legScope: Scope = { ...jobScope, contexts: { ...jobScope.contexts, matrix: combo, strategy } };
    let name = baseName;
    if (job.name && job.name.isExpression) {
      try {
        name = `${scope.namePrefix}${evaluateString(job.name, legScope)}`;
      } catch {
        name = baseName;
      }
    } else if (hasMatrix) name = legName(baseName, combo);
    const legDepth = hasMatrix ? depth + 1 : depth;
    return { combo, legScope, name, legDepth };
  });
  const cancelled = (index: number): JobResult => {
    const { combo, name, legDepth } = prepared[index] as (typeof prepared)[number];
    logger.line(`${indent(legDepth)}${MARK.cancelled} ${name} cancelled (fail-fast: an earlier leg failed)`);
    return {
      id,
      name,
      depth: legDepth,
      matrix: combo,
      result: 'cancelled',
      outputs: {},
      steps: [],
      durationMs: 0
    };
  };
  /** legs in the order they finished: with several legs setting one output, the last to finish wins (below) */
  const finished: JobResult[] = [];
  const start = async (index: number): Promise<JobResult> => {
    const { combo, legScope, name, legDepth } = prepared[index] as (typeof prepared)[number];
    const leg = isReusableJob(job)
      ? await runCall(state, scope, job, legScope, name, legDepth, combo, legSignal)
      : await runJob(state, scope, job, legScope, name, legDepth, combo, legSignal);
    finished.push(leg);
    if (leg.result === 'failure' && !leg.continuedOnError && failFast && hasMatrix) {
      cancelRest = true;
      failFastAbort.abort(`fail-fast: ${name} failed`);
    }
    return leg;
  };
  if (!state.parallel || combos.length === 1) {
    for (const index of combos.keys()) legs.push(cancelRest ? cancelled(index) : await start(index));
  } else {
    // "strategy.max-parallel: The maximum number of jobs that can run simultaneously when using a matrix job
    // strategy. By default, GitHub will maximize the number of jobs run in parallel depending on runner
    // availability" (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstrategymax-parallel);
    // locally the runners available are the --jobs slots
    const limit =
      typeof maxParallel === 'number' && maxParallel >= 1 ? Math.floor(maxParallel) : combos.length;
    legs.push(...(await runLegs(combos.length, limit, start, cancelled, () => cancelRest)));
  }
  if (!hasMatrix) return legs[0] as JobResult;
  // "When using a matrix, job outputs will be combined from all jobs inside the matrix"
  // (https://docs.github.com/en/enterprise-server@3.15/actions/writing-workflows/choosing-what-your-workflow-does/passing-information-between-jobs);
  // for one name set by several legs "only the latest iteration's output [is] available"
  // (https://github.com/actions/runner/issues/1835, https://docs.cloudposse.com/github-actions/library/actions/matrix-outputs-write/):
  // merged in finishing order, so the leg that finished last wins (one after another: the last leg)
  const outputs: Record<string, string> = {};
  for (const leg of finished) for (const [k, v] of Object.entries(leg.outputs)) if (v !== '') outputs[k] = v;
  const failed = legs.some((l) => l.result === 'failure' && !l.continuedOnError);
  const result: Conclusion = failed
    ? 'failure'
    : legs.some((l) => l.result === 'cancelled')
      ? 'cancelled'
      : 'success';
  return {
    id,
    name: baseName,
    depth,
    result,
    continuedOnError: !failed && legs.some((l) => l.continuedOnError),
    outputs,
    steps: [],
    durationMs: Date.now() - started,
    children: legs
  };
}

async function runCall(
  state: RunState,
  scope: WorkflowScope,
  job: ReusableWorkflowJob,
  legScope: Scope,
  name: string,
  depth: number,
  combo: Combination,
  cancel?: AbortSignal
): Promise<JobResult> {
  const { wf } = scope;
  const id = job.id.value;
  const at = where(wf.display, id);
  const started = Date.now();
  const logger = state.logger;
  try {
    const callee = await loadCallee(wf, job, state, at);
    const call = triggerInputs(callee, 'workflow_call');
    logger.line(`${indent(depth)}● ${name} → calls ${callee.display}`);
    const given: Record<string, Value> = {};
    const withToken = job['input-values'];
    if (withToken)
      for (const { key, value } of withToken)
        given[coerceString(evaluateToken(key, legScope))] = evaluateToken(value, legScope);
    const inputs = resolveCallInputs(
      call,
      given,
      { contexts: { github: state.github, vars: state.vars, inputs: {} } },
      at
    );
    let secrets: Record<string, string>;
    if (job['inherit-secrets']) secrets = { ...scope.secrets };
    else {
      const secretScope: Scope = { ...legScope, contexts: { ...legScope.contexts, secrets: scope.secrets } };
      secrets = evaluateStringMap(job['secret-values'], secretScope);
    }
    resolveCallSecrets(call, secrets, Boolean(job['inherit-secrets']), `${at} → ${callee.display}`);
    if (scope.secrets.GITHUB_TOKEN) secrets.GITHUB_TOKEN = scope.secrets.GITHUB_TOKEN;
    const { results, records } = await executeWorkflow(state, {
      wf: callee,
      inputs,
      secrets,
      namePrefix: `${name} / `,
      depth: depth + 1,
      // checked statically in checkCalleePermissions; here only what the called jobs without permissions get
      permissions:
        parsePermissions(mapGet(callee.raw, 'permissions'), callee.display) ??
        parsePermissions(mapGet(rawJob(wf, id), 'permissions'), at) ??
        scope.permissions,
      cancel
    });
    const outputs = evaluateCallOutputs(callee, records, inputs, state);
    const failed = Object.values(records).some((r) => r.result === 'failure');
    const result: Conclusion = failed
      ? 'failure'
      : Object.values(records).some((r) => r.result === 'cancelled')
        ? 'cancelled'
        : 'success';
    const coe = evaluateToken(mapGet(rawJob(wf, id), 'continue-on-error'), legScope) === true;
    logger.line(`${indent(depth)}${MARK[result]} ${name} ${result} (${seconds(Date.now() - started)})`);
    return {
      id,
      name,
      depth,
      matrix: Object.keys(combo).length ? combo : undefined,
      result,
      continuedOnError: failed && coe,
      outputs,
      steps: [],
      durationMs: Date.now() - started,
      children: results
    };
  } catch (error) {
    return failedJob(logger, { id, name, depth, started }, errorText(error));
  }
}

function shellCommand(shell: string | undefined, script: string): [string, string[]] {
  switch (shell) {
    case undefined:
    case '':
      return ['bash', ['-e', script]];
    case 'bash':
      return ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', script]];
    case 'sh':
      return ['sh', ['-e', script]];
    case 'python':
      return ['python3', [script]];
    default: {
      if (UNSUPPORTED_SHELLS.includes(shell)) {
        throw new UnsupportedFeatureError(
          `shell '${shell}' is not supported by the local executor (bash, sh, python)`
        );
      }
      const parts = shell.split(/\s+/).filter(Boolean);
      const args = parts.slice(1);
      const i = args.indexOf('{0}');
      if (i >= 0) args[i] = script;
      else args.push(script);
      return [parts[0] as string, args];
    }
  }
}

/**
 * A job with steps (or one matrix leg): waits for its concurrency group and a run slot, then runs. Side by side its
 * log is buffered and printed whole when it ends.
 */
async function runJob(
  state: RunState,
  scope: WorkflowScope,
  job: Job,
  legScope: Scope,
  name: string,
  depth: number,
  combo: Combination,
  failFast?: AbortSignal
): Promise<JobResult> {
  const { wf } = scope;
  const id = job.id.value;
  const raw = rawJob(wf, id);
  const queued = Date.now();
  // cancelled by fail-fast (a sibling leg failed) or by a newer job of its concurrency group (cancel-in-progress)
  const cancel = new AbortController();
  const onFailFast = (): void => cancel.abort(`cancelled: ${String(failFast?.reason ?? 'fail-fast')}`);
  if (failFast?.aborted) onFailFast();
  else failFast?.addEventListener('abort', onFailFast, { once: true });
  let turn: { leave(): void } | undefined;
  const groupToken = mapGet(raw, 'concurrency');
  if (groupToken && state.parallel) {
    // job-level concurrency may use github, inputs, vars, needs, strategy and matrix — the leg's scope
    // (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idconcurrency)
    let group: string;
    let cancelInProgress: boolean;
    try {
      const c = evaluateToken(groupToken, { contexts: legScope.contexts });
      const map =
        c !== null && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, Value>) : undefined;
      group = map ? coerceString(map.group ?? null) : coerceString(c);
      cancelInProgress = map?.['cancel-in-progress'] === true;
    } catch (error) {
      return failedJob(
        state.logger,
        { id, name, depth, started: queued },
        `${where(wf.display, id)}: concurrency: ${errorText(error)}`
      );
    }
    const got = await state.groups.enter(group, cancelInProgress, {
      cancel: (reason) => cancel.abort(reason)
    });
    if (!got.run) {
      state.logger.line(`${indent(depth)}${MARK.cancelled} ${name} cancelled (${got.reason})`);
      return {
        id,
        name,
        depth,
        result: 'cancelled',
        outputs: {},
        steps: [],
        durationMs: 0,
        error: got.reason
      };
    }
    turn = got;
  }
  const release = await state.slots.acquire();
  const logger = state.parallel ? state.logger.buffered() : state.logger;
  try {
    if (cancel.signal.aborted) {
      const reason = String(cancel.signal.reason);
      logger.line(`${indent(depth)}${MARK.cancelled} ${name} cancelled before it started (${reason})`);
      return { id, name, depth, result: 'cancelled', outputs: {}, steps: [], durationMs: 0, error: reason };
    }
    return await runJobSteps(state, scope, job, legScope, name, depth, combo, logger, cancel.signal);
  } finally {
    logger.flush();
    release();
    turn?.leave();
    failFast?.removeEventListener('abort', onFailFast);
  }
}

async function runJobSteps(
  state: RunState,
  scope: WorkflowScope,
  job: Job,
  legScope: Scope,
  name: string,
  depth: number,
  combo: Combination,
  logger: Logger,
  signal: AbortSignal
): Promise<JobResult> {
  const { wf } = scope;
  const id = job.id.value;
  const started = Date.now();
  const raw = rawJob(wf, id);
  const legDir = path.join(state.jobsDir, `${++state.jobCounter}-${slug(name)}`);
  const workspace = state.options.workspace
    ? path.resolve(state.options.workspace)
    : path.join(legDir, 'workspace');
  const temp = path.join(legDir, 'temp');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(temp, { recursive: true });
  mkdirSync(state.toolCache, { recursive: true });
  // side by side each job caches tools in its own directory (toolcache.ts); one after another they share one
  const toolCache = state.parallel ? jobToolCache(state.toolCache, legDir) : state.toolCache;
  const github: Record<string, Value> = { ...state.github, job: id, workspace };
  const runner: Record<string, Value> = {
    os: 'Linux',
    arch: 'X64',
    name: 'slipway-local',
    environment: 'self-hosted',
    temp,
    tool_cache: toolCache,
    debug: ''
  };
  const secrets = scope.secrets;
  const base: Record<string, Value | undefined> = {
    ...legScope.contexts,
    github,
    secrets,
    runner,
    job: { status: 'success', container: {}, services: {} },
    steps: {},
    env: {}
  };
  const steps: StepResult[] = [];
  const at = where(wf.display, id);
  // the job's GITHUB_TOKEN: its own permissions, else the workflow's (or the caller's), else the repository default
  const explicitPermissions = parsePermissions(mapGet(raw, 'permissions'), at) ?? scope.permissions;
  const tokenPermissions = explicitPermissions ?? defaultPermissions(state.defaultPermissions);
  logger.line(`${indent(depth)}● ${name}`);
  const pad = indent(depth + 1);
  let jobFailed = false;
  let jobCancelled = false;
  /** why the job was cancelled from outside (fail-fast, concurrency), not by its own timeout */
  let cancelledBy: string | undefined;
  let error: string | undefined;
  let continueOnError = false;
  let outputs: Record<string, string> = {};
  let deployment:
    { id: number; target: DeploymentTarget; logUrl: string; urlToken: TemplateToken | undefined } | undefined;
  let finalScope: Scope | undefined;
  let runnerPath: StepRun['runnerPath'];
  try {
    const noStatus: Scope = { contexts: base, workspace };
    const runsOn = mapGet(raw, 'runs-on');
    if (runsOn && runsOn.isExpression) {
      const v = coerceString(evaluateToken(runsOn, noStatus));
      if (/windows|macos/i.test(v))
        throw new UnsupportedFeatureError(
          `${at}: runs-on '${v}' is not supported by the local executor (Linux only)`
        );
    }
    // hosted-runner mode: only the image's tools on PATH, a fresh tool cache (scripts/executor/runner-image.ts)
    const hosted =
      state.options.hostedRunners === false
        ? undefined
        : hostedRunner(
            runsOn ? evaluateToken(runsOn, noStatus) : null,
            state.runDir,
            state.hostEnv.PATH ?? ''
          );
    if (hosted) {
      // a GitHub-hosted runner is fresh for every job: its tool cache starts empty and nothing it caches outlives the
      // job (never linked to or published into the machine's shared cache, unlike self-hosted jobs side by side)
      const toolCache = path.join(legDir, 'tool-cache');
      mkdirSync(toolCache, { recursive: true });
      Object.assign(runner, { environment: 'github-hosted', tool_cache: toolCache });
      runnerPath = { path: hosted.bin.dir, toolCache };
      logger.line(
        `${pad}runner: ${hosted.label} — GitHub-hosted ${hosted.image.image}: ${hosted.bin.commands.length} of its tools on PATH, empty tool cache`
      );
      const note = `${hosted.label}: listed in ${hosted.image.source} but not on this machine, so absent: ${hosted.bin.missing.join(', ')}`;
      if (hosted.bin.missing.length && !state.notes.includes(note)) {
        state.notes.push(note);
        logger.line(`${pad}note: ${note}`);
      }
    }
    const coeToken = mapGet(raw, 'continue-on-error');
    continueOnError = coeToken ? evaluateToken(coeToken, noStatus) === true : false;
    logger.line(
      `${pad}GITHUB_TOKEN permissions: ${permissionsText(tokenPermissions)}${explicitPermissions ? '' : ` (repository default: ${state.defaultPermissions})`}`
    );
    const concurrency = mapGet(raw, 'concurrency') ?? mapGet(wf.raw, 'concurrency');
    if (concurrency) {
      const c = evaluateToken(concurrency, noStatus);
      const group = typeof c === 'string' ? c : coerceString((c as Record<string, Value>)?.group ?? null);
      logger.line(
        `${pad}concurrency group: ${group} (${mapGet(raw, 'concurrency') && state.parallel ? 'jobs of this run in the group wait for each other; other runs are not seen' : 'other runs are not seen locally'})`
      );
    }
    const environment = mapGet(raw, 'environment');
    if (environment) {
      // `url` may use the steps context: it is evaluated when the job ends (below)
      const nameToken = isMapping(environment) ? mapGet(environment, 'name') : environment;
      const envName = coerceString(evaluateToken(nameToken, noStatus));
      const deploymentToken = isMapping(environment) ? mapGet(environment, 'deployment') : undefined;
      const createsDeployment = deploymentToken ? evaluateToken(deploymentToken, noStatus) !== false : true;
      logger.line(
        `${pad}environment: ${envName} (protection rules and environment secrets are not applied locally)`
      );
      if (createsDeployment && state.options.apiUrl) {
        const target = {
          apiUrl: state.options.apiUrl,
          token: String(github.token ?? ''),
          repository: String(github.repository)
        };
        if (!target.token)
          throw new WorkflowError(
            `${at}: environment '${envName}': GitHub creates a deployment for this job; to create it through --api-url ${state.options.apiUrl} the executor needs --token`
          );
        const logUrl = `${String(github.server_url)}/${String(github.repository)}/actions/runs/${String(github.run_id)}/attempts/${String(github.run_attempt)}`;
        // a pull request's deployment is for its head branch, a push's for its branch or tag name
        const ref = String(github.head_ref || github.ref_name);
        const deploymentId = await createJobDeployment(target, { ref, environment: envName, logUrl });
        await setDeploymentState(target, deploymentId, 'in_progress', { log_url: logUrl });
        deployment = { id: deploymentId, target, logUrl, urlToken: mapGet(environment, 'url') };
        logger.line(`${pad}deployment ${deploymentId} created for environment ${envName} (ref ${ref})`);
      }
    }
    const timeoutToken = mapGet(raw, 'timeout-minutes');
    const timeoutMinutes = timeoutToken
      ? Number(evaluateToken(timeoutToken, noStatus))
      : DEFAULT_TIMEOUT_MINUTES;
    const deadline = started + timeoutMinutes * 60_000;

    const wfEnv = evaluateStringMap(mapGet(wf.raw, 'env'), {
      contexts: { github, inputs: scope.inputs, vars: state.vars, secrets, env: {} }
    });
    const jobEnv = {
      ...wfEnv,
      ...evaluateStringMap(job.env, { contexts: { ...base, env: wfEnv }, workspace })
    };
    const defaults: Record<string, string> = {};
    for (const source of [
      mapGet(mapGet(wf.raw, 'defaults'), 'run'),
      mapGet(mapGet(raw, 'defaults'), 'run')
    ]) {
      Object.assign(defaults, evaluateStringMap(source, { contexts: { ...base, env: jobEnv }, workspace }));
    }
    const fileEnv: Record<string, string> = {};
    const pathAdds: string[] = [];
    const stepsCtx: Record<string, Value> = {};
    const raws = rawSteps(wf, id);
    let timedOut = false;
    for (const [index, step] of job.steps.entries()) {
      if (signal.aborted && !jobCancelled) {
        jobCancelled = true;
        cancelledBy = String(signal.reason);
        error = cancelledBy;
        logger.line(`${pad}${MARK.cancelled} ${cancelledBy}`);
      }
      const rawStep = raws[index] as MappingToken;
      const envCtx = { ...jobEnv, ...fileEnv };
      const contexts = {
        ...base,
        env: envCtx,
        steps: stepsCtx,
        job: {
          status: jobCancelled ? 'cancelled' : jobFailed ? 'failure' : 'success',
          container: {},
          services: {}
        }
      };
      const status: StatusFunctions = {
        success: () => !jobFailed && !jobCancelled,
        failure: () => jobFailed,
        cancelled: () => jobCancelled
      };
      const scopeNow: Scope = { contexts, status, workspace };
      let displayName = stepName(step, rawStep);
      const nameToken = mapGet(rawStep, 'name');
      if (nameToken?.isExpression) {
        try {
          displayName = evaluateString(nameToken, scopeNow);
        } catch {
          /* keep the literal name */
        }
      }
      const stepAt = where(wf.display, id, { index, name: displayName });
      const result = await runStep(state, {
        step,
        rawStep,
        scope: scopeNow,
        name: displayName,
        at: stepAt,
        index,
        workspace,
        temp,
        defaults,
        envCtx,
        pathAdds,
        fileEnv,
        deadline,
        jobCancelled,
        pad,
        jobName: name,
        github,
        runnerPath,
        logger,
        toolCache,
        signal: jobCancelled ? undefined : signal
      });
      steps.push(result.step);
      stepsCtx[step.id] = {
        outputs: result.step.outputs,
        outcome: result.step.outcome,
        conclusion: result.step.conclusion
      };
      if (result.step.conclusion === 'failure') jobFailed = true;
      if (result.step.conclusion === 'cancelled' && !jobCancelled) {
        jobCancelled = true;
        cancelledBy = String(signal.reason);
        error = cancelledBy;
        logger.line(`${pad}${MARK.cancelled} ${cancelledBy}`);
      }
      if (result.jobTimedOut && !timedOut) {
        timedOut = true;
        jobCancelled = true;
        error = `the job exceeded its timeout-minutes (${timeoutMinutes}) and was cancelled`;
        logger.line(`${pad}✗ ${error}`);
      }
    }
    const outScope: Scope = {
      contexts: { ...base, env: { ...jobEnv, ...fileEnv }, steps: stepsCtx },
      workspace
    };
    finalScope = outScope;
    outputs = {};
    if (job.outputs) {
      for (const { key, value } of job.outputs) {
        const k = coerceString(evaluateToken(key, outScope));
        const v = evaluateString(value, outScope);
        if (logger.containsSecret(v)) {
          logger.line(`${pad}warning: skip output '${k}' since it may contain secret`);
          continue;
        }
        outputs[k] = v;
      }
    }
    if (timedOut) jobFailed = true;
  } catch (e) {
    error = errorText(e);
    jobFailed = true;
    logger.line(`${pad}✗ ${error}`);
  }
  if (deployment) {
    let environmentUrl = '';
    try {
      if (deployment.urlToken && finalScope) environmentUrl = evaluateString(deployment.urlToken, finalScope);
      await setDeploymentState(deployment.target, deployment.id, jobFailed ? 'failure' : 'success', {
        log_url: deployment.logUrl,
        environment_url: environmentUrl
      });
    } catch (e) {
      error ??= errorText(e);
      jobFailed = true;
      logger.line(`${pad}✗ ${errorText(e)}`);
    }
  }
  if (toolCache !== state.toolCache) {
    try {
      for (const entry of publishToolCache(toolCache, state.toolCache))
        logger.line(`${pad}tool cache: ${entry} added to ${state.toolCache}`);
    } catch (e) {
      logger.line(`${pad}warning: tool cache not shared: ${errorText(e)}`);
    }
  }
  const result: Conclusion = jobFailed ? 'failure' : cancelledBy ? 'cancelled' : 'success';
  const finished = Date.now();
  const durationMs = finished - started;
  logger.line(
    `${indent(depth)}${MARK[result]} ${name} ${result}${jobFailed && continueOnError ? ' (continue-on-error)' : ''} (${seconds(durationMs)})`
  );
  return {
    id,
    name,
    depth,
    matrix: Object.keys(combo).length ? combo : undefined,
    startedAt: started,
    finishedAt: finished,
    result,
    continuedOnError: jobFailed && continueOnError,
    outputs,
    steps,
    durationMs,
    error,
    permissions: granted(tokenPermissions)
  };
}

interface StepRun {
  step: Step;
  rawStep: MappingToken;
  scope: Scope;
  name: string;
  at: string;
  index: number;
  workspace: string;
  temp: string;
  defaults: Record<string, string>;
  envCtx: Record<string, string>;
  pathAdds: string[];
  fileEnv: Record<string, string>;
  deadline: number;
  jobCancelled: boolean;
  pad: string;
  jobName: string;
  github: Record<string, Value>;
  /** hosted-runner mode: the image's bin dir (PATH before GITHUB_PATH additions) and the job's tool cache */
  runnerPath?: { path: string; toolCache: string };
  /** the job's logger (buffered when jobs run side by side) */
  logger: Logger;
  /** RUNNER_TOOL_CACHE of the job */
  toolCache: string;
  /** cancels the running step (fail-fast, concurrency); absent for steps that run after the job was cancelled */
  signal: AbortSignal | undefined;
}

async function runStep(state: RunState, s: StepRun): Promise<{ step: StepResult; jobTimedOut: boolean }> {
  const logger = s.logger;
  const started = Date.now();
  const log: string[] = [];
  const record = (line: string): void => {
    const masked = logger.mask(line);
    log.push(masked);
    logger.line(`${s.pad}  │ ${masked}`);
  };
  const base = { id: s.step.id, name: s.name };
  const finish = (
    outcome: Conclusion,
    conclusion: Conclusion,
    outputs: Record<string, string>,
    error?: string,
    jobTimedOut = false
  ) => {
    const durationMs = Date.now() - started;
    const extra = outcome === 'failure' && conclusion === 'success' ? ' (continue-on-error)' : '';
    logger.line(
      `${s.pad}${MARK[conclusion === 'success' && outcome === 'failure' ? 'failure' : conclusion]} ${s.name}${extra} (${seconds(durationMs)})${error ? ` — ${logger.mask(error)}` : ''}`
    );
    return {
      step: {
        ...base,
        outcome,
        conclusion,
        outputs,
        durationMs,
        log: log.join('\n'),
        ...(error ? { error: logger.mask(error) } : {})
      },
      jobTimedOut
    };
  };
  if (!('if' in s.step) || !s.step.if) return finish('skipped', 'skipped', {});
  let run: boolean;
  try {
    run = evaluateCondition(s.step.if.expression, s.scope);
  } catch (e) {
    return finish('failure', 'failure', {}, `${s.at}: if: ${errorText(e)}`);
  }
  if (!run) {
    logger.line(`${s.pad}- ${s.name} skipped`);
    return {
      step: { ...base, outcome: 'skipped', conclusion: 'skipped', outputs: {}, durationMs: 0, log: '' },
      jobTimedOut: false
    };
  }
  let continueOnError = false;
  const files = {
    GITHUB_OUTPUT: path.join(s.temp, '_runner_file_commands', `set_output_${s.index}`),
    GITHUB_ENV: path.join(s.temp, '_runner_file_commands', `set_env_${s.index}`),
    GITHUB_PATH: path.join(s.temp, '_runner_file_commands', `add_path_${s.index}`),
    GITHUB_STEP_SUMMARY: path.join(s.temp, '_runner_file_commands', `step_summary_${s.index}`),
    GITHUB_STATE: path.join(s.temp, '_runner_file_commands', `save_state_${s.index}`)
  };
  mkdirSync(path.dirname(files.GITHUB_OUTPUT), { recursive: true });
  for (const f of Object.values(files)) writeFileSync(f, '');
  const commandOutputs: Record<string, string> = {};
  let stopToken: string | undefined;
  const onLine = (line: string): void => {
    if (stopToken) {
      if (line === `::${stopToken}::`) stopToken = undefined;
      else record(line);
      return;
    }
    const m = /^::([a-z-]+)( [^:]*)?::(.*)$/.exec(line);
    if (!m) return record(line);
    const [, command, props = '', data = ''] = m;
    const value = data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
    switch (command) {
      case 'add-mask':
        logger.addMask(value);
        return;
      case 'debug':
      case 'endgroup':
      case 'save-state':
        return;
      case 'group':
        return record(`▸ ${value}`);
      case 'error':
      case 'warning':
      case 'notice':
        return record(
          `${command === 'error' ? 'Error' : command === 'warning' ? 'Warning' : 'Notice'}: ${value}`
        );
      case 'set-output': {
        const n = /name=([^,]+)/.exec(props);
        if (n) commandOutputs[n[1] as string] = value;
        return;
      }
      case 'stop-commands':
        stopToken = value;
        return;
      default:
        return record(line);
    }
  };
  const stepTimeoutToken = mapGet(s.rawStep, 'timeout-minutes');
  let outcome: Conclusion = 'success';
  let error: string | undefined;
  let jobTimedOut = false;
  let outputs: Record<string, string> = {};
  try {
    const coe = s.step['continue-on-error'];
    continueOnError = typeof coe === 'boolean' ? coe : coe ? evaluateToken(coe, s.scope) === true : false;
    const stepEnv = evaluateStringMap(('env' in s.step ? s.step.env : undefined) ?? undefined, s.scope);
    const fullEnv = { ...s.envCtx, ...stepEnv };
    const exprScope: Scope = { ...s.scope, contexts: { ...s.scope.contexts, env: fullEnv } };
    const stepTimeoutMs = stepTimeoutToken
      ? Number(evaluateToken(stepTimeoutToken, exprScope)) * 60_000
      : Infinity;
    // after a job timeout, the steps that still run (always(), cancelled()) get the runner's grace period
    const jobRemaining = s.jobCancelled ? CANCEL_GRACE_MS : s.deadline - Date.now();
    const timeoutMs = Math.max(0, Math.min(stepTimeoutMs, jobRemaining));
    const hostPath = s.runnerPath?.path ?? state.hostEnv.PATH ?? '/usr/local/bin:/usr/bin:/bin';
    const processEnv: Record<string, string> = {
      ...state.hostEnv,
      ...fullEnv,
      ...githubEnv(state, s.github, s.workspace, s.temp, s.step.id, s.runnerPath?.toolCache ?? s.toolCache),
      ...(s.runnerPath ? { RUNNER_ENVIRONMENT: 'github-hosted' } : {}),
      ...files,
      PATH: [...s.pathAdds, fullEnv.PATH ?? hostPath].join(path.delimiter)
    };
    let exitCode = 0;
    let timedOut = false;
    if ('run' in s.step) {
      const script = evaluateString(mapGet(s.rawStep, 'run'), exprScope);
      const shellToken = mapGet(s.rawStep, 'shell');
      const shell = shellToken ? evaluateString(shellToken, exprScope) : s.defaults.shell;
      const wdToken = mapGet(s.rawStep, 'working-directory');
      const wd = wdToken ? evaluateString(wdToken, exprScope) : s.defaults['working-directory'];
      const cwd = path.resolve(s.workspace, wd ?? '');
      if (!existsSync(cwd) || !statSync(cwd).isDirectory()) {
        throw new WorkflowError(`working-directory ${wd} does not exist in the workspace (${cwd})`);
      }
      const scriptFile = path.join(s.temp, `${randomUUID()}.${shell === 'python' ? 'py' : 'sh'}`);
      writeFileSync(scriptFile, script);
      const [cmd, args] = shellCommand(shell, scriptFile);
      const r = await runProcess(cmd, args, { cwd, env: processEnv, timeoutMs, onLine, signal: s.signal });
      exitCode = r.exitCode;
      timedOut = r.timedOut;
    } else if ('uses' in s.step) {
      const uses = s.step.uses.value;
      const ref: ActionRef = resolveUses(
        uses,
        { workspace: s.workspace, actionsDir: state.options.actionsDir, actionRepos: state.actionRepos },
        s.at
      );
      const withValues = evaluateStringMap(mapGet(s.rawStep, 'with'), exprScope);
      if (ref.kind === 'stand-in') {
        const r = await runStandIn(ref.name, {
          inputs: withValues,
          workspace: s.workspace,
          runDir: state.runDir,
          artifactsDir: state.artifactsDir,
          sourceRepo: state.sourceRepo,
          github: {
            sha: String(s.github.sha),
            ref: String(s.github.ref),
            repository: String(s.github.repository),
            apiUrl: state.options.apiUrl,
            token: String(s.github.token ?? '')
          },
          runAttempt: Number(s.github.run_attempt),
          env: processEnv,
          log: record,
          note: (line) => {
            state.notes.push(line);
            record(`note: ${line}`);
          },
          addMask: (v) => logger.addMask(v),
          timeoutMs
        });
        exitCode = r.exitCode;
        timedOut = r.timedOut ?? false;
        Object.assign(commandOutputs, r.outputs);
      } else {
        const meta = readActionMetadata(ref.dir, s.at);
        const remote = parseRemoteUses(uses);
        const inputEnv: Record<string, string> = {};
        const defaultsScope: Scope = { ...exprScope };
        for (const [inputName, def] of Object.entries(meta.inputs)) {
          if (def?.default !== undefined && def.default !== null) {
            inputEnv[inputEnvName(inputName)] = evaluateTemplateString(String(def.default), defaultsScope);
          }
        }
        const unexpected = Object.keys(withValues).filter((k) => !(k in meta.inputs));
        if (unexpected.length) {
          record(
            `Warning: Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${Object.keys(meta.inputs).join("', '")}']`
          );
        }
        for (const [k, v] of Object.entries(withValues)) inputEnv[inputEnvName(k)] = v;
        if (meta.hasPost) record(`note: ${uses} has a post step, which the local executor does not run`);
        const r = await runProcess(process.execPath, [meta.main], {
          cwd: s.workspace,
          env: {
            ...processEnv,
            ...inputEnv,
            GITHUB_ACTION_PATH: meta.dir,
            GITHUB_ACTION_REPOSITORY: remote ? `${remote.owner}/${remote.repo}` : '',
            GITHUB_ACTION_REF: remote?.ref ?? ''
          },
          timeoutMs,
          onLine,
          signal: s.signal
        });
        exitCode = r.exitCode;
        timedOut = r.timedOut;
      }
    }
    if (s.signal?.aborted) {
      // the runner's words for a step stopped by a cancellation: "The operation was canceled."
      outcome = 'cancelled';
      error = 'The operation was canceled.';
    } else if (timedOut) {
      jobTimedOut = !s.jobCancelled && timeoutMs >= jobRemaining;
      outcome = 'failure';
      error = jobTimedOut ? 'cancelled: the job timed out' : `the step exceeded its timeout-minutes`;
    } else if (exitCode !== 0) {
      outcome = 'failure';
      error = `exit code ${exitCode}`;
    }
    outputs = {
      ...commandOutputs,
      ...parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8'), 'GITHUB_OUTPUT')
    };
    Object.assign(s.fileEnv, parseFileCommands(readFileSync(files.GITHUB_ENV, 'utf8'), 'GITHUB_ENV'));
    const added = readFileSync(files.GITHUB_PATH, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    s.pathAdds.unshift(...added.reverse());
    const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
    if (summary.trim()) state.summaryParts.push(`## ${s.jobName} — ${s.name}\n\n${summary.trim()}`);
  } catch (e) {
    outcome = 'failure';
    error =
      e instanceof UnsupportedFeatureError || e instanceof WorkflowError
        ? errorText(e)
        : `${s.at}: ${errorText(e)}`;
  }
  const conclusion: Conclusion = outcome === 'failure' && continueOnError ? 'success' : outcome;
  return finish(outcome, conclusion, outputs, error, jobTimedOut);
}

function githubEnv(
  state: RunState,
  github: Record<string, Value>,
  workspace: string,
  temp: string,
  stepId: string,
  toolCache: string
): Record<string, string> {
  const g = (k: string): string => coerceString((github[k] ?? '') as Value);
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: g('event_name'),
    GITHUB_EVENT_PATH: state.eventPath,
    GITHUB_SHA: g('sha'),
    GITHUB_REF: g('ref'),
    GITHUB_REF_NAME: g('ref_name'),
    GITHUB_REF_TYPE: g('ref_type'),
    GITHUB_REF_PROTECTED: 'false',
    GITHUB_HEAD_REF: g('head_ref'),
    GITHUB_BASE_REF: g('base_ref'),
    GITHUB_REPOSITORY: g('repository'),
    GITHUB_REPOSITORY_OWNER: g('repository_owner'),
    GITHUB_ACTOR: g('actor'),
    GITHUB_TRIGGERING_ACTOR: g('triggering_actor'),
    GITHUB_RUN_ID: g('run_id'),
    GITHUB_RUN_NUMBER: g('run_number'),
    GITHUB_RUN_ATTEMPT: g('run_attempt'),
    GITHUB_RETENTION_DAYS: g('retention_days'),
    GITHUB_WORKFLOW: g('workflow'),
    GITHUB_WORKFLOW_REF: g('workflow_ref'),
    GITHUB_JOB: g('job'),
    GITHUB_ACTION: stepId,
    GITHUB_WORKSPACE: workspace,
    GITHUB_SERVER_URL: g('server_url'),
    GITHUB_API_URL: g('api_url'),
    GITHUB_GRAPHQL_URL: g('graphql_url'),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'slipway-local',
    RUNNER_ENVIRONMENT: 'self-hosted',
    RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE: toolCache
  };
}
