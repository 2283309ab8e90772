/**
 * A deploy target for the deploy tests and bench, on the TARGET dockerd (a second Docker daemon, the environment's
 * "remote" Docker host: scripts/services.sh target-up, started by the integration tests' global setup): real images
 * of the example `api` service in the local registry (1.0.0, 2.0.0 healthy; 3.0.0 answering `unhealthy`; 4.0.0
 * whose health never answers), the offline proxy image (scripts/proxy-image.sh), and an environment config that
 * uses the example compose template. Every deploy runs in a FRESH runner: a new workspace (the config copied in)
 * and a new HOME, as on GitHub — the target alone knows what was deployed before.
 */
import { cpSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseProxyState, type ProxyState } from '../../actions/deploy/proxy.js';
import { freePort } from './net.js';
import { REPO_ROOT } from './run-action.js';
import { BASE_IMAGE } from './images.js';

/** the target dockerd's socket (scripts/services.sh; SLIPWAY_TARGET_SOCK overrides it there and here) */
export const TARGET_DOCKER_HOST = `unix://${process.env.SLIPWAY_TARGET_SOCK ?? '/run/slipway-target/docker.sock'}`;

let proxyImage: string | undefined;
/** the offline proxy image (scripts/proxy-image.sh is idempotent: it only prints the ref when it is pushed) */
export function proxyImageRef(): string {
  proxyImage ??=
    process.env.SLIPWAY_PROXY_IMAGE ||
    execFileSync('bash', [path.join(REPO_ROOT, 'scripts/proxy-image.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe']
    }).trim();
  return proxyImage;
}

/** docker against the target dockerd */
export function targetDocker(args: string[]): string {
  return execFileSync('docker', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOCKER_HOST: TARGET_DOCKER_HOST },
    maxBuffer: 64 << 20
  });
}
function docker(args: string[], input?: string): string {
  return execFileSync('docker', args, {
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 64 << 20
  });
}

