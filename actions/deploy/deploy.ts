/**
 * The deploy state machine, for both targets, with the Deployments API records:
 *
 *   create deployment → in_progress → start the new version on the IDLE color → readiness → health
 *     → switch traffic → health → success → retire the old color (a failed stop is reported, not silent)
 *                                 │ fails                          │ fails
 *                                 └────────────────────────────────┴→ failure, then rollback (a deployment of its
 *      own, in_progress → success | failure): point the proxy back at the old color (its containers are never
 *      stopped, recreated or restarted — only the idle color is ever `compose up`-ed), check it with the rollback's
 *      own budget; only if it does not answer the last good version, start that on the idle color and switch.
 *
 * After the last change the proxy is read back: the outputs and records name the color and version that actually
 * serve, or say that it cannot be told. A Docker or proxy command that times out closes the open records
 * (`error`) and the report says what was left on the host.
 */
import * as core from '@actions/core';
import type {
  Deployments,
  DeployedImage,
  DeploymentRecord,
  DeploymentState,
  SlipwayPayload
} from '../lib/deployments.js';
import { sleep } from '../lib/backoff.js';
import { errorMessage } from '../lib/errors.js';
import { execTool, TimeoutError } from '../lib/exec.js';
import { checkAll, describeFailure, probeAnswer, type HealthOptions, type UrlHealth } from '../lib/health.js';
import {
  type CanaryPlan,
  type CanaryResult,
  type CanaryTarget,
  countAccessLog,
  realClock,
  runCanary,
  upstreamAddresses
} from './canary.js';
import { type ComposeDeployer, type Color, deployEnv, otherColor } from './compose.js';
import type { CommandTarget, LoadedConfig } from './config.js';
import type { DeployStatus } from './notify.js';

export interface DeployPlan {
  environment: string;
  version: string;
  images: DeployedImage[];
  ref: string;
  kind: 'deploy' | 'rollback';
  production: boolean;
  logUrl: string;
  health: HealthOptions;
  /** the rollback's own health budget (default: the same options as `health`, started afresh) */
  rollbackHealth?: HealthOptions;
  /** canary steps (strategy.type canary); undefined: blue-green, all traffic at once */
  canary?: CanaryPlan;
}

/** What serves after the run, read back from the target (the proxy config and the public URL). */
export interface Serving {
  /** the color the proxy points at (compose target) */
  color?: Color;
  /**
   * the version that answers through the public URL, when it matches what the proxy points at (command target:
   * what the health JSON reports, unset when it reports none)
   */
  version?: string;
  /** false when the run cannot tell what serves (then `summary` says why) */
  known: boolean;
  /** one sentence for people: what the proxy points at, what answers, what runs */
  summary: string;
}

export interface DeployOutcome {
  status: DeployStatus;
  deploymentId: number;
  reason?: string;
  /** the color serving after the run (read back from the proxy), undefined when none or unknown */
  color?: Color;
  serving: Serving;
  rolledBackTo?: string;
  rollbackDeploymentId?: number;
  rollbackMs?: number;
  health: UrlHealth[];
  /** things left on the host that need a person (a color that could not be stopped …) */
  warnings: string[];
  /** what the canary steps did (strategy canary, when a color served before) */
  canary?: CanaryResult;
}

