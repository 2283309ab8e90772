/**
 * Per-service release attribution on a long history: a first per-service release analyses every commit of the
 * repository, so the files of 10,000 commits are read (one `git diff-tree --stdin`) and matched against the
 * manifest's globs. Baseline, measured in the same run: `git log --name-only` of the same history (the least git
 * work that lists every commit's files); and, for scale, one `git diff-tree` process per commit on a sample.
 *
 *   npx tsx bench/release.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { attributeCommits, compileAttribution } from '../actions/lib/commit-attribution.js';
import { readCommitFiles } from '../actions/lib/release-git.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const COMMITS = Number(process.env.BENCH_COMMITS ?? 10_000);
const SERVICES = ['api', 'dashboard', 'runner', 'daemon', 'proxy', 'cli'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function row(name: string, ms: number, baselineMs: number, baselineName: string): void {
  console.log(
    `${name.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms   ${baselineName}: ${baselineMs.toFixed(0).padStart(6)} ms   ratio ${(ms / baselineMs).toFixed(2)}`
  );
}

/** A repository whose commits each touch one service (every 10th only docs, every 50th the shared lib too). */
function history(commits: number): { dir: string; shas: string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-release-'));
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  const blob = (text: string): string => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const parts: string[] = [];
  for (let i = 1; i <= commits; i++) {
    parts.push(
      `commit refs/heads/main\nmark :${i}\ncommitter Bench <b@e> ${1_700_000_000 + i} +0000\n${blob(`fix: change ${i}`)}`
    );
    if (i > 1) parts.push(`from :${i - 1}\n`);
    const file =
      i % 10 === 0
        ? `docs/note-${i % 50}.md`
        : `services/${SERVICES[i % SERVICES.length]}/src/f-${i % 200}.txt`;
    parts.push(`M 100644 inline ${file}\n${blob(`content ${i}`)}`);
    if (i % 50 === 0) parts.push(`M 100644 inline libs/shared/s-${i % 7}.txt\n${blob(`shared ${i}`)}`);
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: parts.join(''), maxBuffer: 1 << 30 });
  const shas = execFileSync('git', ['rev-list', 'main'], { cwd: dir, encoding: 'utf8' }).trim().split('\n');
  return { dir, shas };
}

export async function benchRelease(): Promise<void> {
  console.log(
    `\n## per-service release attribution, ${COMMITS} commits × ${SERVICES.length} services (median of ${RUNS}; baseline: git log --name-only)`
  );
  const { dir, shas } = history(COMMITS);
  const attribution = compileAttribution({
    sharedPaths: ['.slipway/services.yml'],
    services: SERVICES.map((name) => ({
      name,
      context: '.',
      dockerfile: `services/${name}/Dockerfile`,
      platforms: ['linux/amd64'],
      buildArgs: {},
      paths: [`services/${name}/**`, 'libs/shared/**']
    }))
  });

  const ours: number[] = [];
  let counts: Record<string, number> = {};
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const files = await readCommitFiles(dir, shas);
    const result = attributeCommits(
      shas.map((sha) => ({ sha, files: files.get(sha) ?? [] })),
      attribution
    );
    ours.push(performance.now() - t);
    counts = Object.fromEntries([...result].map(([s, list]) => [s, list.length]));
  }
  const baseline: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    execFileSync('git', ['log', '--name-only', '--format=%H', 'main'], { cwd: dir, maxBuffer: 1 << 30 });
    baseline.push(performance.now() - t);
  }
  const base = median(baseline);
  row('diff-tree --stdin + glob attribution', median(ours), base, 'git log');

  const sample = shas.slice(0, 200);
  const t = performance.now();
  for (const sha of sample)
    execFileSync('git', ['diff-tree', '--no-commit-id', '--name-only', '-r', '--root', sha], { cwd: dir });
  const perCommit = ((performance.now() - t) / sample.length) * shas.length;
  row('one diff-tree per commit (extrapolated)', perCommit, base, 'git log');
  console.log(`commits attributed per service: ${JSON.stringify(counts)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchRelease();
}
