/** Image size budgets, e.g. seed 002's "< 200 MB compressed". */
import { ConfigurationError } from '../lib/errors.js';

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3
};

/** Parses `200MB`, `150 MiB`, `1.5GB`, `5000000` (bytes); undefined for an empty input. */
export function parseSize(raw: string | undefined, inputName: string): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = (m?.[2] || 'b').toLowerCase();
  if (!m || !(unit in UNITS)) {
    throw new ConfigurationError(
      `Input '${inputName}': '${raw}' is not a size; use e.g. 200MB, 150MiB or a byte count`
    );
  }
  return Math.round(Number(m[1]) * (UNITS[unit] as number));
}

export function formatSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(2)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

export interface BudgetVerdict {
  ok: boolean;
  message: string;
}

export function checkBudget(service: string, size: number, budget: number | undefined): BudgetVerdict {
  if (budget === undefined)
    return { ok: true, message: `${service}: ${formatSize(size)} compressed (no budget)` };
  const ok = size <= budget;
  return {
    ok,
    message: `${service}: ${formatSize(size)} compressed ${ok ? 'within' : 'EXCEEDS'} the budget of ${formatSize(budget)}`
  };
}