/** What a target does; the orchestration below is the same for both. */
export interface Target {
  /** what served before this deploy (compose: the color the proxy on the target points at) */
  active(): Promise<Color | undefined>;
  /** starts `images` where no traffic goes (compose: the idle color — never the serving one) */
  start(images: DeployedImage[], version: string, on?: Color): Promise<Color | undefined>;
  /** ms during which health failures of a fresh start do not count (HEALTHCHECK start period / warm-up) */
  readinessMs(color: Color | undefined): Promise<number>;
  /** health of the started version before traffic moves (compose: direct to the color's ports) */
  directHealthUrls(color: Color | undefined): string[];
  /** moves traffic to it (compose: checked proxy switch; command: nothing, the command already did) */
  switchTo(color: Color | undefined, version: string): Promise<void>;
  /** public health URLs, checked after the switch */
  publicHealthUrls(): string[];
  /** removes a start that does not take traffic; returns why it failed (undefined: done) */
  discard(color: Color | undefined): Promise<string | undefined>;
  /**
   * after traffic left it: stop the old version after the drain delay — kept (stopped) as the last known good
   * when `keep`, removed otherwise (a failed version); returns why it failed
   */
  retire(oldColor: Color | undefined, keep?: boolean): Promise<string | undefined>;
  /** reads back what serves now */
  observe(): Promise<Serving>;
  /**
   * the canary's view of the proxy (compose only): weights between the serving color and the new one, the access
   * log counted per color, the new color's own health
   */
  canary?(
    stable: Color,
    next: Color,
    versions: { stable: string; next: string },
    health: HealthOptions
  ): CanaryTarget;
}

function payload(plan: Pick<DeployPlan, 'images' | 'version' | 'kind'>, rollbackOf?: number): SlipwayPayload {
  return {
    slipway: {
      images: plan.images.map((i) => ({ service: i.service, image: i.image, digest: i.digest })),
      version: plan.version,
      kind: plan.kind,
      ...(rollbackOf ? { rollbackOf } : {})
    }
  };
}

async function health(
  urls: string[],
  options: HealthOptions,
  label: string
): Promise<{ passed: boolean; results: UrlHealth[]; reason: string }> {
  const result = await checkAll(urls, {
    ...options,
    onAttempt: (url, attempt, r) =>
      core.info(`[${label}] ${url}: attempt ${attempt}: ${r.status}${r.error ? ` (${r.error})` : ''}`)
  });
  return {
    passed: result.passed,
    results: result.results,
    reason: result.results
      .filter((r) => !r.passed)
      .map(describeFailure)
      .join('; ')
  };
}

/** The records a run opened and has not closed yet: closed as `error` when the run ends unexpectedly. */
class OpenRecords {
  private readonly open = new Set<number>();
  constructor(private readonly records: Deployments) {}
  async create(options: Parameters<Deployments['create']>[0], logUrl: string, description: string) {
    const d = await this.records.create(options);
    this.open.add(d.id);
    await this.records.setStatus(d.id, 'in_progress', { logUrl, description });
    return d;
  }
  async close(id: number, state: DeploymentState, fields: Parameters<Deployments['setStatus']>[2]) {
    await this.records.setStatus(id, state, fields);
    this.open.delete(id);
  }
  async closeAll(description: string, logUrl: string): Promise<void> {
    for (const id of [...this.open]) {
      await this.close(id, 'error', { logUrl, description: description.slice(0, 140) }).catch(
        (error: unknown) => core.warning(`Could not close deployment #${id}: ${errorMessage(error)}`)
      );
    }
  }
}

const stateOf = (error: unknown): DeploymentState => (error instanceof TimeoutError ? 'error' : 'failure');

/**
 * The version to go back to when this deploy fails: what serves before it (compose: read from the target — the
 * serving color's labels; command: the last good deployment record), with the ref its record names.
 */
export interface KnownGood {
  version: string;
  images: DeployedImage[];
  ref: string;
}

/** A deployment record's payload as a KnownGood (command target; compose reads the target). */
export function knownFromRecord(record: DeploymentRecord | undefined): KnownGood | undefined {
  const s = record?.payload?.slipway;
  return s && record ? { version: s.version, images: s.images, ref: record.ref } : undefined;
}

