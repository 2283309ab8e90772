/**
 * The compose target: blue-green on the environment's Docker host, which holds ALL the deploy's state (the runner
 * holds nothing: on GitHub each job's runner is fresh).
 *
 * One compose project per environment (`target.project`, default the environment) on the target, with services
 * `<service>-blue`, `<service>-green` (each rendered from the user's compose template for its color: `docker
 * compose config` resolves the template, Slipway renames the services and adds its labels) and `proxy` (nginx,
 * host networking like the colors: dockerd may run without a bridge).
 *
 * What is read from the target, never from the runner's disk:
 *   - what serves: the proxy's own site file inside its container (`docker cp <proxy>:<configPath>`), whose first
 *     line names the color, weights and version (proxy.ts);
 *   - what each color runs: the labels set at `compose up` (dev.slipway.version, dev.slipway.digests,
 *     dev.slipway.deployed-at) and the containers' Config.Image (image@digest);
 *   - the last known good: the previous color's containers, STOPPED (not removed) after a deploy, so their labels
 *     and images stay on the target and a rollback from a fresh runner restarts them without a pull.
 * The switch happens on the target: the candidate site file is copied into the proxy container, checked there
 * (`nginx -t`), and applied by a graceful reload (`nginx -s reload`); a failed check puts the previous file back.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DeployedImage } from '../lib/deployments.js';
import { ConfigurationError, errorMessage } from '../lib/errors.js';
import { execTool, TimeoutError, type ExecOptions, type ExecResult } from '../lib/exec.js';
import { composeMemory, type ComposeTarget, type EnvironmentConfig, type LoadedConfig } from './config.js';
import {
  allOn,
  DEFAULT_PROXY_CONFIG_PATH,
  DEFAULT_PROXY_IMAGE,
  parseProxyState,
  renderProxyConfig,
  type ProxyService,
  type ProxyState
} from './proxy.js';

export type Color = 'blue' | 'green';

export function otherColor(color: Color): Color {
  return color === 'blue' ? 'green' : 'blue';
}

export function envName(service: string): string {
  return service.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** Variables the compose template (and the command target) read (pure). */
export function deployEnv(
  environment: string,
  version: string,
  images: DeployedImage[],
  config: EnvironmentConfig,
  color?: Color
): Record<string, string> {
  const env: Record<string, string> = {
    SLIPWAY_ENVIRONMENT: environment,
    SLIPWAY_VERSION: version,
    SLIPWAY_URL: config.url,
    SLIPWAY_REPLICAS: String(config.replicas),
    SLIPWAY_CPUS: config.resources.cpu,
    SLIPWAY_MEMORY: composeMemory(config.resources.memory),
    SLIPWAY_LOG_LEVEL: config.config.logLevel,
    SLIPWAY_MAX_CONCURRENT: String(config.config.maxConcurrent),
    SLIPWAY_IMAGES: JSON.stringify(images)
  };
  if (color) env.SLIPWAY_COLOR = color;
  for (const image of images) {
    const key = envName(image.service);
    env[`SLIPWAY_IMAGE_${key}`] = `${image.image}@${image.digest}`;
    const ports = config.services[image.service]?.ports;
    if (color && ports) env[`SLIPWAY_PORT_${key}`] = String(ports[color]);
  }
  return env;
}

/** Labels Slipway puts on every container of a color (read back by any later run, from any runner). */
export const LABELS = {
  environment: 'dev.slipway.environment',
  color: 'dev.slipway.color',
  version: 'dev.slipway.version',
  digests: 'dev.slipway.digests',
  deployedAt: 'dev.slipway.deployed-at',
  role: 'dev.slipway.role'
} as const;

