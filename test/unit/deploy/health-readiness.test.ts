/**
 * Health polling rules the deploy relies on (actions/lib/health.ts) against a real local server: failures during
 * readiness (a HEALTHCHECK start period / warm-up) do not count, every attempt gets the full request timeout,
 * and a failure is reported by its dominant error across attempts, not only the last one.
 */
import http from 'node:http';
import type net from 'node:net';
import {
  describeFailure,
  dominantError,
  waitHealthy,
  type HealthOptions
} from '../../../actions/lib/health.js';

let server: http.Server;
let base: string;
let started = Date.now();
const sockets: net.Socket[] = [];
let slowCalls = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const json = (code: number, body: object) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    // a service that answers 503 for its first 600 ms (a warm-up), then healthy
    if (req.url === '/warming')
      return Date.now() - started < 600
        ? json(503, { status: 'unhealthy' })
        : json(200, { status: 'healthy' });
    // 503 mostly, and the last answers hang (the old "last error only" report showed the hang, not the cause)
    if (req.url === '/mostly-503') {
      slowCalls++;
      if (slowCalls > 4) {
        sockets.push(req.socket);
        return;
      }
      return json(503, { status: 'unhealthy' });
    }
    if (req.url === '/slow') {
      setTimeout(() => json(200, { status: 'healthy' }), 300);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const options: HealthOptions = {
  timeoutMs: 200,
  intervalMs: 50,
  retries: 0,
  unhealthyThreshold: 2,
  requestTimeoutMs: 1000,
  degraded: 'accept'
};

it('failures during readiness do not count: a warm-up that ends in time passes', async () => {
  started = Date.now();
  const without = await waitHealthy(`${base}/warming`, options);
  expect(without.passed).toBe(false); // the unhealthy threshold (2) ends it during the warm-up
  started = Date.now();
  const withGrace = await waitHealthy(`${base}/warming`, { ...options, graceMs: 2000 });
  expect(withGrace).toMatchObject({ passed: true, status: 'healthy' });
  expect(withGrace.attempts).toBeGreaterThan(2);
});

it('every attempt gets the full request timeout, even at the end of the budget', async () => {
  // budget 100 ms, the answer takes 300 ms: the request is not cut to what is left of the budget
  const r = await waitHealthy(`${base}/slow`, { ...options, timeoutMs: 100, requestTimeoutMs: 2000 });
  expect(r).toMatchObject({ passed: true, attempts: 1 });
});

it('reports the dominant error across attempts', async () => {
  slowCalls = 0;
  const r = await waitHealthy(`${base}/mostly-503`, {
    ...options,
    unhealthyThreshold: 0,
    retries: 6,
    requestTimeoutMs: 150,
    intervalMs: 10,
    timeoutMs: 10_000
  });
  expect(r.passed).toBe(false);
  expect(r.error).toBe('no answer within 150 ms');
  expect(dominantError(r)).toEqual({ error: 'reported unhealthy (HTTP 503)', count: 4 });
  expect(describeFailure(r)).toBe(
    `${base}/mostly-503 unhealthy after 6 attempt(s): mostly reported unhealthy (HTTP 503) (4 of 6); last: no answer within 150 ms`
  );
});
