import path from 'node:path';
import * as core from '@actions/core';
import { registryCredentials } from '../lib/docker-auth.js';
import { durationInput, formatDuration } from '../lib/duration.js';
import { Deployments, type DeployedImage, type DeploymentRecord } from '../lib/deployments.js';
import { ConfigurationError, httpStatus } from '../lib/errors.js';
import { currentRepo, getClient, type Octokit } from '../lib/github.js';
import { DEGRADED_POLICIES, healthRows } from '../lib/health.js';
import { parseImageRef } from '../lib/image-ref.js';
import {
  boolInput,
  enumInput,
  intInput,
  listInput,
  optionalString,
  requiredString,
  stringInput
} from '../lib/inputs.js';
import { setOutputs } from '../lib/outputs.js';
import { RegistryClient } from '../lib/registry.js';
import { canaryPlan } from './canary.js';
import { ComposeDeployer, otherColor } from './compose.js';
import {
  checkDockerHostReachesTarget,
  DEFAULT_ENVIRONMENTS,
  loadEnvironmentConfig,
  type EnvironmentConfig
} from './config.js';
import {
  commandTarget,
  composeTarget,
  knownFromRecord,
  runDeploy,
  type KnownGood,
  type Target
} from './deploy.js';
import { sendWebhook, WEBHOOK_FORMATS, writeDeploySummary, type DeployReport } from './notify.js';
import {
  imagesFromRefs,
  parseVersionSpec,
  resolveSemver,
  type TagResolver,
  type VersionSpec
} from './resolve.js';

export function checkEnvironment(environment: string, allowed: string[]): void {
  if (!allowed.includes(environment)) {
    throw new ConfigurationError(
      `Input 'environment': unknown environment '${environment}'; allowed: ${allowed.join(', ')} ` +
        `(set the 'environments' input to change the list)`
    );
  }
}

function registryResolver(
  token: string | undefined
): TagResolver & { exists(image: string, digest: string): Promise<boolean> } {
  const clients = new Map<string, RegistryClient>();
  const client = (image: string): { c: RegistryClient; repository: string } => {
    const ref = parseImageRef(image);
    let c = clients.get(ref.registry);
    if (!c) {
      c = new RegistryClient(ref.registry, registryCredentials(ref.registry, token));
      clients.set(ref.registry, c);
    }
    return { c, repository: ref.repository };
  };
  return {
    resolve: async (image, tag) => {
      const { c, repository } = client(image);
      return c.resolve(repository, tag);
    },
    listTags: async (image) => {
      const { c, repository } = client(image);
      return c.listTags(repository);
    },
    exists: async (image, digest) => {
      const { c, repository } = client(image);
      return (await c.resolve(repository, digest)) !== undefined;
    }
  };
}

/** The ref a version was deployed from, from the records (the audit trail); undefined when none names it. */
async function refOf(
  records: Deployments,
  environment: string,
  version: string
): Promise<string | undefined> {
  const all = await records.list(environment).catch(() => [] as DeploymentRecord[]);
  return all.find((d) => d.payload?.slipway.version === version)?.ref;
}

