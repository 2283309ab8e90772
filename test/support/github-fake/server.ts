// HTTP server + router of the GitHub REST fake. Every request is checked against the operation's OpenAPI
// parameters/requestBody, every response against the operation's response schema; anything off is recorded in
// `violations` (and answered 422 / 500) so tests fail through `assertNoViolations()`.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import {
  findSpecOperation,
  formatErrors,
  getComponentValidator,
  getOperation,
  loadSpec,
  specHasOperation
} from './openapi.js';
import type { OperationValidators } from './openapi.js';
import {
  createState,
  findAccount,
  findPackage,
  findRepo,
  nextId,
  renderDeployment,
  renderDeploymentStatus,
  renderEnvironment,
  renderPackage,
  renderPackageVersion,
  renderPublicUser,
  renderRelease,
  renderReleaseAsset,
  renderRepository,
  repoKey,
  resolveSha,
  timestamp
} from './state.js';
import type {
  DeploymentState,
  FakeAccount,
  FakeDeployment,
  FakePackage,
  FakePackageVersion,
  FakeRelease,
  FakeRepo,
  FakeState,
  PackageType
} from './state.js';

export const API_VERSION = '2022-11-28';
const GENERIC_DOCS = 'https://docs.github.com/rest';

export interface RecordedRequest {
  method: string;
  /** decoded-free raw path, e.g. `/orgs/acme/packages/container/a%2Fb/versions` */
  path: string;
  query: Record<string, string | string[]>;
  /** parsed JSON body, the raw bytes for binary uploads, undefined when empty */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** filled in when the response is sent */
  status: number;
  /** OpenAPI operationId of the matched route */
  operationId?: string;
}

export interface Fault {
  method?: string;
  /** RegExp tested against the raw path, or a string equal to the raw path or to the route's OpenAPI template */
  pathPattern?: string | RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** how many matching requests fail (default 1) */
  count?: number;
}

export interface HandlerContext {
  state: FakeState;
  /** the fake's base URL */
  api: string;
  op: OperationValidators;
  /** decoded and coerced path params */
  params: Record<string, unknown>;
  /** coerced query (declared params typed, others as sent) */
  query: Record<string, unknown>;
  /** parsed JSON body with spec defaults applied (raw routes: undefined) */
  body: Record<string, unknown>;
  rawBody: Buffer;
  headers: IncomingMessage['headers'];
  /** raw path and query string of the request (for Link headers) */
  path: string;
  viewer: FakeAccount;
}

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: HandlerContext) => HandlerResult | Promise<HandlerResult>;

/** GITHUB_TOKEN-style permission a route needs (checked only when `tokenScopes` is given). */
export type Permission =
  'packages:write' | 'packages:delete' | 'deployments:write' | 'contents:write' | 'security_events:write';

interface Route {
  method: string;
  template: string;
  handler: Handler;
  permission?: Permission;
  /** body is raw bytes (release asset upload): only params are validated */
  raw?: boolean;
}

/**
 * What each token scope grants. GITHUB_TOKEN / fine-grained permissions (`packages:write`) and classic PAT scopes
 * (`write:packages`, `delete:packages`, `repo`, ...) are both accepted. As on GitHub, deleting a package version
 * with a classic PAT needs `delete:packages`; `write:packages` alone only allows publishing.
 */
const SCOPE_GRANTS: Record<string, Permission[]> = {
  'packages:write': ['packages:write', 'packages:delete'],
  'write:packages': ['packages:write'],
  'delete:packages': ['packages:delete'],
  'deployments:write': ['deployments:write'],
  repo_deployment: ['deployments:write'],
  'contents:write': ['contents:write'],
  'security_events:write': ['security_events:write'],
  security_events: ['security_events:write'],
  repo: ['contents:write', 'deployments:write', 'security_events:write'],
  public_repo: ['contents:write', 'deployments:write', 'security_events:write']
};

const ACCEPTED_PERMISSION_HEADER: Record<Permission, string> = {
  'packages:write': 'packages=write',
  'packages:delete': 'packages=write',
  'deployments:write': 'deployments=write',
  'contents:write': 'contents=write',
  'security_events:write': 'security_events=write'
};

/**
 * GitHub's REST rate limits, enforced when configured (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api):
 * - primary: `limit` requests per hour (GITHUB_TOKEN: 1,000 per repository; a personal token 5,000); once spent,
 *   403 "API rate limit exceeded" with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (epoch seconds);
 * - secondary: at most `concurrent` requests at once (100), `pointsPerMinute` points a minute (900; GET/HEAD/OPTIONS
 *   1 point, POST/PATCH/PUT/DELETE 5), `contentPerMinute`/`contentPerHour` content-creating requests (80 / 500;
 *   counted here: POST); over any of them, 403 "You have exceeded a secondary rate limit" with `retry-after`.
 * `timeScale` shrinks the secondary windows (minute, hour) for benches: 60 means a "minute" lasts one second, and
 * `retry-after` is given in scaled seconds. The primary hour is not scaled: `nextRateLimitWindow()` starts a new one.
 */
export interface RateLimitConfig {
  limit: number;
  concurrent?: number;
  pointsPerMinute?: number;
  contentPerMinute?: number;
  contentPerHour?: number;
  timeScale?: number;
}

export interface GitHubFakeOptions {
  /** enforce GitHub's rate limits (default: not enforced; headers report a 5,000 limit) */
  rateLimit?: RateLimitConfig;
  state?: Partial<FakeState>;
  /** when set, every request must carry `authorization: token|Bearer <token>` */
  token?: string;
  /** when set, write routes check these scopes/permissions */
  tokenScopes?: string[];
}

