/**
 * Canary releases (seed 002 REQ-P3-009, issue 13): the new color takes a growing share of traffic in steps
 * (10 → 50 → 100 % by default), each step gated by the canary's health checks and by the 5xx share the proxy
 * observed for it; a failed gate sends all traffic back to the stable color first, then reports.
 *
 * Everything here is pure or talks to the proxy only through the small {@link CanaryTarget} interface, so the
 * deploy flow can drive it against the proxy container on the target host, and tests against a local nginx.
 *
 * Implementing CanaryTarget over the proxy container (`proxy`, on the environment's DOCKER_HOST):
 * - `setWeight(percent)`: render {@link renderWeightedUpstreams} (stable + canary colors, `percent`), write it to
 *   a temp file, `docker cp <tmp> proxy:<upstream file>`, `docker exec proxy nginx -t` (on failure: copy the
 *   previous file back and throw with nginx's stderr — nginx keeps serving its old config), then
 *   `docker exec proxy nginx -s reload`. The reload is asynchronous (the master starts new workers and lets the
 *   old ones finish); resolve only once the new config serves, e.g. poll a location that returns the config's
 *   generation, so that the step's observation window starts on the new weights.
 * - `readStats(sinceMs)`: the proxy logs with {@link ACCESS_LOG_FORMAT} (`access_log /dev/stdout slipway_canary;`
 *   in the container, or a file); read `docker logs --since <sinceMs as RFC 3339> proxy` (or `docker exec proxy cat
 *   <file>`) and count with {@link countAccessLog} and the two colors' addresses ({@link upstreamAddresses}).
 *   `--since` is a coarse pre-filter (whole seconds of the log *driver*); `countAccessLog` filters on `$msec`.
 * - `health()`: the same health checks the blue-green deploy runs against the canary color's ports.
 * Then `runCanary(target, canaryPlan(config.strategy), realClock)`; on `rolled-back`, stop the canary color and
 * record the deployment as failed with `result.reason`; on `promoted`, the canary color is the active color.
 */
import type { EnvironmentConfig, ServiceConfig } from './config.js';
import { sleep } from '../lib/backoff.js';
import { ConfigurationError } from '../lib/errors.js';

export type Color = 'blue' | 'green';

// ---------------------------------------------------------------------------------------------------------------
// Configuration: `strategy` in the environment file (a sibling of `target`; per environment, like the target)
// ---------------------------------------------------------------------------------------------------------------

export interface BlueGreenStrategy {
  type: 'blue-green';
}

export interface CanaryStrategy {
  type: 'canary';
  /** traffic shares of the canary, percent, strictly increasing, ending at 100 (default [10, 50, 100]) */
  steps?: number[];
  /** seconds each step is observed before it may be promoted (default 300) */
  pauseSeconds?: number;
  /** highest tolerated share of the canary's requests answered 5xx, 0..1 (default 0.01) */
  maxErrorRate?: number;
  /** canary requests a step needs before its error rate alone decides (default 100) */
  minRequests?: number;
}

export type DeployStrategy = BlueGreenStrategy | CanaryStrategy;

/** A canary strategy with every default applied: what {@link runCanary} executes. */
export interface CanaryPlan {
  steps: number[];
  pauseSeconds: number;
  maxErrorRate: number;
  minRequests: number;
  /** seconds between two looks at health and stats inside a step (default: min(10, pauseSeconds)) */
  pollSeconds: number;
}

/**
 * Product defaults. A 5-minute pause per step lets a real service's traffic reach `minRequests` canary requests at
 * 10 % (100 requests at 10 % need ~3.3 requests/s through the proxy); tests that bring their own load may pass a
 * shorter pause, and must say why.
 */
export const CANARY_DEFAULTS = {
  steps: [10, 50, 100],
  pauseSeconds: 300,
  maxErrorRate: 0.01,
  minRequests: 100
} as const;

/**
 * JSON schema of `strategy` (merged into ENVIRONMENT_SCHEMA by config.ts). No `oneOf` on purpose: the shape is one
 * object whose canary fields are rejected for blue-green by {@link strategyErrors}, so errors name the field.
 */