/** Builds and pushes the example api as `<repo>:<version>` (plus `extra` Dockerfile lines); returns the digest. */
export function buildApi(repo: string, version: string, extra?: string): string {
  const monorepo = path.join(REPO_ROOT, 'examples/monorepo');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-deploy-img-'));
  const tag = `${repo}:${version}`;
  const base = extra ? `${repo}:base-${version}` : tag;
  const meta = path.join(dir, 'meta.json');
  docker([
    'buildx',
    'build',
    '--network',
    'host',
    '--push',
    '-t',
    base,
    '--metadata-file',
    meta,
    '--build-arg',
    `VERSION=${version}`,
    '--build-arg',
    `REVISION=test-${version}`,
    // the offline base image (scripts/base-image.sh; SLIPWAY_BASE_IMAGE like that script): the Dockerfile's own
    // default is Docker Hub's busybox, which works on GitHub and cannot be pulled here
    '--build-arg',
    `BASE=${process.env.SLIPWAY_BASE_IMAGE || BASE_IMAGE}`,
    '-f',
    path.join(monorepo, 'services/api/Dockerfile'),
    monorepo
  ]);
  if (extra) {
    writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${base}\n${extra}\n`);
    docker(['buildx', 'build', '--network', 'host', '--push', '-t', tag, '--metadata-file', meta, dir]);
  }
  return (JSON.parse(readFileSync(meta, 'utf8')) as Record<string, string>)[
    'containerimage.digest'
  ] as string;
}

/**
 * Dockerfile lines for a version whose health passes its first request (the direct check before the switch)
 * and says unhealthy after (once traffic moved to it): the failure-after-switch path.
 */
export const FAILS_AFTER_FIRST_CHECK = [
  'USER root',
  `RUN printf '%s\\n' '#!/bin/sh' 'n=$(cat /tmp/hc 2>/dev/null || echo 0); n=$((n+1)); echo $n > /tmp/hc' ` +
    `'[ "$n" -gt 1 ] && export SLIPWAY_EXAMPLE_HEALTH=unhealthy' '. /app/lib/health.sh' ` +
    `'health_check storage "$(dir_writable_status /tmp/api)"' 'health_respond' > /www/cgi-bin/health`,
  'USER 1001:1001'
].join('\n');

/**
 * Dockerfile lines for a version that warms up: its health answers 503 for the first `seconds` after the start
 * (its /api/version answers at once), with a HEALTHCHECK whose start period covers the warm-up.
 */
export function warmsUp(seconds: number, startPeriodSeconds: number): string {
  return [
    'USER root',
    `RUN printf '%s\\n' '#!/bin/sh' 's=$(cat /tmp/started 2>/dev/null || echo 0); now=$(date +%s)' ` +
      `'[ $((now - s)) -lt ${seconds} ] && export SLIPWAY_EXAMPLE_HEALTH=unhealthy' '. /app/lib/health.sh' ` +
      `'health_check storage "$(dir_writable_status /tmp/api)"' 'health_respond' > /www/cgi-bin/health`,
    'USER 1001:1001',
    `HEALTHCHECK --interval=10s --timeout=3s --start-period=${startPeriodSeconds}s --retries=3 ` +
      `CMD wget -q -O /dev/null "http://127.0.0.1:\${PORT}/api/health" || exit 1`,
    'ENTRYPOINT ["/bin/sh", "-c", "date +%s > /tmp/started; exec /app/lib/serve.sh"]'
  ].join('\n');
}

export interface DeployEnv {
  /** the template workspace: each deploy copies its config dirs into a fresh runner workspace */
  workspace: string;
  repo: string;
  project: string;
  proxyUrl: string;
  ports: { proxy: number; blue: number; green: number };
  /** the default environment config (what writeConfig merges overrides into) */
  baseConfig(): Record<string, unknown> & {
    target: Record<string, unknown> & { proxy: Record<string, unknown> };
  };
  /** the compose container of `service` in `color`, on the target */
  containerName(color: 'blue' | 'green', service?: string): string;
  /** writes <workspace>/<dir>/<environment>.json (overrides merged into the default config) */
  writeConfig(environment: string, overrides?: Record<string, unknown>, dir?: string): string;
  /** a fresh runner: a new workspace with the config dirs copied in, and a new HOME */
  freshRunner(): { workspace: string; home: string };
  /** what the proxy ON THE TARGET says serves (read from inside its container) */
  pointed(): ProxyState | undefined;
  /** the proxy container's id on the target (undefined: none yet) */
  proxyId(): string | undefined;
  /** state and dev.slipway.version label of a color's container on the target (undefined: none) */
  colorState(color: 'blue' | 'green'): { state: string; version: string; image: string } | undefined;
  stop(): Promise<void>;
}

export async function startDeployEnv(id: string): Promise<DeployEnv> {
  const workspace = mkdtempSync(path.join(os.tmpdir(), `slipway-deploy-${id}-`));
  const repo = `127.0.0.1:5000/deploy-test-${id}/api`;
  const project = `slipway-test-${id}`;
  const ports = { proxy: await freePort(), blue: await freePort(), green: await freePort() };
  const image = proxyImageRef();
  const deployDir = path.join(workspace, 'deploy');
  mkdirSync(deployDir, { recursive: true });
  copyFileSync(
    path.join(REPO_ROOT, 'examples/monorepo/deploy/compose.template.yml'),
    path.join(deployDir, 'compose.template.yml')
  );
  const baseConfig = () => ({
    url: `http://127.0.0.1:${ports.proxy}`,
    replicas: 1,
    // no 0.5 CPU quota on top of the machine's own contention: it only starves the example service's CGI
    resources: { cpu: '2', memory: '256Mi' },
    config: { logLevel: 'debug', maxConcurrent: 5 },
    healthPath: '/api/health',
    services: {
      api: { image: repo, healthPath: '/api/health', ports: { blue: ports.blue, green: ports.green } }
    },
    target: {
      type: 'compose',
      composeFile: 'compose.template.yml',
      project,
      // the target dockerd runs on this machine with host networking: its ports are the runner's loopback
      host: '127.0.0.1',
      drainSeconds: 1,
      proxy: { image, port: ports.proxy, listen: '127.0.0.1' } as Record<string, unknown>
    }
  });
  const proxyId = (): string | undefined =>
    targetDocker([
      'ps',
      '-aq',
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--filter',
      'label=com.docker.compose.service=proxy'
    ]).trim() || undefined;
  return {
    workspace,
    repo,
    project,
    proxyUrl: `http://127.0.0.1:${ports.proxy}`,
    ports,
    baseConfig,
    containerName: (color, service = 'api') => `${project}-${service}-${color}-1`,
    writeConfig(environment, overrides = {}, dir = 'deploy') {
      const target = path.join(workspace, dir);
      mkdirSync(target, { recursive: true });
      const file = path.join(target, `${environment}.json`);
      writeFileSync(file, JSON.stringify({ ...baseConfig(), ...overrides }, null, 2));
      if (dir !== 'deploy')
        copyFileSync(path.join(deployDir, 'compose.template.yml'), path.join(target, 'compose.template.yml'));
      return file;
    },
    freshRunner() {
      const runner = mkdtempSync(path.join(os.tmpdir(), `slipway-runner-${id}-`));
      const ws = path.join(runner, 'work');
      const home = path.join(runner, 'home');
      cpSync(workspace, ws, { recursive: true });
      mkdirSync(home);
      return { workspace: ws, home };
    },
    proxyId,
    pointed() {
      const proxy = proxyId();
      if (!proxy) return undefined;
      const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-proxy-read-'));
      try {
        targetDocker(['cp', `${proxy}:/etc/nginx/conf.d/default.conf`, path.join(dir, 'site.conf')]);
        return parseProxyState(readFileSync(path.join(dir, 'site.conf'), 'utf8'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    colorState(color) {
      const ids = targetDocker([
        'ps',
        '-aq',
        '--filter',
        `label=com.docker.compose.project=${project}`,
        '--filter',
        `label=dev.slipway.color=${color}`
      ])
        .split(/\s+/)
        .filter(Boolean);
      if (ids.length === 0) return undefined;
      const out = targetDocker([
        'inspect',
        '--format',
        '{{.State.Status}} {{index .Config.Labels "dev.slipway.version"}} {{.Config.Image}}',
        ids[0]!
      ]).trim();
      const [state, version, image] = out.split(' ') as [string, string, string];
      return { state, version, image };
    },
    async stop() {
      const ids = targetDocker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`])
        .split(/\s+/)
        .filter(Boolean);
      if (ids.length > 0) targetDocker(['rm', '--force', ...ids]);
    }
  };
}

/** GET through the proxy; the `version` the api reports, or the error. */
export async function servedVersion(url: string): Promise<string> {
  try {
    const res = await fetch(`${url}/api/version`, {
      headers: { connection: 'close' },
      signal: AbortSignal.timeout(5000)
    });
    const body = (await res.json()) as { version?: string };
    return res.ok ? (body.version ?? 'no version') : `HTTP ${res.status}`;
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

/** true when a container of `color` runs on the target */
export function colorRunning(project: string, color: string): boolean {
  const out = targetDocker([
    'ps',
    '--filter',
    `label=com.docker.compose.project=${project}`,
    '--filter',
    `label=dev.slipway.color=${color}`,
    '--format',
    '{{.ID}}'
  ]);
  return out.trim() !== '';
}