async function resolveImages(
  spec: VersionSpec,
  config: EnvironmentConfig,
  environment: string,
  octokit: Octokit,
  records: Deployments,
  current: DeploymentRecord | undefined,
  token: string | undefined,
  onTarget?: ComposeDeployer
): Promise<{ images: DeployedImage[]; version: string; ref?: string }> {
  const registry = registryResolver(token);
  if (spec.kind === 'previous' && onTarget) {
    // the target first: the idle color's stopped containers are the previous version (restarted, no pull)
    const pointed = await onTarget.proxyState();
    const idle = pointed ? await onTarget.versionOf(otherColor(pointed.color)) : undefined;
    if (pointed && idle && idle.version !== pointed.version) {
      core.info(
        `previous → ${idle.version}, kept on the target as ${onTarget.describe(idle.color)} (deployed ${idle.deployedAt ?? 'at an unknown time'})`
      );
      return {
        images: idle.images,
        version: idle.version,
        ref: await refOf(records, environment, idle.version)
      };
    }
    core.info(
      `previous: the target keeps no earlier version (${pointed ? `the proxy points at ${pointed.color} (${pointed.version}), the other color holds ${idle ? idle.version : 'nothing'}` : 'no proxy yet'}); using the deployment records`
    );
  }
  if (spec.kind === 'previous') {
    if (!current)
      throw new ConfigurationError(
        `'${environment}' has no successful deployment yet, so there is no previous version to go back to`
      );
    const prev = await records.lastKnownGood(environment, current);
    if (!prev?.payload) {
      throw new ConfigurationError(
        `'${environment}' has no earlier good deployment than #${current.id} (${current.payload?.slipway.version}); pass a version to deploy`
      );
    }
    return { images: prev.payload.slipway.images, version: prev.payload.slipway.version, ref: prev.ref };
  }
  if (spec.kind === 'latest') {
    const { owner, repo } = currentRepo();
    let tag: string;
    try {
      tag = (await octokit.rest.repos.getLatestRelease({ owner, repo })).data.tag_name;
    } catch (error) {
      if (httpStatus(error) === 404) {
        throw new ConfigurationError(
          `Input 'version' is 'latest' but ${owner}/${repo} has no published stable release; publish one or pass a version like 1.2.3`
        );
      }
      throw error;
    }
    const semverSpec = parseVersionSpec(tag);
    if (semverSpec.kind !== 'semver') {
      throw new ConfigurationError(
        `The latest release's tag '${tag}' is not a semver; pass a version explicitly`
      );
    }
    core.info(`latest → release ${tag}`);
    return {
      images: await resolveSemver(semverSpec.version, config.services, registry),
      version: semverSpec.version,
      ref: tag
    };
  }
  if (spec.kind === 'semver') {
    return { images: await resolveSemver(spec.version, config.services, registry), version: spec.version };
  }
  const images = imagesFromRefs(spec, config.services);
  for (const image of images) {
    if (!(await registry.exists(image.image, image.digest))) {
      throw new ConfigurationError(
        `Input 'version': ${image.image}@${image.digest} does not exist in the registry`
      );
    }
  }
  return { images, version: `${images[0]?.digest.slice(0, 19) ?? 'unknown'}` };
}

