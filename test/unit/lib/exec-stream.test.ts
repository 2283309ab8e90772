/**
 * execTool's live output: with `stream` a tool's lines reach the job log (process.stdout, through core.info) while
 * the tool still runs, not in one piece at exit; the output is still captured for parsing. The child prints a line,
 * sleeps 1 s and prints another: the 1 s gap is what makes "before exit" observable on a busy machine (the assertion
 * only needs the first line to arrive before the process ends, never a bound on how fast).
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { execTool, LineSplitter, TimeoutError } from '../../../actions/lib/exec.js';

const CHILD = [
  '-e',
  "console.log('first line'); console.error('progress on stderr'); setTimeout(() => { console.log('second line'); }, 1000);"
];

let written: { text: string; at: number }[];
let spy: ReturnType<typeof jest.spyOn>;

beforeEach(() => {
  written = [];
  spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    written.push({ text: String(chunk), at: Date.now() });
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
    const path = timeoutMs === undefined ? '@actions/exec' : 'timeoutMs (own process group)';
    test(`'all' logs the first line before the tool exits, and still captures it — ${path}`, async () => {
      const result = await execTool(process.execPath, CHILD, { stream: 'all', timeoutMs });
      const exited = Date.now();
      const first = firstSeen('first line');
      expect(first).toBeDefined();
      // the child sleeps 1 s between the lines: the first was logged while it was still running
      expect(firstSeen('second line')! - first!).toBeGreaterThanOrEqual(900);
      expect(exited - first!).toBeGreaterThanOrEqual(900);
      expect(result.stdout).toBe('first line\nsecond line\n');
      expect(result.stderr).toBe('progress on stderr\n');
    });

    test(`'stderr' logs stderr live and keeps stdout captured only — ${path}`, async () => {
      const result = await execTool(process.execPath, CHILD, { stream: 'stderr', timeoutMs });
      expect(firstSeen('progress on stderr')).toBeDefined();
      expect(firstSeen('first line')).toBeUndefined();
      expect(result.stdout).toBe('first line\nsecond line\n');
    });
  }

  test('without stream nothing reaches the log (the default stays captured-only)', async () => {
    const result = await execTool(process.execPath, CHILD);
    expect(written).toEqual([]);
    expect(result.stdout).toContain('second line');
  });

  test('timeoutMs still ends a streaming tool with a TimeoutError, after its first line was logged', async () => {
    const sleeper = ['-e', "console.error('started'); setTimeout(() => undefined, 60000);"];
    await expect(
      execTool(process.execPath, sleeper, { stream: 'stderr', timeoutMs: 500 })
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
    const child = [
      '-e',
      "console.error('INFO scanning'); setTimeout(() => { console.error('INFO done'); console.log('{}'); }, 1000);"
    ];
    const r = await runWithDeadline(process.execPath, child, 60_000, (line) =>
      seen.push({ line, at: Date.now() })
    );
    const exited = Date.now();
    expect(seen.map((s) => s.line)).toEqual(['INFO scanning', 'INFO done']);
    expect(exited - seen[0]!.at).toBeGreaterThanOrEqual(900);
    expect(r.stdout).toBe('{}\n');
    expect(r.stderr).toBe('INFO scanning\nINFO done\n');
  });
});
