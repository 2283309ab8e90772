/**
 * The host's real nginx (/usr/sbin/nginx) as a canary proxy for tests: started by us in the foreground (`daemon off`,
 * so the spawned process is the master and we stop it by its PID), with its own prefix directory, free loopback port,
 * the canary JSON access log and the upstream include file rendered by actions/deploy/canary.ts. A CanaryTarget over
 * it does what the proxy container does on a target host: write the upstream file, `nginx -t`, `nginx -s reload`,
 * read the access log.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  ACCESS_LOG_FORMAT,
  ACCESS_LOG_FORMAT_NAME,
  canaryUpstreamName,
  countAccessLog,
  renderWeightedUpstreams,
  upstreamAddresses,
  type CanaryTarget,
  type HealthResult,
  type SplitSide,
  type Stats
} from '../../actions/deploy/canary.js';
import { freePort } from './net.js';

const run = promisify(execFile);
export const NGINX = '/usr/sbin/nginx';

export function httpGet(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

export interface HostNginxOptions {
  environment: string;
  service: string;
  ports: { blue: number; green: number };
  stable: SplitSide;
  canary: SplitSide;
  /** the canary color's health URL (checked directly, not through nginx) */
  canaryHealthUrl: string;
}

export class HostNginx implements CanaryTarget {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-canary-nginx-'));
  readonly conf = path.join(this.dir, 'nginx.conf');
  readonly upstreamFile = path.join(this.dir, 'upstreams.conf');
  readonly accessLog = path.join(this.dir, 'access.log');
  readonly errorLog = path.join(this.dir, 'error.log');
  port = 0;
  /** a fault for tests: the upstream file of these percents gets a directive nginx -t refuses */
  readonly refuseAt = new Set<number>();
  private master: ChildProcess | undefined;
  private generation = 0;
  private exited: Promise<void> | undefined;

