/**
 * A local deploy target for the deploy tests and bench: real images of the example `api` service in the local
 * registry (1.0.0, 2.0.0 healthy; 3.0.0 answering `unhealthy`; 4.0.0 whose health never answers), a real nginx
 * from Debian on a free loopback port (started by us, stopped by PID), and an environment config in a temp
 * workspace that uses the example compose template.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './run-action.js';
import { BASE_IMAGE } from './images.js';

export const NGINX = '/usr/sbin/nginx';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
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
  workspace: string;
  repo: string;
  project: string;
  proxyUrl: string;
  ports: { proxy: number; blue: number; green: number };
  upstreamFile: string;
  /** the nginx main config (a test may break it; `restoreProxy()` puts it back) */
  nginxConf: string;
  /** `nginx -p … -c …` (append `-t -q` or `-s reload`) */
  nginxCmd: string;
  nginx: ChildProcess;
  /** the default environment config (what writeConfig merges overrides into) */
  baseConfig(): Record<string, unknown> & {
    target: Record<string, unknown> & { proxy: Record<string, string> };
  };
  /** rewrites the pristine nginx.conf and reloads nginx */
  restoreProxy(): void;
  /** the compose container of `service` in `color` */
  containerName(color: 'blue' | 'green', service?: string): string;
  /** writes <workspace>/<dir>/<environment>.json (overrides merged into the default config) */
  writeConfig(environment: string, overrides?: Record<string, unknown>, dir?: string): string;
  stop(): Promise<void>;
}

export async function startDeployEnv(id: string): Promise<DeployEnv> {
  const workspace = mkdtempSync(path.join(os.tmpdir(), `slipway-deploy-${id}-`));
  const repo = `127.0.0.1:5000/deploy-test-${id}/api`;
  const project = `slipway-test-${id}`;
  const ports = { proxy: await freePort(), blue: await freePort(), green: await freePort() };
  const nginxDir = path.join(workspace, 'nginx');
  mkdirSync(path.join(nginxDir, 'logs'), { recursive: true });
  mkdirSync(path.join(nginxDir, 'upstreams'), { recursive: true });
  const upstreamFile = path.join(nginxDir, 'upstreams', 'staging.conf');
  // the platform team's placeholder before the first deploy (no Slipway marker: no active color)
  writeFileSync(upstreamFile, `upstream slipway_staging_api { server 127.0.0.1:${ports.blue}; }\n`);
  writeFileSync(
    path.join(nginxDir, 'nginx.conf'),
    [
      'daemon off;',
      'master_process on;',
      'worker_processes 1;',
      'user root;',
      `pid ${nginxDir}/nginx.pid;`,
      `error_log ${nginxDir}/logs/error.log warn;`,
      'events { worker_connections 512; }',
      'http {',
      `  access_log off;`,
      `  client_body_temp_path ${nginxDir}/tmp_body;`,
      `  proxy_temp_path ${nginxDir}/tmp_proxy;`,
      `  include ${upstreamFile};`,
      `  server {`,
      `    listen 127.0.0.1:${ports.proxy};`,
      `    location / { proxy_pass http://slipway_staging_api; proxy_connect_timeout 2s; }`,
      `  }`,
      '}',
      ''
    ].join('\n')
  );
  const nginx = spawn(NGINX, ['-p', nginxDir, '-c', path.join(nginxDir, 'nginx.conf')], { stdio: 'ignore' });
  await waitForPort(ports.proxy);

  const nginxCmd = `${NGINX} -p ${nginxDir} -c ${path.join(nginxDir, 'nginx.conf')}`;
  const deployDir = path.join(workspace, 'deploy');
  mkdirSync(deployDir, { recursive: true });
  copyFileSync(
    path.join(REPO_ROOT, 'examples/monorepo/deploy/compose.template.yml'),
    path.join(deployDir, 'compose.template.yml')
  );

  const nginxConf = path.join(nginxDir, 'nginx.conf');
  const pristineConf = readFileSync(nginxConf, 'utf8');
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
      host: '127.0.0.1',
      drainSeconds: 1,
      proxy: { upstreamFile, test: `${nginxCmd} -t -q`, reload: `${nginxCmd} -s reload` }
    }
  });
  return {
    workspace,
    repo,
    project,
    proxyUrl: `http://127.0.0.1:${ports.proxy}`,
    ports,
    upstreamFile,
    nginxConf,
    nginxCmd,
    nginx,
    baseConfig,
    restoreProxy() {
      writeFileSync(nginxConf, pristineConf);
      execFileSync('sh', ['-c', `${nginxCmd} -s reload`], { stdio: 'ignore' });
    },
    containerName: (color, service = 'api') => `${project}-${color}-${service}-1`,
    writeConfig(environment, overrides = {}, dir = 'deploy') {
      const target = path.join(workspace, dir);
      mkdirSync(target, { recursive: true });
      const file = path.join(target, `${environment}.json`);
      writeFileSync(file, JSON.stringify({ ...baseConfig(), ...overrides }, null, 2));
      if (dir !== 'deploy')
        copyFileSync(path.join(deployDir, 'compose.template.yml'), path.join(target, 'compose.template.yml'));
      return file;
    },
    async stop() {
      for (const color of ['blue', 'green']) {
        try {
          execFileSync(
            'docker',
            ['compose', '--project-name', `${project}-${color}`, 'down', '--timeout', '2'],
            { stdio: 'ignore' }
          );
        } catch {
          /* not running */
        }
      }
      if (nginx.pid && nginx.exitCode === null) {
        const exited = new Promise((resolve) => nginx.once('exit', resolve));
        process.kill(nginx.pid, 'SIGQUIT');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
        clearTimeout(timer);
        if (nginx.exitCode === null) process.kill(nginx.pid, 'SIGKILL');
      }
    }
  };
}

async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after 10 s`);
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

export function colorRunning(project: string, color: string): boolean {
  const out = docker([
    'ps',
    '--filter',
    `label=com.docker.compose.project=${project}-${color}`,
    '--format',
    '{{.ID}}'
  ]);
  return out.trim() !== '';
}
