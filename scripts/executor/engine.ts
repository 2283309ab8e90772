/**
 * The local workflow executor: runs a workflow's jobs in `needs` order — side by side as GitHub does, bounded by
 * `jobs` (scheduler.ts), or one after another with `jobs: 1` — with matrix expansion,
 * `if:` with status functions, env/defaults, run: steps through bash, local JavaScript actions through their
 * bundles, stand-ins for a few third-party actions, and reusable-workflow calls — the GitHub semantics the
 * generated workflows rely on. Anything it does not run is an UnsupportedFeatureError found before the first step.
 *
 * This file is the run: its event, sha, ref and github context, trigger and inputs, attempts and re-runs. Then
 * static-checks.ts (before the first step), workflow-run.ts (a workflow's jobs in order), job.ts (a job, its matrix
 * legs, a reusable-workflow call, a job's steps), step.ts (one step), contexts.ts (a step's GITHUB_* environment),
 * with the run's shared state in state.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NotTriggeredError, WorkflowError } from './errors.js';
import type { Scope, Value } from './expressions.js';
import { ancestors, type JobNode } from './graph.js';
import { checkSecretNames, resolveCallInputs, resolveCallSecrets, resolveDispatchInputs } from './inputs.js';
import { loadWorkflow, mapGet, triggerInputs, type LoadedWorkflow } from './load.js';
import { parsePermissions } from './permissions.js';
import { Logger, seconds, summaryTable } from './report.js';
import { checkJobs, ConcurrencyGroups, defaultJobs, Slots } from './scheduler.js';
import { errorText, git, type JobRecord, type RunState } from './state.js';
import { checkWorkflow } from './static-checks.js';
import { checkTrigger } from './triggers.js';
import type { RunOptions, RunResult } from './types.js';
import { evaluateCallOutputs, executeWorkflow } from './workflow-run.js';

const ZERO_SHA = '0'.repeat(40);

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
