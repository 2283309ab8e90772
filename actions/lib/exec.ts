/**
 * The one exec wrapper: runs a tool, captures stdout/stderr, and turns a non-zero exit into a ToolError carrying
 * the command and the last stderr lines. With `timeoutMs` the tool runs in its own process group and the whole
 * group (e.g. `docker compose` and its plugin process) is ended when the time is up: a TimeoutError, always thrown.
 */
import { spawn } from 'node:child_process';
import * as actionsExec from '@actions/exec';
import { ToolError } from './errors.js';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  cwd?: string;
  env?: Record<string, string>;
  input?: string;
  /** Return the result instead of throwing on a non-zero exit. */
  ignoreReturnCode?: boolean;
  /** Echo the tool's output to the job log (default: false, output is captured only). */
  echo?: boolean;
  /** A hint appended to the ToolError, e.g. how to fix a common failure. */
  hint?: (result: ExecResult) => string | undefined;
  /**
   * End the tool (SIGTERM to its process group, SIGKILL 5 s later) after this many ms and throw a TimeoutError,
   * even with ignoreReturnCode. Unset: no limit (the behaviour before this option existed).
   */
  timeoutMs?: number;
}

/** The tool did not finish within ExecOptions.timeoutMs; it was killed. */
export class TimeoutError extends ToolError {
  override readonly name: string = 'TimeoutError';
  constructor(
    command: string,
    readonly timeoutMs: number,
    stderrTail: string,
    hint?: string
  ) {
    super(
      command,
      124,
      `no result within ${Math.round(timeoutMs / 1000)} s (killed)${stderrTail ? `; ${stderrTail}` : ''}`,
      hint
    );
  }
}

export function lastLines(text: string, count = 5): string {
  return text.trimEnd().split(/\r?\n/).filter(Boolean).slice(-count).join('\n');
}

function shortCommand(tool: string, args: string[]): string {
  return [tool, ...args.slice(0, 3)].join(' ') + (args.length > 3 ? ' …' : '');
}

const KILL_GRACE_MS = 5_000;

/** spawn in a process group of its own, so a timeout ends the tool and every child it started. */
function execWithTimeout(
  tool: string,
  args: string[],
  options: ExecOptions & { timeoutMs: number }
): Promise<ExecResult & { timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, {
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const signalGroup = (signal: NodeJS.Signals): void => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
    }, options.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (options.echo) process.stdout.write(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (options.echo) process.stdout.write(chunk);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr, timedOut });
    });
  });
}

export async function execTool(tool: string, args: string[], options: ExecOptions = {}): Promise<ExecResult> {
  let result: ExecResult;
  try {
    if (options.timeoutMs !== undefined) {
      const r = await execWithTimeout(tool, args, { ...options, timeoutMs: options.timeoutMs });
      if (r.timedOut) {
        throw new TimeoutError(
          shortCommand(tool, args),
          options.timeoutMs,
          lastLines(r.stderr || r.stdout, 3),
          options.hint?.(r)
        );
      }
      result = { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
    } else {
      result = await actionsExec.getExecOutput(tool, args, {
        cwd: options.cwd,
        env: options.env ? ({ ...process.env, ...options.env } as Record<string, string>) : undefined,
        input: options.input === undefined ? undefined : Buffer.from(options.input),
        ignoreReturnCode: true,
        silent: !options.echo
      });
    }
  } catch (error) {
    if (error instanceof TimeoutError) throw error;
    // the executable is not on PATH (@actions/exec throws before spawning; spawn emits ENOENT)
    throw new ToolError(
      tool,
      127,
      error instanceof Error ? error.message : String(error),
      `install ${tool} or put it on PATH`
    );
  }
  if (result.exitCode !== 0 && !options.ignoreReturnCode) {
    throw new ToolError(
      shortCommand(tool, args),
      result.exitCode,
      lastLines(result.stderr || result.stdout),
      options.hint?.(result)
    );
  }
  return result;
}