export async function run(): Promise<void> {
  const environment = requiredString('environment');
  checkEnvironment(
    environment,
    listInput('environments').length ? listInput('environments') : [...DEFAULT_ENVIRONMENTS]
  );
  const spec = parseVersionSpec(stringInput('version', 'latest'));
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const loaded = loadEnvironmentConfig(
    path.resolve(workspace, stringInput('config-dir', 'deploy')),
    environment
  );
  const { config } = loaded;
  // strategy canary: validated here, before anything is started (a ConfigurationError names the field)
  const canary = canaryPlan(config);
  const token = optionalString('github-token');
  const webhookUrl = optionalString('webhook-url');
  if (webhookUrl) core.setSecret(webhookUrl);
  const webhookFormat = enumInput('webhook-format', WEBHOOK_FORMATS, 'slack');
  const failOnRollback = boolInput('fail-on-rollback', true);
  const dockerHost = optionalString('docker-host');
  // one duration syntax (lib/duration.ts); the retired number-only inputs still work, with a deprecation warning
  const healthTimeoutMs = durationInput('health-timeout', '60s', {
    legacy: { input: 'health-timeout-seconds', unit: 's' }
  });
  const dockerTimeoutMs = durationInput('docker-timeout', '10m', {
    legacy: { input: 'docker-timeout-seconds', unit: 's' }
  });
  const timeouts = { upMs: dockerTimeoutMs, otherMs: Math.min(60_000, dockerTimeoutMs) };
  const healthOptions = {
    timeoutMs: healthTimeoutMs,
    intervalMs: durationInput('health-interval', '2s', {
      min: 10,
      legacy: { input: 'health-interval-ms', unit: 'ms' }
    }),
    retries: intInput('health-retries', 0, 0),
    requestTimeoutMs: durationInput('health-request-timeout', '10s', {
      min: 10,
      legacy: { input: 'health-request-timeout-ms', unit: 'ms' }
    }),
    unhealthyThreshold: intInput('health-unhealthy-threshold', 5, 0),
    degraded: enumInput('degraded', DEGRADED_POLICIES, 'accept')
  };
  const rollbackHealth = {
    ...healthOptions,
    timeoutMs: durationInput('rollback-health-timeout', formatDuration(healthTimeoutMs), {
      legacy: { input: 'rollback-health-timeout-seconds', unit: 's' }
    })
  };
  const octokit = getClient(token, { operation: 'record-deployments' });
  const repo = currentRepo();
  const records = new Deployments(octokit, repo);

  const current = await records.lastKnownGood(environment);
  const publicHealthPath = config.healthPath ?? Object.values(config.services)[0]?.healthPath ?? '/health';
  let target: Target;
  let deployer: ComposeDeployer | undefined;
  if (config.target.type === 'compose') {
    checkDockerHostReachesTarget(process.env.RUNNER_ENVIRONMENT, dockerHost ?? process.env.DOCKER_HOST);
    deployer = new ComposeDeployer(environment, loaded, dockerHost, timeouts);
    await deployer.preflight();
    target = composeTarget(deployer, config.url, publicHealthPath, healthOptions.requestTimeoutMs);
  } else {
    target = commandTarget(
      loaded,
      environment,
      config.url,
      publicHealthPath,
      dockerTimeoutMs,
      healthOptions.requestTimeoutMs
    );
  }

  const resolved = await resolveImages(spec, config, environment, octokit, records, current, token, deployer);
  core.info(
    `Deploying ${resolved.version}:\n${resolved.images.map((i) => `  ${i.service}: ${i.image}@${i.digest}`).join('\n')}`
  );
  // what to go back to if this fails: compose reads it from the target (the serving color's labels), never
  // from the runner or the records alone; the command target has only the records
  let lastGood: KnownGood | undefined;
  if (deployer) {
    const pointed = await deployer.proxyState();
    const serving = pointed ? await deployer.versionOf(pointed.color) : undefined;
    if (serving)
      lastGood = {
        version: serving.version,
        images: serving.images,
        ref: (await refOf(records, environment, serving.version)) ?? stringInput('ref', 'unknown')
      };
    core.info(
      `On the target: ${pointed ? `the proxy points at ${pointed.color} (${pointed.version})` : 'no proxy yet'}` +
        `${serving ? `; last known good ${serving.version} (${serving.color})` : ''}`
    );
  } else lastGood = knownFromRecord(current);

  const serverUrl = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runUrl = `${serverUrl}/${repo.owner}/${repo.repo}/actions/runs/${process.env.GITHUB_RUN_ID ?? ''}`;
  const outcome = await runDeploy(
    {
      environment,
      version: resolved.version,
      images: resolved.images,
      ref: stringInput('ref', resolved.ref ?? process.env.GITHUB_SHA ?? 'main'),
      kind: spec.kind === 'previous' ? 'rollback' : 'deploy',
      production: environment === stringInput('production-environment', 'prod'),
      logUrl: runUrl,
      health: healthOptions,
      rollbackHealth,
      canary
    },
    target,
    records,
    lastGood,
    config.url
  ).finally(() => deployer?.dispose());

  const report: DeployReport = {
    environment,
    version: resolved.version,
    status: outcome.status,
    url: config.url,
    actor: process.env.GITHUB_TRIGGERING_ACTOR ?? process.env.GITHUB_ACTOR ?? 'unknown',
    repository: `${repo.owner}/${repo.repo}`,
    runUrl,
    images: resolved.images,
    deploymentId: outcome.deploymentId,
    rolledBackTo: outcome.rolledBackTo,
    rollbackDeploymentId: outcome.rollbackDeploymentId,
    rollbackMs: outcome.rollbackMs,
    reason: outcome.reason,
    serving: outcome.serving.summary,
    warnings: outcome.warnings
  };
  for (const w of outcome.warnings) core.warning(w);
  setOutputs({
    deployment_url: config.url,
    version: resolved.version,
    status: outcome.status,
    'deployment-id': outcome.deploymentId,
    'rollback-deployment-id': outcome.rollbackDeploymentId,
    'rolled-back-to': outcome.rolledBackTo,
    'rollback-ms': outcome.rollbackMs,
    color: outcome.color,
    'serving-version': outcome.serving.version,
    serving: outcome.serving.summary,
    images: resolved.images,
    health: outcome.health,
    'canary-steps': outcome.canary?.stepsReached.join(','),
    'canary-5xx': outcome.canary?.canary5xx,
    'canary-requests': outcome.canary?.canaryRequests
  });
  await writeDeploySummary(report, healthRows(outcome.health));
  if (webhookUrl) await sendWebhook(webhookUrl, webhookFormat, report);

  if (outcome.status === 'failure') throw new Error(`Deploy failed: ${outcome.reason ?? 'unknown reason'}`);
  if (outcome.status === 'rolled_back' && failOnRollback) {
    throw new Error(
      `Deploy of ${resolved.version} failed and was rolled back to ${outcome.rolledBackTo}: ${outcome.reason ?? ''}`
    );
  }
}