export const STRATEGY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  description: 'how a new version takes traffic: blue-green (default, one switch) or canary (weighted steps)',
  properties: {
    type: { enum: ['blue-green', 'canary'] },
    steps: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      items: { type: 'integer', minimum: 1, maximum: 100 },
      description:
        'canary traffic shares in percent, strictly increasing, ending at 100; default [10, 50, 100]'
    },
    pauseSeconds: {
      type: 'number',
      minimum: 0,
      maximum: 86400,
      description: 'observation per step; default 300'
    },
    maxErrorRate: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      description: "5xx share of the canary's requests"
    },
    minRequests: {
      type: 'integer',
      minimum: 0,
      description: 'canary requests per step before the rate decides'
    }
  }
} as const;

/** Semantic checks JSON schema cannot express; `path message` lines like validateEnvironmentConfig's. */
export function strategyErrors(strategy: DeployStrategy | undefined, targetType: string): string[] {
  if (!strategy) return [];
  const errors: string[] = [];
  if (strategy.type === 'blue-green') {
    for (const key of ['steps', 'pauseSeconds', 'maxErrorRate', 'minRequests']) {
      if (key in strategy) errors.push(`/strategy/${key} is only allowed with "type": "canary"`);
    }
    return errors;
  }
  if (targetType !== 'compose') {
    errors.push(
      `/strategy/type "canary" needs a target the proxy splits traffic for ("target.type": "compose"), got "${targetType}"`
    );
  }
  const steps = strategy.steps;
  if (steps) {
    steps.forEach((step, i) => {
      if (i > 0 && step <= (steps[i - 1] as number)) {
        errors.push(
          `/strategy/steps/${i} must be greater than the step before (${steps[i - 1]}), got ${step}`
        );
      }
    });
    if (steps.at(-1) !== 100) {
      errors.push(
        `/strategy/steps must end at 100 (all traffic on the new version), got [${steps.join(', ')}]`
      );
    }
  }
  return errors;
}

/**
 * The canary plan of an environment, or undefined for blue-green (the default when `strategy` is absent).
 * Throws a ConfigurationError naming the field when the strategy is invalid (also when not loaded via the schema).
 */
export function canaryPlan(
  config: Pick<EnvironmentConfig, 'target'> & { strategy?: DeployStrategy }
): CanaryPlan | undefined {
  const strategy = config.strategy;
  if (!strategy || strategy.type === 'blue-green') {
    const errors = strategyErrors(strategy, config.target.type);
    if (errors.length) throw new ConfigurationError(`Invalid deploy strategy:\n  - ${errors.join('\n  - ')}`);
    return undefined;
  }
  const errors = strategyErrors(strategy, config.target.type);
  const plan = {
    steps: [...(strategy.steps ?? CANARY_DEFAULTS.steps)],
    pauseSeconds: strategy.pauseSeconds ?? CANARY_DEFAULTS.pauseSeconds,
    maxErrorRate: strategy.maxErrorRate ?? CANARY_DEFAULTS.maxErrorRate,
    minRequests: strategy.minRequests ?? CANARY_DEFAULTS.minRequests
  };
  errors.push(...planErrors(plan));
  if (errors.length) {
    throw new ConfigurationError(
      `Invalid canary strategy:\n  - ${[...new Set(errors)].join('\n  - ')}\nFix the "strategy" of the environment file (see docs/canary.md).`
    );
  }
  return { ...plan, pollSeconds: Math.min(10, plan.pauseSeconds) };
}

