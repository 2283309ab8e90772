/**
 * execTool's live output: with `stream` a tool's lines reach the job log (process.stdout, through core.info) while
 * the tool still runs, not in one piece at exit; the output is still captured for parsing. The child prints a line
 * and then waits until the test has SEEN that line in the log (a gate file the log spy creates) before it prints the
 * second line and exits: output buffered until exit would never open the gate, so the child gives up after 30 s
 * and the test fails — ordering is proven by the handshake, and the timestamps only record it, on any machine load.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { execTool, LineSplitter, TimeoutError } from '../../../actions/lib/exec.js';

const GATE_DIR = mkdtempSync(path.join(os.tmpdir(), 'exec-stream-'));
let gate = '';
/** Prints, then waits for the gate file (the test saw `opensOn` in the log), then prints the last line and exits. */
const gatedChild = (first: string): string[] => [
  '-e',
  `${first}; const t0 = Date.now(); const poll = setInterval(() => {` +
    ` if (require('fs').existsSync(process.argv[1])) { clearInterval(poll); console.log('second line'); }` +
    ` else if (Date.now() - t0 > 30000) { clearInterval(poll); console.log('never released'); process.exit(1); } }, 20);`,
  gate
];
const CHILD = (): string[] => gatedChild("console.log('first line'); console.error('progress on stderr')");
let opensOn = 'first line';

let written: { text: string; at: number }[];
let spy: ReturnType<typeof jest.spyOn>;

beforeEach(() => {
  written = [];
  gate = path.join(GATE_DIR, `gate-${Math.random().toString(36).slice(2)}`);
  opensOn = 'first line';
  spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    written.push({ text: String(chunk), at: Date.now() });
    if (String(chunk).includes(opensOn)) writeFileSync(gate, '');
    return true;
  });
  delete process.env.RUNNER_DEBUG;
});
afterEach(() => {
  spy.mockRestore();
  delete process.env.RUNNER_DEBUG;
});

function firstSeen(needle: string): number | undefined {
  return written.find((w) => w.text.includes(needle))?.at;
}

describe('execTool stream', () => {
  for (const timeoutMs of [undefined, 60_000]) {
    const via = timeoutMs === undefined ? '@actions/exec' : 'timeoutMs (own process group)';
    test(`'all' logs the first line before the tool exits, and still captures it — ${via}`, async () => {
      const result = await execTool(process.execPath, CHILD(), { stream: 'all', timeoutMs });
      const exited = Date.now();
      const first = firstSeen('first line');
      expect(first).toBeDefined();
      // the child printed its second line only after the log had shown the first (the gate): logged while running
      expect(first!).toBeLessThanOrEqual(firstSeen('second line')!);
      expect(first!).toBeLessThanOrEqual(exited);
      expect(result.stdout).toBe('first line\nsecond line\n');
      expect(result.stderr).toBe('progress on stderr\n');
    });

    test(`'stderr' logs stderr live and keeps stdout captured only — ${via}`, async () => {
      opensOn = 'progress on stderr';
      const result = await execTool(process.execPath, CHILD(), { stream: 'stderr', timeoutMs });
      expect(firstSeen('progress on stderr')).toBeDefined();
      expect(firstSeen('first line')).toBeUndefined();
      expect(result.stdout).toBe('first line\nsecond line\n');
    });
  }

  test('without stream nothing reaches the log (the default stays captured-only)', async () => {
    writeFileSync(gate, ''); // nothing is logged, so the test opens the gate itself
    const result = await execTool(process.execPath, CHILD());
    expect(written).toEqual([]);
    expect(result.stdout).toContain('second line');
  });

  test('timeoutMs still ends a streaming tool with a TimeoutError, after its first line was logged', async () => {
    const sleeper = ['-e', "console.error('started'); setTimeout(() => undefined, 60000);"];
    await expect(
      // 10 s: long enough for node to start and print on a loaded 2-core machine (500 ms was not, at load 20);
      // the child would sleep 60 s, so only the timeout can end it
      execTool(process.execPath, sleeper, { stream: 'stderr', timeoutMs: 10_000 })
    ).rejects.toBeInstanceOf(TimeoutError);
    expect(firstSeen('started')).toBeDefined();
  });

  test('with RUNNER_DEBUG=1 (ACTIONS_STEP_DEBUG) the command line is a ::debug:: line and the output is echoed', async () => {
    process.env.RUNNER_DEBUG = '1';
    await execTool(process.execPath, ['-e', "console.log('echoed')"]);
    const log = written.map((w) => w.text).join('');
    expect(log).toMatch(/::debug::exec: .*node -e console\.log\('echoed'\)/);
    expect(log).toContain('echoed\n');
  });
});

describe('LineSplitter', () => {
  test('emits whole lines across chunks, a split UTF-8 character intact, and the unterminated tail on flush', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    const euro = Buffer.from('€');
    s.write(Buffer.concat([Buffer.from('a\r\nb'), euro.subarray(0, 1)]));
    s.write(Buffer.concat([euro.subarray(1), Buffer.from('\nc')]));
    expect(lines).toEqual(['a', 'b€']);
    s.flush();
    expect(lines).toEqual(['a', 'b€', 'c']);
  });
});

describe("trivy's runWithDeadline", () => {
  test('hands stderr lines over as they come, before the process ends, and captures both streams', async () => {
    const { runWithDeadline } = await import('../../../actions/lib/trivy.js');
    const seen: { line: string; at: number }[] = [];
    // the child says 'INFO done' and exits only once this handler has seen 'INFO scanning' (the gate)
    const child = [
      '-e',
      "console.error('INFO scanning'); const t0 = Date.now(); const p = setInterval(() => {" +
        " if (require('fs').existsSync(process.argv[1])) { clearInterval(p); console.error('INFO done'); console.log('{}'); }" +
        ' else if (Date.now() - t0 > 30000) { clearInterval(p); process.exit(1); } }, 20);',
      gate
    ];
    const r = await runWithDeadline(process.execPath, child, 60_000, (line) => {
      seen.push({ line, at: Date.now() });
      if (line === 'INFO scanning') writeFileSync(gate, '');
    });
    const exited = Date.now();
    expect(seen.map((s) => s.line)).toEqual(['INFO scanning', 'INFO done']);
    expect(seen[0]!.at).toBeLessThanOrEqual(exited);
    expect(r.stdout).toBe('{}\n');
    expect(r.stderr).toBe('INFO scanning\nINFO done\n');
  });
});
