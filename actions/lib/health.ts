/**
 * Health checks shared by the health-check and deploy actions: poll URLs until they are healthy or a deadline
 * passes. A JSON body in the seed-002 shape (`status`: healthy | degraded | unhealthy, per-component `checks`) is
 * understood; anything else is judged by its HTTP status (2xx healthy).
 */
import { sleep } from './backoff.js';

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';
/** What a `degraded` answer means: accept it as a pass, fail at once, or keep polling until healthy or timeout. */
export type DegradedPolicy = 'accept' | 'fail' | 'wait';
export const DEGRADED_POLICIES: readonly DegradedPolicy[] = ['accept', 'fail', 'wait'];

export interface ComponentCheck {
  status: string;
  output?: string;
}

export interface ProbeResult {
  status: HealthStatus;
  httpStatus?: number;
  /** the version the service reports, when its JSON carries one */
  version?: string;
  checks: Record<string, ComponentCheck>;
  /** why the probe failed: connection refused, timeout, bad status … */
  error?: string;
}

export interface UrlHealth extends ProbeResult {
  url: string;
  attempts: number;
  /** ms from the first attempt to the final verdict */
  elapsedMs: number;
  /** true when this URL's verdict passes under the degraded policy */
  passed: boolean;
  /** how often each failure reason was seen over all attempts (e.g. "HTTP 503": 4) */
  errorCounts?: Record<string, number>;
}

export interface HealthOptions {
  /** overall deadline per URL, ms */
  timeoutMs: number;
  /** pause between attempts, ms */
  intervalMs: number;
  /** most attempts per URL (0: only the timeout limits) */
  retries: number;
  /**
   * Give up early after this many consecutive answers that explicitly say unhealthy (an HTTP answer, not a refused
   * connection of a service still starting); 0: only retries/timeout end the polling.
   */
  unhealthyThreshold?: number;
  /** per-request timeout, ms */
  requestTimeoutMs: number;
  degraded: DegradedPolicy;
  /**
   * When set and the answer's JSON reports a semver `version`, a different version does not pass (e.g. a proxy
   * that still routes to the old version right after a reload). Compared without a leading `v`.
   */
  expectVersion?: string;
  /**
   * Readiness, ms from the first attempt: until then a failed answer does not count (neither towards
   * `unhealthyThreshold` nor `retries`) and the `timeoutMs` budget starts only after it — a container's
   * HEALTHCHECK start period, or a configured warm-up. A passing answer ends it early.
   */
  graceMs?: number;
  /** called after every attempt (for logs) */
  onAttempt?: (url: string, attempt: number, result: ProbeResult) => void;
}

const COMPONENT_FAIL = new Set(['fail', 'unhealthy', 'down', 'error']);
const COMPONENT_WARN = new Set(['warn', 'degraded']);

function normalizeStatus(value: unknown): HealthStatus | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.toLowerCase();
  if (v === 'healthy' || v === 'pass' || v === 'ok' || v === 'up') return 'healthy';
  if (v === 'degraded' || v === 'warn') return 'degraded';
  if (v === 'unhealthy' || v === 'fail' || v === 'down' || v === 'error') return 'unhealthy';
  return undefined;
}

