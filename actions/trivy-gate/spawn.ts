/**
 * Runs trivy with a hard deadline. trivy's own --timeout does not cover everything (a cached scan ignored
 * `--timeout 1ms` here, and the UPX-packed build spends seconds before it starts), so the process is killed when
 * the deadline passes and the run counts as failed (exit 124), never as a verdict.
 */
import { spawn } from 'node:child_process';
import { LineSplitter } from '../lib/exec.js';

export interface SpawnResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export const TIMEOUT_EXIT_CODE = 124;

/** The hard deadline: trivy's timeout plus a grace for start-up and writing the report. */
export function deadlineMs(timeoutMs: number): number {
  return timeoutMs + Math.min(30_000, Math.max(1_000, Math.round(timeoutMs / 10)));
}

/** `onStderrLine` gets trivy's log lines as they come (its progress); stdout is captured only. */
export function runWithDeadline(
  tool: string,
  args: string[],
  deadline: number,
  onStderrLine?: (line: string) => void
): Promise<SpawnResult> {
  return new Promise((resolve) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const live = onStderrLine ? new LineSplitter(onStderrLine) : undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      live?.write(d);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, deadline);
    child.on('error', (error) => {
      clearTimeout(timer);
      live?.flush();
      resolve({ exitCode: 127, stdout, stderr: `${stderr}${error.message}`, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      live?.flush();
      resolve({ exitCode: timedOut ? TIMEOUT_EXIT_CODE : (code ?? 1), stdout, stderr, timedOut });
    });
  });
}
