// In-memory state of the GitHub fake plus factories that render it as full GitHub REST objects.
//
// State is plain data (records and arrays) so tests can seed it through `startGitHubFake({ state })` and inspect or
// mutate it afterwards. The `render*` functions produce objects carrying every field the OpenAPI response schemas
// require; the server validates them on every response, so a missing field fails the test that exercised it.
import { createHash } from 'node:crypto';
import { versionHistory } from '../cleanup-fixtures.js';

export type AccountType = 'User' | 'Organization';

export interface FakeAccount {
  login: string;
  id: number;
  type: AccountType;
  name?: string | null;
  created_at?: string;
}

export interface FakeRepo {
  owner: string;
  name: string;
  id: number;
  default_branch: string;
  private: boolean;
  visibility?: 'public' | 'private' | 'internal';
  description: string | null;
  license: { key: string; name: string; spdx_id: string } | null;
  topics: string[];
  created_at: string;
  pushed_at: string;
}

export interface FakePackageVersion {
  id: number;
  /** the manifest digest, `sha256:<hex>` */
  name: string;
  created_at: string;
  updated_at: string;
  tags: string[];
}

export type PackageType = 'npm' | 'maven' | 'rubygems' | 'docker' | 'nuget' | 'container';

export interface FakePackage {
  owner: string;
  name: string;
  package_type: PackageType;
  id: number;
  visibility: 'public' | 'private';
  /** `owner/name` of the linked repository, if any */
  repository?: string;
  created_at: string;
  updated_at: string;
  /** newest first, as GitHub lists them */
  versions: FakePackageVersion[];
}

export interface FakeEnvironment {
  id: number;
  repo: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface FakeDeployment {
  id: number;
  repo: string;
  ref: string;
  sha: string;
  task: string;
  environment: string;
  original_environment: string;
  description: string | null;
  payload: Record<string, unknown> | string;
  transient_environment: boolean;
  production_environment: boolean;
  creator: string;
  created_at: string;
  updated_at: string;
}

export type DeploymentState =
  'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface FakeDeploymentStatus {
  id: number;
  deployment_id: number;
  repo: string;
  state: DeploymentState;
  description: string;
  environment: string;
  target_url: string;
  log_url: string;
  environment_url: string;
  creator: string;
  created_at: string;
  updated_at: string;
}

export interface FakeRelease {
  id: number;
  repo: string;
  tag_name: string;
  target_commitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  author: string;
  created_at: string;
  published_at: string | null;
  /** order in which the release was marked latest (`make_latest`); 0 = never */
  latest_order: number;
}

export interface FakeReleaseAsset {
  id: number;
  repo: string;
  release_id: number;
  name: string;
  label: string | null;
  content_type: string;
  data: Buffer;
  uploader: string;
  created_at: string;
  updated_at: string;
}

export interface FakeSarifUpload {
  id: string;
  repo: string;
  commit_sha: string;
  ref: string;
  tool_name?: string;
  checkout_uri?: string;
  /** the decoded (gunzipped, parsed) SARIF log */
  sarif: unknown;
  created_at: string;
}

/** Versions for a package from somewhere else (e.g. a real registry); `undefined` falls back to `state.packages`. */
export type PackageSource = (
  owner: string,
  name: string
) => FakePackageVersion[] | undefined | Promise<FakePackageVersion[] | undefined>;

export interface FakeState {
  accounts: Record<string, FakeAccount>;
  /** login of the authenticated user (`/user/...` endpoints, `creator`, `author`, `uploader`) */
  viewer: string;
  /** keyed `owner/name` (as given, compared case-insensitively) */
  repos: Record<string, FakeRepo>;
  /** optional ref -> sha per repo (`owner/name`); unknown refs get a deterministic fake sha */
  refs: Record<string, Record<string, string>>;
  /** keyed `owner/name` (see packageKey) */
  packages: Record<string, FakePackage>;
  packageSource?: PackageSource;
  onDeleteVersion?: (owner: string, name: string, version: FakePackageVersion) => void | Promise<void>;
  environments: FakeEnvironment[];
  deployments: FakeDeployment[];
  deploymentStatuses: FakeDeploymentStatus[];
  releases: FakeRelease[];
  releaseAssets: FakeReleaseAsset[];
  sarifs: FakeSarifUpload[];
  /** next id handed out by nextId() */
  idCounter: number;
  /** clock used for timestamps */
  now: () => Date;
}

