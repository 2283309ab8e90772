/**
 * Benchmarks (never timed tests): each prints its measurement next to a baseline measured in the same run, and the
 * ratio, so a noisy machine moves both.
 *
 *   npm run bench                 all
 *   npm run bench -- cold-start   one
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAction, REPO_ROOT } from '../test/support/run-action.js';
import { pushEvent } from '../test/support/events.js';

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

/** A 6-service repository with 10,000 commits built with git fast-import. */
function bigRepo(commits: number): { dir: string; shas: string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-repo-'));
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  const services = ['api', 'dashboard', 'runner', 'daemon', 'proxy', 'cli'];
  const manifest = `version: 1\nservices:\n${services.map((s) => `  - name: ${s}\n    context: services/${s}\n`).join('')}`;
  let stream = '';
  const blob = (text: string): string => `data ${Buffer.byteLength(text)}\n${text}\n`;
  for (let i = 1; i <= commits; i++) {
    const when = 1_700_000_000 + i;
    stream += `commit refs/heads/main\nmark :${i}\ncommitter Bench <b@e> ${when} +0000\n${blob(`change ${i}`)}`;
    if (i > 1) stream += `from :${i - 1}\n`;
    if (i === 1) {
      stream += `M 100644 inline .slipway/services.yml\n${blob(manifest)}`;
      for (const s of services)
        stream += `M 100644 inline services/${s}/Dockerfile\n${blob('FROM scratch\n')}`;
    }
    // most commits touch a service; every 10th touches only docs
    const target =
      i % 10 === 0
        ? `docs/note-${i % 50}.md`
        : `services/${services[i % services.length]}/src/file-${i % 200}.txt`;
    stream += `M 100644 inline ${target}\n${blob(`content ${i}`)}`;
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: stream, maxBuffer: 1 << 30 });
  execFileSync('git', ['checkout', '-q', 'main'], { cwd: dir });
  const shas = execFileSync('git', ['rev-list', '--first-parent', 'main'], { cwd: dir, encoding: 'utf8' })
    .trim()
    .split('\n');
  return { dir, shas };
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

const benches: Record<string, () => Promise<void>> = {
  'cold-start': coldStart,
  'plan-big-repo': planBigRepo
};
const selected = process.argv.slice(2).filter((a) => a !== '--');
for (const name of selected.length ? selected : Object.keys(benches)) {
  const bench = benches[name];
  if (!bench) throw new Error(`unknown benchmark '${name}'; known: ${Object.keys(benches).join(', ')}`);
  await bench();
}