export async function runDeploy(
  plan: DeployPlan,
  target: Target,
  records: Deployments,
  lastGood: KnownGood | undefined,
  url: string
): Promise<DeployOutcome> {
  const open = new OpenRecords(records);
  const deployment = await open.create(
    {
      environment: plan.environment,
      ref: plan.ref,
      payload: payload(plan),
      description: `${plan.kind === 'rollback' ? 'Rollback' : 'Deploy'} ${plan.version} by Slipway`,
      production: plan.production
    },
    plan.logUrl,
    'Deploying'
  );
  core.info(`Deployment #${deployment.id}: ${plan.environment} ← ${plan.version}`);
  try {
    return await deployAndCheck(plan, target, open, deployment.id, lastGood, url);
  } catch (error) {
    // not a failed check (those are handled): a command that hung or a host that went away mid-run
    const serving = await target.observe().catch((e: unknown) => unknownServing(errorMessage(e)));
    const reason = `${errorMessage(error)}; left on the host: ${serving.summary}`;
    core.error(`Deploy of ${plan.version} to ${plan.environment} stopped: ${reason}`);
    await open.closeAll(`Stopped: ${errorMessage(error)}`, plan.logUrl);
    return {
      status: 'failure',
      deploymentId: deployment.id,
      reason,
      color: serving.color,
      serving,
      health: [],
      warnings: []
    };
  }
}

function unknownServing(why: string): Serving {
  return { known: false, summary: `cannot tell what serves: ${why}` };
}

async function deployAndCheck(
  plan: DeployPlan,
  target: Target,
  open: OpenRecords,
  deploymentId: number,
  lastGood: KnownGood | undefined,
  url: string
): Promise<DeployOutcome> {
  const previous = await target.active();
  let color: Color | undefined;
  let switched = false;
  let checks: UrlHealth[] = [];
  let canary: CanaryResult | undefined;
  try {
    core.startGroup(`Start ${plan.version}`);
    try {
      color = await target.start(plan.images, plan.version);
    } finally {
      core.endGroup();
    }
    const direct = target.directHealthUrls(color);
    if (direct.length > 0) {
      const graceMs = await target.readinessMs(color);
      if (graceMs > 0) core.info(`Readiness: failed health answers count after ${graceMs} ms (start period)`);
      const h = await health(
        direct,
        { ...plan.health, graceMs, expectVersion: plan.version },
        'before switch'
      );
      checks = h.results;
      if (!h.passed) throw new HealthFailure(`health check before the switch failed: ${h.reason}`);
    }
    if (plan.canary && previous && color && previous !== color && target.canary) {
      // traffic moves in steps from here: whatever fails, the failure path first points the proxy back at `previous`
      switched = true;
      canary = await canarySteps(plan, plan.canary, target, previous, color, lastGood?.version);
      if (canary.outcome === 'rolled-back') {
        throw new HealthFailure(
          `the canary was rolled back at ${canary.stepsReached.at(-1) ?? 0} %: ${canary.reason}; it caused ` +
            `${canary.canary5xx} 5xx of its ${canary.canaryRequests} requests`
        );
      }
    } else if (plan.canary) {
      core.info(
        `Canary: no other color serves yet, so ${plan.version} takes all traffic at once (blue-green)`
      );
    }
    // blue-green, or a promoted canary: the steady state is the single-color proxy config
    await target.switchTo(color, plan.version);
    switched = true;
    core.info(`Traffic switched to ${color ?? 'the new version'}`);
    const h = await health(
      target.publicHealthUrls(),
      { ...plan.health, expectVersion: plan.version },
      'after switch'
    );
    checks = [...checks, ...h.results];
    if (!h.passed) throw new HealthFailure(`health check after the switch failed: ${h.reason}`);
  } catch (error) {
    const reason = errorMessage(error);
    const failedAt = Date.now();
    core.warning(`Deploy of ${plan.version} to ${plan.environment} failed: ${reason}`);
    const outcome = await fail(plan, target, open, deploymentId, lastGood, url, {
      color,
      switched,
      previous,
      reason,
      state: stateOf(error),
      failedAt,
      checks
    });
    return canary ? { ...outcome, canary } : outcome;
  }

  const warnings: string[] = [];
  if (previous && previous !== color) {
    const failed = await target.retire(previous);
    if (failed) warnings.push(`the old color ${previous} still runs: stopping it failed: ${failed}`);
  }
  const serving = await target.observe();
  // a service whose health JSON names no version is judged by its health alone (serving.version unset)
  const live = serving.known && (serving.version ?? plan.version) === plan.version && serving.color === color;
  await open.close(deploymentId, 'success', {
    environmentUrl: url,
    logUrl: plan.logUrl,
    description: live
      ? `${plan.version} is live${color ? ` (${color})` : ''}`
      : `Deployed; ${serving.summary}`
  });
  if (!live) warnings.push(`after the deploy: ${serving.summary}`);
  return {
    status: 'success',
    deploymentId,
    color: serving.color,
    serving,
    health: checks,
    warnings,
    ...(canary ? { canary } : {})
  };
}