interface ComposeModel {
  name?: string;
  services: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/**
 * The resolved template (`docker compose config --format json`) → the color's services: `<service>-<color>`,
 * Slipway's labels added, `depends_on` renamed along (pure).
 */
export function colorModel(
  resolved: ComposeModel,
  color: Color,
  labels: Record<string, string>
): ComposeModel {
  const names = Object.keys(resolved.services);
  const rename = (s: string): string => (names.includes(s) ? `${s}-${color}` : s);
  const services: ComposeModel['services'] = {};
  for (const [name, svc] of Object.entries(resolved.services)) {
    const next: Record<string, unknown> = { ...svc };
    next.labels = { ...((svc.labels as Record<string, string> | undefined) ?? {}), ...labels };
    delete next.container_name; // two colors of one service cannot share a container name
    const deps = svc.depends_on;
    if (Array.isArray(deps)) next.depends_on = (deps as string[]).map(rename);
    else if (deps && typeof deps === 'object')
      next.depends_on = Object.fromEntries(Object.entries(deps).map(([k, v]) => [rename(k), v]));
    services[rename(name)] = next;
  }
  const { name: _name, services: _services, ...rest } = resolved;
  return { ...rest, services };
}

function sameImages(a: DeployedImage[], b: DeployedImage[]): boolean {
  const key = (l: DeployedImage[]) =>
    l
      .map((i) => `${i.service}=${i.image}@${i.digest}`)
      .sort()
      .join(',');
  return key(a) === key(b);
}

/** One container of a color as the Docker host reports it. */
export interface ColorContainer {
  id: string;
  /** the template's service name (without the color) */
  service: string;
  /** the image reference it was created from (image@sha256:… for Slipway deploys) */
  image: string;
  /** running, exited, restarting … */
  state: string;
  /** starting, healthy, unhealthy; undefined without a HEALTHCHECK */
  health?: string;
  /** the HEALTHCHECK start period, ms (0 without one) */
  startPeriodMs: number;
  startedAt: number;
  labels: Record<string, string>;
}

/** A version as the target records it on a color's containers. */
export interface TargetVersion {
  color: Color;
  version: string;
  images: DeployedImage[];
  running: boolean;
  deployedAt?: string;
}

/** Time limits of the Docker commands (every external command has one). */
export interface CommandTimeouts {
  /** `compose up` (pulls included), ms */
  upMs: number;
  /** everything else (ps, inspect, stop, cp, exec), ms */
  otherMs: number;
}

export const DEFAULT_TIMEOUTS: CommandTimeouts = { upMs: 600_000, otherMs: 60_000 };

export class ComposeDeployer {
  readonly target: ComposeTarget;
  readonly host: string;
  readonly proxyImage: string;
  readonly configPath: string;
  /** set when a Docker command timed out: later ones fail at once instead of hanging again */
  hostLost: string | undefined;
  /** scratch space for files handed to `docker compose` / `docker cp` (never read back: no state) */
  private readonly scratch: string;

  constructor(
    readonly environment: string,
    readonly loaded: LoadedConfig,
    private readonly dockerHost: string | undefined,
    readonly timeouts: CommandTimeouts = DEFAULT_TIMEOUTS
  ) {
    this.target = loaded.config.target as ComposeTarget;
    this.host = this.target.host ?? '127.0.0.1';
    // the config's image, else SLIPWAY_PROXY_IMAGE (local runs: the offline image of scripts/proxy-image.sh),
    // else the pinned official nginx image
    this.proxyImage = this.target.proxy.image ?? process.env.SLIPWAY_PROXY_IMAGE ?? DEFAULT_PROXY_IMAGE;
    this.configPath = this.target.proxy.configPath ?? DEFAULT_PROXY_CONFIG_PATH;
    this.scratch = mkdtempSync(path.join(process.env.RUNNER_TEMP ?? os.tmpdir(), 'slipway-deploy-'));
  }

  /** removes the scratch files (nothing in them is state) */
  dispose(): void {
    rmSync(this.scratch, { recursive: true, force: true });
  }

  /** Every Docker command goes through here: a time limit, and no new command once the host stopped answering. */
  private async docker(
    args: string[],
    options: ExecOptions & { timeoutMs?: number } = {}
  ): Promise<ExecResult> {
    if (this.hostLost) {
      throw new TimeoutError(`docker ${args.slice(0, 3).join(' ')}`, 0, `not run: ${this.hostLost}`);
    }
    try {
      return await execTool('docker', args, {
        ...options,
        env: this.dockerEnv(options.env),
        timeoutMs: options.timeoutMs ?? this.timeouts.otherMs
      });
    } catch (error) {
      if (error instanceof TimeoutError) {
        this.hostLost = `the Docker host did not answer '${error.command}' within ${Math.round(error.timeoutMs / 1000)} s`;
      }
      throw error;
    }
  }

  /** the environment's one compose project on the target */
  get project(): string {
    return (this.target.project ?? this.environment).toLowerCase().replace(/[^a-z0-9_-]/g, '-');
  }

  /** how people see a color: `<project> <color>` */
  describe(color: Color): string {
    return `${this.project} ${color}`;
  }

