/**
 * Runs a bundled action the way the GitHub runner does: `node dist/<name>/index.js` with INPUT_* variables, the
 * GITHUB_* file commands and an event payload file; then parses outputs, env, state, summary and annotations back.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/**
 * The generated workflows call Slipway's own actions at the commit in workflows-src/slipway-pin.json. The executor
 * resolves only refs that exist (as GitHub does); mapping `slipway/slipway@<pin>` to this working tree makes the
 * working tree stand for that commit, so local runs test the code being changed, under the name GitHub will see.
 */
export const SLIPWAY_PIN: string = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'workflows-src/slipway-pin.json'), 'utf8')) as { sha: string }
).sha;
export const SLIPWAY_ACTION_REPOS: Record<string, string> = { [`slipway/slipway@${SLIPWAY_PIN}`]: REPO_ROOT };

export interface GitHubEvent {
  name: string;
  payload: Record<string, unknown>;
}

export interface RunActionOptions {
  inputs?: Record<string, string | number | boolean>;
  event?: GitHubEvent;
  /** the job's working directory (GITHUB_WORKSPACE) */
  workspace?: string;
  ref?: string;
  sha?: string;
  repository?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice' | 'debug';
  message: string;
  properties: Record<string, string>;
}

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  env: Record<string, string>;
  state: Record<string, string>;
  path: string[];
  summary: string;
  annotations: Annotation[];
  masks: string[];
  durationMs: number;
}

/** Parses a GITHUB_OUTPUT/ENV/STATE file: `name=value` lines and `name<<DELIM … DELIM` blocks. */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delimiter) value.push(lines[i++] as string);
      if (i >= lines.length) throw new Error(`unterminated file command block for '${name}'`);
      result[name] = value.join('\n');
    } else {
      const eq = line.indexOf('=');
      if (eq < 0) throw new Error(`malformed file command line: ${line}`);
      result[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return result;
}

function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(s: string): string {
  return unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');
}

/** Parses `::error file=a,line=1::message` workflow commands out of stdout. */
export function parseWorkflowCommands(stdout: string): { annotations: Annotation[]; masks: string[] } {
  const annotations: Annotation[] = [];
  const masks: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::([a-z-]+)( [^:]*)?::(.*)$/.exec(line);
    if (!m) continue;
    const [, command, props = '', data = ''] = m;
    if (command === 'add-mask') masks.push(unescapeData(data));
    if (command === 'error' || command === 'warning' || command === 'notice' || command === 'debug') {
      const properties: Record<string, string> = {};
      for (const pair of props.trim().split(',').filter(Boolean)) {
        const eq = pair.indexOf('=');
        properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
      }
      annotations.push({ level: command, message: unescapeData(data), properties });
    }
  }
  return { annotations, masks };
}

export async function runAction(name: string, options: RunActionOptions = {}): Promise<ActionRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `slipway-run-${name}-`));
  const files = {
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_ENV: path.join(dir, 'env'),
    GITHUB_STATE: path.join(dir, 'state'),
    GITHUB_PATH: path.join(dir, 'path'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
    GITHUB_EVENT_PATH: path.join(dir, 'event.json')
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const event = options.event ?? { name: 'workflow_dispatch', payload: {} };
  writeFileSync(files.GITHUB_EVENT_PATH, JSON.stringify(event.payload, null, 2));
  const runnerTemp = path.join(dir, 'runner-temp');
  const toolCache = process.env.SLIPWAY_TEST_TOOL_CACHE ?? path.join(os.tmpdir(), 'slipway-tool-cache');
  mkdirSync(runnerTemp, { recursive: true });

  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('INPUT_') && !k.startsWith('GITHUB_') && !k.startsWith('RUNNER_')
    )
  ) as Record<string, string>;
  const inputs = Object.fromEntries(
    Object.entries(options.inputs ?? {}).map(([k, v]) => [
      `INPUT_${k.replace(/ /g, '_').toUpperCase()}`,
      String(v)
    ])
  );
  const workspace = options.workspace ?? dir;
  const env: Record<string, string> = {
    ...inherited,
    ...files,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: event.name,
    GITHUB_REF: options.ref ?? 'refs/heads/main',
    GITHUB_SHA: options.sha ?? '0'.repeat(40),
    GITHUB_REPOSITORY: options.repository ?? 'acme/monorepo',
    GITHUB_REPOSITORY_OWNER: (options.repository ?? 'acme/monorepo').split('/')[0] as string,
    GITHUB_WORKSPACE: workspace,
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'test',
    GITHUB_JOB: 'test',
    GITHUB_ACTION: name,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: toolCache,
    ...inputs,
    ...(options.env ?? {})
  };

  const started = Date.now();
  const entry = path.join(REPO_ROOT, 'dist', name, 'index.js');
  const { exitCode, stdout, stderr } = await new Promise<{
    exitCode: number;
    stdout: string;
    stderr: string;
  }>((resolve, reject) => {
    const child = spawn(process.execPath, [entry], {
      cwd: workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? (signal ? 128 : 1), stdout: out, stderr: err });
    });
  });
  const { annotations, masks } = parseWorkflowCommands(stdout);
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    env: parseFileCommands(readFileSync(files.GITHUB_ENV, 'utf8')),
    state: parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8')),
    path: readFileSync(files.GITHUB_PATH, 'utf8').split('\n').filter(Boolean),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    annotations,
    masks,
    durationMs: Date.now() - started
  };
}

/** The message of the run's first error annotation (what `core.setFailed` printed). */
export function failureMessage(run: ActionRun): string {
  return run.annotations.find((a) => a.level === 'error')?.message ?? '';
}