export interface GitHubFake {
  /** http://127.0.0.1:<port>; use as GITHUB_API_URL / Octokit baseUrl */
  url: string;
  state: FakeState;
  requests: RecordedRequest[];
  violations: string[];
  assertNoViolations(): void;
  /** called for every request before routing */
  onRequest?: (req: RecordedRequest) => void;
  /** make the next `count` matching requests fail with `status` (e.g. 500, or 429 with `retry-after`) */
  failNext(fault: Fault): void;
  /** replace the handler of one operation (by operationId), e.g. to inject an invalid body in tests */
  overrideHandler(operationId: string, handler: Handler): void;
  clearOverrides(): void;
  /** enforce (or with undefined stop enforcing) GitHub's rate limits */
  setRateLimit(config: RateLimitConfig | undefined): void;
  /** a new primary-limit hour: the used count starts again at 0 */
  nextRateLimitWindow(): void;
  /** requests answered with a rate-limit error, by kind */
  rateLimited: { primary: number; secondary: number };
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// helpers

function error(status: number, message: string, documentation_url = GENERIC_DOCS): HandlerResult {
  return { status, body: { message, documentation_url, status: String(status) } };
}

function notFound(ctx: HandlerContext, message = 'Not Found'): HandlerResult {
  return error(404, message, ctx.op.docsUrl);
}

function alreadyExists(ctx: HandlerContext, resource: string, field: string): HandlerResult {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource, code: 'already_exists', field }],
      documentation_url: ctx.op.docsUrl,
      status: '422'
    }
  };
}

function str(v: unknown): string {
  return String(v);
}

function accountOf(state: FakeState, login: string): FakeAccount {
  return findAccount(state, login) ?? { login, id: 0, type: 'User' };
}

/** GitHub-style pagination (per_page default 30, max 100) with a Link header. */
function paginate<T>(ctx: HandlerContext, items: T[]): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.per_page ?? 30) || 30));
  const page = Math.max(1, Number(ctx.query.page ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number): string => {
    const u = new URL(ctx.path, ctx.api);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(p));
    return `<${ctx.api}${u.pathname}${u.search}>`;
  };
  const parts: string[] = [];
  if (page > 1) parts.push(`${link(page - 1)}; rel="prev"`);
  if (page < last) parts.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
  if (page > 1) parts.push(`${link(1)}; rel="first"`);
  return { page: slice, headers: parts.length > 0 ? { link: parts.join(', ') } : {} };
}

function repoOr404(ctx: HandlerContext): FakeRepo | HandlerResult {
  return findRepo(ctx.state, str(ctx.params.owner), str(ctx.params.repo)) ?? notFound(ctx);
}

function isResult(x: unknown): x is HandlerResult {
  return (
    typeof x === 'object' && x !== null && 'status' in x && typeof (x as HandlerResult).status === 'number'
  );
}

function repoFullName(repo: FakeRepo): string {
  return `${repo.owner}/${repo.name}`;
}

function sameRepo(a: string, repo: FakeRepo): boolean {
  return a.toLowerCase() === repoKey(repo.owner, repo.name);
}

// ---------------------------------------------------------------------------------------------------------------
// packages

interface ResolvedPackage {
  pkg: FakePackage;
  owner: FakeAccount;
  versions: FakePackageVersion[];
}

async function resolvePackage(ctx: HandlerContext, ownerLogin: string): Promise<ResolvedPackage | undefined> {
  const type = str(ctx.params.package_type) as PackageType;
  const name = str(ctx.params.package_name);
  const owner = findAccount(ctx.state, ownerLogin);
  if (!owner) return undefined;
  const stored = findPackage(ctx.state, owner.login, name);
  const sourced = ctx.state.packageSource ? await ctx.state.packageSource(owner.login, name) : undefined;
  if (stored && stored.package_type !== type) return undefined;
  if (!stored && !sourced) return undefined;
  if (!stored && type !== 'container') return undefined;
  const pkg: FakePackage = stored ?? {
    owner: owner.login,
    name,
    package_type: 'container',
    id: 0,
    visibility: 'public',
    created_at: sourced!.at(-1)?.created_at ?? timestamp(ctx.state),
    updated_at: sourced![0]?.updated_at ?? timestamp(ctx.state),
    versions: []
  };
  return { pkg, owner, versions: sourced ?? pkg.versions };
}

function packageOwnerLogin(ctx: HandlerContext): string {
  return ctx.params.username !== undefined
    ? str(ctx.params.username)
    : ctx.params.org !== undefined
      ? str(ctx.params.org)
      : ctx.viewer.login;
}

const packageNotFound = (ctx: HandlerContext): HandlerResult => notFound(ctx, 'Package not found.');

/** GET …/packages?package_type=: the owner's packages of that type in `state.packages` (names ascending). */
const listPackages: Handler = (ctx) => {
  const login = packageOwnerLogin(ctx);
  const owner = findAccount(ctx.state, login);
  if (!owner) return notFound(ctx);
  const type = str(ctx.query.package_type);
  const list = Object.values(ctx.state.packages)
    .filter((p) => p.owner.toLowerCase() === owner.login.toLowerCase() && p.package_type === type)
    .sort((a, b) => a.name.localeCompare(b.name));
  const { page, headers } = paginate(ctx, list);
  return {
    status: 200,
    headers,
    body: page.map((p) => renderPackage(ctx.api, p, owner, p.versions.length, undefined))
  };
};

const getPackage: Handler = async (ctx) => {
  const found = await resolvePackage(ctx, packageOwnerLogin(ctx));
  if (!found) return packageNotFound(ctx);
  const linked = found.pkg.repository?.split('/');
  const repo = linked ? findRepo(ctx.state, linked[0] ?? '', linked[1] ?? '') : undefined;
  return {
    status: 200,
    body: renderPackage(
      ctx.api,
      found.pkg,
      found.owner,
      found.versions.length,
      repo ? { repo, owner: accountOf(ctx.state, repo.owner) } : undefined
    )
  };
};