export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function createState(seed: Partial<FakeState> = {}): FakeState {
  const state: FakeState = {
    accounts: {},
    viewer: 'octocat',
    repos: {},
    refs: {},
    packages: {},
    environments: [],
    deployments: [],
    deploymentStatuses: [],
    releases: [],
    releaseAssets: [],
    sarifs: [],
    idCounter: 1000,
    now: () => new Date(),
    ...seed
  };
  ensureAccount(state, state.viewer, 'User');
  for (const repo of Object.values(state.repos)) ensureAccount(state, repo.owner);
  for (const pkg of Object.values(state.packages)) ensureAccount(state, pkg.owner);
  return state;
}

export function nextId(state: FakeState): number {
  state.idCounter += 1;
  return state.idCounter;
}

export function timestamp(state: FakeState): string {
  return isoSeconds(state.now());
}

export function findAccount(state: FakeState, login: string): FakeAccount | undefined {
  const lower = login.toLowerCase();
  return Object.values(state.accounts).find((a) => a.login.toLowerCase() === lower);
}

export function ensureAccount(
  state: FakeState,
  login: string,
  type: AccountType = 'Organization'
): FakeAccount {
  const existing = findAccount(state, login);
  if (existing) return existing;
  const account: FakeAccount = { login, id: nextId(state), type, created_at: timestamp(state) };
  state.accounts[login] = account;
  return account;
}

export function repoKey(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}

export function findRepo(state: FakeState, owner: string, name: string): FakeRepo | undefined {
  const key = repoKey(owner, name);
  return Object.values(state.repos).find((r) => repoKey(r.owner, r.name) === key);
}

export function addRepo(
  state: FakeState,
  owner: string,
  name: string,
  extra: Partial<Omit<FakeRepo, 'owner' | 'name'>> = {}
): FakeRepo {
  ensureAccount(state, owner);
  const now = timestamp(state);
  const repo: FakeRepo = {
    owner,
    name,
    id: nextId(state),
    default_branch: 'main',
    private: false,
    description: null,
    license: { key: 'mit', name: 'MIT License', spdx_id: 'MIT' },
    topics: [],
    created_at: now,
    pushed_at: now,
    ...extra
  };
  state.repos[`${owner}/${name}`] = repo;
  return repo;
}

export function packageKey(owner: string, name: string): string {
  return `${owner.toLowerCase()}/${name}`;
}

export function findPackage(state: FakeState, owner: string, name: string): FakePackage | undefined {
  const key = packageKey(owner, name);
  return Object.values(state.packages).find((p) => packageKey(p.owner, p.name) === key);
}

