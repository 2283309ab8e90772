/**
 * A job of the local workflow executor: its `if:`, its matrix legs (fail-fast, max-parallel), a reusable-workflow
 * call, and a job with steps — concurrency group, run slot, runner, permissions, environment/deployment, env and
 * defaults, its steps in order, its outputs.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { isMapping, isString } from '@actions/workflow-parser';
import type { Job, ReusableWorkflowJob } from '@actions/workflow-parser/model/workflow-template';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { createJobDeployment, setDeploymentState, type DeploymentTarget } from './deployments.js';
import { UnsupportedFeatureError, WorkflowError, where } from './errors.js';
import {
  coerceString,
  evaluateCondition,
  evaluateString,
  evaluateStringMap,
  evaluateToken,
  type Scope,
  type StatusFunctions,
  type Value
} from './expressions.js';
import { ancestors, type JobNode } from './graph.js';
import { resolveCallInputs, resolveCallSecrets } from './inputs.js';
import { isReusableJob, mapGet, rawJob, rawSteps, stepName, triggerInputs } from './load.js';
import { expandMatrix, legName, type Combination } from './matrix.js';
import { defaultPermissions, granted, parsePermissions, permissionsText } from './permissions.js';
import { MARK, seconds, type Logger } from './report.js';
import { hostedRunner } from './runner-image.js';
import { runLegs } from './scheduler.js';
import {
  errorText,
  failedJob,
  indent,
  slug,
  type JobRecord,
  type RunState,
  type WorkflowScope
} from './state.js';
import { loadCallee } from './static-checks.js';
import { runStep, type StepRun } from './step.js';
import { jobToolCache, publishToolCache } from './toolcache.js';
import type { Conclusion, JobResult, StepResult } from './types.js';
import { evaluateCallOutputs, executeWorkflow } from './workflow-run.js';

const DEFAULT_TIMEOUT_MINUTES = 360;

export async function executeJob(
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
    const given = { state, scope, legScope, name, depth: legDepth, combo };
    const leg = isReusableJob(job)
      ? await runCall({ ...given, job }, legSignal)
      : await runJob({ ...given, job }, legSignal);
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

/** One job, or one matrix leg of it, to run: what runCall, runJob and runJobSteps are given. */
interface JobLeg<J extends Job | ReusableWorkflowJob = Job> {
  state: RunState;
  scope: WorkflowScope;
  job: J;
  /** the scope with the leg's matrix and strategy */
  legScope: Scope;
  name: string;
  depth: number;
  combo: Combination;
}

async function runCall(leg: JobLeg<ReusableWorkflowJob>, cancel?: AbortSignal): Promise<JobResult> {
  const { state, scope, job, legScope, name, depth, combo } = leg;
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

/**
 * A job with steps (or one matrix leg): waits for its concurrency group and a run slot, then runs. Side by side its
 * log is buffered and printed whole when it ends.
 */
async function runJob(leg: JobLeg, failFast?: AbortSignal): Promise<JobResult> {
  const { state, scope, job, legScope, name, depth } = leg;
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
    return await runJobSteps(leg, logger, cancel.signal);
  } finally {
    logger.flush();
    release();
    turn?.leave();
    failFast?.removeEventListener('abort', onFailFast);
  }
}

async function runJobSteps(leg: JobLeg, logger: Logger, signal: AbortSignal): Promise<JobResult> {
  const { state, scope, job, legScope, name, depth, combo } = leg;
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
  let deployment: JobDeployment | undefined;
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
    if (environment)
      deployment = await startDeployment(state, environment, noStatus, github, at, logger, pad);
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
    const failedToFinish = await finishDeployment(deployment, finalScope, jobFailed, logger, pad);
    if (failedToFinish !== undefined) {
      error ??= failedToFinish;
      jobFailed = true;
    }
  }
  if (toolCache !== state.toolCache) shareToolCache(toolCache, state.toolCache, logger, pad);
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

/** The deployment GitHub creates for a job with `environment:` (unless `deployment: false`). */
interface JobDeployment {
  id: number;
  target: DeploymentTarget;
  logUrl: string;
  urlToken: TemplateToken | undefined;
}

/** The job's `environment:`: logged, and its deployment created (state in_progress) through --api-url, if any. */
async function startDeployment(
  state: RunState,
  environment: TemplateToken,
  noStatus: Scope,
  github: Record<string, Value>,
  at: string,
  logger: Logger,
  pad: string
): Promise<JobDeployment | undefined> {
  // `url` may use the steps context: it is evaluated when the job ends (finishDeployment)
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
    logger.line(`${pad}deployment ${deploymentId} created for environment ${envName} (ref ${ref})`);
    return { id: deploymentId, target, logUrl, urlToken: mapGet(environment, 'url') };
  }
  return undefined;
}

/** The deployment's final state when the job ends (its `url` may use the steps context); an error, if that failed. */
async function finishDeployment(
  deployment: JobDeployment,
  finalScope: Scope | undefined,
  jobFailed: boolean,
  logger: Logger,
  pad: string
): Promise<string | undefined> {
  let environmentUrl = '';
  try {
    if (deployment.urlToken && finalScope) environmentUrl = evaluateString(deployment.urlToken, finalScope);
    await setDeploymentState(deployment.target, deployment.id, jobFailed ? 'failure' : 'success', {
      log_url: deployment.logUrl,
      environment_url: environmentUrl
    });
    return undefined;
  } catch (e) {
    logger.line(`${pad}✗ ${errorText(e)}`);
    return errorText(e);
  }
}

/** A self-hosted job side by side cached tools in its own directory: the complete ones join the shared cache. */
function shareToolCache(toolCache: string, shared: string, logger: Logger, pad: string): void {
  try {
    for (const entry of publishToolCache(toolCache, shared))
      logger.line(`${pad}tool cache: ${entry} added to ${shared}`);
  } catch (e) {
    logger.line(`${pad}warning: tool cache not shared: ${errorText(e)}`);
  }
}