const listPackageVersions: Handler = async (ctx) => {
  const found = await resolvePackage(ctx, packageOwnerLogin(ctx));
  if (!found) return packageNotFound(ctx);
  const versions = ctx.query.state === 'deleted' ? [] : found.versions;
  const { page, headers } = paginate(ctx, versions);
  return {
    status: 200,
    headers,
    body: page.map((v) => renderPackageVersion(ctx.api, found.pkg, found.owner, v))
  };
};

const getPackageVersion: Handler = async (ctx) => {
  const found = await resolvePackage(ctx, packageOwnerLogin(ctx));
  const v = found?.versions.find((x) => x.id === ctx.params.package_version_id);
  if (!found || !v) return packageNotFound(ctx);
  return { status: 200, body: renderPackageVersion(ctx.api, found.pkg, found.owner, v) };
};

const deletePackageVersion: Handler = async (ctx) => {
  const found = await resolvePackage(ctx, packageOwnerLogin(ctx));
  const v = found?.versions.find((x) => x.id === ctx.params.package_version_id);
  if (!found || !v) return packageNotFound(ctx);
  const idx = found.pkg.versions.findIndex((x) => x.id === v.id);
  if (idx >= 0) found.pkg.versions.splice(idx, 1);
  await ctx.state.onDeleteVersion?.(found.owner.login, found.pkg.name, v);
  return { status: 204 };
};

// ---------------------------------------------------------------------------------------------------------------
// deployments

function latestStatus(state: FakeState, deploymentId: number): DeploymentState | undefined {
  let latest: { id: number; state: DeploymentState } | undefined;
  for (const s of state.deploymentStatuses) {
    if (s.deployment_id === deploymentId && (!latest || s.id > latest.id)) latest = s;
  }
  return latest?.state;
}

function findDeployment(ctx: HandlerContext, repo: FakeRepo): FakeDeployment | undefined {
  return ctx.state.deployments.find((d) => sameRepo(d.repo, repo) && d.id === ctx.params.deployment_id);
}

function ensureEnvironment(state: FakeState, repo: FakeRepo, name: string): void {
  const full = repoFullName(repo);
  if (state.environments.some((e) => sameRepo(e.repo, repo) && e.name === name)) return;
  const now = timestamp(state);
  state.environments.push({ id: nextId(state), repo: full, name, created_at: now, updated_at: now });
}

const createDeployment: Handler = (ctx) => {
  const repo = repoOr404(ctx);
  if (isResult(repo)) return repo;
  const b = ctx.body;
  const ref = str(b.ref);
  const environment = str(b.environment ?? 'production');
  const now = timestamp(ctx.state);
  const d: FakeDeployment = {
    id: nextId(ctx.state),
    repo: repoFullName(repo),
    ref,
    sha: resolveSha(ctx.state, repo.owner, repo.name, ref),
    task: str(b.task ?? 'deploy'),
    environment,
    original_environment: environment,
    description: (b.description as string | null | undefined) ?? '',
    payload: (b.payload as FakeDeployment['payload'] | undefined) ?? {},
    transient_environment: b.transient_environment === true,
    production_environment:
      typeof b.production_environment === 'boolean' ? b.production_environment : environment === 'production',
    creator: ctx.viewer.login,
    created_at: now,
    updated_at: now
  };
  ctx.state.deployments.push(d);
  ensureEnvironment(ctx.state, repo, environment);
  return { status: 201, body: renderDeployment(ctx.api, d, ctx.viewer) };
};

const listDeployments: Handler = (ctx) => {
  const repo = repoOr404(ctx);
  if (isResult(repo)) return repo;
  const q = ctx.query;
  const filter = (key: 'sha' | 'ref' | 'task' | 'environment', d: FakeDeployment): boolean =>
    q[key] === undefined || q[key] === 'none' || d[key] === q[key];
  const list = ctx.state.deployments
    .filter((d) => sameRepo(d.repo, repo))
    .filter((d) => filter('sha', d) && filter('ref', d) && filter('task', d) && filter('environment', d))
    .sort((a, b) => b.id - a.id);
  const { page, headers } = paginate(ctx, list);
  return {
    status: 200,
    headers,
    body: page.map((d) => renderDeployment(ctx.api, d, accountOf(ctx.state, d.creator)))
  };
};

const getDeployment: Handler = (ctx) => {
  const repo = repoOr404(ctx);
  if (isResult(repo)) return repo;
  const d = findDeployment(ctx, repo);
  if (!d) return notFound(ctx);
  return { status: 200, body: renderDeployment(ctx.api, d, accountOf(ctx.state, d.creator)) };
};