export function digestOf(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

/**
 * `count` container versions, newest first, created one minute apart ending at `end`; every `taggedEvery`-th
 * version gets a tag `v<n>` (plus `latest` on the newest).
 */
export function makeVersions(
  state: FakeState,
  count: number,
  opts: { end?: Date; taggedEvery?: number; seed?: string } = {}
): FakePackageVersion[] {
  const every = opts.taggedEvery ?? 10;
  const entries = Array.from({ length: count }, (_, i) => {
    const n = count - i; // version number, newest has the highest
    const tags = n % every === 0 ? [`v${n}`] : [];
    if (i === 0) tags.unshift('latest');
    return { name: digestOf(`${opts.seed ?? ''}${n}`), tags };
  });
  return versionHistory(entries, { end: opts.end ?? state.now(), nextId: () => nextId(state) });
}

export function addPackage(
  state: FakeState,
  owner: string,
  name: string,
  opts: { versions?: FakePackageVersion[]; count?: number; ownerType?: AccountType; repository?: string } = {}
): FakePackage {
  ensureAccount(state, owner, opts.ownerType);
  const now = timestamp(state);
  const versions = opts.versions ?? makeVersions(state, opts.count ?? 0, { seed: `${owner}/${name}` });
  const pkg: FakePackage = {
    owner,
    name,
    package_type: 'container',
    id: nextId(state),
    visibility: 'public',
    repository: opts.repository,
    created_at: versions.at(-1)?.created_at ?? now,
    updated_at: versions[0]?.updated_at ?? now,
    versions
  };
  state.packages[packageKey(owner, name)] = pkg;
  return pkg;
}

/** Resolves a ref the way GitHub would answer for deployments: a sha, a known ref, or a stable fake sha. */
export function resolveSha(state: FakeState, owner: string, repo: string, ref: string): string {
  if (/^[0-9a-f]{40}$/i.test(ref)) return ref.toLowerCase();
  const refs = Object.entries(state.refs).find(([k]) => k.toLowerCase() === repoKey(owner, repo))?.[1] ?? {};
  const known = refs[ref] ?? refs[`refs/heads/${ref}`] ?? refs[`refs/tags/${ref}`];
  return known ?? createHash('sha1').update(`${owner}/${repo}@${ref}`).digest('hex');
}

// ---------------------------------------------------------------------------------------------------------------
// Renderers: state -> GitHub REST JSON. `api` is the fake's base URL (stands in for https://api.github.com).

function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`${kind}:${id}`).toString('base64').replace(/=+$/, '');
}

export function renderSimpleUser(api: string, account: FakeAccount): Record<string, unknown> {
  const u = `${api}/users/${account.login}`;
  return {
    login: account.login,
    id: account.id,
    node_id: nodeId(account.type, account.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${account.id}?v=4`,
    gravatar_id: '',
    url: u,
    html_url: `https://github.com/${account.login}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type: account.type,
    user_view_type: 'public',
    site_admin: false
  };
}

export function renderPublicUser(api: string, account: FakeAccount): Record<string, unknown> {
  const created = account.created_at ?? '2020-01-01T00:00:00Z';
  return {
    ...renderSimpleUser(api, account),
    name: account.name ?? null,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: created,
    updated_at: created
  };
}

export function renderRepository(api: string, repo: FakeRepo, owner: FakeAccount): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`;
  const u = `${api}/repos/${full}`;
  const html = `https://github.com/${full}`;
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: full,
    owner: renderSimpleUser(api, owner),
    private: repo.private,
    html_url: html,
    description: repo.description,
    fork: false,
    url: u,
    archive_url: `${u}/{archive_format}{/ref}`,
    assignees_url: `${u}/assignees{/user}`,
    blobs_url: `${u}/git/blobs{/sha}`,
    branches_url: `${u}/branches{/branch}`,
    collaborators_url: `${u}/collaborators{/collaborator}`,
    comments_url: `${u}/comments{/number}`,
    commits_url: `${u}/commits{/sha}`,
    compare_url: `${u}/compare/{base}...{head}`,
    contents_url: `${u}/contents/{+path}`,
    contributors_url: `${u}/contributors`,
    deployments_url: `${u}/deployments`,
    downloads_url: `${u}/downloads`,
    events_url: `${u}/events`,
    forks_url: `${u}/forks`,
    git_commits_url: `${u}/git/commits{/sha}`,
    git_refs_url: `${u}/git/refs{/sha}`,
    git_tags_url: `${u}/git/tags{/sha}`,
    git_url: `git://github.com/${full}.git`,
    issue_comment_url: `${u}/issues/comments{/number}`,
    issue_events_url: `${u}/issues/events{/number}`,
    issues_url: `${u}/issues{/number}`,
    keys_url: `${u}/keys{/key_id}`,
    labels_url: `${u}/labels{/name}`,
    languages_url: `${u}/languages`,
    merges_url: `${u}/merges`,
    milestones_url: `${u}/milestones{/number}`,
    notifications_url: `${u}/notifications{?since,all,participating}`,
    pulls_url: `${u}/pulls{/number}`,
    releases_url: `${u}/releases{/id}`,
    ssh_url: `git@github.com:${full}.git`,
    stargazers_url: `${u}/stargazers`,
    statuses_url: `${u}/statuses/{sha}`,
    subscribers_url: `${u}/subscribers`,
    subscription_url: `${u}/subscription`,
    tags_url: `${u}/tags`,
    teams_url: `${u}/teams`,
    trees_url: `${u}/git/trees{/sha}`,
    clone_url: `${html}.git`,
    mirror_url: null,
    hooks_url: `${u}/hooks`,
    svn_url: html,
    homepage: null,
    language: 'TypeScript',
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repo.default_branch,
    open_issues_count: 0,
    open_issues: 0,
    is_template: false,
    topics: repo.topics,
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: repo.visibility ?? (repo.private ? 'private' : 'public'),
    pushed_at: repo.pushed_at,
    created_at: repo.created_at,
    updated_at: repo.pushed_at,
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    allow_forking: true,
    web_commit_signoff_required: false,
    license: repo.license
      ? {
          ...repo.license,
          url: `${api}/licenses/${repo.license.key}`,
          node_id: nodeId('License', repo.license.key)
        }
      : null,
    network_count: 0,
    subscribers_count: 0
  };
}