/** Judges one HTTP answer (pure: unit tested). */
export function interpretHealthResponse(httpStatus: number, body: string): ProbeResult {
  const ok = httpStatus >= 200 && httpStatus < 300;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  if (typeof json !== 'object' || json === null || !('status' in json)) {
    return {
      status: ok ? 'healthy' : 'unhealthy',
      httpStatus,
      checks: {},
      error: ok ? undefined : `HTTP ${httpStatus}`
    };
  }
  const doc = json as { status?: unknown; version?: unknown; checks?: unknown };
  const checks: Record<string, ComponentCheck> = {};
  if (typeof doc.checks === 'object' && doc.checks !== null) {
    for (const [name, raw] of Object.entries(doc.checks as Record<string, unknown>)) {
      const c = (typeof raw === 'object' && raw !== null ? raw : { status: raw }) as {
        status?: unknown;
        output?: unknown;
      };
      checks[name] = {
        status: String(c.status ?? 'unknown'),
        ...(typeof c.output === 'string' ? { output: c.output } : {})
      };
    }
  }
  let status = normalizeStatus(doc.status) ?? (ok ? 'healthy' : 'unhealthy');
  // A failing component or a non-2xx answer can only make the verdict worse, never better.
  const componentStates = Object.values(checks).map((c) => c.status.toLowerCase());
  if (componentStates.some((s) => COMPONENT_FAIL.has(s))) status = 'unhealthy';
  else if (status === 'healthy' && componentStates.some((s) => COMPONENT_WARN.has(s))) status = 'degraded';
  if (!ok) status = 'unhealthy';
  return {
    status,
    httpStatus,
    version: typeof doc.version === 'string' ? doc.version : undefined,
    checks,
    error: status === 'unhealthy' ? `reported ${String(doc.status)} (HTTP ${httpStatus})` : undefined
  };
}