/** Range checks of a plan built in code (tests, benches) rather than from a schema-validated file. */
export function planErrors(plan: Omit<CanaryPlan, 'pollSeconds'> & { pollSeconds?: number }): string[] {
  const errors: string[] = [];
  if (plan.steps.length === 0) errors.push('/strategy/steps must not be empty');
  plan.steps.forEach((step, i) => {
    if (!Number.isInteger(step) || step < 1 || step > 100) {
      errors.push(`/strategy/steps/${i} must be an integer percent 1..100, got ${step}`);
    }
  });
  errors.push(...strategyErrors({ type: 'canary', steps: plan.steps }, 'compose'));
  if (!(plan.pauseSeconds >= 0)) errors.push(`/strategy/pauseSeconds must be >= 0, got ${plan.pauseSeconds}`);
  if (!(plan.maxErrorRate >= 0 && plan.maxErrorRate <= 1)) {
    errors.push(`/strategy/maxErrorRate must be a share 0..1 (0.01 = 1 %), got ${plan.maxErrorRate}`);
  }
  if (!(Number.isInteger(plan.minRequests) && plan.minRequests >= 0)) {
    errors.push(`/strategy/minRequests must be an integer >= 0, got ${plan.minRequests}`);
  }
  if (plan.pollSeconds !== undefined && !(plan.pollSeconds > 0)) {
    errors.push(`pollSeconds must be > 0, got ${plan.pollSeconds}`);
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------------------------
// nginx upstreams with weights
// ---------------------------------------------------------------------------------------------------------------

/** Same naming as the blue-green upstream file (compose.ts `upstreamName`), so the server blocks stay unchanged. */
export function canaryUpstreamName(environment: string, service: string): string {
  return `slipway_${environment}_${service}`.replace(/[^A-Za-z0-9_]/g, '_');
}

export interface SplitSide {
  color: Color;
  /** written into the header comment only */
  version?: string;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** nginx weights of the stable and canary servers for a canary share (0 = absent). */
export function splitWeights(percent: number): { stable: number; canary: number } {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new RangeError(`canary weight must be an integer percent 0..100, got ${percent}`);
  }
  const g = gcd(percent, 100 - percent);
  return { stable: (100 - percent) / g, canary: percent / g };
}

/**
 * The upstream include file of a canary step: per service, the stable and the canary color's server with
 * `weight=` proportional to the split.
 *
 * nginx semantics (https://nginx.org/en/docs/http/ngx_http_upstream_module.html#server, "weight=number sets the
 * weight of the server, by default, 1"; "By default, requests are distributed between the servers using a weighted
 * round-robin balancing method"; the admin guide's example: https://docs.nginx.com/nginx/admin-guide/load-balancer/
 * http-load-balancer/). Since nginx 1.3.1 the round robin is *smooth* (nginx commit 27e94984486058d73157038f7950a0a36ecc6e35,
 * "Upstream: smooth weighted round-robin balancing"): each pick adds every server's weight to its current weight,
 * takes the highest and subtracts the total from it. With two servers, any run of N consecutive picks of one worker
 * gives the canary N·w/W ± < 1 (unit-tested in canary.test.ts), so the weights are reduced by their gcd (10 % → 9:1,
 * 50 % → 1:1) to keep the cycle short. State is per worker process and starts afresh on every reload.
 * 0 % leaves the canary out (not `down`: `down` is meant for hash balancing, and an absent server cannot be picked
 * by anything); 100 % leaves the stable out.
 */
export function renderWeightedUpstreams(
  environment: string,
  services: Record<string, Pick<ServiceConfig, 'ports'>>,
  stable: SplitSide,
  canary: SplitSide,
  percent: number,
  host = '127.0.0.1'
): string {
  if (stable.color === canary.color) {
    throw new Error(`canary and stable must be different colors, both are ${stable.color}`);
  }
  const weights = splitWeights(percent);
  const lines = [
    '# Generated by Slipway deploy (canary) — do not edit; rewritten at every canary step.',
    `# slipway-canary: environment=${environment} stable=${stable.color}@${stable.version ?? '-'} ` +
      `canary=${canary.color}@${canary.version ?? '-'} percent=${percent}`
  ];
  for (const [service, cfg] of Object.entries(services)) {
    if (!cfg.ports)
      throw new ConfigurationError(`/services/${service} has no 'ports': a canary needs both colors' ports`);
    lines.push(`upstream ${canaryUpstreamName(environment, service)} {`);
    if (weights.stable > 0)
      lines.push(`  server ${host}:${cfg.ports[stable.color]} weight=${weights.stable};`);
    if (weights.canary > 0)
      lines.push(`  server ${host}:${cfg.ports[canary.color]} weight=${weights.canary};`);
    lines.push('}');
  }
  return `${lines.join('\n')}\n`;
}

/** Reads the split back from a rendered file (for a target that must resume or report the proxy's state). */
export function parseCanarySplit(
  text: string
): { stable: Color; canary: Color; percent: number } | undefined {
  const m =
    /^# slipway-canary: environment=\S+ stable=(blue|green)@\S+ canary=(blue|green)@\S+ percent=(\d+)$/m.exec(
      text
    );
  return m ? { stable: m[1] as Color, canary: m[2] as Color, percent: Number(m[3]) } : undefined;
}

/** `host:port` of each color's servers, as nginx writes them into `$upstream_addr`. */
export function upstreamAddresses(
  services: Record<string, Pick<ServiceConfig, 'ports'>>,
  color: Color,
  host = '127.0.0.1'
): string[] {
  return Object.values(services).flatMap((cfg) => (cfg.ports ? [`${host}:${cfg.ports[color]}`] : []));
}

// ---------------------------------------------------------------------------------------------------------------
// The proxy's JSON access log
// ---------------------------------------------------------------------------------------------------------------

export const ACCESS_LOG_FORMAT_NAME = 'slipway_canary';

/**
 * The `log_format` line the proxy must have (http context), one JSON object per line.
 * `escape=json` (nginx >= 1.11.8) escapes the variables' values for a JSON string:
 * https://nginx.org/en/docs/http/ngx_http_log_module.html#log_format. Every value is quoted, numbers too: a variable
 * without a value is written as an empty string, which unquoted would make the line invalid JSON
 * (https://qiita.com/progrhyme/items/c85d28eb18359f3f50d9); the parser turns `msec`/`status` back into numbers.
 * `$msec` is the "time in seconds with a milliseconds resolution at the time of the log write".
 * `$upstream_addr`/`$upstream_status` hold one entry per attempt: "If several servers were contacted during request
 * processing, their addresses are separated by commas", and by colons when an internal redirect (X-Accel-Redirect,
 * error_page) went to another group: https://nginx.org/en/docs/http/ngx_http_upstream_module.html#var_upstream_addr
 * (the colon case bit log exporters that split on commas only:
 * https://github.com/martin-helmich/prometheus-nginxlog-exporter/pull/267).
 */
export const ACCESS_LOG_FORMAT =
  `log_format ${ACCESS_LOG_FORMAT_NAME} escape=json ` +
  `'{"msec":"$msec","status":"$status","upstream_addr":"$upstream_addr",` +
  `"upstream_status":"$upstream_status","uri":"$request_uri"}';`;

export interface UpstreamAttempt {
  addr: string;
  /** the upstream's HTTP status; undefined when nginx recorded none ("-": e.g. the client left first) */
  status: number | undefined;
}

export interface AccessLogEntry {
  msec: number;
  /** what the client got */
  status: number;
  attempts: UpstreamAttempt[];
  uri: string;
}

/** One log line; undefined for a line that is not ours (nginx's startup messages on stdout, blank lines). */
export function parseAccessLogLine(line: string): AccessLogEntry | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  let raw: {
    msec?: unknown;
    status?: unknown;
    upstream_addr?: unknown;
    upstream_status?: unknown;
    uri?: unknown;
  };
  try {
    raw = JSON.parse(trimmed) as typeof raw;
  } catch {
    return undefined;
  }
  const msec = Number(raw.msec);
  const status = Number(raw.status);
  if (raw.msec === '' || raw.status === '' || !Number.isFinite(msec) || !Number.isInteger(status))
    return undefined;
  // ", " between attempts of one group, " : " between groups of an internal redirect (addresses contain ':' too)
  const split = (value: unknown): string[] =>
    typeof value === 'string' && value !== '' ? value.split(/, | : /).map((s) => s.trim()) : [];
  const addrs = split(raw.upstream_addr);
  const statuses = split(raw.upstream_status);
  const attempts = addrs.map((addr, i) => {
    const status = Number(statuses[i]);
    return { addr, status: Number.isInteger(status) ? status : undefined };
  });
  return { msec, status, attempts, uri: typeof raw.uri === 'string' ? raw.uri : '' };
}

