/** The one wait of the suite and the one exponential backoff (base, 2·base, 4·base, … capped). */
import { setTimeout as delay } from 'node:timers/promises';

export function sleep(ms: number): Promise<void> {
  return delay(ms);
}

/** The wait before retry `attempt` (1-based): base · 2^(attempt-1), capped. */
export function backoffDelay(attempt: number, baseMs: number, capMs = 60_000): number {
  return Math.min(capMs, baseMs * 2 ** (attempt - 1));
}

/** The waits before retries 1..n. */
export function backoffDelays(retries: number, baseMs: number, capMs = 60_000): number[] {
  return Array.from({ length: Math.max(0, retries) }, (_, i) => backoffDelay(i + 1, baseMs, capMs));
}
