/**
 * Per-environment deploy configuration: one JSON file per environment (`<config-dir>/<environment>.json`) in the
 * seed-002 shape (replicas, resources, config.logLevel/maxConcurrent, url) plus what Slipway needs to deploy it
 * (services, target). Validated against ENVIRONMENT_SCHEMA with ajv; errors name the file and the JSON path.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { jsonErrorLine, jsonLineOfPath } from '../lib/json-location.js';
import { ConfigurationError } from '../lib/errors.js';
import { STRATEGY_SCHEMA, strategyErrors, type DeployStrategy } from './canary.js';

export const DEFAULT_ENVIRONMENTS = ['dev', 'test', 'staging', 'prod'] as const;

export interface ServiceConfig {
  /** repository without tag, e.g. ghcr.io/acme/api */
  image: string;
  /** host ports of the two colors (compose target, host networking) */
  ports?: { blue: number; green: number };
  /** path of the service's health endpoint, e.g. /api/health */
  healthPath: string;
  /** path prefix the proxy routes to this service (default: `/` for the first service, `/<name>/` for others) */
  route?: string;
}

/** The reverse proxy: a container of the environment's compose project on the target (actions/deploy/proxy.ts). */
export interface ProxyConfig {
  /**
   * nginx image, by digest (default: the official nginx image pinned in proxy.ts; SLIPWAY_PROXY_IMAGE in the
   * action's environment when the config names none — local runs use the offline image of scripts/proxy-image.sh)
   */
  image?: string;
  /** the port the proxy listens on, on the target host (the environment's `url` goes there) */
  port: number;
  /** address to listen on (default: all) */
  listen?: string;
  /** the site file Slipway writes inside the container (default /etc/nginx/conf.d/default.conf) */
  configPath?: string;
}

export interface ComposeTarget {
  type: 'compose';
  /** compose file template (relative to the config file), interpolated by compose from SLIPWAY_* variables */
  composeFile: string;
  /** the environment's compose project on the target (default: the environment); services <svc>-blue/-green, proxy */
  project?: string;
  /** host the colors' ports are reached on for the direct health check (from the runner) */
  host?: string;
  proxy: ProxyConfig;
  /** seconds the old color keeps running after the switch, for in-flight requests */
  drainSeconds?: number;
  /**
   * seconds after `compose up` during which failed health answers do not count (a warm-up); the images'
   * HEALTHCHECK start period is honoured anyway, the longer of the two wins
   */
  readinessSeconds?: number;
}

export interface CommandTarget {
  type: 'command';
  /** shell command run with the digests in its environment (kubectl/helm users) */
  command: string;
}

export interface EnvironmentConfig {
  url: string;
  replicas: number;
  resources: { cpu: string; memory: string };
  config: { logLevel: 'debug' | 'info' | 'warn' | 'error'; maxConcurrent: number };
  /** health path checked through `url` after the switch (default: the first service's healthPath) */
  healthPath?: string;
  services: Record<string, ServiceConfig>;
  target: ComposeTarget | CommandTarget;
  /** how a new version takes traffic (default blue-green); canary: see canary.ts and docs/canary.md */
  strategy?: DeployStrategy;
}

export interface LoadedConfig {
  file: string;
  dir: string;
  config: EnvironmentConfig;
}

const port = { type: 'integer', minimum: 1, maximum: 65535 } as const;

export const ENVIRONMENT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://slipway.dev/schemas/deploy-environment.json',
  title: 'Slipway deploy environment',
  type: 'object',
  additionalProperties: false,
  required: ['url', 'replicas', 'resources', 'config', 'services', 'target'],
  properties: {
    $schema: { type: 'string' },
    url: {
      type: 'string',
      pattern: '^https?://[^\\s/]+(/\\S*)?$',
      description: 'public URL of the environment'
    },
    replicas: { type: 'integer', minimum: 1, maximum: 100 },
    resources: {
      type: 'object',
      additionalProperties: false,
      required: ['cpu', 'memory'],
      properties: {
        cpu: { type: 'string', pattern: '^\\d+(\\.\\d+)?$', description: 'CPUs, e.g. "0.5"' },
        memory: { type: 'string', pattern: '^\\d+(Ki|Mi|Gi)$', description: 'e.g. "512Mi", "1Gi"' }
      }
    },
    config: {
      type: 'object',
      additionalProperties: false,
      required: ['logLevel', 'maxConcurrent'],
      properties: {
        logLevel: { enum: ['debug', 'info', 'warn', 'error'] },
        maxConcurrent: { type: 'integer', minimum: 1 }
      }
    },
    healthPath: { type: 'string', pattern: '^/' },
    strategy: STRATEGY_SCHEMA,
    services: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[a-z0-9][a-z0-9-]*$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['image', 'healthPath'],
        properties: {
          image: { type: 'string', pattern: '^[a-z0-9.:-]+(/[a-z0-9._-]+)+$' },
          healthPath: { type: 'string', pattern: '^/' },
          route: { type: 'string', pattern: '^/\\S*$' },
          ports: {
            type: 'object',
            additionalProperties: false,
            required: ['blue', 'green'],
            properties: { blue: port, green: port }
          }
        }
      }
    },
    target: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'composeFile', 'proxy'],
          properties: {
            type: { const: 'compose' },
            composeFile: { type: 'string', minLength: 1 },
            project: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' },
            host: { type: 'string', minLength: 1 },
            drainSeconds: { type: 'number', minimum: 0, maximum: 3600 },
            readinessSeconds: { type: 'number', minimum: 0, maximum: 3600 },
            proxy: {
              type: 'object',
              additionalProperties: false,
              required: ['port'],
              properties: {
                image: {
                  type: 'string',
                  pattern: '^[a-z0-9.:-]+(/[a-z0-9._-]+)+(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$'
                },
                port,
                listen: { type: 'string', minLength: 1 },
                configPath: { type: 'string', pattern: '^/\\S+\\.conf$' }
              }
            }
          }
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'command'],
          properties: { type: { const: 'command' }, command: { type: 'string', minLength: 1 } }
        }
      ]
    }
  }
} as const;

