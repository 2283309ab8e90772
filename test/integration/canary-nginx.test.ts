/**
 * The canary loop against the host's real nginx: two node backends ("stable" 1.0.0 on the blue port, "canary" 1.1.0
 * on the green port) behind /usr/sbin/nginx, whose upstream file, `nginx -t`, `nginx -s reload` and JSON access log
 * are driven by actions/deploy/canary.ts through the HostNginx CanaryTarget; load comes from test/support/load-loop.ts.
 */
import http from 'node:http';
import type net from 'node:net';
import {
  runCanary,
  type CanaryPlan,
  type CanaryResult,
  type CanaryTarget,
  type Stats
} from '../../actions/deploy/canary.js';
import { startLoadLoop, type LoadLoop, type LoadStats } from '../support/load-loop.js';
import { HostNginx } from '../support/host-nginx.js';

const STABLE = '1.0.0';
const CANARY = '1.1.0';

/** The canary answers 500 on the paths in this set (the "broken" release), 200 elsewhere. */
const canaryFailsOn = new Set<string>();

function backend(version: string, failsOn: Set<string> | undefined): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const failing = failsOn?.has(req.url ?? '') ?? false;
    res.writeHead(failing ? 500 : 200, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify(failing ? { version, error: 'boom' } : { version, path: req.url }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
const portOf = (server: http.Server): number => (server.address() as net.AddressInfo).port;

/**
 * Test timing. The product default pause is 300 s per step, sized for a service's own traffic to bring
 * `minRequests` canary requests at 10 %. Here the test brings its own load (2 loops × 2 connections, 20 ms pause
 * between requests), so a short pause still observes real traffic: measured through nginx on this 2-core machine,
 * ~140 requests/s in total with the machine otherwise quiet-ish (the 10 % step saw 115 canary requests in 8 s) and
 * ~23 requests/s with three extra busy loops at load average 22 (18 canary requests at 10 % in 8 s). When a step sees
 * fewer than MIN_REQUESTS canary requests, the gate decides at the end of the pause on what was seen (the product's
 * rule, said in the step's reason); no assertion below depends on reaching MIN_REQUESTS.
 */
const PAUSE_SECONDS = 8;
const MIN_REQUESTS = 20;
const LOOPS = 2;
const CONCURRENCY = 2;
const plan: CanaryPlan = {
  steps: [10, 50, 100],
  pauseSeconds: PAUSE_SECONDS,
  maxErrorRate: 0.01,
  minRequests: MIN_REQUESTS,
  pollSeconds: 1
};

/**
 * Tolerance of the canary's share, in requests, for a step that saw N requests at p %: with one nginx worker the
 * smooth weighted round robin is deterministic and gives the canary N·p/100 within < 1 for any run of consecutive
 * picks (checked in test/unit/deploy/canary.test.ts against nginx's algorithm). A step's window (from the reload
 * having taken effect to the next setWeight) can additionally gain or lose the requests in flight at either end: at
 * most one per connection of the load loops. So |canary − N·p/100| ≤ 1 + 2 × LOOPS × CONCURRENCY = 9, whatever
 * the machine's speed — tighter than a binomial 4σ (4·√(N·p·(1−p)) = 17 at N = 200, p = 0.5) would be, and
 * justified because nginx does not pick at random.
 */
const TOLERANCE = 1 + 2 * LOOPS * CONCURRENCY;

let stableServer: http.Server;
let canaryServer: http.Server;
let nginx: HostNginx;

beforeAll(async () => {
  stableServer = await backend(STABLE, undefined);
  canaryServer = await backend(CANARY, canaryFailsOn);
});

afterAll(async () => {
  await Promise.all([stableServer, canaryServer].map((s) => new Promise((resolve) => s?.close(resolve))));
});

beforeEach(async () => {
  canaryFailsOn.clear();
  nginx = new HostNginx({
    environment: 'canarytest',
    service: 'api',
    ports: { blue: portOf(stableServer), green: portOf(canaryServer) },
    stable: { color: 'blue', version: STABLE },
    canary: { color: 'green', version: CANARY },
    canaryHealthUrl: `http://127.0.0.1:${portOf(canaryServer)}/health`
  });
  await nginx.start();
});

afterEach(async () => {
  await nginx.stop();
  nginx.remove();
});

interface ClientWindow {
  percent: number;
  versions: Record<string, number>;
  failed: number;
}

/**
 * Wraps the target to take the load loops' client-side counts per step: a step's window runs from its setWeight
 * having resolved (nginx serves the new weights, old workers gone) to the next setWeight call.
 */
function withClientWindows(
  target: CanaryTarget,
  loads: LoadLoop[]
): { target: CanaryTarget; windows: ClientWindow[]; close(): void } {
  const windows: ClientWindow[] = [];
  // stats() copies shallowly: `versions` would be the live object
  const snapshot = (): LoadStats[] => loads.map((l) => structuredClone(l.stats()));
  let open: { percent: number; at: LoadStats[] } | undefined;
  const close = (): void => {
    if (!open) return;
    const now = snapshot();
    const versions: Record<string, number> = {};
    let failed = 0;
    now.forEach((s, i) => {
      const before = open!.at[i]!;
      for (const [v, n] of Object.entries(s.versions))
        versions[v] = (versions[v] ?? 0) + n - (before.versions[v] ?? 0);
      failed += s.failed - before.failed;
    });
    windows.push({ percent: open.percent, versions, failed });
    open = undefined;
  };
  return {
    windows,
    close,
    target: {
      setWeight: async (percent) => {
        close();
        await target.setWeight(percent);
        open = { percent, at: snapshot() };
      },
      readStats: (since) => target.readStats(since),
      health: () => target.health()
    }
  };
}

function startLoads(): LoadLoop[] {
  // "/" and "/orders": the broken canary fails only on the second; one request per connection (load-loop.ts)
  return ['/', '/orders'].map((p) =>
    startLoadLoop(`${nginx.url}${p}`, { concurrency: CONCURRENCY, pauseMs: 20, requestTimeoutMs: 10_000 })
  );
}

function describeSteps(result: CanaryResult): string {
  return result.steps
    .map(
      (s) =>
        `${s.percent} %: canary ${s.canary.requests} (${s.canary.errors5xx} 5xx), stable ${s.stable.requests}, ` +
        `${((s.endedMs - s.startedMs) / 1000).toFixed(1)} s — ${s.verdict}: ${s.reason}`
    )
    .join('\n');
}

it('a healthy canary goes 10 → 50 → 100 %, each step splits as weighted, and no request fails', async () => {
  const loads = startLoads();
  const wrapped = withClientWindows(nginx, loads);
  let result: CanaryResult;
  try {
    result = await runCanary(wrapped.target, plan);
    wrapped.close();
  } finally {
    await Promise.all(loads.map((l) => l.stop()));
  }
  const totals = await Promise.all(loads.map((l) => l.stop()));
  console.log(`healthy canary through nginx:\n${describeSteps(result)}\nclient: ${JSON.stringify(totals)}`);

  expect(result.outcome).toBe('promoted');
  expect(result.stepsReached).toEqual([10, 50, 100]);
  expect(result.finalPercent).toBe(100);
  expect(result.canary5xx).toBe(0);
  // 0 failed requests over the whole canary, reloads included
  expect(totals.map((t) => t.failed)).toEqual([0, 0]);
  expect(totals.every((t) => t.ok > 0)).toBe(true);

  // the proxy's own log: each step's canary share matches its weight within the tolerance
  for (const step of result.steps) {
    const n = step.canary.requests + step.stable.requests;
    expect(n).toBeGreaterThan(0);
    expect(Math.abs(step.canary.requests - (n * step.percent) / 100)).toBeLessThanOrEqual(TOLERANCE);
  }
  // and the clients' view of the same steps (answers by body version)
  expect(wrapped.windows.map((w) => w.percent)).toEqual([10, 50, 100]);
  for (const w of wrapped.windows) {
    const canary = w.versions[CANARY] ?? 0;
    const n = canary + (w.versions[STABLE] ?? 0);
    expect(w.failed).toBe(0);
    expect(n).toBeGreaterThan(0);
    expect(Math.abs(canary - (n * w.percent) / 100)).toBeLessThanOrEqual(TOLERANCE);
  }
  // at 100 % the stable color gets nothing once the reload took effect
  expect(result.steps[2]!.stable.requests).toBe(0);
});

it('a canary answering 500 on /orders is rolled back at 10 %, its 5xx counted and reported, then all goes to stable', async () => {
  canaryFailsOn.add('/orders');
  const loads = startLoads();
  const wrapped = withClientWindows(nginx, loads);
  let result: CanaryResult;
  let afterRollback: ClientWindow;
  try {
    result = await runCanary(wrapped.target, plan);
    // runCanary has already set weight 0; watch the traffic after the rollback for a while
    const at = loads.map((l) => structuredClone(l.stats()));
    const start = Date.now();
    while (Date.now() - start < 3000 || loads.reduce((n, l, i) => n + l.stats().sent - at[i]!.sent, 0) < 50) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const now = loads.map((l) => l.stats());
    afterRollback = { percent: 0, failed: 0, versions: {} };
    now.forEach((s, i) => {
      afterRollback.failed += s.failed - at[i]!.failed;
      for (const [v, n] of Object.entries(s.versions))
        afterRollback.versions[v] = (afterRollback.versions[v] ?? 0) + n - (at[i]!.versions[v] ?? 0);
    });
  } finally {
    await Promise.all(loads.map((l) => l.stop()));
  }
  const totals = await Promise.all(loads.map((l) => l.stop()));
  console.log(`broken canary through nginx:\n${describeSteps(result)}\nclient: ${JSON.stringify(totals)}`);

  expect(result.outcome).toBe('rolled-back');
  expect(result.stepsReached).toEqual([10]);
  expect(result.finalPercent).toBe(0);
  const step = result.steps[0]!;
  expect(step.verdict).toBe('rollback');
  expect(step.canary.errors5xx).toBeGreaterThan(0);
  expect(step.canary.errorsByUri).toEqual({ '/orders': step.canary.errors5xx });
  // the whole run's count also has the 5xx answered while the 10 % reload was taking effect (before the step's window)
  expect(result.canary5xx).toBeGreaterThanOrEqual(step.canary.errors5xx);
  // the reason names the numbers the gate saw
  expect(result.reason).toMatch(/^at 10 %: \d+ of \d+ canary requests answered 5xx \([\d.]+ %, limit 1 %\)/);
  // every failed client request is a 500 the canary answered, and the report counts each of them: nginx does not
  // retry a 500 by default (proxy_next_upstream error timeout), and the report is read after the old workers exited
  expect(totals[0]!.failed).toBe(0);
  expect(totals[1]!.failures.every((f) => f.startsWith('HTTP 500'))).toBe(true);
  expect(totals[1]!.failed).toBe(result.canary5xx);
  // after the rollback: 100 % stable, no failures
  expect(afterRollback.failed).toBe(0);
  expect(afterRollback.versions[CANARY] ?? 0).toBe(0);
  expect(afterRollback.versions[STABLE]).toBeGreaterThanOrEqual(50);
  const stats = await nginx.readStats(step.endedMs);
  expect(stats.canary.requests).toBe(0);
});

it('a weight nginx -t refuses rolls back to 0 % on the old config, with no failed request', async () => {
  nginx.refuseAt.add(50);
  const loads = startLoads();
  let result: CanaryResult;
  let after: Stats;
  try {
    result = await runCanary(nginx, plan);
    // keep the load on for a while: nginx serves the 0 % file, nothing reaches the canary any more
    const since = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    after = await nginx.readStats(since);
  } finally {
    await Promise.all(loads.map((l) => l.stop()));
  }
  const totals = await Promise.all(loads.map((l) => l.stop()));
  console.log(`refused config:\n${describeSteps(result)}`);
  expect(result.outcome).toBe('rolled-back');
  expect(result.stepsReached).toEqual([10]);
  expect(result.reason).toMatch(
    /^at 50 %: setting the weight failed: nginx -t refused the 50 % upstreams: .*unknown directive "slipway_not_a_directive"/s
  );
  expect(result.canary5xx).toBe(0);
  expect(totals.map((t) => t.failed)).toEqual([0, 0]);
  expect(after.canary.requests).toBe(0);
  expect(after.stable.requests).toBeGreaterThan(0);
});
