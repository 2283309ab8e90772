/**
 * Local workflow executor overhead per step: one job of N trivial `run: true` steps through the executor (parse,
 * expressions, file commands, script file, bash) against N raw `bash -e <script>` invocations measured in the same
 * run, and a 3-leg matrix + needs workflow for the per-job cost.
 *
 *   npx tsx bench/executor.ts            (BENCH_RUNS=5, BENCH_STEPS=50)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clearWorkflowCache, runWorkflow } from '../scripts/executor/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const STEPS = Number(process.env.BENCH_STEPS ?? 50);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function row(name: string, ms: number, baselineMs: number, baselineName: string): void {
  console.log(
    `${name.padEnd(34)} ${ms.toFixed(0).padStart(7)} ms   ${baselineName}: ${baselineMs.toFixed(0).padStart(6)} ms   ratio ${(ms / baselineMs).toFixed(2)}`
  );
}

function workflowDir(name: string, yaml: string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-exec-'));
  mkdirSync(path.join(root, '.github', 'workflows'), { recursive: true });
  const file = path.join(root, '.github', 'workflows', `${name}.yml`);
  writeFileSync(file, yaml);
  return file;
}

export async function benchExecutor(): Promise<void> {
  console.log(
    `\n## executor overhead (median of ${RUNS}; ${STEPS} trivial steps; baseline: raw bash per step)`
  );
  const steps = Array.from(
    { length: STEPS },
    (_, i) => `      - id: s${i}\n        run: echo "n=${i}" >> "$GITHUB_OUTPUT"\n`
  ).join('');
  const file = workflowDir(
    'steps',
    `on: push\njobs:\n  one:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`
  );
  const scriptDir = mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-bash-'));
  const script = path.join(scriptDir, 'step.sh');
  const out = path.join(scriptDir, 'out');
  writeFileSync(script, `echo "n=1" >> "${out}"\n`);

  const executor: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    clearWorkflowCache();
    const t = process.hrtime.bigint();
    const result = await runWorkflow({ workflow: file, repo: process.cwd(), output: null });
    executor.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (result.conclusion !== 'success') throw new Error('bench workflow failed');
    const r = process.hrtime.bigint();
    for (let s = 0; s < STEPS; s++) spawnSync('bash', ['-e', script]);
    raw.push(Number(process.hrtime.bigint() - r) / 1e6);
  }
  row(`executor: ${STEPS} run: steps`, median(executor), median(raw), `${STEPS}× raw bash`);
  console.log(`  overhead per step: ${((median(executor) - median(raw)) / STEPS).toFixed(1)} ms`);

  const matrix = workflowDir(
    'jobs',
    `on: push
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      matrix: \${{ steps.m.outputs.matrix }}
    steps:
      - id: m
        run: echo 'matrix={"n":[1,2,3]}' >> "$GITHUB_OUTPUT"
  build:
    needs: plan
    runs-on: ubuntu-latest
    strategy:
      matrix: \${{ fromJSON(needs.plan.outputs.matrix) }}
    steps:
      - run: echo "\${{ matrix.n }}"
`
  );
  const jobs: number[] = [];
  const rawJobs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    clearWorkflowCache();
    const t = process.hrtime.bigint();
    await runWorkflow({ workflow: matrix, repo: process.cwd(), output: null });
    jobs.push(Number(process.hrtime.bigint() - t) / 1e6);
    const r = process.hrtime.bigint();
    for (let s = 0; s < 4; s++) spawnSync('bash', ['-e', script]);
    rawJobs.push(Number(process.hrtime.bigint() - r) / 1e6);
  }
  row('executor: 1 + 3-leg matrix jobs', median(jobs), median(rawJobs), '4× raw bash');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  await benchExecutor();
}