const createDeploymentStatus: Handler = (ctx) => {
  const repo = repoOr404(ctx);
  if (isResult(repo)) return repo;
  const d = findDeployment(ctx, repo);
  if (!d) return notFound(ctx);
  const b = ctx.body;
  const state = b.state as DeploymentState;
  const now = timestamp(ctx.state);
  if (typeof b.environment === 'string' && b.environment !== '') {
    d.environment = b.environment;
    ensureEnvironment(ctx.state, repo, d.environment);
  }
  d.updated_at = now;
  // GitHub answers "" for an unset target_url, but its OpenAPI description requires it with `format: uri`; the
  // fake stays within the description and falls back to the deployment's URL (unset log_url/environment_url,
  // optional in the description, are left out).
  const deploymentUrl = `${ctx.api}/repos/${repoFullName(repo)}/deployments`;
  const logUrl = str(b.log_url || b.target_url || '');
  const add = (deploymentId: number, s: DeploymentState, fields: Partial<Record<string, string>>) => {
    const status = {
      id: nextId(ctx.state),
      deployment_id: deploymentId,
      repo: repoFullName(repo),
      state: s,
      description: fields.description ?? '',
      environment: fields.environment ?? d.environment,
      target_url: fields.target_url || `${deploymentUrl}/${deploymentId}`,
      log_url: fields.log_url ?? '',
      environment_url: fields.environment_url ?? '',
      creator: ctx.viewer.login,
      created_at: now,
      updated_at: now
    };
    ctx.state.deploymentStatuses.push(status);
    return status;
  };
  // GitHub: with auto_inactive (default true) a `success` status marks prior deployments of the same
  // environment that are currently `success` as `inactive`.
  if (state === 'success' && b.auto_inactive !== false) {
    for (const other of ctx.state.deployments) {
      if (other.id === d.id || !sameRepo(other.repo, repo) || other.environment !== d.environment) continue;
      if (other.id > d.id) continue;
      if (latestStatus(ctx.state, other.id) !== 'success') continue;
      const prev = ctx.state.deploymentStatuses.filter((s) => s.deployment_id === other.id).at(-1);
      add(other.id, 'inactive', {
        environment: other.environment,
        environment_url: prev?.environment_url ?? '',
        log_url: prev?.log_url ?? '',
        target_url: prev?.target_url ?? ''
      });
    }
  }
  const created = add(d.id, state, {
    description: typeof b.description === 'string' ? b.description : '',
    target_url: str(b.target_url || logUrl),
    log_url: logUrl,
    environment_url: str(b.environment_url ?? '')
  });
  return { status: 201, body: renderDeploymentStatus(ctx.api, created, ctx.viewer) };
};

const listDeploymentStatuses: Handler = (ctx) => {
  const repo = repoOr404(ctx);
  if (isResult(repo)) return repo;
  const d = findDeployment(ctx, repo);
  if (!d) return notFound(ctx);
  const list = ctx.state.deploymentStatuses
    .filter((s) => s.deployment_id === d.id)
    .sort((a, b) => b.id - a.id);
  const { page, headers } = paginate(ctx, list);
  return {
    status: 200,
    headers,
    body: page.map((s) => renderDeploymentStatus(ctx.api, s, accountOf(ctx.state, s.creator)))
  };
};

const getEnvironment: Handler = (ctx) => {
  const repo = repoOr404(ctx);
  if (isResult(repo)) return repo;
  const env = ctx.state.environments.find(
    (e) => sameRepo(e.repo, repo) && e.name.toLowerCase() === str(ctx.params.environment_name).toLowerCase()
  );
  if (!env) return notFound(ctx);
  return { status: 200, body: renderEnvironment(ctx.api, env) };
};

// ---------------------------------------------------------------------------------------------------------------
// releases

function releaseBody(ctx: HandlerContext, r: FakeRelease): Record<string, unknown> {
  const assets = ctx.state.releaseAssets
    .filter((a) => a.release_id === r.id)
    .map((a) => renderReleaseAsset(ctx.api, a, accountOf(ctx.state, a.uploader)));
  return renderRelease(ctx.api, r, accountOf(ctx.state, r.author), assets);
}

function releasesOf(ctx: HandlerContext, repo: FakeRepo): FakeRelease[] {
  return ctx.state.releases.filter((r) => sameRepo(r.repo, repo));
}

function findRelease(ctx: HandlerContext, repo: FakeRepo): FakeRelease | undefined {
  return releasesOf(ctx, repo).find((r) => r.id === ctx.params.release_id);
}

let latestCounter = 0;
function applyMakeLatest(r: FakeRelease, makeLatest: unknown): void {
  if (r.draft || r.prerelease || makeLatest === 'false') return;
  latestCounter += 1;
  r.latest_order = latestCounter;
}

const createRelease: Handler = (ctx) => {
  const repo = repoOr404(ctx);
  if (isResult(repo)) return repo;
  const b = ctx.body;
  const tag = str(b.tag_name);
  if (b.draft !== true && releasesOf(ctx, repo).some((r) => !r.draft && r.tag_name === tag)) {
    return alreadyExists(ctx, 'Release', 'tag_name');
  }
  const now = timestamp(ctx.state);
  const r: FakeRelease = {
    id: nextId(ctx.state),
    repo: repoFullName(repo),
    tag_name: tag,
    target_commitish: typeof b.target_commitish === 'string' ? b.target_commitish : repo.default_branch,
    name: typeof b.name === 'string' ? b.name : null,
    body: typeof b.body === 'string' ? b.body : null,
    draft: b.draft === true,
    prerelease: b.prerelease === true,
    author: ctx.viewer.login,
    created_at: now,
    published_at: b.draft === true ? null : now,
    latest_order: 0
  };
  applyMakeLatest(r, b.make_latest);
  ctx.state.releases.push(r);
  return { status: 201, body: releaseBody(ctx, r) };
};

const listReleases: Handler = (ctx) => {
  const repo = repoOr404(ctx);
  if (isResult(repo)) return repo;
  const list = [...releasesOf(ctx, repo)].sort((a, b) => b.id - a.id);
  const { page, headers } = paginate(ctx, list);
  return { status: 200, headers, body: page.map((r) => releaseBody(ctx, r)) };
};

const getRelease: Handler = (ctx) => {
  const repo = repoOr404(ctx);
  if (isResult(repo)) return repo;
  const r = findRelease(ctx, repo);
  return r ? { status: 200, body: releaseBody(ctx, r) } : notFound(ctx);
};

