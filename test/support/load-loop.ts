/**
 * A bounded load loop for deploy tests and benches: a few concurrent GET loops against a loopback URL, each
 * request on its own connection (so a proxy reload can't fail a reused keep-alive socket and hide or fake a drop),
 * capped in request count and duration. Reports every failed request (network error, timeout or non-2xx).
 */
import http from 'node:http';
import { sleep } from '../../actions/lib/backoff.js';

export interface LoadLoopOptions {
  /** parallel request loops (default 2) */
  concurrency?: number;
  /** stop after this many requests in total (default 20,000) */
  maxRequests?: number;
  /** stop after this long, ms (default 180,000) */
  maxDurationMs?: number;
  /**
   * per-request timeout, ms (default 30,000). Long on purpose: the example services fork a shell per request,
   * and a client that gives up early does not stop that work — on a busy machine a short timeout made the loop
   * pile up hundreds of processes in the containers and become the overload it was meant to observe.
   */
  requestTimeoutMs?: number;
  /** pause between requests of one loop, ms (default 50: a steady ~20-40 requests/s, not a stress test) */
  pauseMs?: number;
}

export interface LoadStats {
  sent: number;
  ok: number;
  failed: number;
  /** the first failures, e.g. "503" or "ECONNRESET", with the ms since the start */
  failures: string[];
  /** answers per body "version" field when the body is JSON with one (to see the switch) */
  versions: Record<string, number>;
  durationMs: number;
}

export interface LoadLoop {
  /** resolves when every loop finished its current request */
  stop(): Promise<LoadStats>;
  stats(): LoadStats;
}

function get(url: URL, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'GET', agent: false, headers: { connection: 'close' }, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      }
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

export function startLoadLoop(target: string, options: LoadLoopOptions = {}): LoadLoop {
  const url = new URL(target);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new Error(`load loop: loopback URLs only, got ${url.hostname}`);
  }
  const concurrency = options.concurrency ?? 2;
  const maxRequests = options.maxRequests ?? 20_000;
  const maxDurationMs = options.maxDurationMs ?? 180_000;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const pauseMs = options.pauseMs ?? 50;
  const started = Date.now();
  const stats: LoadStats = { sent: 0, ok: 0, failed: 0, failures: [], versions: {}, durationMs: 0 };
  let stopped = false;
  const fail = (what: string): void => {
    stats.failed++;
    if (stats.failures.length < 20) stats.failures.push(`${what} at ${Date.now() - started} ms`);
  };
  const loop = async (): Promise<void> => {
    while (!stopped && stats.sent < maxRequests && Date.now() - started < maxDurationMs) {
      stats.sent++;
      try {
        const res = await get(url, timeoutMs);
        if (res.status >= 200 && res.status < 300) {
          stats.ok++;
          try {
            const version = (JSON.parse(res.body) as { version?: unknown }).version;
            if (typeof version === 'string') stats.versions[version] = (stats.versions[version] ?? 0) + 1;
          } catch {
            /* not JSON */
          }
        } else fail(`HTTP ${res.status}`);
      } catch (error) {
        fail((error as { code?: string }).code ?? (error as Error).message);
      }
      if (pauseMs > 0) await sleep(pauseMs);
    }
  };
  const loops = Array.from({ length: concurrency }, () => loop());
  const snapshot = (): LoadStats => ({ ...stats, durationMs: Date.now() - started });
  return {
    stats: snapshot,
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return snapshot();
    }
  };
}