export interface SideCounts {
  /** upstream attempts that reached this side's servers */
  requests: number;
  /** of those, answered 5xx by the upstream (a connection failure is logged as 502 for that attempt) */
  errors5xx: number;
  /** 5xx per request URI, for the report */
  errorsByUri: Record<string, number>;
}

export interface Stats {
  canary: SideCounts;
  stable: SideCounts;
  /** requests the client got a 5xx for, whoever caused it (e.g. nginx's own 502 with no live upstream) */
  client5xx: number;
  /** log entries counted (at or after sinceMs) */
  entries: number;
}

const emptySide = (): SideCounts => ({ requests: 0, errors5xx: 0, errorsByUri: {} });

/**
 * Counts the log entries written at or after `sinceMs` per side, **per attempt**: when nginx retried a request on
 * the next server (`proxy_next_upstream`, by default on `error timeout` only — a 5xx answer is retried only if
 * listed, e.g. `http_500`: https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_next_upstream), the
 * failed attempt counts as a request and a 5xx of the server that failed it, and the retry as a request of the
 * server that answered. So a canary failure hidden from the client by a retry on stable still counts against the
 * canary — it is an error the new version caused, and it cost the client latency.
 */
export function countAccessLog(
  text: string,
  sinceMs: number,
  addresses: { canary: readonly string[]; stable: readonly string[] }
): Stats {
  const stats: Stats = { canary: emptySide(), stable: emptySide(), client5xx: 0, entries: 0 };
  const canary = new Set(addresses.canary);
  const stable = new Set(addresses.stable);
  for (const line of text.split('\n')) {
    const entry = parseAccessLogLine(line);
    if (!entry || entry.msec * 1000 < sinceMs) continue;
    stats.entries++;
    if (entry.status >= 500) stats.client5xx++;
    for (const attempt of entry.attempts) {
      const side = canary.has(attempt.addr)
        ? stats.canary
        : stable.has(attempt.addr)
          ? stats.stable
          : undefined;
      if (!side) continue;
      side.requests++;
      if (attempt.status !== undefined && attempt.status >= 500) {
        side.errors5xx++;
        side.errorsByUri[entry.uri] = (side.errorsByUri[entry.uri] ?? 0) + 1;
      }
    }
  }
  return stats;
}