const getReleaseByTag: Handler = (ctx) => {
  const repo = repoOr404(ctx);
  if (isResult(repo)) return repo;
  const r = releasesOf(ctx, repo).find((x) => !x.draft && x.tag_name === str(ctx.params.tag));
  return r ? { status: 200, body: releaseBody(ctx, r) } : notFound(ctx);
};

const getLatestRelease: Handler = (ctx) => {
  const repo = repoOr404(ctx);
  if (isResult(repo)) return repo;
  const r = releasesOf(ctx, repo)
    .filter((x) => !x.draft && !x.prerelease && x.latest_order > 0)
    .sort((a, b) => b.latest_order - a.latest_order)[0];
  return r ? { status: 200, body: releaseBody(ctx, r) } : notFound(ctx);
};

const updateRelease: Handler = (ctx) => {
  const repo = repoOr404(ctx);
  if (isResult(repo)) return repo;
  const r = findRelease(ctx, repo);
  if (!r) return notFound(ctx);
  const b = ctx.body;
  const draft = typeof b.draft === 'boolean' ? b.draft : r.draft;
  const tag = typeof b.tag_name === 'string' ? b.tag_name : r.tag_name;
  if (!draft && releasesOf(ctx, repo).some((x) => x.id !== r.id && !x.draft && x.tag_name === tag)) {
    return alreadyExists(ctx, 'Release', 'tag_name');
  }
  r.tag_name = tag;
  if (typeof b.target_commitish === 'string') r.target_commitish = b.target_commitish;
  if (typeof b.name === 'string') r.name = b.name;
  if (typeof b.body === 'string') r.body = b.body;
  if (typeof b.prerelease === 'boolean') r.prerelease = b.prerelease;
  if (r.draft && !draft) r.published_at = timestamp(ctx.state);
  r.draft = draft;
  if (b.make_latest !== undefined || r.latest_order === 0) applyMakeLatest(r, b.make_latest);
  return { status: 200, body: releaseBody(ctx, r) };
};

const listReleaseAssets: Handler = (ctx) => {
  const repo = repoOr404(ctx);
  if (isResult(repo)) return repo;
  const r = findRelease(ctx, repo);
  if (!r) return notFound(ctx);
  const list = ctx.state.releaseAssets.filter((a) => a.release_id === r.id);
  const { page, headers } = paginate(ctx, list);
  return {
    status: 200,
    headers,
    body: page.map((a) => renderReleaseAsset(ctx.api, a, accountOf(ctx.state, a.uploader)))
  };
};

const findAsset = (ctx: HandlerContext, repo: FakeRepo) =>
  ctx.state.releaseAssets.find((a) => sameRepo(a.repo, repo) && a.id === ctx.params.asset_id);

const getReleaseAsset: Handler = (ctx) => {
  const repo = repoOr404(ctx);
  if (isResult(repo)) return repo;
  const a = findAsset(ctx, repo);
  if (!a) return notFound(ctx);
  return { status: 200, body: renderReleaseAsset(ctx.api, a, accountOf(ctx.state, a.uploader)) };
};

const deleteReleaseAsset: Handler = (ctx) => {
  const repo = repoOr404(ctx);
  if (isResult(repo)) return repo;
  const a = findAsset(ctx, repo);
  if (!a) return notFound(ctx);
  ctx.state.releaseAssets.splice(ctx.state.releaseAssets.indexOf(a), 1);
  return { status: 204 };
};

const uploadReleaseAsset: Handler = (ctx) => {
  const repo = repoOr404(ctx);
  if (isResult(repo)) return repo;
  const r = findRelease(ctx, repo);
  if (!r) return notFound(ctx);
  const name = str(ctx.query.name);
  if (ctx.state.releaseAssets.some((a) => a.release_id === r.id && a.name === name)) {
    return alreadyExists(ctx, 'ReleaseAsset', 'name');
  }
  const now = timestamp(ctx.state);
  const asset = {
    id: nextId(ctx.state),
    repo: repoFullName(repo),
    release_id: r.id,
    name,
    label: typeof ctx.query.label === 'string' ? ctx.query.label : null,
    content_type: String(ctx.headers['content-type'] ?? 'application/octet-stream'),
    data: ctx.rawBody,
    uploader: ctx.viewer.login,
    created_at: now,
    updated_at: now
  };
  ctx.state.releaseAssets.push(asset);
  return { status: 201, body: renderReleaseAsset(ctx.api, asset, ctx.viewer) };
};

// ---------------------------------------------------------------------------------------------------------------
// code scanning

const uploadSarif: Handler = (ctx) => {
  const repo = repoOr404(ctx);
  if (isResult(repo)) return repo;
  const b = ctx.body;
  let sarif: unknown;
  try {
    sarif = JSON.parse(gunzipSync(Buffer.from(str(b.sarif), 'base64')).toString('utf8'));
  } catch (e) {
    return error(400, `Invalid SARIF: not gzip-compressed, base64-encoded JSON (${(e as Error).message})`);
  }
  const id = randomUUID();
  ctx.state.sarifs.push({
    id,
    repo: repoFullName(repo),
    commit_sha: str(b.commit_sha),
    ref: str(b.ref),
    tool_name: typeof b.tool_name === 'string' ? b.tool_name : undefined,
    checkout_uri: typeof b.checkout_uri === 'string' ? b.checkout_uri : undefined,
    sarif,
    created_at: timestamp(ctx.state)
  });
  return {
    status: 202,
    body: { id, url: `${ctx.api}/repos/${repoFullName(repo)}/code-scanning/sarifs/${id}` }
  };
};

const getSarif: Handler = (ctx) => {
  const repo = repoOr404(ctx);
  if (isResult(repo)) return repo;
  const s = ctx.state.sarifs.find((x) => sameRepo(x.repo, repo) && x.id === ctx.params.sarif_id);
  if (!s) return notFound(ctx);
  return {
    status: 200,
    body: {
      processing_status: 'complete',
      analyses_url: `${ctx.api}/repos/${repoFullName(repo)}/code-scanning/analyses?sarif_id=${s.id}`,
      errors: null
    }
  };
};

