/**
 * Benchmarks (never timed tests): each prints its measurement next to a baseline measured in the same run, and the
 * ratio, so a noisy machine moves both.
 *
 *   npm run bench                 all
 *   npm run bench -- cold-start   one (cold-start, plan-big-repo, plan-shapes, plan-bundles, trivy-gate, supply-chain, cleanup,
 *                                 deploy, release, executor, pipeline)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { runAction, REPO_ROOT } from '../test/support/run-action.js';
import { pushEvent } from '../test/support/events.js';
import { trivyFixtures } from '../test/support/trivy-db.js';
import { benchCleanup } from './cleanup.js';
import { benchPlanShapes, bigRepo } from './plan.js';
import { benchDeploy } from './deploy.js';
import { benchExecutor } from './executor.js';
import { benchPipeline } from './pipeline.js';
import { benchPlanBundles } from './plan-bundles.js';
import { benchRelease } from './release.js';
import { benchSupplyChain } from './supply-chain.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function timeSync(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function row(name: string, ms: number, baselineMs: number, baselineName: string): void {
  console.log(
    `${name.padEnd(34)} ${ms.toFixed(0).padStart(7)} ms   ${baselineName}: ${baselineMs.toFixed(0).padStart(6)} ms   ratio ${(ms / baselineMs).toFixed(2)}`
  );
}

/** Cold start of each bundled action: a full `node dist/<name>/index.js` run that fails fast on a missing input, vs an empty node process. */
async function coldStart(): Promise<void> {
  console.log(`\n## cold start of each bundled action (median of ${RUNS}; baseline: node -e '' )`);
  const baseline = median(
    Array.from({ length: RUNS }, () => timeSync(() => spawnSync(process.execPath, ['-e', ''])))
  );
  const actions = readdirSync(path.join(REPO_ROOT, 'dist')).filter((d) =>
    existsSync(path.join(REPO_ROOT, 'dist', d, 'index.js'))
  );
  for (const name of actions.sort()) {
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++)
      samples.push((await runAction(name, { inputs: { manifest: 'missing.yml' } })).durationMs);
    row(`${name} (load + fail on input)`, median(samples), baseline, 'node baseline');
  }
}

/** plan on a 10,000-commit repository: a docs-only (no-change) push must decide in under 5 s. */
async function planBigRepo(): Promise<void> {
  const commits = Number(process.env.BENCH_COMMITS ?? 10_000);
  console.log(
    `\n## plan on a 6-service repository with ${commits} commits (median of ${RUNS}; baseline: git diff --name-only of the same range)`
  );
  const t = Date.now();
  const { dir, shas } = bigRepo(commits);
  console.log(`(repository built in ${Date.now() - t} ms)`);
  const after = shas[0] as string; // the last commit: commits % 10 === 0 → docs only
  const before = shas[1] as string;
  writeFileSync(path.join(dir, '.git', 'info', 'exclude'), '');
  const event = pushEvent({ repo: { owner: 'acme', name: 'big' }, ref: 'refs/heads/main', before, after });
  const gitBaseline = median(
    Array.from({ length: RUNS }, () =>
      timeSync(() => execFileSync('git', ['diff', '--name-only', before, after], { cwd: dir }))
    )
  );
  const samples: number[] = [];
  let decision = '';
  for (let i = 0; i < RUNS; i++) {
    const run = await runAction('plan', { workspace: dir, event, sha: after });
    if (run.exitCode !== 0) throw new Error(`plan failed: ${run.stdout}`);
    decision = run.outputs['has-changes'] ?? '';
    samples.push(run.durationMs);
  }
  row(`plan, no-change push (has-changes=${decision})`, median(samples), gitBaseline, 'git diff');
  const wide = shas[Math.min(shas.length - 1, 5000)] as string;
  const wideSamples: number[] = [];
  let services = '';
  for (let i = 0; i < RUNS; i++) {
    const run = await runAction('plan', {
      workspace: dir,
      event: pushEvent({ repo: { owner: 'acme', name: 'big' }, ref: 'refs/heads/main', before: wide, after }),
      sha: after
    });
    services = run.outputs.services ?? '';
    wideSamples.push(run.durationMs);
  }
  const wideBaseline = median(
    Array.from({ length: RUNS }, () =>
      timeSync(() => execFileSync('git', ['diff', '--name-only', wide, after], { cwd: dir }))
    )
  );
  row(
    `plan, 5,000-commit range (${JSON.parse(services || '[]').length} services)`,
    median(wideSamples),
    wideBaseline,
    'git diff'
  );
  const planFirst = median(samples);
  console.log(
    `target: no-change decision < 5000 ms → ${planFirst < 5000 ? 'met' : 'NOT met'} (${planFirst.toFixed(0)} ms)`
  );
}

