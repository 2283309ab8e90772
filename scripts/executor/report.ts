/** Printing: one masked logger for the whole run, per-step lines, and the final summary table. */
import type { JobResult } from './types.js';

const MIN_MASK_LENGTH = 4;

export class Logger {
  private masks: string[] = [];

  constructor(private readonly out: NodeJS.WritableStream | null) {}

  /** Masks a secret (and each of its lines, as the runner does) in everything printed or recorded from now on. */
  addMask(value: string | undefined): void {
    if (!value) return;
    // values under 4 characters would garble every line (a secret "1" masks every digit 1), so they are not masked
    const parts = [value, ...value.split(/\r?\n/)]
      .map((v) => v.trim())
      .filter((v) => v.length >= MIN_MASK_LENGTH);
    for (const part of parts) if (!this.masks.includes(part)) this.masks.push(part);
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
    this.out?.write(`${this.mask(text)}\n`);
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
