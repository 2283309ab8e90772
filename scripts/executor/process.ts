/**
 * Child processes of steps: line-buffered output through the logger (masking, workflow commands), a timeout that
 * kills the whole process group, and the GITHUB_OUTPUT/ENV/STATE file-command format.
 */
import { spawn } from 'node:child_process';

export interface ProcessResult {
  exitCode: number;
  timedOut: boolean;
}

export interface ProcessOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs?: number;
  onLine(line: string, stream: 'stdout' | 'stderr'): void;
  stdin?: string;
  /** kills the process group when aborted (a cancelled job: fail-fast, concurrency) */
  signal?: AbortSignal;
}

/** Process groups of running steps: killed when the executor itself is interrupted, so no step outlives it. */
const running = new Set<number>();
let handlersInstalled = false;

function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143]
  ] as const) {
    process.once(signal, () => {
      for (const pid of running) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      process.exit(code);
    });
  }
}

export function runProcess(command: string, args: string[], options: ProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true
    });
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    installSignalHandlers();
    const pid = child.pid;
    if (pid) running.add(pid);
    const pending = { stdout: '', stderr: '' };
    const feed = (stream: 'stdout' | 'stderr', chunk: Buffer): void => {
      const text = pending[stream] + chunk.toString('utf8');
      const lines = text.split('\n');
      pending[stream] = lines.pop() ?? '';
      for (const line of lines) options.onLine(line.replace(/\r$/, ''), stream);
    };
    child.stdout?.on('data', (c: Buffer) => feed('stdout', c));
    child.stderr?.on('data', (c: Buffer) => feed('stderr', c));
    let timedOut = false;
    const timer =
      options.timeoutMs !== undefined && Number.isFinite(options.timeoutMs)
        ? setTimeout(
            () => {
              timedOut = true;
              try {
                if (child.pid) process.kill(-child.pid, 'SIGKILL');
              } catch {
                child.kill('SIGKILL');
              }
            },
            Math.max(0, options.timeoutMs)
          )
        : undefined;
    const onAbort = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      if (pid) running.delete(pid);
      for (const stream of ['stdout', 'stderr'] as const)
        if (pending[stream]) options.onLine(pending[stream], stream);
      resolve({ exitCode: code ?? (signal ? 128 : 1), timedOut });
    });
  });
}

/** Parses a GITHUB_OUTPUT/ENV/STATE file: `name=value` lines and `name<<DELIMITER … DELIMITER` blocks. */
export function parseFileCommands(text: string, file = 'file command'): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, '');
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const name = heredoc[1] as string;
      const delimiter = heredoc[2] as string;
      const value: string[] = [];
      i++;
      while (i < lines.length && (lines[i] as string).replace(/\r$/, '') !== delimiter)
        value.push(lines[i++] as string);
      if (i >= lines.length)
        throw new Error(`${file}: unterminated block for '${name}' (missing ${delimiter})`);
      result[name] = value.join('\n');
    } else {
      const eq = line.indexOf('=');
      if (eq < 0)
        throw new Error(`${file}: malformed line '${line}' (expected name=value or name<<DELIMITER)`);
      result[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return result;
}

export function formatFileCommand(name: string, value: string): string {
  const delimiter = `ghadelimiter_${Math.random().toString(36).slice(2)}${Date.now()}`;
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}