/**
 * trivy-gate: (1) six matrix jobs sharing one DB cache download the DB once (baseline: six jobs with their own
 * caches); (2) the gate's overhead over a raw trivy scan of the same image with the same DB.
 */
async function trivyGate(): Promise<void> {
  const fx = await trivyFixtures();
  const jobs = 6;
  const job = (cacheDir: string) =>
    runAction('trivy-gate', {
      inputs: {
        'trivy-path': fx.trivyPath,
        'db-repository': fx.dbRepository,
        'db-retries': '0',
        image: fx.vulnerableImage,
        'cache-dir': cacheDir,
        'fail-on-vulnerable': 'false'
      },
      timeoutMs: 120_000
    });
  const downloads = (out: string): number => (out.match(/DB downloaded from/g) ?? []).length;
  console.log(`\n## trivy-gate: ${jobs} matrix jobs, one shared DB cache vs one cache each`);
  const shared = fx.tempDir('bench-shared-cache');
  let sharedDownloads = 0;
  const sharedMs = await timeAsync(async () => {
    for (let i = 0; i < jobs; i++) sharedDownloads += downloads((await job(shared)).stdout);
  });
  let ownDownloads = 0;
  const ownMs = await timeAsync(async () => {
    for (let i = 0; i < jobs; i++)
      ownDownloads += downloads((await job(fx.tempDir(`bench-own-${i}`))).stdout);
  });
  console.log(
    `shared cache: ${sharedDownloads} DB download(s) for ${jobs} jobs; own caches: ${ownDownloads}`
  );
  row(`${jobs} jobs, shared DB cache`, sharedMs, ownMs, 'own caches');

  const runs = Math.min(RUNS, 3);
  console.log(`\n## trivy-gate overhead vs raw trivy on the same image and DB (median of ${runs})`);
  const cache = fx.seededCacheDir();
  const raw: number[] = [];
  const gated: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = path.join(fx.tempDir('bench-raw'), 'r.json');
    const args = ['image', '--cache-dir', cache, '--skip-db-update', '--offline-scan', '--insecure'];
    args.push('--scanners', 'vuln', '--format', 'json', '-o', out, fx.vulnerableImage);
    raw.push(timeSync(() => spawnSync(fx.trivyPath, args)));
    gated.push((await job(cache)).durationMs);
  }
  row('trivy-gate (bundled action)', median(gated), median(raw), 'raw trivy');
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const benches: Record<string, () => Promise<void>> = {
  'cold-start': coldStart,
  'plan-big-repo': planBigRepo,
  'plan-shapes': benchPlanShapes,
  'plan-bundles': benchPlanBundles,
  'trivy-gate': trivyGate,
  'supply-chain': benchSupplyChain,
  cleanup: benchCleanup,
  deploy: benchDeploy,
  release: benchRelease,
  executor: benchExecutor,
  pipeline: benchPipeline
};
const selected = process.argv.slice(2).filter((a) => a !== '--');
for (const name of selected.length ? selected : Object.keys(benches)) {
  const bench = benches[name];
  if (!bench) throw new Error(`unknown benchmark '${name}'; known: ${Object.keys(benches).join(', ')}`);
  await bench();
}