  private dockerEnv(extra: Record<string, string> = {}): Record<string, string> {
    // DOCKER_HOST from the input wins over the runner's; unset, docker uses the runner's own
    return { ...(this.dockerHost ? { DOCKER_HOST: this.dockerHost } : {}), ...extra };
  }

  get composeFile(): string {
    return path.resolve(this.loaded.dir, this.target.composeFile);
  }

  /** Fails early (before any record or container) when the Docker host or the template is not usable. */
  async preflight(): Promise<void> {
    await this.docker(['version', '--format', '{{.Server.Version}}'], {
      hint: (result) =>
        `the Docker host ${this.dockerHost ?? process.env.DOCKER_HOST ?? '(local socket)'} is not reachable; ` +
        (sshRefusal(result.stderr) ??
          `check the 'docker-host' input (unix://, tcp:// or ssh://user@host) and that dockerd runs there`)
    });
    if (!existsSync(this.composeFile)) {
      throw new ConfigurationError(
        `${this.loaded.file}: target.composeFile '${this.target.composeFile}' does not exist (${this.composeFile})`
      );
    }
  }

  private async ids(filters: string[]): Promise<string[]> {
    const out = await this.docker([
      'ps',
      '--all',
      '--quiet',
      '--filter',
      `label=com.docker.compose.project=${this.project}`,
      ...filters.flatMap((f) => ['--filter', `label=${f}`])
    ]);
    return out.stdout.split(/\s+/).filter(Boolean);
  }

  /** the proxy container's id (undefined: not created yet) */
  async proxyId(): Promise<string | undefined> {
    return (await this.ids(['com.docker.compose.service=proxy']))[0];
  }