export async function probe(url: string, requestTimeoutMs: number): Promise<ProbeResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), requestTimeoutMs);
  try {
    const res = await fetch(url, {
      signal: controller.signal,
      headers: { accept: 'application/json', connection: 'close' }
    });
    const body = await res.text();
    return interpretHealthResponse(res.status, body);
  } catch (error) {
    const err = error as Error & { cause?: { code?: string; message?: string } };
    const reason =
      err.name === 'AbortError'
        ? `no answer within ${requestTimeoutMs} ms`
        : (err.cause?.code ?? err.cause?.message ?? err.message);
    return { status: 'unhealthy', checks: {}, error: reason };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One reading of a URL for a report (not a health verdict): up to `tries` probes, 1 s apart, until one gets an
 * HTTP answer — a single slow answer on a busy host must not be reported as "nothing answers".
 */
export async function probeAnswer(url: string, requestTimeoutMs: number, tries = 3): Promise<ProbeResult> {
  let answer = await probe(url, requestTimeoutMs);
  for (let i = 1; i < tries && answer.httpStatus === undefined; i++) {
    await sleep(1000);
    answer = await probe(url, requestTimeoutMs);
  }
  return answer;
}

const SEMVER_LIKE = /^v?\d+\.\d+\.\d+(?:[-+][\w.+-]*)?$/;

/** Applies HealthOptions.expectVersion to one answer (pure). */
export function versionCheck(result: ProbeResult, expect: string | undefined): ProbeResult {
  if (!expect || !result.version || !SEMVER_LIKE.test(expect) || !SEMVER_LIKE.test(result.version))
    return result;
  if (result.version.replace(/^v/, '') === expect.replace(/^v/, '')) return result;
  return {
    ...result,
    status: 'unhealthy',
    error: `answers with version ${result.version}, expected ${expect}`
  };
}

export function passes(status: HealthStatus, policy: DegradedPolicy): boolean {
  return status === 'healthy' || (status === 'degraded' && policy === 'accept');
}

/** The failure reason seen most often over the attempts, with its count (pure). */
export function dominantError(
  r: Pick<UrlHealth, 'errorCounts' | 'error'>
): { error: string; count: number } | undefined {
  let best: { error: string; count: number } | undefined;
  for (const [error, count] of Object.entries(r.errorCounts ?? {})) {
    if (!best || count > best.count) best = { error, count };
  }
  return best ?? (r.error ? { error: r.error, count: 1 } : undefined);
}

/** "… after 7 attempt(s): mostly HTTP 503 (5 of 7); last: no answer within 5000 ms" (pure). */
export function describeFailure(r: UrlHealth): string {
  const dominant = dominantError(r);
  const last = r.error ?? 'no detail';
  if (!dominant || dominant.error === last)
    return `${r.url} ${r.status} after ${r.attempts} attempt(s): ${last}`;
  return (
    `${r.url} ${r.status} after ${r.attempts} attempt(s): mostly ${dominant.error} ` +
    `(${dominant.count} of ${r.attempts}); last: ${last}`
  );
}

/**
 * Polls one URL until it passes, a `degraded` answer fails under policy `fail`, attempts run out, or timeout.
 * Every attempt gets the full `requestTimeoutMs` (a request is never cut short because the budget is nearly
 * spent: under load a healthy service may need all of it); no attempt starts after the deadline, so the verdict
 * comes at most `requestTimeoutMs` after `graceMs + timeoutMs`.
 */
export async function waitHealthy(url: string, options: HealthOptions): Promise<UrlHealth> {
  const started = Date.now();
  const graceMs = Math.max(0, options.graceMs ?? 0);
  const deadline = started + graceMs + options.timeoutMs;
  let attempt = 0;
  let counted = 0;
  let unhealthyStreak = 0;
  const errorCounts: Record<string, number> = {};
  let last: ProbeResult = { status: 'unhealthy', checks: {}, error: 'not checked' };
  for (;;) {
    attempt++;
    const answer = await probe(url, options.requestTimeoutMs);
    last = versionCheck(answer, options.expectVersion);
    options.onAttempt?.(url, attempt, last);
    const passed = passes(last.status, options.degraded);
    const inGrace = Date.now() - started < graceMs;
    if (!passed && last.error) errorCounts[last.error] = (errorCounts[last.error] ?? 0) + 1;
    if (!inGrace) counted++;
    // only the service saying so counts (not a refused connection, nor another version still answering)
    unhealthyStreak =
      !inGrace && answer.status === 'unhealthy' && answer.httpStatus !== undefined ? unhealthyStreak + 1 : 0;
    const final =
      passed ||
      (options.unhealthyThreshold !== undefined &&
        options.unhealthyThreshold > 0 &&
        unhealthyStreak >= options.unhealthyThreshold) ||
      (!inGrace && last.status === 'degraded' && options.degraded === 'fail') ||
      (options.retries > 0 && counted >= options.retries) ||
      Date.now() + options.intervalMs > deadline;
    if (final) {
      const error =
        !passed && last.status === 'degraded'
          ? 'reported degraded (degraded policy: fail or wait)'
          : last.error;
      return {
        ...last,
        error: passed ? undefined : error,
        url,
        attempts: attempt,
        elapsedMs: Date.now() - started,
        passed,
        errorCounts
      };
    }
    await sleep(options.intervalMs);
  }
}

/** Checks every URL in parallel; the overall status is the worst one. */
export async function checkAll(
  urls: string[],
  options: HealthOptions
): Promise<{ status: HealthStatus; passed: boolean; results: UrlHealth[] }> {
  const results = await Promise.all(urls.map((url) => waitHealthy(url, options)));
  const order: HealthStatus[] = ['healthy', 'degraded', 'unhealthy'];
  const status = results.reduce<HealthStatus>(
    (worst, r) => (order.indexOf(r.status) > order.indexOf(worst) ? r.status : worst),
    'healthy'
  );
  return { status, passed: results.every((r) => r.passed), results };
}

/** Rows for a summary table: one per URL and component. */
export function healthRows(results: UrlHealth[]): string[][] {
  const rows: string[][] = [];
  for (const r of results) {
    rows.push([
      r.url,
      '(overall)',
      r.status,
      r.httpStatus === undefined ? '–' : String(r.httpStatus),
      String(r.attempts),
      r.error ?? ''
    ]);
    for (const [name, c] of Object.entries(r.checks)) {
      rows.push([r.url, name, c.status, '', '', c.output ?? '']);
    }
  }
  return rows;
}

export const HEALTH_TABLE_HEADER = ['URL', 'component', 'status', 'HTTP', 'attempts', 'detail'];