function packageBase(api: string, pkg: FakePackage, owner: FakeAccount): string {
  const scope = owner.type === 'Organization' ? `orgs/${pkg.owner}` : `users/${pkg.owner}`;
  return `${api}/${scope}/packages/${pkg.package_type}/${encodeURIComponent(pkg.name)}`;
}

export function renderPackageVersion(
  api: string,
  pkg: FakePackage,
  owner: FakeAccount,
  v: FakePackageVersion
): Record<string, unknown> {
  const htmlScope = owner.type === 'Organization' ? `orgs/${pkg.owner}` : `users/${pkg.owner}`;
  const pkgHtml = `https://github.com/${htmlScope}/packages/${pkg.package_type}/package/${encodeURIComponent(pkg.name)}`;
  return {
    id: v.id,
    name: v.name,
    url: `${packageBase(api, pkg, owner)}/versions/${v.id}`,
    package_html_url: pkgHtml,
    html_url: `https://github.com/${htmlScope}/packages/${pkg.package_type}/${encodeURIComponent(pkg.name)}/${v.id}`,
    created_at: v.created_at,
    updated_at: v.updated_at,
    metadata: { package_type: pkg.package_type, container: { tags: v.tags } }
  };
}

export function renderPackage(
  api: string,
  pkg: FakePackage,
  owner: FakeAccount,
  versionCount: number,
  repo: { repo: FakeRepo; owner: FakeAccount } | undefined
): Record<string, unknown> {
  const htmlScope = owner.type === 'Organization' ? `orgs/${pkg.owner}` : `users/${pkg.owner}`;
  return {
    id: pkg.id,
    name: pkg.name,
    package_type: pkg.package_type,
    owner: renderSimpleUser(api, owner),
    version_count: versionCount,
    visibility: pkg.visibility,
    url: packageBase(api, pkg, owner),
    created_at: pkg.created_at,
    updated_at: pkg.updated_at,
    repository: repo ? renderRepository(api, repo.repo, repo.owner) : null,
    html_url: `https://github.com/${htmlScope}/packages/${pkg.package_type}/package/${encodeURIComponent(pkg.name)}`
  };
}

