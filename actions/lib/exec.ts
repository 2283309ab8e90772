/**
 * The one exec wrapper: runs a tool, captures stdout/stderr, and turns a non-zero exit into a ToolError carrying
 * the command and the last stderr lines. With `timeoutMs` the tool runs in its own process group and the whole
 * group (e.g. `docker compose` and its plugin process) is ended when the time is up: a TimeoutError, always thrown.
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import * as core from '@actions/core';
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
  /**
   * Write the tool's lines to the job log as they come (core.info), so a multi-minute step shows progress instead
   * of one command line: 'stderr' streams stderr only and keeps stdout captured silently (a machine-readable report),
   * 'all' streams both. The output is captured for the result either way. Ignored with `echo` (already echoed).
   */
  stream?: 'stderr' | 'all';
}

/** Splits chunks of a stream into whole lines (the last, unterminated one is held until flush). */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  constructor(private readonly emit: (line: string) => void) {}
  write(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines = this.pending.split(/\r?\n/);
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.emit(line);
  }
  flush(): void {
    this.pending += this.decoder.end();
    if (this.pending) this.emit(this.pending);
    this.pending = '';
  }
}

/** The streaming listeners for ExecOptions.stream: stdout/stderr chunk handlers and a flush for the end. */
function streamers(
  stream: ExecOptions['stream'],
  sink: (line: string) => void = (line) => core.info(line)
): { stdout?: (chunk: Buffer) => void; stderr?: (chunk: Buffer) => void; flush: () => void } {
  if (!stream) return { flush: () => undefined };
  const err = new LineSplitter(sink);
  const out = stream === 'all' ? new LineSplitter(sink) : undefined;
  return {
    stdout: out ? (chunk) => out.write(chunk) : undefined,
    stderr: (chunk) => err.write(chunk),
    flush: () => {
      out?.flush();
      err.flush();
    }
  };
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
    const live = streamers(options.echo ? undefined : options.stream);
    const outDecoder = new StringDecoder('utf8');
    const errDecoder = new StringDecoder('utf8');
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += outDecoder.write(chunk);
      if (options.echo) process.stdout.write(chunk);
      live.stdout?.(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += errDecoder.write(chunk);
      if (options.echo) process.stdout.write(chunk);
      live.stderr?.(chunk);
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
      stdout += outDecoder.end();
      stderr += errDecoder.end();
      live.flush();
      resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr, timedOut });
    });
  });
}

export async function execTool(tool: string, args: string[], options: ExecOptions = {}): Promise<ExecResult> {
  // ACTIONS_STEP_DEBUG: every command line in the log and the tool's own output echoed
  // (core.isDebug() is RUNNER_DEBUG=1, set by the runner for the ACTIONS_STEP_DEBUG secret/variable:
  // https://github.com/actions/toolkit/blob/master/docs/action-debugging.md)
  if (core.isDebug()) {
    core.debug(`exec: ${[tool, ...args].join(' ')}`);
    options = { ...options, echo: true };
  }
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
      const live = streamers(options.echo ? undefined : options.stream);
      result = await actionsExec.getExecOutput(tool, args, {
        listeners: { stdout: live.stdout, stderr: live.stderr },
        cwd: options.cwd,
        env: options.env ? ({ ...process.env, ...options.env } as Record<string, string>) : undefined,
        input: options.input === undefined ? undefined : Buffer.from(options.input),
        ignoreReturnCode: true,
        silent: !options.echo
      });
      live.flush();
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
