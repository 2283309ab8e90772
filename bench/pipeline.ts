/**
 * Wall time of the README's main command (scripts/local-pipeline.ts: push → images with Trivy gate, signing, SBOM →
 * release → deploy to dev) with `--jobs 1` (jobs and matrix legs one after another) against the default (side by
 * side, as many at once as this machine has cores), measured in the same run, alternating, so a busy machine slows
 * both. Each run is a full pipeline against the local registry and dockerd: minutes each.
 *
 *   npm run bench -- pipeline        (BENCH_PIPELINE_RUNS=1 pairs; BENCH_PIPELINE_JOBS sets the side-by-side bound)
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../test/support/run-action.js';

const PAIRS = Number(process.env.BENCH_PIPELINE_RUNS ?? 1);
const SIDE_BY_SIDE = process.env.BENCH_PIPELINE_JOBS ?? String(os.availableParallelism());

/** One local pipeline; its wall time in ms (throws with the output's tail when it fails). */
function pipeline(jobs: string): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(
    path.join(REPO_ROOT, 'node_modules/.bin/tsx'),
    [path.join(REPO_ROOT, 'scripts/local-pipeline.ts'), '--jobs', jobs, '--owner', `bench${process.pid}`],
    { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0)
    throw new Error(
      `local pipeline --jobs ${jobs} exited ${r.status}:\n${`${r.stdout}${r.stderr}`.split('\n').slice(-40).join('\n')}`
    );
  return ms;
}

export async function benchPipeline(): Promise<void> {
  console.log(
    `\n## local pipeline (push + release + deploy): --jobs 1 vs --jobs ${SIDE_BY_SIDE} (${PAIRS} pair(s), alternating)`
  );
  const one: number[] = [];
  const many: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    one.push(pipeline('1'));
    many.push(pipeline(SIDE_BY_SIDE));
  }
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
  const a = median(one);
  const b = median(many);
  console.log(
    `${'pipeline --jobs 1'.padEnd(34)} ${(a / 1000).toFixed(1).padStart(7)} s\n${`pipeline --jobs ${SIDE_BY_SIDE}`.padEnd(34)} ${(b / 1000).toFixed(1).padStart(7)} s   speed-up ${(a / b).toFixed(2)}×`
  );
}