export function renderEnvironment(api: string, env: FakeEnvironment): Record<string, unknown> {
  return {
    id: env.id,
    node_id: nodeId('Environment', env.id),
    name: env.name,
    url: `${api}/repos/${env.repo}/environments/${encodeURIComponent(env.name)}`,
    html_url: `https://github.com/${env.repo}/deployments/activity_log?environments_filter=${encodeURIComponent(env.name)}`,
    created_at: env.created_at,
    updated_at: env.updated_at,
    protection_rules: [],
    deployment_branch_policy: null
  };
}

export function renderDeployment(
  api: string,
  d: FakeDeployment,
  creator: FakeAccount
): Record<string, unknown> {
  const u = `${api}/repos/${d.repo}/deployments/${d.id}`;
  return {
    url: u,
    id: d.id,
    node_id: nodeId('Deployment', d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.original_environment,
    environment: d.environment,
    description: d.description,
    creator: renderSimpleUser(api, creator),
    created_at: d.created_at,
    updated_at: d.updated_at,
    statuses_url: `${u}/statuses`,
    repository_url: `${api}/repos/${d.repo}`,
    transient_environment: d.transient_environment,
    production_environment: d.production_environment,
    performed_via_github_app: null
  };
}

export function renderDeploymentStatus(
  api: string,
  s: FakeDeploymentStatus,
  creator: FakeAccount
): Record<string, unknown> {
  const d = `${api}/repos/${s.repo}/deployments/${s.deployment_id}`;
  return {
    url: `${d}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId('DeploymentStatus', s.id),
    state: s.state,
    creator: renderSimpleUser(api, creator),
    description: s.description,
    environment: s.environment,
    target_url: s.target_url,
    created_at: s.created_at,
    updated_at: s.updated_at,
    deployment_url: d,
    repository_url: `${api}/repos/${s.repo}`,
    ...(s.environment_url ? { environment_url: s.environment_url } : {}),
    ...(s.log_url ? { log_url: s.log_url } : {}),
    performed_via_github_app: null
  };
}

export function renderReleaseAsset(
  api: string,
  a: FakeReleaseAsset,
  uploader: FakeAccount
): Record<string, unknown> {
  const release = `${api}/repos/${a.repo}/releases`;
  return {
    url: `${release}/assets/${a.id}`,
    browser_download_url: `${api}/__downloads/${a.repo}/${a.id}/${encodeURIComponent(a.name)}`,
    id: a.id,
    node_id: nodeId('ReleaseAsset', a.id),
    name: a.name,
    label: a.label,
    state: 'uploaded',
    content_type: a.content_type,
    size: a.data.length,
    digest: `sha256:${createHash('sha256').update(a.data).digest('hex')}`,
    download_count: 0,
    created_at: a.created_at,
    updated_at: a.updated_at,
    uploader: renderSimpleUser(api, uploader)
  };
}

export function renderRelease(
  api: string,
  r: FakeRelease,
  author: FakeAccount,
  assets: Record<string, unknown>[]
): Record<string, unknown> {
  const u = `${api}/repos/${r.repo}/releases/${r.id}`;
  const tag = encodeURIComponent(r.tag_name);
  return {
    url: u,
    html_url: `https://github.com/${r.repo}/releases/${r.draft ? `tag/untagged-${r.id}` : `tag/${tag}`}`,
    assets_url: `${u}/assets`,
    upload_url: `${u}/assets{?name,label}`,
    tarball_url: `${api}/repos/${r.repo}/tarball/${tag}`,
    zipball_url: `${api}/repos/${r.repo}/zipball/${tag}`,
    id: r.id,
    node_id: nodeId('Release', r.id),
    tag_name: r.tag_name,
    target_commitish: r.target_commitish,
    name: r.name,
    body: r.body,
    draft: r.draft,
    prerelease: r.prerelease,
    immutable: false,
    created_at: r.created_at,
    published_at: r.published_at,
    updated_at: r.published_at ?? r.created_at,
    author: renderSimpleUser(api, author),
    assets
  };
}