// ---------------------------------------------------------------------------------------------------------------
// route table

const PKG = '/packages/{package_type}/{package_name}';

export const ROUTES: Route[] = [
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}',
    handler: (ctx) => {
      const repo = repoOr404(ctx);
      if (isResult(repo)) return repo;
      return { status: 200, body: renderRepository(ctx.api, repo, accountOf(ctx.state, repo.owner)) };
    }
  },
  {
    method: 'GET',
    template: '/users/{username}',
    handler: (ctx) => {
      const account = findAccount(ctx.state, str(ctx.params.username));
      return account ? { status: 200, body: renderPublicUser(ctx.api, account) } : notFound(ctx);
    }
  },
  ...['/users/{username}', '/orgs/{org}', '/user'].flatMap((scope): Route[] => [
    { method: 'GET', template: `${scope}/packages`, handler: listPackages },
    { method: 'GET', template: `${scope}${PKG}`, handler: getPackage },
    { method: 'GET', template: `${scope}${PKG}/versions`, handler: listPackageVersions },
    { method: 'GET', template: `${scope}${PKG}/versions/{package_version_id}`, handler: getPackageVersion },
    {
      method: 'DELETE',
      template: `${scope}${PKG}/versions/{package_version_id}`,
      handler: deletePackageVersion,
      permission: 'packages:delete'
    }
  ]),
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/deployments',
    handler: createDeployment,
    permission: 'deployments:write'
  },
  { method: 'GET', template: '/repos/{owner}/{repo}/deployments', handler: listDeployments },
  { method: 'GET', template: '/repos/{owner}/{repo}/deployments/{deployment_id}', handler: getDeployment },
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
    handler: createDeploymentStatus,
    permission: 'deployments:write'
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
    handler: listDeploymentStatuses
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/environments/{environment_name}',
    handler: getEnvironment
  },
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/releases',
    handler: createRelease,
    permission: 'contents:write'
  },
  { method: 'GET', template: '/repos/{owner}/{repo}/releases', handler: listReleases },
  { method: 'GET', template: '/repos/{owner}/{repo}/releases/latest', handler: getLatestRelease },
  { method: 'GET', template: '/repos/{owner}/{repo}/releases/tags/{tag}', handler: getReleaseByTag },
  { method: 'GET', template: '/repos/{owner}/{repo}/releases/{release_id}', handler: getRelease },
  {
    method: 'PATCH',
    template: '/repos/{owner}/{repo}/releases/{release_id}',
    handler: updateRelease,
    permission: 'contents:write'
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/releases/{release_id}/assets',
    handler: listReleaseAssets
  },
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/releases/{release_id}/assets',
    handler: uploadReleaseAsset,
    permission: 'contents:write',
    raw: true
  },
  { method: 'GET', template: '/repos/{owner}/{repo}/releases/assets/{asset_id}', handler: getReleaseAsset },
  {
    method: 'DELETE',
    template: '/repos/{owner}/{repo}/releases/assets/{asset_id}',
    handler: deleteReleaseAsset,
    permission: 'contents:write'
  },
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/code-scanning/sarifs',
    handler: uploadSarif,
    permission: 'security_events:write'
  },
  { method: 'GET', template: '/repos/{owner}/{repo}/code-scanning/sarifs/{sarif_id}', handler: getSarif },
  {
    method: 'GET',
    template: '/search/issues',
    handler: () => ({ status: 200, body: { total_count: 0, incomplete_results: false, items: [] } })
  }
];

interface Match {
  route: Route;
  params: Record<string, string>;
}