  constructor(private readonly options: HostNginxOptions) {
    // workers run as nobody when we are root: they must reach the temp dirs below
    chmodSync(this.dir, 0o755);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private args(...extra: string[]): string[] {
    return ['-p', this.dir, '-c', this.conf, '-e', this.errorLog, ...extra];
  }

  private renderMain(): string {
    const temp = (name: string): string => path.join(this.dir, 'temp', name);
    for (const name of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
      mkdirSync(temp(name), { recursive: true });
    const upstream = canaryUpstreamName(this.options.environment, this.options.service);
    return [
      'daemon off;',
      // one worker: nginx's smooth weighted round robin keeps its state per worker, so one worker makes the split
      // of consecutive requests deterministic (see the tolerance in the test)
      'worker_processes 1;',
      ...(process.getuid?.() === 0 ? ['user nobody nogroup;'] : []),
      `pid ${path.join(this.dir, 'nginx.pid')};`,
      `error_log ${this.errorLog} notice;`,
      'events { worker_connections 512; }',
      'http {',
      `  client_body_temp_path ${temp('body')};`,
      `  proxy_temp_path ${temp('proxy')};`,
      `  fastcgi_temp_path ${temp('fastcgi')};`,
      `  uwsgi_temp_path ${temp('uwsgi')};`,
      `  scgi_temp_path ${temp('scgi')};`,
      `  ${ACCESS_LOG_FORMAT}`,
      `  access_log ${this.accessLog} ${ACCESS_LOG_FORMAT_NAME};`,
      `  include ${this.upstreamFile};`,
      '  server {',
      `    listen 127.0.0.1:${this.port};`,
      // which upstream file the serving workers loaded (the generation is a map in that file)
      '    location = /__slipway/generation { access_log off; return 200 $slipway_generation; }',
      `    location / { proxy_pass http://${upstream}; }`,
      '  }',
      '}',
      ''
    ].join('\n');
  }

  private renderUpstreams(percent: number): string {
    const { environment, service, ports, stable, canary } = this.options;
    const text = renderWeightedUpstreams(environment, { [service]: { ports } }, stable, canary, percent);
    const fault = this.refuseAt.has(percent) ? 'slipway_not_a_directive on;\n' : '';
    return `${text}map $host $slipway_generation { default "${this.generation}"; }\n${fault}`;
  }

  /** Starts nginx with the canary at 0 % and waits until it serves. */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.port = await freePort();
      writeFileSync(this.conf, this.renderMain());
      writeFileSync(this.upstreamFile, this.renderUpstreams(0));
      await run(NGINX, this.args('-t'));
      const master = spawn(NGINX, this.args(), { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      master.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      this.exited = new Promise((resolve) => master.once('exit', () => resolve()));
      this.master = master;
      try {
        await this.waitForGeneration(10_000);
        return;
      } catch (error) {
        await this.stop();
        // another process took the port between freePort() and nginx's bind: pick another one
        if (attempt < 3 && /Address already in use/.test(stderr + readFileSync(this.errorLog, 'utf8')))
          continue;
        throw new Error(`nginx did not start: ${(error as Error).message}\n${stderr}`);
      }
    }
  }

  /** Polls until the served generation is the current one and the old workers have exited. */
  private async waitForGeneration(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (this.master?.exitCode !== null) throw new Error(`nginx exited (${this.master?.exitCode})`);
      try {
        const res = await httpGet(`${this.url}/__slipway/generation`, 2000);
        last = `generation ${res.body}`;
        if (res.status === 200 && res.body === String(this.generation)) {
          const workers = await this.workerPids();
          last += `, ${workers.length} workers`;
          if (workers.length === 1) return;
        }
      } catch (error) {
        last = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(
      `nginx does not serve generation ${this.generation} after ${timeoutMs} ms (last: ${last})`
    );
  }

  private async workerPids(): Promise<string[]> {
    const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(this.master?.pid)]).catch(() => ({
      stdout: ''
    }));
    return stdout.split('\n').filter((l) => l.trim() !== '');
  }

  // --- CanaryTarget -------------------------------------------------------------------------------------------

  async setWeight(percent: number): Promise<void> {
    const previous = readFileSync(this.upstreamFile, 'utf8');
    this.generation++;
    const tmp = `${this.upstreamFile}.tmp`;
    writeFileSync(tmp, this.renderUpstreams(percent));
    renameSync(tmp, this.upstreamFile);
    try {
      await run(NGINX, this.args('-t'));
    } catch (error) {
      writeFileSync(this.upstreamFile, previous);
      this.generation--;
      throw new Error(
        `nginx -t refused the ${percent} % upstreams: ${(error as { stderr?: string }).stderr ?? error}`
      );
    }
    await run(NGINX, this.args('-s', 'reload'));
    // a reload is asynchronous: new workers start, old ones finish their requests and exit
    await this.waitForGeneration(30_000);
  }

  async readStats(sinceMs: number): Promise<Stats> {
    const { ports, stable, canary } = this.options;
    const services = { [this.options.service]: { ports } };
    return countAccessLog(readFileSync(this.accessLog, 'utf8'), sinceMs, {
      canary: upstreamAddresses(services, canary.color),
      stable: upstreamAddresses(services, stable.color)
    });
  }

  async health(): Promise<HealthResult> {
    try {
      const res = await httpGet(this.options.canaryHealthUrl, 5000);
      return res.status === 200
        ? { passed: true, reason: `${this.options.canaryHealthUrl}: 200` }
        : { passed: false, reason: `${this.options.canaryHealthUrl}: HTTP ${res.status}` };
    } catch (error) {
      return { passed: false, reason: `${this.options.canaryHealthUrl}: ${(error as Error).message}` };
    }
  }

  /** Graceful stop (SIGQUIT) of the master we spawned, by its PID; SIGKILL after 10 s. */
  async stop(): Promise<void> {
    const master = this.master;
    if (!master?.pid || master.exitCode !== null || master.signalCode !== null) return;
    master.kill('SIGQUIT');
    const timer = setTimeout(() => master.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