/** Runs the canary's steps through the target's proxy, logging each step's counts and verdict. */
async function canarySteps(
  plan: DeployPlan,
  canaryPlan: CanaryPlan,
  target: Target,
  stable: Color,
  next: Color,
  stableVersion: string | undefined
): Promise<CanaryResult> {
  core.startGroup(
    `Canary ${plan.version} on ${next}: ${canaryPlan.steps.join(' → ')} %, ${canaryPlan.pauseSeconds} s each`
  );
  try {
    const result = await runCanary(
      target.canary!(stable, next, { stable: stableVersion ?? 'previous', next: plan.version }, plan.health),
      canaryPlan,
      realClock
    );
    for (const step of result.steps) core.info(`Canary step: ${JSON.stringify(step)}`);
    core.info(
      `Canary ${result.outcome}: ${result.reason} (${result.canary5xx} 5xx of ${result.canaryRequests} canary requests)`
    );
    return result;
  } finally {
    core.endGroup();
  }
}

class HealthFailure extends Error {
  override readonly name: string = 'HealthFailure';
}

async function fail(
  plan: DeployPlan,
  target: Target,
  open: OpenRecords,
  deploymentId: number,
  lastGood: KnownGood | undefined,
  url: string,
  ctx: {
    color?: Color;
    switched: boolean;
    previous?: Color;
    reason: string;
    state: DeploymentState;
    failedAt: number;
    checks: UrlHealth[];
  }
): Promise<DeployOutcome> {
  const good = lastGood;
  const warnings: string[] = [];
  await open.close(deploymentId, ctx.state, {
    logUrl: plan.logUrl,
    description: (good ? `Failed; rolling back to ${good.version}` : 'Failed').slice(0, 140)
  });
  const tried: string[] = [];
  const attempt = async (what: string, action: () => Promise<unknown>): Promise<boolean> => {
    try {
      await action();
      return true;
    } catch (error) {
      tried.push(`${what}: ${errorMessage(error)}`);
      core.warning(`${what} failed: ${errorMessage(error)}`);
      return false;
    }
  };

  // 1. traffic back to what served before, first; its containers are not touched
  if (ctx.switched && ctx.previous)
    await attempt(`switch back to ${ctx.previous}`, () =>
      target.switchTo(ctx.previous, good?.version ?? 'previous')
    );

  if (!good) {
    // nothing recorded to go back to: the failed start goes unless it is all that serves
    const serving = await target.observe();
    if (ctx.color && serving.color !== ctx.color) {
      const failed = await target.discard(ctx.color);
      if (failed) warnings.push(`the failed ${ctx.color} color may still run: removing it failed: ${failed}`);
    }
    const after = await target.observe();
    return {
      status: 'failure',
      deploymentId,
      reason: [ctx.reason, ...tried].join('; '),
      color: after.color,
      serving: after,
      health: ctx.checks,
      warnings
    };
  }

  core.startGroup(`Rollback to ${good.version}`);
  const rollback = await open.create(
    {
      environment: plan.environment,
      ref: good.ref,
      payload: payload({ images: good.images, version: good.version, kind: 'rollback' }, deploymentId),
      description: `Rollback to ${good.version} after #${deploymentId} failed`,
      production: plan.production
    },
    plan.logUrl,
    'Rolling back'
  );
  const budget = { ...(plan.rollbackHealth ?? plan.health), expectVersion: good.version };
  let results: UrlHealth[] = [];
  let restored: Color | undefined;
  let restoredOk = false;
  let lastError: unknown;
  try {
    // 2. the previous color, if the proxy points at it again: does it answer the last good version?
    const now = await target.observe();
    // the proxy points at the previous color: read back — or, when its config cannot be read (the host went
    // away), known anyway if traffic was never moved (the switch is the only thing that changes it)
    const stillPrevious = now.color === ctx.previous || (now.color === undefined && !ctx.switched);
    if (ctx.previous && stillPrevious) {
      const h = await health(
        [...target.directHealthUrls(ctx.previous), ...target.publicHealthUrls()],
        budget,
        'rollback'
      );
      results = h.results;
      if (h.passed) {
        restored = ctx.previous;
        restoredOk = true;
      } else tried.push(`${ctx.previous} (${good.version}) does not answer: ${h.reason}`);
    }
    // 3. otherwise start the last good version on the idle color (never on the one the proxy points at)
    if (!restoredOk) {
      const idle = now.color ? otherColor(now.color) : (ctx.color ?? ctx.previous);
      const ok = await attempt(`start ${good.version}${idle ? ` on ${idle}` : ''}`, async () => {
        if (idle && idle === ctx.color) {
          const failed = await target.discard(idle);
          if (failed) throw new Error(`could not remove the failed ${idle} color: ${failed}`);
        }
        restored = await target.start(good.images, good.version, idle);
        const graceMs = await target.readinessMs(restored);
        const direct = target.directHealthUrls(restored);
        if (direct.length > 0) {
          const h = await health(direct, { ...budget, graceMs }, 'rollback before switch');
          results = [...results, ...h.results];
          if (!h.passed) throw new HealthFailure(`not healthy: ${h.reason}`);
        }
        await target.switchTo(restored, good.version);
        const h = await health(target.publicHealthUrls(), budget, 'rollback after switch');
        results = [...results, ...h.results];
        if (!h.passed) throw new HealthFailure(`not healthy through the proxy: ${h.reason}`);
      });
      restoredOk = ok;
    }
  } catch (error) {
    lastError = error;
    tried.push(errorMessage(error));
  }
  const rollbackMs = Date.now() - ctx.failedAt;
  const serving = await target.observe();
  if (serving.color === undefined && restoredOk && restored) serving.color = restored;
  const back = restoredOk && serving.known && (serving.version ?? good.version) === good.version;
  try {
    if (back) {
      await open.close(rollback.id, 'success', {
        environmentUrl: url,
        logUrl: plan.logUrl,
        description: `Rolled back to ${good.version}${serving.color ? ` (${serving.color})` : ''}`
      });
      core.info(`Rolled back to ${good.version} in ${rollbackMs} ms (from the failed check to healthy)`);
      // the failed start: drained like any old color when it had traffic, else removed at once
      if (ctx.color && ctx.color !== serving.color && ctx.color !== restored) {
        const failed = ctx.switched ? await target.retire(ctx.color, false) : await target.discard(ctx.color);
        if (failed)
          warnings.push(`the failed ${ctx.color} color may still run: removing it failed: ${failed}`);
      }
      const after = await target.observe();
      // the proxy's config could not be read (the host went away): the color restored is what it points at
      if (after.color === undefined && after.known) after.color = serving.color;
      return {
        status: 'rolled_back',
        deploymentId,
        reason: ctx.reason,
        color: after.color,
        serving: after,
        rolledBackTo: good.version,
        rollbackDeploymentId: rollback.id,
        rollbackMs,
        health: [...ctx.checks, ...results],
        warnings
      };
    }
    await open.close(
      rollback.id,
      lastError instanceof TimeoutError || tried.some((t) => /no result within|not run: /.test(t))
        ? 'error'
        : 'failure',
      {
        logUrl: plan.logUrl,
        description: `Rollback failed; ${serving.summary}`.slice(0, 140)
      }
    );
    // a failed start that does not take traffic goes; one that serves stays (it may be all there is)
    if (ctx.color && serving.color !== ctx.color && serving.known) {
      const failed = await target.discard(ctx.color);
      if (failed) warnings.push(`the failed ${ctx.color} color may still run: removing it failed: ${failed}`);
    }
    return {
      status: 'failure',
      deploymentId,
      reason:
        `${ctx.reason}; the rollback to ${good.version} failed too: ${tried.join('; ') || 'no detail'}; ` +
        `left on the host: ${serving.summary}`,
      color: serving.color,
      serving,
      rollbackDeploymentId: rollback.id,
      health: [...ctx.checks, ...results],
      warnings
    };
  } finally {
    core.endGroup();
  }
}