  /** The proxy's site file, read from its container (undefined: no proxy yet). */
  async readProxyConfig(id?: string): Promise<string | undefined> {
    const proxy = id ?? (await this.proxyId());
    if (!proxy) return undefined;
    const dir = mkdtempSync(path.join(this.scratch, 'read-'));
    const file = path.join(dir, path.basename(this.configPath));
    await this.docker(['cp', `${proxy}:${this.configPath}`, file]);
    const text = readFileSync(file, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    return text;
  }

  /** What the proxy on the target says serves. */
  async proxyState(): Promise<ProxyState | undefined> {
    const text = await this.readProxyConfig();
    return text === undefined ? undefined : parseProxyState(text);
  }

  private labels(color: Color, images: DeployedImage[], version: string): Record<string, string> {
    return {
      [LABELS.environment]: this.environment,
      [LABELS.color]: color,
      [LABELS.version]: version,
      [LABELS.digests]: JSON.stringify(images),
      [LABELS.deployedAt]: new Date().toISOString()
    };
  }

  /** Renders the color's compose file from the user's template (a scratch file: compose needs one). */
  async renderColor(color: Color, images: DeployedImage[], version: string): Promise<string[]> {
    const env = deployEnv(this.environment, version, images, this.loaded.config, color);
    const resolved = await execTool(
      'docker',
      [
        'compose',
        '--project-name',
        this.project,
        '--project-directory',
        this.loaded.dir,
        '--file',
        this.composeFile,
        'config',
        '--format',
        'json'
      ],
      { env: this.dockerEnv(env), timeoutMs: this.timeouts.otherMs }
    );
    const model = colorModel(
      JSON.parse(resolved.stdout) as ComposeModel,
      color,
      this.labels(color, images, version)
    );
    writeFileSync(this.colorFile(color), JSON.stringify(model, null, 2));
    return Object.keys(model.services);
  }

  private colorFile(color: Color): string {
    return path.join(this.scratch, `compose.${color}.json`);
  }

  async up(color: Color, images: DeployedImage[], version: string): Promise<'started' | 'created'> {
    // the color already holds exactly this version (kept, stopped, after an earlier deploy): start it again —
    // no render, no pull, no recreate (a rollback from a fresh runner)
    const held = await this.versionOf(color);
    if (held && held.version === version && sameImages(held.images, images)) {
      const ids = (await this.containers(color)).map((c) => c.id);
      await this.docker(['start', ...ids], { timeoutMs: this.timeouts.upMs });
      return 'started';
    }
    const services = await this.renderColor(color, images, version);
    // only this color's services: the other color and the proxy are in the same project and are not touched
    await this.docker(
      [
        'compose',
        '--project-name',
        this.project,
        '--project-directory',
        this.loaded.dir,
        '--file',
        this.colorFile(color),
        'up',
        '--detach',
        '--no-deps',
        '--pull',
        'missing',
        ...services
      ],
      { timeoutMs: this.timeouts.upMs }
    );
    return 'created';
  }

  /** The containers of a color on the Docker host (empty: none). */
  async containers(color: Color): Promise<ColorContainer[]> {
    const ids = await this.ids([`${LABELS.color}=${color}`]);
    if (ids.length === 0) return [];
    const out = await this.docker(['inspect', '--format', '{{json .}}', ...ids]);
    return out.stdout
      .split('\n')
      .filter((line) => line.trim().startsWith('{'))
      .map((line) => {
        const c = JSON.parse(line) as {
          Id?: string;
          Config?: {
            Image?: string;
            Labels?: Record<string, string>;
            Healthcheck?: { StartPeriod?: number };
          };
          State?: { Status?: string; StartedAt?: string; Health?: { Status?: string } };
        };
        const labels = c.Config?.Labels ?? {};
        return {
          id: c.Id ?? '',
          service: (labels['com.docker.compose.service'] ?? '').replace(new RegExp(`-${color}$`), ''),
          image: c.Config?.Image ?? '',
          state: c.State?.Status ?? 'unknown',
          health: c.State?.Health?.Status,
          // nanoseconds in the Docker API
          startPeriodMs: Math.round((c.Config?.Healthcheck?.StartPeriod ?? 0) / 1e6),
          startedAt: Date.parse(c.State?.StartedAt ?? '') || Date.now(),
          labels
        };
      });
  }

  /** The version a color holds, from its containers' labels (undefined: no Slipway containers there). */
  async versionOf(color: Color): Promise<TargetVersion | undefined> {
    const cs = await this.containers(color);
    const first = cs.find((c) => c.labels[LABELS.version] && c.labels[LABELS.digests]);
    if (!first) return undefined;
    let images: DeployedImage[];
    try {
      images = JSON.parse(first.labels[LABELS.digests] as string) as DeployedImage[];
    } catch {
      return undefined;
    }
    // the label says what was asked; Config.Image says what the container was created from: both must agree
    const consistent = images.every((i) =>
      cs.some((c) => c.service === i.service && c.image === `${i.image}@${i.digest}`)
    );
    if (!consistent) return undefined;
    return {
      color,
      version: first.labels[LABELS.version] as string,
      images,
      running: cs.every((c) => c.state === 'running'),
      deployedAt: first.labels[LABELS.deployedAt]
    };
  }

  /**
   * How long health failures of a freshly started color do not count: the longest HEALTHCHECK start period of
   * its containers, or the configured `readinessSeconds`, whichever is longer, minus the time already running.
   */
  async readinessMs(color: Color): Promise<number> {
    const configured = (this.target.readinessSeconds ?? 0) * 1000;
    let fromImage = 0;
    let startedAt = Date.now();
    for (const c of await this.containers(color)) {
      fromImage = Math.max(fromImage, c.startPeriodMs);
      startedAt = Math.min(startedAt, c.startedAt);
    }
    return Math.max(0, Math.max(configured, fromImage) - (Date.now() - startedAt));
  }

  /**
   * Stops a color (kept, not removed: its labels and images are the last known good on the target);
   * `graceSeconds` between SIGTERM and SIGKILL. Returns why it failed (undefined: done).
   */
  async stop(color: Color, graceSeconds = 10): Promise<string | undefined> {
    try {
      const ids = (await this.containers(color)).filter((c) => c.state !== 'exited').map((c) => c.id);
      if (ids.length > 0) await this.docker(['stop', '--time', String(graceSeconds), ...ids]);
      return undefined;
    } catch (error) {
      return errorMessage(error);
    }
  }

  /** Removes a color's containers (a failed start that never took traffic). Returns why it failed. */
  async remove(color: Color): Promise<string | undefined> {
    try {
      const ids = (await this.containers(color)).map((c) => c.id);
      if (ids.length > 0) await this.docker(['rm', '--force', ...ids]);
      return undefined;
    } catch (error) {
      return errorMessage(error);
    }
  }

  /** Health URLs of one color, reached directly (before any traffic moves). */
  directHealthUrls(color: Color): string[] {
    return Object.values(this.loaded.config.services).map(
      (s) => `http://${this.host}:${s.ports?.[color]}${s.healthPath}`
    );
  }

  proxyServices(): ProxyService[] {
    const entries = Object.entries(this.loaded.config.services);
    return entries.map(([name, s], i) => ({
      name,
      ports: s.ports as Record<Color, number>,
      route: s.route ?? (i === 0 ? '/' : `/${name}/`)
    }));
  }

  /** Creates and starts the proxy with `site` as its first config (first deploy to this target). */
  private async createProxy(site: string): Promise<string> {
    const file = path.join(this.scratch, 'compose.proxy.json');
    writeFileSync(
      file,
      JSON.stringify({
        services: {
          proxy: {
            image: this.proxyImage,
            network_mode: 'host',
            restart: 'unless-stopped',
            labels: { [LABELS.environment]: this.environment, [LABELS.role]: 'proxy' }
          }
        }
      })
    );
    const compose = ['compose', '--project-name', this.project, '--file', file];
    await this.docker([...compose, 'create', '--pull', 'missing', 'proxy'], {
      timeoutMs: this.timeouts.upMs
    });
    const id = await this.proxyId();
    if (!id) throw new Error(`docker compose created no proxy container in project ${this.project}`);
    await this.copyIn(id, site);
    await this.docker(['start', id]);
    return id;
  }

  private async copyIn(id: string, site: string): Promise<void> {
    const dir = mkdtempSync(path.join(this.scratch, 'write-'));
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, path.basename(this.configPath));
    writeFileSync(file, site);
    try {
      await this.docker(['cp', file, `${id}:${this.configPath}`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * The proxy's access log since `sinceMs` (its stdout on the target: `docker logs --since`, whole seconds — the
   * canary gate filters on each line's $msec). Empty before the first deploy made a proxy.
   */
  async proxyLog(sinceMs: number): Promise<string> {
    const id = await this.proxyId();
    if (!id) return '';
    const since = new Date(Math.floor(sinceMs / 1000) * 1000).toISOString();
    return (await this.docker(['logs', '--since', since, id])).stdout;
  }

  /**
   * Points the proxy at `color` on the target: the candidate site file goes into the proxy container, is checked
   * there (`nginx -t`) and applied by a graceful reload. A failed check or reload restores the previous file and
   * moves no traffic.
   */
  async switchTo(color: Color, version: string, weights = allOn(color)): Promise<void> {
    const site = renderProxyConfig({
      environment: this.environment,
      version,
      services: this.proxyServices(),
      weights,
      port: this.target.proxy.port,
      listen: this.target.proxy.listen
    });
    const id = await this.proxyId();
    if (!id) {
      await this.createProxy(site);
      return;
    }
    const running = (await this.docker(['inspect', '--format', '{{.State.Running}}', id])).stdout.trim();
    if (running !== 'true') await this.docker(['start', id]);
    const previous = await this.readProxyConfig(id);
    await this.copyIn(id, site);
    try {
      await this.docker(['exec', id, 'nginx', '-t', '-q'], {
        hint: () => `the proxy config check (nginx -t in ${this.project} proxy) failed; traffic was not moved`
      });
      await this.docker(['exec', id, 'nginx', '-s', 'reload'], {
        hint: () =>
          `the proxy reload (nginx -s reload in ${this.project} proxy) failed; traffic was not moved`
      });
    } catch (error) {
      if (previous !== undefined && !(error instanceof TimeoutError))
        await this.copyIn(id, previous).catch(() => undefined);
      throw error;
    }
  }
}

/**
 * For an ssh:// docker-host, Docker's CLI runs `ssh … docker system dial-stdio`
 * (https://docs.docker.com/engine/security/protect-access/#use-ssh-to-protect-the-docker-daemon-socket) and passes
 * ssh's refusal on in its stderr; these two are the job's own ~/.ssh setup, named with their fix.
 */
export function sshRefusal(stderr: string): string | undefined {
  if (
    /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known/.test(
      stderr
    )
  ) {
    return (
      `ssh refused the host key: it does not match the job's ~/.ssh/known_hosts for the 'docker-host' input. ` +
      `Pin the host's own key, taken out of band from the host (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub ` +
      `there; a non-default port is written [host]:port), never scanned in the job (docs/deploy.md, "The real setups")`
    );
  }
  if (/Permission denied \(publickey/.test(stderr)) {
    return (
      `ssh's key was refused by the 'docker-host' input's user: put the deploy's private key in the job's ` +
      `~/.ssh/id_ed25519 and its public key in that user's ~/.ssh/authorized_keys on the host (docs/deploy.md)`
    );
  }
  return undefined;
}
