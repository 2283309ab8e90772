/**
 * A step of the local workflow executor: its `if:`, workflow commands on stdout, the GITHUB_* files, a run: script
 * through its shell, a local JavaScript action or a stand-in, timeouts and cancellation.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Step } from '@actions/workflow-parser/model/workflow-template';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import {
  inputEnvName,
  parseRemoteUses,
  readActionMetadata,
  resolveUses,
  runStandIn,
  type ActionRef
} from './actions.js';
import { githubEnv } from './contexts.js';
import { UnsupportedFeatureError, WorkflowError } from './errors.js';
import {
  evaluateCondition,
  evaluateString,
  evaluateStringMap,
  evaluateTemplateString,
  evaluateToken,
  type Scope,
  type Value
} from './expressions.js';
import { mapGet } from './load.js';
import { parseFileCommands, runProcess } from './process.js';
import { MARK, seconds, type Logger } from './report.js';
import { errorText, type RunState } from './state.js';
import { UNSUPPORTED_SHELLS } from './static-checks.js';
import type { Conclusion, StepResult } from './types.js';

const CANCEL_GRACE_MS = 5 * 60_000;

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

export interface StepRun {
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

export async function runStep(
  state: RunState,
  s: StepRun
): Promise<{ step: StepResult; jobTimedOut: boolean }> {
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
  const files = fileCommandFiles(s.temp, s.index);
  const commandOutputs: Record<string, string> = {};
  const onLine = workflowCommands(record, logger, commandOutputs);
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
    applyFileCommands(state, s, files);
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

/** The files of a step's file commands (GITHUB_OUTPUT, GITHUB_ENV, …), created empty. */
function fileCommandFiles(temp: string, index: number): Record<FileCommand, string> {
  const files = {
    GITHUB_OUTPUT: path.join(temp, '_runner_file_commands', `set_output_${index}`),
    GITHUB_ENV: path.join(temp, '_runner_file_commands', `set_env_${index}`),
    GITHUB_PATH: path.join(temp, '_runner_file_commands', `add_path_${index}`),
    GITHUB_STEP_SUMMARY: path.join(temp, '_runner_file_commands', `step_summary_${index}`),
    GITHUB_STATE: path.join(temp, '_runner_file_commands', `save_state_${index}`)
  };
  mkdirSync(path.dirname(files.GITHUB_OUTPUT), { recursive: true });
  for (const f of Object.values(files)) writeFileSync(f, '');
  return files;
}

type FileCommand = 'GITHUB_OUTPUT' | 'GITHUB_ENV' | 'GITHUB_PATH' | 'GITHUB_STEP_SUMMARY' | 'GITHUB_STATE';

/**
 * The workflow commands a step writes on stdout (`::add-mask::`, `::set-output …::`, `::stop-commands::`, …):
 * the handler of each line of its output; other lines go to the step's log.
 */
function workflowCommands(
  record: (line: string) => void,
  logger: Logger,
  commandOutputs: Record<string, string>
): (line: string) => void {
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
  return onLine;
}

/** After a step: its GITHUB_ENV and GITHUB_PATH for the steps after it, its GITHUB_STEP_SUMMARY for the run. */
function applyFileCommands(state: RunState, s: StepRun, files: Record<FileCommand, string>): void {
  Object.assign(s.fileEnv, parseFileCommands(readFileSync(files.GITHUB_ENV, 'utf8'), 'GITHUB_ENV'));
  const added = readFileSync(files.GITHUB_PATH, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  s.pathAdds.unshift(...added.reverse());
  const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
  if (summary.trim()) state.summaryParts.push(`## ${s.jobName} — ${s.name}\n\n${summary.trim()}`);
}