/** Compose blue-green behind the proxy, all of it on the target; what serves is read from there every time. */
export function composeTarget(
  deployer: ComposeDeployer,
  url: string,
  publicHealthPath: string,
  requestTimeoutMs = 10_000
): Target {
  const drainMs = (deployer.target.drainSeconds ?? 10) * 1000;
  const publicUrl = joinUrl(url, publicHealthPath);
  const pointedAt = async (): Promise<Color | undefined> => (await deployer.proxyState())?.color;
  /** the one guard: a color the proxy points at is never started, recreated or stopped */
  const idleOrThrow = async (color: Color, what: string): Promise<Color> => {
    if ((await pointedAt()) === color)
      throw new Error(`refusing to ${what} ${deployer.describe(color)}: the proxy sends traffic to it`);
    return color;
  };
  return {
    active: pointedAt,
    async start(images, version, on) {
      const pointed = await pointedAt();
      const color = await idleOrThrow(on ?? (pointed ? otherColor(pointed) : 'blue'), 'start');
      core.info(
        `The proxy on the target points at: ${pointed ?? 'no Slipway color'}; starting ${version} as ${deployer.describe(color)}`
      );
      try {
        const how = await deployer.up(color, images, version);
        if (how === 'started')
          core.info(`${deployer.describe(color)} already held ${version}: started it again`);
      } catch (error) {
        if (!(error instanceof TimeoutError)) {
          const failed = await deployer.remove(color);
          if (failed) core.warning(`Removing the failed start ${deployer.describe(color)}: ${failed}`);
        }
        throw error;
      }
      return color;
    },
    readinessMs: async (color) => (color ? deployer.readinessMs(color) : 0),
    directHealthUrls: (color) => (color ? deployer.directHealthUrls(color) : []),
    switchTo: (color, version) => deployer.switchTo(color as Color, version),
    publicHealthUrls: () => [publicUrl],
    async discard(color) {
      if (!color) return undefined;
      try {
        await idleOrThrow(color, 'remove');
      } catch (error) {
        return errorMessage(error);
      }
      return deployer.remove(color);
    },
    async retire(old, keep = true) {
      if (!old) return undefined;
      core.info(
        `Draining ${deployer.describe(old)} for ${drainMs} ms, then ${keep ? 'stopping it (kept on the target as the last known good)' : 'removing it'}`
      );
      await sleep(drainMs);
      try {
        await idleOrThrow(old, 'stop');
      } catch (error) {
        return errorMessage(error);
      }
      return keep ? deployer.stop(old) : deployer.remove(old);
    },
    observe: () => observeCompose(deployer, publicUrl, requestTimeoutMs),
    canary(stable, next, versions, healthOptions) {
      const services = deployer.loaded.config.services;
      const addresses = {
        canary: upstreamAddresses(services, next, deployer.host),
        stable: upstreamAddresses(services, stable, deployer.host)
      };
      return {
        async setWeight(percent) {
          const weights = { [stable]: 100 - percent, [next]: percent } as Record<Color, number>;
          // the config's header names the color with the larger share, and that color's version
          const named: Color = weights.green > weights.blue ? 'green' : 'blue';
          await deployer.switchTo(named, named === next ? versions.next : versions.stable, weights);
        },
        readStats: async (sinceMs) => countAccessLog(await deployer.proxyLog(sinceMs), sinceMs, addresses),
        async health() {
          const h = await health(
            deployer.directHealthUrls(next),
            { ...healthOptions, expectVersion: versions.next },
            'canary'
          );
          return { passed: h.passed, reason: h.reason };
        }
      };
    }
  };
}

