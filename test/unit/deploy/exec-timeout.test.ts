/**
 * execTool's time limit (actions/lib/exec.ts), with real processes: a tool that runs out is killed together with
 * the children it started (docker compose runs a plugin process), and the caller gets a TimeoutError even with
 * ignoreReturnCode; without the option nothing changes.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execTool, TimeoutError } from '../../../actions/lib/exec.js';
import { ToolError } from '../../../actions/lib/errors.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('kills the tool and its children at the limit and throws a TimeoutError', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-exec-'));
  const pidFile = path.join(dir, 'child.pid');
  const started = Date.now();
  const error = await execTool('sh', ['-c', `sleep 60 & echo $! > ${pidFile}; echo started >&2; wait`], {
    timeoutMs: 1000,
    ignoreReturnCode: true
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TimeoutError);
  expect((error as TimeoutError).message).toMatch(
    /^sh -c .* failed with exit code 124: no result within 1 s \(killed\); started/
  );
  // well before the child's 60 s: the limit ended it (generous bound for a loaded machine)
  expect(Date.now() - started).toBeLessThan(30_000);
  const child = Number(readFileSync(pidFile, 'utf8'));
  const deadline = Date.now() + 10_000;
  while (alive(child) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(alive(child)).toBe(false);
});

it('with a limit that is not reached: the same results as without one', async () => {
  const ok = await execTool('sh', ['-c', 'echo out; echo err >&2'], { timeoutMs: 30_000 });
  expect(ok).toEqual({ exitCode: 0, stdout: 'out\n', stderr: 'err\n' });
  const input = await execTool('cat', [], { timeoutMs: 30_000, input: 'piped' });
  expect(input.stdout).toBe('piped');
  const failed = await execTool('sh', ['-c', 'exit 3'], { timeoutMs: 30_000 }).catch((e: unknown) => e);
  expect(failed).toBeInstanceOf(ToolError);
  expect(failed).not.toBeInstanceOf(TimeoutError);
  expect((failed as ToolError).exitCode).toBe(3);
  expect(
    (await execTool('sh', ['-c', 'exit 3'], { timeoutMs: 30_000, ignoreReturnCode: true })).exitCode
  ).toBe(3);
  const missing = await execTool('no-such-tool-slipway', [], { timeoutMs: 30_000 }).catch((e: unknown) => e);
  expect((missing as ToolError).exitCode).toBe(127);
});