/** Matches a raw path against the route table; literal segments win over parameters, left to right. */
export function matchRoute(routes: Route[], method: string, rawPath: string): Match | undefined {
  const segments = rawPath.split('/');
  let best: { match: Match; score: string } | undefined;
  for (const route of routes) {
    if (route.method !== method) continue;
    const t = route.template.split('/');
    if (t.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let score = '';
    let ok = true;
    for (let i = 0; i < t.length && ok; i++) {
      const seg = t[i]!;
      const actual = segments[i]!;
      if (seg.startsWith('{') && seg.endsWith('}')) {
        if (actual === '') ok = false;
        else {
          try {
            params[seg.slice(1, -1)] = decodeURIComponent(actual);
          } catch {
            ok = false;
          }
          score += '0';
        }
      } else if (seg === actual) score += '1';
      else ok = false;
    }
    if (ok && (!best || score > best.score)) best = { match: { route, params }, score };
  }
  return best?.match;
}

// ---------------------------------------------------------------------------------------------------------------
// server

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function defaultFaultBody(status: number): Record<string, string> {
  if (status === 429 || status === 403) {
    return {
      message: 'API rate limit exceeded for installation.',
      documentation_url:
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      status: String(status)
    };
  }
  if (status === 502) return { message: 'Server Error', status: '502' };
  return {
    message: status >= 500 ? 'Server Error' : 'Fault injected by github-fake',
    status: String(status)
  };
}

export async function startGitHubFake(opts: GitHubFakeOptions = {}): Promise<GitHubFake> {
  const state = createState(opts.state);
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const faults: Fault[] = [];
  const overrides = new Map<string, Handler>();
  let rateRemaining = 5000;
  let rateReset = Math.floor(Date.now() / 1000) + 3600;
  let rateConfig: RateLimitConfig | undefined = opts.rateLimit;
  if (rateConfig) rateRemaining = rateConfig.limit;
  const secondary = {
    inFlight: 0,
    minuteStart: Date.now(),
    points: 0,
    content: 0,
    hourStart: Date.now(),
    hourContent: 0
  };
  let url = '';

  const fake: GitHubFake = {
    url: '',
    state,
    requests,
    violations,
    assertNoViolations() {
      if (violations.length > 0) {
        throw new Error(
          `GitHub fake recorded ${violations.length} OpenAPI violation(s):\n- ${violations.join('\n- ')}`
        );
      }
    },
    failNext(fault) {
      faults.push({ count: 1, ...fault });
    },
    overrideHandler(operationId, handler) {
      overrides.set(operationId, handler);
    },
    clearOverrides() {
      overrides.clear();
    },
    setRateLimit(config) {
      rateConfig = config;
      rateRemaining = config?.limit ?? 5000;
      rateReset = Math.floor(Date.now() / 1000) + 3600;
    },
    nextRateLimitWindow() {
      rateRemaining = rateConfig?.limit ?? 5000;
      rateReset = Math.floor(Date.now() / 1000) + 3600;
      secondary.minuteStart = secondary.hourStart = Date.now();
      secondary.points = secondary.content = secondary.hourContent = 0;
    },
    rateLimited: { primary: 0, secondary: 0 },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      })
  };

  const takeFault = (method: string, rawPath: string, template: string | undefined): Fault | undefined => {
    const list = faults;
    const idx = list.findIndex((f) => {
      if (f.method && f.method.toUpperCase() !== method) return false;
      if (f.pathPattern === undefined) return true;
      if (f.pathPattern instanceof RegExp) return f.pathPattern.test(rawPath);
      return f.pathPattern === rawPath || f.pathPattern === template;
    });
    if (idx < 0) return undefined;
    const f = list[idx]!;
    f.count = (f.count ?? 1) - 1;
    if (f.count <= 0) list.splice(idx, 1);
    return f;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const u = new URL(req.url ?? '/', 'http://fake.invalid');
    const rawPath = u.pathname.length > 1 ? u.pathname.replace(/\/+$/, '') : u.pathname;
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of u.searchParams) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    const rawBody = await readBody(req);
    const recorded: RecordedRequest = {
      method,
      path: rawPath,
      query,
      body: undefined,
      headers: req.headers,
      status: 0
    };
    requests.push(recorded);
    fake.onRequest?.(recorded);

    const current: { op?: OperationValidators } = {};
    let limitedAnswer = false;
    const send = (result: HandlerResult, validate = true): void => {
      let { status, body } = result;
      const headers: Record<string, string> = { ...(result.headers ?? {}) };
      if (validate) {
        const problems = checkResponse(current.op, status, body);
        if (problems.length > 0) {
          violations.push(
            `response ${status} of ${method} ${rawPath} (${current.op?.operationId ?? 'no operation'}) does not match the OpenAPI schema:\n    ${problems.join('\n    ')}`
          );
          status = 500;
          body = { message: 'github-fake: handler produced a response that violates the OpenAPI schema' };
          delete headers.link;
        }
      }
      if (!limitedAnswer) rateRemaining = Math.max(0, rateRemaining - 1);
      const limit = rateConfig?.limit ?? 5000;
      const out: Record<string, string> = {
        'x-github-api-version-selected': String(req.headers['x-github-api-version'] ?? API_VERSION),
        'x-github-media-type': 'github.v3; format=json',
        'x-github-request-id': randomUUID().toUpperCase(),
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': String(rateRemaining),
        'x-ratelimit-reset': String(rateReset),
        'x-ratelimit-used': String(limit - rateRemaining),
        'x-ratelimit-resource': 'core',
        ...(opts.tokenScopes ? { 'x-oauth-scopes': opts.tokenScopes.join(', ') } : {}),
        ...headers
      };
      let payload: Buffer | undefined;
      if (body !== undefined && status !== 204) {
        payload = Buffer.from(JSON.stringify(body));
        out['content-type'] = 'application/json; charset=utf-8';
        out['content-length'] = String(payload.length);
      }
      recorded.status = status;
      res.writeHead(status, out);
      res.end(payload);
    };

    const match = matchRoute(ROUTES, method, rawPath);
    if (!match) {
      const spec = findSpecOperation(method, rawPath);
      const why = spec?.operationId
        ? `${spec.operationId} (${method} ${spec.template}) is not implemented by the fake`
        : spec
          ? `GitHub has no ${method} on ${spec.template} (only ${spec.methods.join(', ').toUpperCase()})`
          : 'not in GitHub OpenAPI description';
      violations.push(`unknown route ${method} ${rawPath}: ${why}`);
      send(error(404, 'Not Found'));
      return;
    }
    const { route } = match;
    const op = getOperation(route.method, route.template);
    current.op = op;
    recorded.operationId = op.operationId;

    // authentication
    if (opts.token !== undefined) {
      const auth = String(req.headers.authorization ?? '');
      const m = /^(?:token|bearer)\s+(.+)$/i.exec(auth);
      if (!m || m[1] !== opts.token) {
        send(error(401, 'Bad credentials'));
        return;
      }
    }

    const limited = rateLimitAnswer(method);
    if (limited) {
      limitedAnswer = true;
      send(limited);
      return;
    }

    const fault = takeFault(method, rawPath, route.template);
    if (fault) {
      send({
        status: fault.status,
        body: fault.body ?? defaultFaultBody(fault.status),
        headers: fault.headers
      });
      return;
    }

    if (route.permission && opts.tokenScopes) {
      const granted = new Set(opts.tokenScopes.flatMap((s) => SCOPE_GRANTS[s] ?? []));
      if (!granted.has(route.permission)) {
        const r = error(403, 'Resource not accessible by integration', op.docsUrl);
        r.headers = { 'x-accepted-github-permissions': ACCEPTED_PERMISSION_HEADER[route.permission] };
        send(r);
        return;
      }
    }

    // request validation
    const reject = (problems: string[], where: string): void => {
      violations.push(
        `invalid request ${method} ${rawPath} (${op.operationId}), ${where}:\n    ${problems.join('\n    ')}`
      );
      send({
        status: 422,
        body: {
          message: `Invalid request.\n\n${problems.join('\n')}`,
          errors: problems.map((p) => ({ resource: op.operationId, code: 'invalid', message: p })),
          documentation_url: op.docsUrl,
          status: '422'
        }
      });
    };
    const params: Record<string, unknown> = { ...match.params };
    if (!op.pathParams(params)) return reject(formatErrors(op.pathParams.errors, 'path'), 'path parameters');
    const typedQuery: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(query))
      typedQuery[k] = Array.isArray(v) && !op.queryNames.has(k) ? v.at(-1) : v;
    if (!op.query(typedQuery)) return reject(formatErrors(op.query.errors, 'query'), 'query parameters');

    let body: Record<string, unknown> = {};
    if (route.raw) {
      recorded.body = rawBody;
    } else if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>;
        recorded.body = body;
      } catch {
        violations.push(`invalid request ${method} ${rawPath} (${op.operationId}): body is not JSON`);
        send(error(400, 'Problems parsing JSON', op.docsUrl));
        return;
      }
    }
    if (op.body && !route.raw) {
      if (rawBody.length === 0 && op.bodyRequired) return reject(['body is required'], 'body');
      if (!op.body(body)) return reject(formatErrors(op.body.errors, 'body'), 'body');
    }

    const handler = overrides.get(op.operationId) ?? route.handler;
    let result: HandlerResult;
    try {
      result = await handler({
        state,
        api: url,
        op,
        params,
        query: typedQuery,
        body,
        rawBody,
        headers: req.headers,
        path: `${rawPath}${u.search}`,
        viewer: findAccount(state, state.viewer) ?? { login: state.viewer, id: 1, type: 'User' }
      });
    } catch (e) {
      violations.push(`handler for ${op.operationId} threw: ${(e as Error).stack ?? String(e)}`);
      send(error(500, 'github-fake: handler threw'), false);
      return;
    }
    send(result);
  };

  /** The rate-limit answer GitHub would give this request now, or undefined (and the request is counted). */
  const rateLimitAnswer = (method: string): HandlerResult | undefined => {
    const c = rateConfig;
    if (!c) return undefined;
    const now = Date.now();
    const scale = c.timeScale ?? 1;
    const minuteMs = 60_000 / scale;
    const hourMs = 3_600_000 / scale;
    if (now - secondary.minuteStart >= minuteMs) {
      secondary.minuteStart = now;
      secondary.points = secondary.content = 0;
    }
    if (now - secondary.hourStart >= hourMs) {
      secondary.hourStart = now;
      secondary.hourContent = 0;
    }
    if (rateRemaining <= 0) {
      fake.rateLimited.primary++;
      return {
        status: 403,
        body: {
          message: `API rate limit exceeded for installation ID ${state.viewer}.`,
          documentation_url:
            'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-rate-limits',
          status: '403'
        }
      };
    }
    const read = method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
    const points = read ? 1 : 5;
    const content = method === 'POST' ? 1 : 0;
    const over =
      secondary.inFlight > (c.concurrent ?? 100)
        ? minuteMs / 60
        : secondary.points + points > (c.pointsPerMinute ?? 900) ||
            secondary.content + content > (c.contentPerMinute ?? 80)
          ? secondary.minuteStart + minuteMs - now
          : secondary.hourContent + content > (c.contentPerHour ?? 500)
            ? secondary.hourStart + hourMs - now
            : undefined;
    if (over !== undefined) {
      fake.rateLimited.secondary++;
      return {
        status: 403,
        headers: { 'retry-after': String(Math.max(1, Math.ceil((over * scale) / 1000))) },
        body: {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
          documentation_url:
            'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          status: '403'
        }
      };
    }
    secondary.points += points;
    secondary.content += content;
    secondary.hourContent += content;
    return undefined;
  };

  const server: Server = createServer((req, res) => {
    secondary.inFlight++;
    res.on('close', () => secondary.inFlight--);
    handle(req, res).catch((e: unknown) => {
      violations.push(
        `github-fake internal error on ${req.method} ${req.url}: ${(e as Error).stack ?? String(e)}`
      );
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: 'github-fake internal error' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.url = url;
  return fake;
}

/** Checks a response against the operation's declared responses; undeclared error statuses use GitHub's generic shapes. */
function checkResponse(op: OperationValidators | undefined, status: number, body: unknown): string[] {
  const declared = op?.responses.get(status);
  const generic = (): string[] => {
    if (body === undefined) return [];
    const v = getComponentValidator(status === 422 ? 'validation-error' : 'basic-error');
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      return ['(root) must be an error object'];
    return v(body) ? [] : formatErrors(v.errors);
  };
  if (declared) {
    if (declared.validate) {
      if (body === undefined) return [`status ${status} must have a JSON body`];
      return declared.validate(body) ? [] : formatErrors(declared.validate.errors);
    }
    if (status < 300 && body !== undefined) return [`status ${status} is declared without a body`];
    return status >= 400 ? generic() : [];
  }
  if (status >= 400) return generic();
  return [`status ${status} is not declared for ${op?.operationId ?? 'this route'}`];
}

/** Every route of the fake must exist in GitHub's description (used by the tests). */
export function unknownRoutes(): string[] {
  loadSpec();
  return ROUTES.filter((r) => !specHasOperation(r.method, r.template)).map(
    (r) => `${r.method} ${r.template}`
  );
}