// ---------------------------------------------------------------------------------------------------------------
// The gate and the step loop
// ---------------------------------------------------------------------------------------------------------------

export interface HealthResult {
  passed: boolean;
  reason: string;
}

/** What a deploy target offers the canary loop; see the top of this file for the proxy-container implementation. */
export interface CanaryTarget {
  /** route `percent` % of traffic to the canary color (0 = all on stable); resolves when the proxy serves it */
  setWeight(percent: number): Promise<void>;
  /** the proxy's counts for entries logged at or after `sinceMs` (epoch ms) */
  readStats(sinceMs: number): Promise<Stats>;
  /** the canary color's health checks */
  health(): Promise<HealthResult>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep
};

export type GateVerdict = 'promote' | 'hold' | 'rollback';

const pct = (share: number): string => `${(share * 100).toFixed(2).replace(/\.?0+$/, '')} %`;

/**
 * One look at a step. Rolls back as soon as health fails or, with at least `minRequests` canary requests, the 5xx
 * share exceeds `maxErrorRate`; promotes only once the pause is over. With fewer than `minRequests` canary requests
 * it holds until the pause ends and then decides on what was seen (said so in the reason): a quiet service is not
 * blocked forever, and any 5xx share above the limit still rolls back.
 */
export function evaluateGate(input: {
  percent: number;
  health: HealthResult;
  canary: SideCounts;
  elapsedMs: number;
  plan: Pick<CanaryPlan, 'pauseSeconds' | 'maxErrorRate' | 'minRequests'>;
}): { verdict: GateVerdict; reason: string } {
  const { percent, health, canary, elapsedMs, plan } = input;
  const at = `at ${percent} %`;
  if (!health.passed)
    return { verdict: 'rollback', reason: `${at}: canary health check failed: ${health.reason}` };
  const rate = canary.requests === 0 ? 0 : canary.errors5xx / canary.requests;
  const seen = `${canary.errors5xx} of ${canary.requests} canary requests answered 5xx (${pct(rate)}, limit ${pct(plan.maxErrorRate)})`;
  const paused = elapsedMs >= plan.pauseSeconds * 1000;
  const waited = `${(elapsedMs / 1000).toFixed(1)} s of ${plan.pauseSeconds} s`;
  if (canary.requests >= plan.minRequests) {
    if (rate > plan.maxErrorRate) return { verdict: 'rollback', reason: `${at}: ${seen}` };
    return paused
      ? { verdict: 'promote', reason: `${at}: ${seen} after ${waited}` }
      : { verdict: 'hold', reason: `${at}: ${seen}; observing (${waited})` };
  }
  if (!paused) {
    return {
      verdict: 'hold',
      reason: `${at}: ${canary.requests} of ${plan.minRequests} canary requests needed; observing (${waited})`
    };
  }
  const few = `only ${canary.requests} canary requests (< minRequests ${plan.minRequests}) by the end of the ${plan.pauseSeconds} s pause, decided on what was seen`;
  if (rate > plan.maxErrorRate) return { verdict: 'rollback', reason: `${at}: ${seen}; ${few}` };
  return { verdict: 'promote', reason: `${at}: ${seen}; ${few}` };
}

