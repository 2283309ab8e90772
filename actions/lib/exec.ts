/**
 * The one exec wrapper: runs a tool, captures stdout/stderr, and turns a non-zero exit into a ToolError carrying
 * the command and the last stderr lines.
 */
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
}

export function lastLines(text: string, count = 5): string {
  return text.trimEnd().split(/\r?\n/).filter(Boolean).slice(-count).join('\n');
}

export async function execTool(tool: string, args: string[], options: ExecOptions = {}): Promise<ExecResult> {
  let result: ExecResult;
  try {
    result = await actionsExec.getExecOutput(tool, args, {
      cwd: options.cwd,
      env: options.env ? ({ ...process.env, ...options.env } as Record<string, string>) : undefined,
      input: options.input === undefined ? undefined : Buffer.from(options.input),
      ignoreReturnCode: true,
      silent: !options.echo
    });
  } catch (error) {
    // @actions/exec throws before spawning when the executable is not on PATH.
    throw new ToolError(
      tool,
      127,
      error instanceof Error ? error.message : String(error),
      `install ${tool} or put it on PATH`
    );
  }
  if (result.exitCode !== 0 && !options.ignoreReturnCode) {
    const command = [tool, ...args.slice(0, 3)].join(' ') + (args.length > 3 ? ' …' : '');
    throw new ToolError(
      command,
      result.exitCode,
      lastLines(result.stderr || result.stdout),
      options.hint?.(result)
    );
  }
  return result;
}