/** Reads back what serves: the proxy's color and version (on the target), what answers through the URL, what runs. */
export async function observeCompose(
  deployer: ComposeDeployer,
  publicUrl: string,
  requestTimeoutMs: number
): Promise<Serving> {
  let pointed: { color: Color; version: string } | undefined;
  let proxyError: string | undefined;
  try {
    pointed = await deployer.proxyState();
  } catch (error) {
    proxyError = errorMessage(error).split('\n')[0];
  }
  const answer = await probeAnswer(publicUrl, requestTimeoutMs);
  const answered =
    answer.version !== undefined
      ? `${answer.version}${answer.status === 'unhealthy' ? ` (${answer.error ?? 'unhealthy'})` : ''}`
      : answer.httpStatus !== undefined && answer.status !== 'unhealthy'
        ? `HTTP ${answer.httpStatus}`
        : (answer.error ?? 'nothing');
  const runs: string[] = [];
  for (const color of ['blue', 'green'] as const) {
    try {
      const cs = await deployer.containers(color);
      const running = cs.filter((c) => c.state === 'running');
      const label = cs[0]?.labels['dev.slipway.version'];
      runs.push(
        running.length === 0
          ? `${color}: not running${cs.length > 0 && label ? ` (${label} kept, stopped)` : ''}`
          : `${color}: running ${label ?? ''} ${[...new Set(running.map((c) => c.image.split('@')[1]?.slice(0, 19) ?? c.image))].join(', ')}`.replace(
              '  ',
              ' '
            )
      );
    } catch (error) {
      runs.push(`${color}: unknown (${errorMessage(error).split('\n')[0]})`);
    }
  }
  const healthyAnswer = answer.status !== 'unhealthy';
  const version =
    pointed && healthyAnswer && (answer.version === undefined || answer.version === pointed.version)
      ? pointed.version
      : !pointed && proxyError && healthyAnswer
        ? answer.version // the target cannot be asked: what answers through the URL is all there is to know
        : undefined;
  const head = pointed
    ? `the proxy points at ${pointed.color} (${pointed.version}), ${publicUrl} answers ${answered}`
    : proxyError
      ? `the proxy's config cannot be read (${proxyError}), ${publicUrl} answers ${answered}`
      : `the proxy points at no Slipway color, ${publicUrl} answers ${answered}`;
  return {
    color: pointed?.color,
    version,
    known: version !== undefined,
    summary: `${head}${version === undefined ? ' — nothing healthy serves there' : ''}; ${runs.join('; ')}`
  };
}

