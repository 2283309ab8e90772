/** Printing: one masked logger for the whole run (buffered per job when jobs run side by side), per-step lines, and the final summary table. */
import type { JobResult } from './types.js';

const MIN_MASK_LENGTH = 4;

export class Logger {
  private masks: string[];
  private readonly buffer: string[] | undefined;

  constructor(
    private readonly out: NodeJS.WritableStream | null,
    shared?: Logger
  ) {
    // a job's buffered logger shares the run's masks: a mask added in one job masks everything printed after it
    this.masks = shared ? shared.masks : [];
    this.buffer = shared ? [] : undefined;
  }

  /**
   * A logger for one job run side by side with others: its lines are kept and printed whole by flush(), so a job's
   * log is one block (a failing job's log is easy to find) instead of lines interleaved with other jobs.
   */
  buffered(): Logger {
    return new Logger(this.out, this);
  }

  /** Prints a buffered logger's lines as one write (masked again: masks added later by other jobs apply too). */
  flush(): void {
    if (!this.buffer?.length) return;
    const text = this.buffer.map((l) => `${this.mask(l)}\n`).join('');
    this.buffer.length = 0;
    this.out?.write(text);
  }

  /** Masks a secret (and each of its lines, as the runner does) in everything printed or recorded from now on. */
  addMask(value: string | undefined): void {
    if (!value) return;
    // values under 4 characters would garble every line (a secret "1" masks every digit 1), so they are not masked
    const parts = [value, ...value.split(/\r?\n/)]
      .map((v) => v.trim())
      .filter((v) => v.length >= MIN_MASK_LENGTH);
    for (const part of parts) if (!this.masks.includes(part)) this.masks.push(part);
    // sorted in place: buffered loggers share this array
    this.masks.sort((a, b) => b.length - a.length);
  }

  mask(text: string): string {
    let out = text;
    for (const secret of this.masks) if (out.includes(secret)) out = out.split(secret).join('***');
    return out;
  }

  containsSecret(text: string): boolean {
    return this.masks.some((s) => text.includes(s));
  }

  line(text: string): void {
    if (this.buffer) this.buffer.push(this.mask(text));
    else this.out?.write(`${this.mask(text)}\n`);
  }
}

export function seconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`;
}

export const MARK: Record<string, string> = {
  success: '✓',
  failure: '✗',
  skipped: '-',
  cancelled: '⊘'
};

/** Flattens job results (reusable workflow calls contain their called jobs) for the summary. */
export function flattenJobs(jobs: JobResult[]): JobResult[] {
  return jobs.flatMap((j) => [j, ...flattenJobs(j.children ?? [])]);
}

export function summaryTable(jobs: JobResult[]): string {
  const rows = flattenJobs(jobs).map((j) => [
    `${'  '.repeat(j.depth)}${j.name}`,
    `${MARK[j.result] ?? '?'} ${j.result}${j.continuedOnError ? ' (continue-on-error)' : ''}`,
    String(
      j.steps.length ? j.steps.filter((s) => s.conclusion !== 'skipped').length + '/' + j.steps.length : ''
    ),
    seconds(j.durationMs)
  ]);
  const header = ['job', 'result', 'steps run', 'duration'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const fmt = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  return [fmt(header), fmt(widths.map((w) => '─'.repeat(w))), ...rows.map(fmt)].join('\n');
}
