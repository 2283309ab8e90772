/**
 * Wall time of the README's main command (scripts/local-pipeline.ts) with `--jobs 1` (jobs and matrix legs one after
 * another) against the default (side by side, as many at once as this machine has cores), measured in the same run,
 * alternating, so a busy machine slows both:
 *   (a) a push changing one service (services/dashboard, no release) with warm caches: the first push of the same
 *       pipeline run warmed buildx's layers, the tool cache and the registry;
 *   (b) the full push + release + deploy to dev.
 * Each pipeline is a full run against the local registry and dockerd: minutes each. The load average is printed with
 * the numbers (the machine is shared).
 *
 *   nice npm run bench -- pipeline   (BENCH_PIPELINE_RUNS=1 pairs; BENCH_PIPELINE_JOBS sets the side-by-side bound)
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../test/support/run-action.js';

const PAIRS = Number(process.env.BENCH_PIPELINE_RUNS ?? 1);
const SIDE_BY_SIDE = process.env.BENCH_PIPELINE_JOBS ?? String(os.availableParallelism());

interface Timing {
  /** (b) push + release + deploy */
  full: number;
  /** (a) the one-service push with warm caches */
  oneService: number;
}

const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** One local pipeline with the one-service push after it; its `timing:` line (throws with the output's tail when it fails). */
function pipeline(jobs: string): Timing {
  const r = spawnSync(
    path.join(REPO_ROOT, 'node_modules/.bin/tsx'),
    [
      path.join(REPO_ROOT, 'scripts/local-pipeline.ts'),
      '--jobs',
      jobs,
      '--owner',
      `bench${process.pid}j${jobs}`,
      '--one-service-push'
    ],
    { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }
  );
  const timing = /^timing: full=(\d+) one-service=(\d+)$/m.exec(r.stdout);
  if (r.status !== 0 || !timing)
    throw new Error(
      `local pipeline --jobs ${jobs} exited ${r.status}:\n${`${r.stdout}${r.stderr}`.split('\n').slice(-40).join('\n')}`
    );
  return { full: Number(timing[1]), oneService: Number(timing[2]) };
}

export async function benchPipeline(): Promise<void> {
  console.log(
    `\n## local pipeline: --jobs 1 vs --jobs ${SIDE_BY_SIDE} (${PAIRS} pair(s), alternating; load average at start ${load()}, ${os.availableParallelism()} cores)`
  );
  const one: Timing[] = [];
  const many: Timing[] = [];
  for (let i = 0; i < PAIRS; i++) {
    one.push(pipeline('1'));
    console.log(`(pair ${i + 1}: --jobs 1 done, load average ${load()})`);
    many.push(pipeline(SIDE_BY_SIDE));
    console.log(`(pair ${i + 1}: --jobs ${SIDE_BY_SIDE} done, load average ${load()})`);
  }
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
  const s = (ms: number): string => `${(ms / 1000).toFixed(1).padStart(7)} s`;
  for (const [label, pick] of [
    ['(a) one-service push, warm caches', (t: Timing) => t.oneService],
    ['(b) push + release + deploy', (t: Timing) => t.full]
  ] as const) {
    const a = median(one.map(pick));
    const b = median(many.map(pick));
    console.log(
      `${label.padEnd(36)} --jobs 1 ${s(a)}   --jobs ${SIDE_BY_SIDE} ${s(b)}   speed-up ${(a / b).toFixed(2)}× (baseline: --jobs 1, same run)`
    );
  }
  console.log(`load average at the end: ${load()}`);
}