export interface StepReport {
  /** the step's weight; when it could not be applied, the counts are the previous split's until the rollback */
  percent: number;
  startedMs: number;
  endedMs: number;
  canary: SideCounts;
  stable: SideCounts;
  client5xx: number;
  verdict: 'promote' | 'rollback';
  reason: string;
}

export interface CanaryResult {
  outcome: 'promoted' | 'rolled-back';
  /** the percents whose weight was applied, in order */
  stepsReached: number[];
  steps: StepReport[];
  /** the deciding reason (the failed gate's, or the last step's) */
  reason: string;
  /**
   * 5xx the canary's servers answered over the whole run, from the first setWeight call to the end (per attempt,
   * see countAccessLog). Read once more at the end rather than summed over the steps: a step's window starts only
   * once its weights serve, and the requests answered during the reload belong to no step but were still caused.
   */
  canary5xx: number;
  /** requests the canary's servers got over the whole run, counted like canary5xx */
  canaryRequests: number;
  /** the canary share the proxy serves at the end: 100 when promoted, 0 after a rollback */
  finalPercent: number;
}

/**
 * Runs the steps of `plan` against `target`. Throws only when the rollback itself (`setWeight(0)`) fails, with
 * what was tried: a canary that cannot be taken out of the proxy must not be reported as anything but a failure.
 */
export async function runCanary(
  target: CanaryTarget,
  plan: CanaryPlan,
  clock: Clock = realClock
): Promise<CanaryResult> {
  const errors = planErrors(plan);
  if (errors.length) throw new ConfigurationError(`Invalid canary plan:\n  - ${errors.join('\n  - ')}`);
  const steps: StepReport[] = [];
  const stepsReached: number[] = [];
  const runStartedMs = clock.now();
  const whole = async (): Promise<{ canary5xx: number; canaryRequests: number }> => {
    const stats = await target.readStats(runStartedMs).catch(() => undefined);
    return {
      canary5xx: stats?.canary.errors5xx ?? steps.reduce((sum, s) => sum + s.canary.errors5xx, 0),
      canaryRequests: stats?.canary.requests ?? steps.reduce((sum, s) => sum + s.canary.requests, 0)
    };
  };

  const rollback = async (percent: number, startedMs: number, reason: string): Promise<CanaryResult> => {
    try {
      await target.setWeight(0);
    } catch (error) {
      throw new Error(
        `Canary rollback failed: ${reason}; then setting the canary's weight to 0 failed too: ` +
          `${(error as Error).message}. The proxy may still send ${percent} % of traffic to the canary.`
      );
    }
    // Counted after the switch back, so the 5xx of requests in flight until then are included.
    const stats = await target.readStats(startedMs).catch(() => undefined);
    steps.push({
      percent,
      startedMs,
      endedMs: clock.now(),
      canary: stats?.canary ?? emptySide(),
      stable: stats?.stable ?? emptySide(),
      client5xx: stats?.client5xx ?? 0,
      verdict: 'rollback',
      reason
    });
    return { outcome: 'rolled-back', stepsReached, steps, reason, ...(await whole()), finalPercent: 0 };
  };

  for (const percent of plan.steps) {
    const attemptedMs = clock.now();
    try {
      await target.setWeight(percent);
    } catch (error) {
      // the proxy kept the previous split: this step's report counts what that split served until the rollback
      const reason = `at ${percent} %: setting the weight failed: ${(error as Error).message}`;
      return rollback(percent, attemptedMs, reason);
    }
    // The step's window starts once the proxy serves the new weights (setWeight's contract), so requests the
    // previous split answered are not counted against this one.
    const startedMs = clock.now();
    stepsReached.push(percent);
    for (;;) {
      const elapsed = clock.now() - startedMs;
      const remaining = plan.pauseSeconds * 1000 - elapsed;
      await clock.sleep(Math.max(0, Math.min(plan.pollSeconds * 1000, remaining)));
      const health = await target.health().catch((e: Error) => ({ passed: false, reason: e.message }));
      let stats: Stats;
      try {
        stats = await target.readStats(startedMs);
      } catch (error) {
        return rollback(
          percent,
          startedMs,
          `at ${percent} %: the proxy's stats are unreadable: ${(error as Error).message}`
        );
      }
      const gate = evaluateGate({
        percent,
        health,
        canary: stats.canary,
        elapsedMs: clock.now() - startedMs,
        plan
      });
      if (gate.verdict === 'hold') continue;
      if (gate.verdict === 'rollback') return rollback(percent, startedMs, gate.reason);
      steps.push({
        percent,
        startedMs,
        endedMs: clock.now(),
        canary: stats.canary,
        stable: stats.stable,
        client5xx: stats.client5xx,
        verdict: 'promote',
        reason: gate.reason
      });
      break;
    }
  }
  const last = steps.at(-1);
  return {
    outcome: 'promoted',
    stepsReached,
    steps,
    reason: last ? last.reason : 'no steps',
    ...(await whole()),
    finalPercent: 100
  };
}