/** The user's own command (kubectl, helm, …) with the digests in its environment. */
export function commandTarget(
  loaded: LoadedConfig,
  environment: string,
  url: string,
  publicHealthPath: string,
  timeoutMs: number,
  requestTimeoutMs = 10_000
): Target {
  const { command } = loaded.config.target as CommandTarget;
  const publicUrl = joinUrl(url, publicHealthPath);
  const runCommand = async (images: DeployedImage[], version: string): Promise<void> => {
    await execTool('sh', ['-c', command], {
      cwd: loaded.dir,
      env: deployEnv(environment, version, images, loaded.config),
      echo: true,
      timeoutMs
    });
  };
  return {
    active: async () => undefined,
    async start(images, version) {
      await runCommand(images, version);
      return undefined;
    },
    readinessMs: async () => 0,
    directHealthUrls: () => [],
    switchTo: async () => undefined,
    publicHealthUrls: () => [publicUrl],
    discard: async () => undefined,
    retire: async () => undefined,
    async observe() {
      const answer = await probeAnswer(publicUrl, requestTimeoutMs);
      const ok = answer.status !== 'unhealthy';
      return {
        version: ok ? answer.version : undefined,
        known: ok,
        summary:
          `${publicUrl} answers ${answer.version ?? ''}${ok ? '' : ` ${answer.error ?? 'unhealthy'}`}`.replace(
            'answers  ',
            'answers '
          )
      };
    }
  };
}

export function joinUrl(base: string, p: string): string {
  return `${base.replace(/\/+$/, '')}${p.startsWith('/') ? p : `/${p}`}`;
}
