/**
 * The deploy state machine, for both targets, with the Deployments API records:
 *
 *   create deployment → in_progress → start the new version → health → switch traffic → health → success
 *                                           │ fails                │ fails        │ fails (switch back)
 *                                           └──────────────────────┴──────────────┴→ failure, then rollback:
 *                                              redeploy the last known good digests as a deployment of its own
 *                                              (in_progress → success) → status rolled_back
 *
 * Nothing is reported done before it is: success is written only after the health check through the public URL.
 */
import * as core from '@actions/core';
import type { Deployments, DeployedImage, DeploymentRecord, SlipwayPayload } from '../lib/deployments.js';
import { errorMessage } from '../lib/errors.js';
import { execTool } from '../lib/exec.js';
import { checkAll, type HealthOptions, type UrlHealth } from '../lib/health.js';
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
}

export interface DeployOutcome {
  status: DeployStatus;
  deploymentId: number;
  reason?: string;
  color?: Color;
  rolledBackTo?: string;
  rollbackDeploymentId?: number;
  rollbackMs?: number;
  health: UrlHealth[];
}

/** What a target does; the orchestration below is the same for both. */
export interface Target {
  /** starts `images` where no traffic goes yet (compose: the idle color); returns where it runs */
  start(images: DeployedImage[], version: string): Promise<Color | undefined>;
  /** health of the started version before traffic moves (compose: direct to the color's ports) */
  directHealthUrls(color: Color | undefined): string[];
  /** moves traffic to it (compose: proxy switch; command: nothing, the command already did) */
  switchTo(color: Color | undefined, version: string): Promise<void>;
  /** public health URLs, checked after the switch */
  publicHealthUrls(): string[];
  /** undo a start that will not get traffic */
  discard(color: Color | undefined): Promise<void>;
  /** what served before this deploy */
  active(): Color | undefined;
  /** after success: stop the old version after the drain delay */
  retire(oldColor: Color | undefined): Promise<void>;
  /** rollback: make `images` serve again as fast as possible; returns where it runs (the caller then health
   *  checks it and removes the failed start) */
  restore(
    images: DeployedImage[],
    version: string,
    failedColor: Color | undefined,
    switched: boolean
  ): Promise<Color | undefined>;
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
  const bad = result.results.filter((r) => !r.passed);
  return {
    passed: result.passed,
    results: result.results,
    reason: bad
      .map((r) => `${r.url} ${r.status} after ${r.attempts} attempt(s): ${r.error ?? 'no detail'}`)
      .join('; ')
  };
}

export async function runDeploy(
  plan: DeployPlan,
  target: Target,
  records: Deployments,
  lastGood: DeploymentRecord | undefined,
  url: string
): Promise<DeployOutcome> {
  const deployment = await records.create({
    environment: plan.environment,
    ref: plan.ref,
    payload: payload(plan),
    description: `${plan.kind === 'rollback' ? 'Rollback' : 'Deploy'} ${plan.version} by Slipway`,
    production: plan.production
  });
  core.info(`Deployment #${deployment.id}: ${plan.environment} ← ${plan.version}`);
  await records.setStatus(deployment.id, 'in_progress', { logUrl: plan.logUrl, description: 'Deploying' });

  const previous = target.active();
  let color: Color | undefined;
  let switched = false;
  let checks: UrlHealth[] = [];
  let reason: string;
  try {
    core.startGroup(`Start ${plan.version}`);
    try {
      color = await target.start(plan.images, plan.version);
    } finally {
      core.endGroup();
    }
    const direct = target.directHealthUrls(color);
    if (direct.length > 0) {
      const h = await health(direct, { ...plan.health, expectVersion: plan.version }, 'before switch');
      checks = h.results;
      if (!h.passed) throw new HealthFailure(`health check before the switch failed: ${h.reason}`);
    }
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
    reason = errorMessage(error);
    const failedAt = Date.now();
    core.warning(`Deploy of ${plan.version} to ${plan.environment} failed: ${reason}`);
    return fail(plan, target, records, deployment.id, lastGood, url, {
      color,
      switched,
      previous,
      reason,
      failedAt,
      checks
    });
  }

  await records.setStatus(deployment.id, 'success', {
    environmentUrl: url,
    logUrl: plan.logUrl,
    description: `${plan.version} is live`
  });
  if (previous && previous !== color) await target.retire(previous);
  return { status: 'success', deploymentId: deployment.id, color, health: checks };
}

class HealthFailure extends Error {
  override readonly name: string = 'HealthFailure';
}