let validator: ReturnType<Ajv['compile']> | undefined;

/** Validates parsed JSON; returns `path: message` lines (empty when valid). Pure: unit tested. */
export function validateEnvironmentConfig(value: unknown): string[] {
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(ENVIRONMENT_SCHEMA);
  if (validator(value)) return semanticErrors(value as EnvironmentConfig);
  const errors = validator.errors ?? [];
  // A oneOf failure repeats every branch's complaint; report the branch the `type` asked for.
  const targetType = (value as { target?: { type?: unknown } } | null)?.target?.type;
  const branch = targetType === 'command' ? '/oneOf/1/' : '/oneOf/0/';
  return [
    ...new Set(
      errors
        .filter((e) => !e.schemaPath.includes('/oneOf/') || e.schemaPath.includes(branch))
        .filter((e) => e.keyword !== 'oneOf' || errors.length === 1)
        .map((e) => {
          const where = e.instancePath === '' ? '(root)' : e.instancePath;
          const extra =
            e.keyword === 'additionalProperties'
              ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'`
              : e.keyword === 'enum'
                ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`
                : '';
          return `${where} ${e.message ?? 'is invalid'}${extra}`;
        })
    )
  ];
}

function semanticErrors(config: EnvironmentConfig): string[] {
  const errors: string[] = strategyErrors(config.strategy, config.target.type);
  if (config.target.type === 'compose') {
    const used = new Map<number, string>();
    for (const [name, service] of Object.entries(config.services)) {
      if (!service.ports) {
        errors.push(`/services/${name} must have 'ports' ({ "blue": …, "green": … }) for the compose target`);
        continue;
      }
      for (const color of ['blue', 'green'] as const) {
        const p = service.ports[color];
        if (p === config.target.proxy.port)
          errors.push(`/services/${name}/ports/${color} ${p} is also the proxy's port (/target/proxy/port)`);
        const other = used.get(p);
        if (other) errors.push(`/services/${name}/ports/${color} ${p} is also used by ${other}`);
        used.set(p, `${name}/${color}`);
      }
    }
  }
  return errors;
}

export function configFile(configDir: string, environment: string): string {
  return path.join(configDir, `${environment}.json`);
}

export function loadEnvironmentConfig(configDir: string, environment: string): LoadedConfig {
  const file = configFile(configDir, environment);
  if (!existsSync(file)) {
    throw new ConfigurationError(
      `No deploy configuration for environment '${environment}': ${file} does not exist. ` +
        `Create it (see docs/deploy.md) or set the 'config-dir' input.`
    );
  }
  let value: unknown;
  const text = readFileSync(file, 'utf8');
  try {
    value = JSON.parse(text);
  } catch (error) {
    const line = jsonErrorLine(text);
    throw new ConfigurationError(`${file} is not valid JSON: ${(error as Error).message}`, {
      file,
      line
    });
  }
  const errors = validateEnvironmentConfig(value);
  if (errors.length > 0) {
    // each message starts with its JSON-pointer path: the first one's line places the annotation
    const line = jsonLineOfPath(text, errors[0]!.split(' ')[0]!.replace('(root)', ''));
    throw new ConfigurationError(
      `${file} does not match the deploy environment schema:\n${errors.map((e) => `  - ${e}`).join('\n')}`,
      { file, line }
    );
  }
  return { file, dir: path.dirname(file), config: value as EnvironmentConfig };
}

/** "512Mi" → "512m" (compose/docker memory units). */
export function composeMemory(memory: string): string {
  const m = /^(\d+)(Ki|Mi|Gi)$/.exec(memory);
  if (!m) return memory;
  return `${m[1]}${{ Ki: 'k', Mi: 'm', Gi: 'g' }[m[2] as 'Ki' | 'Mi' | 'Gi']}`;
}

/**
 * A compose deploy needs a Docker host that outlives the job: a remote one (`docker-host`: ssh:// or tcp://), or
 * the local one of a self-hosted runner on the target. A GitHub-hosted runner's own dockerd is discarded with the
 * VM after the job, so deploying there would record a success that serves nothing.
 * RUNNER_ENVIRONMENT is `github-hosted` or `self-hosted`:
 * https://docs.github.com/en/actions/reference/variables-reference#default-environment-variables
 * (added in https://github.com/github/docs/pull/33310). Unset (an older runner, or a local run): not refused.
 */
export function checkDockerHostReachesTarget(
  runnerEnvironment: string | undefined,
  dockerHost: string | undefined
): void {
  const local = !dockerHost || dockerHost.startsWith('unix://') || dockerHost.startsWith('npipe://');
  if (runnerEnvironment === 'github-hosted' && local) {
    throw new ConfigurationError(
      `Input 'docker-host' is ${dockerHost ? `'${dockerHost}' (the runner's own Docker)` : 'empty'} on a ` +
        `GitHub-hosted runner: that VM and its containers are discarded after the job, so nothing would stay ` +
        `deployed. Set 'docker-host' to the environment's Docker host (ssh://user@host, or tcp://host:2376 with ` +
        `TLS), or run the deploy job on a self-hosted runner on that host (runs-on: [self-hosted, <label>]).`
    );
  }
}