/*
 * How the deploy wires it (done: deploy.ts composeTarget().canary and deployAndCheck; kept as the map of the pieces).
 *
 * 1. Config: `canaryPlan(loaded.config)` in main.ts right after loadEnvironmentConfig; undefined = blue-green (the
 *    current flow, unchanged). It throws a ConfigurationError naming the field, before anything is started.
 * 2. Proxy config (deploy-target's proxy.ts renders the site file inside the proxy container): add
 *    `ACCESS_LOG_FORMAT` in the http context and `access_log /dev/stdout slipway_canary;` (docker logs then carry
 *    it), and let the upstream part take a split: for each service, the stable color's server with
 *    `weight=splitWeights(p).stable` and the canary color's with `weight=splitWeights(p).canary`, leaving out a side
 *    whose weight is 0 — or include the text of `renderWeightedUpstreams` (same upstream names as
 *    `canaryUpstreamName`). The split's header line lets the target read back what serves (`parseCanarySplit`),
 *    e.g. for `observe()` after a crash mid-canary. A generation number in the file (a `map` to a variable returned by
 *    a location, as test/support/host-nginx.ts does) lets setWeight wait until the reload serves it.
 * 3. A `proxyCanaryTarget(target, stable, canary)` next to composeTarget in deploy.ts implements CanaryTarget with
 *    the container switch deploy-target already has (docker cp → `nginx -t` → `nginx -s reload` → wait for the
 *    generation), `docker logs --since` + countAccessLog for readStats, and the existing direct health checks of the
 *    canary color for health.
 * 4. Flow in deployAndCheck: after `start()` and the direct health checks of the new color (as today), and only when
 *    a canary plan exists, replace `switchTo(new)` by `runCanary(proxyCanaryTarget(...), plan)`:
 *    - `promoted`: the proxy serves the canary at 100 % from a two-server file; write the plain single-color file
 *      (`switchTo(new)`) so the steady state is the blue-green shape, then the public health checks and
 *      `retire(old, keep=true)` as today.
 *    - `rolled-back`: the proxy is already back on the stable color (weight 0); `discard(new)`, record the
 *      deployment as failure with `result.reason` and `result.canary5xx` in its description, fail the step.
 *    - runCanary throws (the rollback to 0 failed): the existing "fail loudly, say what serves" path (`observe()`).
 * 5. Outputs / summary: `canary-steps` (stepsReached), `canary-5xx`, and the per-step table (percent, canary
 *    requests, 5xx, seconds, verdict) in the step summary.
 * 6. Bench (`npm run bench -- deploy`): the canary column = runCanary over the real proxy container with the bench's
 *    load loop, reporting failed requests and the rollback time (from the failed gate to setWeight(0) resolving).
 */
