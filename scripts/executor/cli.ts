/**
 * Runs a workflow file locally:
 *
 *   npx tsx scripts/executor/cli.ts --workflow .github/workflows/build.yml --event push --repo <git dir> …
 *
 * Exit codes: 0 every job succeeded, 1 a job failed, 2 the request or workflow is wrong (unsupported feature,
 * invalid input, missing secret, not triggered by the event).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runWorkflow } from './engine.js';
import { WorkflowError } from './errors.js';
import type { RunOptions } from './types.js';

export const USAGE = `usage: npx tsx scripts/executor/cli.ts --workflow <file> [options]

  --workflow <file>          workflow to run (e.g. .github/workflows/build.yml)          (required)
  --event <name>             event that triggers it: push, workflow_dispatch, pull_request, schedule,
                             workflow_call (a reusable workflow run directly), …      (default: push)
  --event-payload <file>     JSON webhook payload for github.event (default: a minimal payload)
  --input <name=value>       workflow_dispatch / workflow_call input (repeatable)
  --secret <NAME=value>      secret (repeatable; masked in all output); --secret NAME takes the value
                             from the environment variable NAME (keeps it out of the process list)
  --var <NAME=value>         configuration variable, the vars context (repeatable)
  --env <NAME=value>         environment variable of the runner machine (repeatable)
  --repo <dir>               git repository actions/checkout materializes (default: .)
  --ref <ref>                github.ref (default: payload ref, else the repo's current branch)
  --sha <sha>                github.sha (default: payload sha, else the repo's HEAD)
  --repository <owner/name>  github.repository (default: payload, else local/<repo dir name>)
  --workspace <dir>          one workspace for all jobs (default: a fresh workspace per job)
  --run-dir <dir>            where job workspaces, artifacts, SARIF and summary.md go (default: temp dir)
  --actions-dir <dir>        resolve \`uses: ./…\` actions here instead of the workspace
  --action-repo <owner/name=dir>  resolve \`uses: owner/name/…@ref\` (actions, reusable workflows) in dir
  --api-url <url>            github.api_url / GITHUB_API_URL (upload-sarif POSTs there when set)
  --token <token>            github.token / secrets.GITHUB_TOKEN
  --default-permissions <restricted|permissive>
                             the repository's default GITHUB_TOKEN permissions, for jobs (and calls of
                             reusable workflows) without \`permissions:\` (default: restricted)
  --run-attempt <n>          re-run in the same --run-dir: github.run_attempt n (> 1); the run's artifacts
                             and run id are kept, as on GitHub
  --rerun-failed             with --run-attempt: re-run only failed jobs (and jobs after them); jobs that
                             succeeded in the previous attempt keep their result and outputs
  --all-host-tools           debugging only: jobs on GitHub-hosted labels see all of this machine's tools
                             (default: only the tools of the label's runner image, see docs/local-runs.md)
  --jobs <n>                 jobs and matrix legs running at once (default: the number of cores);
                             1 runs them one after another
  --check                    validate only: schema, trigger, inputs, secrets and every unsupported feature
                             (also of called workflows and actions); runs nothing
  --help                     this text`;

function pairs(values: string[] | undefined, flag: string, fromEnv = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values ?? []) {
    const eq = item.indexOf('=');
    if (eq < 0 && fromEnv && /^[A-Za-z_][\w-]*$/.test(item)) {
      const value = process.env[item];
      if (value === undefined)
        throw new WorkflowError(`${flag} ${item}: the environment has no variable ${item}`);
      out[item] = value;
      continue;
    }
    if (eq <= 0) throw new WorkflowError(`${flag} expects NAME=value, got '${item}'`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

export function parseCli(argv: string[]): RunOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      workflow: { type: 'string' },
      event: { type: 'string' },
      'event-payload': { type: 'string' },
      input: { type: 'string', multiple: true },
      secret: { type: 'string', multiple: true },
      var: { type: 'string', multiple: true },
      env: { type: 'string', multiple: true },
      repo: { type: 'string' },
      ref: { type: 'string' },
      sha: { type: 'string' },
      repository: { type: 'string' },
      workspace: { type: 'string' },
      'run-dir': { type: 'string' },
      'actions-dir': { type: 'string' },
      'action-repo': { type: 'string', multiple: true },
      'api-url': { type: 'string' },
      token: { type: 'string' },
      'default-permissions': { type: 'string' },
      'run-attempt': { type: 'string' },
      'rerun-failed': { type: 'boolean' },
      check: { type: 'boolean' },
      'all-host-tools': { type: 'boolean' },
      jobs: { type: 'string' },
      help: { type: 'boolean' }
    }
  });
  if (values.help) return 'help';
  if (positionals.length) throw new WorkflowError(`unexpected argument '${positionals[0]}'`);
  if (!values.workflow) throw new WorkflowError('--workflow is required');
  let eventPayload: Record<string, unknown> | undefined;
  if (values['event-payload']) {
    try {
      eventPayload = JSON.parse(readFileSync(values['event-payload'], 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new WorkflowError(
        `--event-payload ${values['event-payload']}: ${error instanceof Error ? error.message : String(error)}`
      );
    }
  }
  const policy = values['default-permissions'];
  if (policy !== undefined && policy !== 'restricted' && policy !== 'permissive')
    throw new WorkflowError(`--default-permissions expects restricted or permissive, got '${policy}'`);
  let runAttempt: number | undefined;
  if (values['run-attempt'] !== undefined) {
    runAttempt = Number(values['run-attempt']);
    if (!Number.isInteger(runAttempt) || runAttempt < 1)
      throw new WorkflowError(`--run-attempt expects a whole number ≥ 1, got '${values['run-attempt']}'`);
  }
  if (values['rerun-failed'] && !(runAttempt && runAttempt > 1))
    throw new WorkflowError(
      '--rerun-failed needs --run-attempt 2 or more (and the --run-dir of the earlier attempt)'
    );
  let jobs: number | undefined;
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (!/^\d+$/.test(values.jobs) || jobs < 1)
      throw new WorkflowError(
        `--jobs expects a whole number ≥ 1 (jobs running at once), got '${values.jobs}'`
      );
  }
  const actionRepos = Object.fromEntries(
    Object.entries(pairs(values['action-repo'], '--action-repo')).map(([k, v]) => [k, path.resolve(v)])
  );
  return {
    workflow: values.workflow,
    event: values.event,
    eventPayload,
    inputs: pairs(values.input, '--input'),
    secrets: pairs(values.secret, '--secret', true),
    vars: pairs(values.var, '--var'),
    env: pairs(values.env, '--env'),
    repo: values.repo,
    ref: values.ref,
    sha: values.sha,
    repository: values.repository,
    workspace: values.workspace,
    runDir: values['run-dir'],
    actionsDir: values['actions-dir'] ? path.resolve(values['actions-dir']) : undefined,
    actionRepos,
    apiUrl: values['api-url'],
    token: values.token,
    defaultPermissions: policy,
    runAttempt,
    rerunFailed: values['rerun-failed'],
    checkOnly: values.check,
    ...(values['all-host-tools'] ? { hostedRunners: false } : {}),
    jobs
  };
}

export async function main(argv: string[]): Promise<number> {
  let options: RunOptions | 'help';
  try {
    options = parseCli(argv);
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  try {
    const result = await runWorkflow(options);
    return result.conclusion === 'success' ? 0 : 1;
  } catch (error) {
    if (error instanceof WorkflowError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  process.exitCode = await main(process.argv.slice(2));
}