async function fail(
  plan: DeployPlan,
  target: Target,
  records: Deployments,
  deploymentId: number,
  lastGood: DeploymentRecord | undefined,
  url: string,
  ctx: {
    color?: Color;
    switched: boolean;
    previous?: Color;
    reason: string;
    failedAt: number;
    checks: UrlHealth[];
  }
): Promise<DeployOutcome> {
  const good = lastGood?.payload?.slipway;
  await records.setStatus(deploymentId, 'failure', {
    logUrl: plan.logUrl,
    description: (good ? `Failed; rolling back to ${good.version}` : 'Failed').slice(0, 140)
  });
  if (!good) {
    // nothing recorded to go back to: take the failed version away from traffic if an older one still runs
    try {
      if (ctx.switched && ctx.previous) await target.switchTo(ctx.previous, 'previous');
      if (ctx.color && ctx.color !== ctx.previous) await target.discard(ctx.color);
    } catch (error) {
      core.warning(`Cleaning up after the failed deploy: ${errorMessage(error)}`);
    }
    return { status: 'failure', deploymentId, reason: ctx.reason, color: ctx.color, health: ctx.checks };
  }

  core.startGroup(`Rollback to ${good.version}`);
  const rollback = await records.create({
    environment: plan.environment,
    ref: lastGood.ref,
    payload: payload({ images: good.images, version: good.version, kind: 'rollback' }, deploymentId),
    description: `Rollback to ${good.version} after #${deploymentId} failed`,
    production: plan.production
  });
  await records.setStatus(rollback.id, 'in_progress', { logUrl: plan.logUrl, description: 'Rolling back' });
  try {
    const color = await target.restore(good.images, good.version, ctx.color, ctx.switched);
    const h = await health(
      [...target.directHealthUrls(color), ...target.publicHealthUrls()],
      { ...plan.health, expectVersion: good.version },
      'rollback'
    );
    const rollbackMs = Date.now() - ctx.failedAt;
    if (!h.passed)
      throw new HealthFailure(`the last good version ${good.version} is not healthy either: ${h.reason}`);
    await records.setStatus(rollback.id, 'success', {
      environmentUrl: url,
      logUrl: plan.logUrl,
      description: `Rolled back to ${good.version}`
    });
    core.info(`Rolled back to ${good.version} in ${rollbackMs} ms (from the failed check to healthy)`);
    if (ctx.color && ctx.color !== color) {
      // the failed version: drained like any old color when it had traffic, else removed at once
      if (ctx.switched) await target.retire(ctx.color);
      else await target.discard(ctx.color);
    }
    return {
      status: 'rolled_back',
      deploymentId,
      reason: ctx.reason,
      color,
      rolledBackTo: good.version,
      rollbackDeploymentId: rollback.id,
      rollbackMs,
      health: [...ctx.checks, ...h.results]
    };
  } catch (error) {
    await records.setStatus(rollback.id, 'failure', { logUrl: plan.logUrl, description: 'Rollback failed' });
    // a failed start that never got traffic goes; one that serves stays (it may be all there is)
    if (ctx.color && !ctx.switched) await target.discard(ctx.color).catch(() => undefined);
    return {
      status: 'failure',
      deploymentId,
      reason: `${ctx.reason}; the rollback to ${good.version} failed too: ${errorMessage(error)}`,
      rollbackDeploymentId: rollback.id,
      health: ctx.checks
    };
  } finally {
    core.endGroup();
  }
}

/** Compose blue-green behind the proxy. */
export function composeTarget(deployer: ComposeDeployer, url: string, publicHealthPath: string): Target {
  const active = deployer.activeColor()?.color;
  const drainMs = (deployer.target.drainSeconds ?? 10) * 1000;
  return {
    active: () => active,
    async start(images, version) {
      const color = active ? otherColor(active) : 'blue';
      core.info(`Active color: ${active ?? 'none'}; starting ${version} as ${deployer.project(color)}`);
      try {
        await deployer.up(color, images, version);
      } catch (error) {
        await deployer.down(color, 2);
        throw error;
      }
      return color;
    },
    directHealthUrls: (color) => (color ? deployer.directHealthUrls(color) : []),
    switchTo: (color, version) => deployer.switchTo(color as Color, version),
    publicHealthUrls: () => [joinUrl(url, publicHealthPath)],
    discard: async (color) => {
      if (color) await deployer.down(color, 2);
    },
    async retire(old) {
      if (!old) return;
      core.info(`Draining ${deployer.project(old)} for ${drainMs} ms, then stopping it`);
      await new Promise((resolve) => setTimeout(resolve, drainMs));
      await deployer.down(old);
    },
    async restore(images, version, failedColor, switched) {
      // The old color still runs (it is stopped only after a successful deploy's drain): move traffic back
      // first, then make sure it runs the last good digests (a no-op when it already does).
      const color: Color = active ?? failedColor ?? 'blue';
      if (switched && active) await deployer.switchTo(active, version);
      await deployer.up(color, images, version);
      const pointed = deployer.activeColor();
      if (pointed?.color !== color) await deployer.switchTo(color, version);
      return color;
    }
  };
}

/** The user's own command (kubectl, helm, …) with the digests in its environment. */
export function commandTarget(
  loaded: LoadedConfig,
  environment: string,
  url: string,
  publicHealthPath: string
): Target {
  const { command } = loaded.config.target as CommandTarget;
  const runCommand = async (images: DeployedImage[], version: string): Promise<void> => {
    await execTool('sh', ['-c', command], {
      cwd: loaded.dir,
      env: deployEnv(environment, version, images, loaded.config),
      echo: true
    });
  };
  return {
    active: () => undefined,
    async start(images, version) {
      await runCommand(images, version);
      return undefined;
    },
    directHealthUrls: () => [],
    switchTo: async () => undefined,
    publicHealthUrls: () => [joinUrl(url, publicHealthPath)],
    discard: async () => undefined,
    retire: async () => undefined,
    async restore(images, version) {
      await runCommand(images, version);
      return undefined;
    }
  };
}

export function joinUrl(base: string, p: string): string {
  return `${base.replace(/\/+$/, '')}${p.startsWith('/') ? p : `/${p}`}`;
}
