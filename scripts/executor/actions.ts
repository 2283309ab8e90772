/**
 * `uses:` of steps: local JavaScript actions (action.yml → `node runs.main` with INPUT_* as the runner does) and
 * local stand-ins for the few third-party actions the workflows use, matched by owner/name whatever the pinned ref.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import picomatch from 'picomatch';
import { parse as parseYaml } from 'yaml';
import { UnsupportedFeatureError, WorkflowError } from './errors.js';
import { runProcess } from './process.js';
import { mappedRoot } from './refs.js';

export type ActionRef =
  { kind: 'node'; dir: string; uses: string } | { kind: 'stand-in'; name: StandInName; uses: string };

export const STAND_INS = [
  'actions/checkout',
  'actions/setup-node',
  'actions/upload-artifact',
  'actions/download-artifact',
  'docker/login-action',
  'docker/setup-buildx-action',
  'docker/setup-qemu-action',
  'github/codeql-action/upload-sarif'
] as const;
export type StandInName = (typeof STAND_INS)[number];

export interface ResolveContext {
  workspace: string;
  actionsDir?: string;
  actionRepos: Record<string, string>;
}

/** Splits `owner/repo/path@ref` into its parts (undefined for `./…` and `docker://…`). */
export function parseRemoteUses(
  uses: string
): { owner: string; repo: string; subpath: string; ref: string } | undefined {
  const m = /^([^/@\s]+)\/([^/@\s]+)((?:\/[^@\s]+)?)@(\S+)$/.exec(uses);
  if (!m) return undefined;
  return {
    owner: m[1] as string,
    repo: m[2] as string,
    subpath: (m[3] as string).replace(/^\//, ''),
    ref: m[4] as string
  };
}

/** What a `uses:` resolves to, or an UnsupportedFeatureError naming it. `where` prefixes messages. */
export function resolveUses(uses: string, ctx: ResolveContext, where: string): ActionRef {
  if (uses.startsWith('docker://')) {
    throw new UnsupportedFeatureError(
      `${where}: \`uses: ${uses}\` (a Docker container action) is not supported by the local executor; use a run: step with docker run`
    );
  }
  if (uses.startsWith('./') || uses.startsWith('.\\')) {
    const base = ctx.actionsDir ?? ctx.workspace;
    return { kind: 'node', dir: path.resolve(base, uses), uses };
  }
  const remote = parseRemoteUses(uses);
  if (!remote)
    throw new WorkflowError(
      `${where}: cannot parse \`uses: ${uses}\` (expected owner/repo[/path]@ref or ./path)`
    );
  const key = `${remote.owner}/${remote.repo}`.toLowerCase();
  const mapped = mappedRoot(ctx.actionRepos, remote, 'action', where);
  if (mapped) return { kind: 'node', dir: path.resolve(mapped, remote.subpath), uses };
  const full = (remote.subpath ? `${key}/${remote.subpath}` : key).toLowerCase();
  const standIn = STAND_INS.find((s) => s === full);
  if (standIn) return { kind: 'stand-in', name: standIn, uses };
  throw new UnsupportedFeatureError(
    `${where}: \`uses: ${uses}\` is not supported by the local executor: it has stand-ins only for ${STAND_INS.join(', ')}` +
      ` (map a repository to a local checkout with --action-repo ${remote.owner}/${remote.repo}=<dir>)`
  );
}

export interface ActionInputDef {
  default?: string;
  required?: boolean;
}

export interface ActionMetadata {
  dir: string;
  name: string;
  using: string;
  main: string;
  inputs: Record<string, ActionInputDef>;
  hasPost: boolean;
}

/** Reads action.yml of a local JavaScript action; composite and Docker actions are rejected with the reason. */
export function readActionMetadata(dir: string, where: string): ActionMetadata {
  const file = ['action.yml', 'action.yaml'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (!file) {
    throw new WorkflowError(
      `${where}: no action.yml in ${dir} (\`./\` actions resolve against the workspace, as on GitHub: check out the repository first, or pass --actions-dir)`
    );
  }
  const meta = parseYaml(readFileSync(file, 'utf8')) as {
    name?: string;
    inputs?: Record<string, ActionInputDef>;
    runs?: { using?: string; main?: string; post?: string };
  };
  const using = String(meta.runs?.using ?? '');
  if (!/^node\d+$/.test(using)) {
    throw new UnsupportedFeatureError(
      `${where}: action ${dir} runs with '${using}'; the local executor runs only JavaScript actions (node*)`
    );
  }
  const main = path.resolve(dir, String(meta.runs?.main ?? ''));
  if (!meta.runs?.main || !existsSync(main)) {
    throw new WorkflowError(
      `${where}: action ${dir}: runs.main ${meta.runs?.main ?? '(missing)'} does not exist (build it: npm run build)`
    );
  }
  return {
    dir,
    name: meta.name ?? path.basename(dir),
    using,
    main,
    inputs: meta.inputs ?? {},
    hasPost: Boolean(meta.runs?.post)
  };
}

export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export interface StandInContext {
  inputs: Record<string, string>;
  workspace: string;
  runDir: string;
  artifactsDir: string;
  sourceRepo: string;
  github: { sha: string; ref: string; repository: string; apiUrl?: string; token: string };
  runAttempt: number;
  env: Record<string, string>;
  log(line: string): void;
  note(line: string): void;
  addMask(value: string): void;
  timeoutMs: number;
}

export interface StandInResult {
  exitCode: number;
  outputs: Record<string, string>;
  timedOut?: boolean;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function boolInput(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return value.toLowerCase() === 'true';
}

function listInput(value: string | undefined): string[] {
  return (value ?? '')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** actions/checkout: the source repo at github.sha (or `ref`) into the workspace, origin pointing at the source. */
function checkout(ctx: StandInContext): StandInResult {
  const repository = ctx.inputs.repository || ctx.github.repository;
  if (repository.toLowerCase() !== ctx.github.repository.toLowerCase()) {
    throw new UnsupportedFeatureError(
      `actions/checkout of another repository (${repository}) is not supported locally; only ${ctx.github.repository} (from --repo)`
    );
  }
  if (!existsSync(ctx.sourceRepo))
    throw new WorkflowError(`actions/checkout: source repository ${ctx.sourceRepo} does not exist`);
  const target = path.resolve(ctx.workspace, ctx.inputs.path ?? '');
  if (!target.startsWith(path.resolve(ctx.workspace))) {
    throw new WorkflowError(`actions/checkout: path '${ctx.inputs.path}' is outside the workspace`);
  }
  const depth = Number(ctx.inputs['fetch-depth'] || '1');
  const inputRef = ctx.inputs.ref ?? '';
  const source = path.resolve(ctx.sourceRepo);
  let ref = ctx.github.ref;
  let sha = ctx.github.sha;
  if (inputRef) {
    if (/^[0-9a-f]{40}$/.test(inputRef)) {
      sha = inputRef;
      ref = '';
    } else {
      const full = inputRef.startsWith('refs/')
        ? inputRef
        : git(source, ['rev-parse', '--verify', '-q', `refs/tags/${inputRef}`]) !== ''
          ? `refs/tags/${inputRef}`
          : `refs/heads/${inputRef}`;
      ref = full;
      sha = git(source, ['rev-parse', `${full}^{commit}`]);
    }
  }
  if (boolInput(ctx.inputs.clean, true) && existsSync(target)) {
    for (const entry of readdirSync(target))
      rmSync(path.join(target, entry), { recursive: true, force: true });
  }
  mkdirSync(target, { recursive: true });
  const reuse = existsSync(path.join(target, '.git'));
  if (!reuse) git(target, ['init', '-q']);
  git(target, ['remote', reuse ? 'set-url' : 'add', 'origin', `file://${source}`]);
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
  const tag = ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
  const localRef = branch ? `refs/remotes/origin/${branch}` : tag ? `refs/tags/${tag}` : undefined;
  if (depth > 0) {
    const spec = localRef ? `+${sha}:${localRef}` : sha;
    git(target, ['fetch', '-q', '--no-tags', '--prune', `--depth=${depth}`, 'origin', spec]);
    if (boolInput(ctx.inputs['fetch-tags'], false)) git(target, ['fetch', '-q', '--tags', 'origin']);
  } else {
    git(target, [
      'fetch',
      '-q',
      '--prune',
      'origin',
      '+refs/heads/*:refs/remotes/origin/*',
      '+refs/tags/*:refs/tags/*'
    ]);
  }
  if (branch) git(target, ['checkout', '-q', '--force', '-B', branch, `refs/remotes/origin/${branch}`]);
  else git(target, ['checkout', '-q', '--force', '--detach', sha]);
  git(target, ['reset', '-q', '--hard', sha]);
  ctx.log(
    `checked out ${ref || sha} (${sha.slice(0, 12)}) from ${source} into ${target}, fetch-depth ${depth}`
  );
  return { exitCode: 0, outputs: { ref: ref || sha, commit: sha } };
}

function setupNode(ctx: StandInContext): StandInResult {
  const version = process.versions.node;
  const wanted = ctx.inputs['node-version'] ?? '';
  ctx.log(`using the local node ${version} (${process.execPath})`);
  if (wanted && !version.startsWith(wanted.replace(/^v/, '').replace(/\.x$/, ''))) {
    ctx.note(
      `actions/setup-node: node-version ${wanted} requested, local node is ${version} (not installed: offline)`
    );
  }
  return { exitCode: 0, outputs: { 'node-version': `v${version}`, 'cache-hit': 'false' } };
}

function walkFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile()) out.push(abs);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** The deepest directory containing every given directory. */
export function commonDir(dirs: string[]): string {
  const split = dirs.map((d) => path.resolve(d).split(path.sep));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length && split.every((s) => s[n] === first[n])) n++;
  return first.slice(0, n).join(path.sep) || path.sep;
}

function hasGlob(p: string): boolean {
  return /[*?[\]{}]/.test(p);
}

/** Files matched by upload-artifact `path` lines (literal files/dirs or globs; `!` excludes) and their root. */
function collectArtifactFiles(workspace: string, lines: string[]): { files: string[]; root: string } {
  const include = lines.filter((l) => !l.startsWith('!')).map((l) => path.resolve(workspace, l));
  const exclude = lines.filter((l) => l.startsWith('!')).map((l) => path.resolve(workspace, l.slice(1)));
  const isExcluded = exclude.length ? picomatch(exclude, { dot: true }) : () => false;
  const files = new Set<string>();
  const roots: string[] = [];
  for (const pattern of include) {
    if (hasGlob(pattern)) {
      const firstGlob = pattern.split(path.sep).findIndex(hasGlob);
      const baseDir = pattern.split(path.sep).slice(0, firstGlob).join(path.sep) || path.sep;
      const isMatch = picomatch(pattern, { dot: true });
      for (const f of walkFiles(baseDir)) if (isMatch(f)) files.add(f);
      roots.push(baseDir);
    } else if (existsSync(pattern)) {
      if (statSync(pattern).isDirectory()) {
        for (const f of walkFiles(pattern)) files.add(f);
        roots.push(pattern);
      } else {
        files.add(pattern);
        roots.push(path.dirname(pattern));
      }
    }
  }
  const kept = [...files].filter((f) => !isExcluded(f)).sort();
  const root = commonDir(roots.length ? roots : [workspace]);
  return { files: kept, root };
}

function uploadArtifact(ctx: StandInContext): StandInResult {
  const name = ctx.inputs.name || 'artifact';
  const lines = listInput(ctx.inputs.path);
  if (lines.length === 0) throw new WorkflowError(`actions/upload-artifact: input 'path' is required`);
  const { files, root } = collectArtifactFiles(ctx.workspace, lines);
  const mode = ctx.inputs['if-no-files-found'] || 'warn';
  if (files.length === 0) {
    const msg = `no files were found with the provided path: ${lines.join(', ')}. No artifacts will be uploaded.`;
    if (mode === 'error') throw new WorkflowError(`actions/upload-artifact: ${msg}`);
    if (mode === 'warn') ctx.note(`actions/upload-artifact: ${msg}`);
    return { exitCode: 0, outputs: {} };
  }
  const dest = path.join(ctx.artifactsDir, name);
  if (existsSync(dest)) {
    if (!boolInput(ctx.inputs.overwrite, false)) {
      // upload-artifact v4+: "If false, the action will fail if an artifact for the given name already exists"
      // (https://github.com/actions/upload-artifact#inputs, input `overwrite`). Names are unique per run, across its
      // attempts: a re-run meets the artifacts of earlier attempts with GitHub's 409 (e.g.
      // https://github.com/actions/upload-artifact/issues/478, https://github.com/apache/datafusion-comet/pull/3723).
      throw new WorkflowError(
        `actions/upload-artifact: Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run ('${name}'${ctx.runAttempt > 1 ? `, run attempt ${ctx.runAttempt}: artifacts of earlier attempts stay in the run` : ''}; set overwrite: true, or make the name unique per matrix leg / per attempt, e.g. with \${{ github.run_attempt }})`
      );
    }
    rmSync(dest, { recursive: true, force: true });
  }
  const digest = createHash('sha256');
  for (const file of files) {
    const rel = path.relative(root, file);
    mkdirSync(path.dirname(path.join(dest, rel)), { recursive: true });
    cpSync(file, path.join(dest, rel));
    digest.update(rel).update(readFileSync(file));
  }
  ctx.log(`uploaded ${files.length} file(s) as artifact '${name}' → ${dest}`);
  const id = String(readdirSync(ctx.artifactsDir).length);
  return {
    exitCode: 0,
    outputs: { 'artifact-id': id, 'artifact-url': `file://${dest}`, 'artifact-digest': digest.digest('hex') }
  };
}

function downloadArtifact(ctx: StandInContext): StandInResult {
  const target = path.resolve(ctx.workspace, ctx.inputs.path || '.');
  const available = existsSync(ctx.artifactsDir) ? readdirSync(ctx.artifactsDir).sort() : [];
  const name = ctx.inputs.name;
  if (name) {
    if (!available.includes(name)) {
      throw new WorkflowError(
        `actions/download-artifact: artifact '${name}' not found in this run (uploaded so far: ${available.join(', ') || 'none'})`
      );
    }
    cpSync(path.join(ctx.artifactsDir, name), target, { recursive: true });
    ctx.log(`downloaded artifact '${name}' → ${target}`);
  } else {
    const pattern = ctx.inputs.pattern ? picomatch(ctx.inputs.pattern) : () => true;
    const merge = boolInput(ctx.inputs['merge-multiple'], false);
    const chosen = available.filter((a) => pattern(a));
    for (const a of chosen)
      cpSync(path.join(ctx.artifactsDir, a), merge ? target : path.join(target, a), { recursive: true });
    ctx.log(`downloaded ${chosen.length} artifact(s) (${chosen.join(', ')}) → ${target}`);
  }
  return { exitCode: 0, outputs: { 'download-path': target } };
}

async function dockerLogin(ctx: StandInContext): Promise<StandInResult> {
  const registry = ctx.inputs.registry ?? '';
  const username = ctx.inputs.username ?? '';
  const password = ctx.inputs.password ?? '';
  if (!password) {
    ctx.note(
      `docker/login-action: no password given, not logging in to ${registry || 'Docker Hub'} (no-op locally)`
    );
    return { exitCode: 0, outputs: {} };
  }
  ctx.addMask(password);
  const args = [
    'login',
    ...(username ? ['--username', username] : []),
    '--password-stdin',
    ...(registry ? [registry] : [])
  ];
  const r = await runProcess('docker', args, {
    cwd: ctx.workspace,
    env: ctx.env,
    stdin: password,
    timeoutMs: ctx.timeoutMs,
    onLine: (l) => ctx.log(l)
  });
  return { exitCode: r.exitCode, outputs: {}, timedOut: r.timedOut };
}

async function setupBuildx(ctx: StandInContext): Promise<StandInResult> {
  const r = await runProcess('docker', ['buildx', 'version'], {
    cwd: ctx.workspace,
    env: ctx.env,
    timeoutMs: ctx.timeoutMs,
    onLine: (l) => ctx.log(l)
  });
  if (ctx.inputs.driver && ctx.inputs.driver !== 'docker') {
    ctx.note(
      `docker/setup-buildx-action: driver '${ctx.inputs.driver}' requested; locally the default (docker) builder is used`
    );
  }
  return {
    exitCode: r.exitCode,
    timedOut: r.timedOut,
    outputs: { name: 'default', driver: 'docker', platforms: 'linux/amd64', endpoint: 'default' }
  };
}

/**
 * docker/setup-qemu-action stand-in: registers nothing (that is a machine-wide kernel change), it checks that the
 * host already has a binfmt_misc handler for each requested architecture and fails naming the fix when not.
 */
async function setupQemu(ctx: StandInContext): Promise<StandInResult> {
  const QEMU_NAMES: Record<string, string> = { arm64: 'aarch64', arm: 'arm', '386': 'i386', amd64: 'x86_64' };
  const wanted = (ctx.inputs.platforms || 'all')
    .split(',')
    .map(
      (p) =>
        p
          .trim()
          .replace(/^linux\//, '')
          .split('/')[0]!
    )
    .filter(Boolean);
  const missing = wanted.filter(
    (a) => a !== 'all' && !existsSync(`/proc/sys/fs/binfmt_misc/qemu-${QEMU_NAMES[a] ?? a}`)
  );
  if (missing.length || wanted.includes('all')) {
    ctx.log(
      `docker/setup-qemu-action: no binfmt_misc handler here for ${missing.join(', ') || 'all'}; locally: ` +
        'apt-get install qemu-user-static binfmt-support (mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc first if it is not mounted)'
    );
    return { exitCode: 1, outputs: {} };
  }
  return { exitCode: 0, outputs: { platforms: wanted.map((a) => `linux/${a}`).join(',') } };
}

async function uploadSarif(ctx: StandInContext): Promise<StandInResult> {
  const input = ctx.inputs.sarif_file || '../results';
  const abs = path.resolve(ctx.workspace, input);
  if (!existsSync(abs))
    throw new WorkflowError(`github/codeql-action/upload-sarif: sarif_file ${input} does not exist`);
  const files = statSync(abs).isDirectory() ? walkFiles(abs).filter((f) => f.endsWith('.sarif')) : [abs];
  const dir = path.join(ctx.runDir, 'sarif');
  mkdirSync(dir, { recursive: true });
  const category = ctx.inputs.category || '';
  const runs: unknown[] = [];
  let version = '2.1.0';
  for (const file of files) {
    const sarif = JSON.parse(readFileSync(file, 'utf8')) as { version?: string; runs?: unknown[] };
    version = sarif.version ?? version;
    runs.push(...(sarif.runs ?? []));
    const dest = path.join(dir, `${(category || 'sarif').replace(/[^\w.-]+/g, '_')}-${path.basename(file)}`);
    cpSync(file, dest);
    ctx.log(`SARIF ${file} → ${dest}`);
  }
  const combined = JSON.stringify({ version, runs });
  if (!ctx.github.apiUrl) {
    ctx.note(`upload-sarif: SARIF kept in ${dir} (not uploaded: pass --api-url to POST it to a GitHub API)`);
    return { exitCode: 0, outputs: { 'sarif-id': '' } };
  }
  const url = `${ctx.github.apiUrl.replace(/\/$/, '')}/repos/${ctx.github.repository}/code-scanning/sarifs`;
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${ctx.github.token}`,
      accept: 'application/vnd.github+json',
      'content-type': 'application/json'
    },
    body: JSON.stringify({
      commit_sha: ctx.github.sha,
      ref: ctx.github.ref,
      sarif: gzipSync(combined).toString('base64'),
      tool_name: category || undefined
    })
  });
  const body = (await res.json().catch(() => ({}))) as { id?: string; message?: string };
  if (!res.ok) {
    ctx.log(`upload-sarif: POST ${url} → HTTP ${res.status}: ${body.message ?? ''}`);
    return { exitCode: 1, outputs: {} };
  }
  ctx.log(`upload-sarif: POST ${url} → ${res.status}, sarif-id ${body.id ?? ''}`);
  return { exitCode: 0, outputs: { 'sarif-id': String(body.id ?? '') } };
}

export async function runStandIn(name: StandInName, ctx: StandInContext): Promise<StandInResult> {
  switch (name) {
    case 'actions/checkout':
      return checkout(ctx);
    case 'actions/setup-node':
      return setupNode(ctx);
    case 'actions/upload-artifact':
      return uploadArtifact(ctx);
    case 'actions/download-artifact':
      return downloadArtifact(ctx);
    case 'docker/login-action':
      return dockerLogin(ctx);
    case 'docker/setup-buildx-action':
      return setupBuildx(ctx);
    case 'docker/setup-qemu-action':
      return setupQemu(ctx);
    case 'github/codeql-action/upload-sarif':
      return uploadSarif(ctx);
  }
}

/** Writes a string to a file (creating its directory): small helper for file commands. */
export function touch(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '');
}
