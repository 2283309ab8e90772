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
  /** CPU time the whole machine was busy during (b) and (a), in ms (all cores; includes dockerd and buildkitd) */
  fullCpu: number;
  oneServiceCpu: number;
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
  const timing = /^timing: full=(\d+) one-service=(\d+) full-cpu=(\d+) one-service-cpu=(\d+)$/m.exec(
    r.stdout
  );
  if (r.status !== 0 || !timing)
    throw new Error(
      `local pipeline --jobs ${jobs} exited ${r.status}:\n${`${r.stdout}${r.stderr}`.split('\n').slice(-40).join('\n')}`
    );
  return {
    full: Number(timing[1]),
    oneService: Number(timing[2]),
    fullCpu: Number(timing[3]),
    oneServiceCpu: Number(timing[4])
  };
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
  const cores = os.availableParallelism();
  for (const [label, pick, cpu] of [
    ['(a) one-service push, warm caches', (t: Timing) => t.oneService, (t: Timing) => t.oneServiceCpu],
    ['(b) push + release + deploy', (t: Timing) => t.full, (t: Timing) => t.fullCpu]
  ] as const) {
    const a = median(one.map(pick));
    const b = median(many.map(pick));
    console.log(
      `${label.padEnd(36)} --jobs 1 ${s(a)}   --jobs ${SIDE_BY_SIDE} ${s(b)}   speed-up ${(a / b).toFixed(2)}× (baseline: --jobs 1, same run)`
    );
    // The same work needs the same CPU time whatever the schedule: no schedule on this machine's cores finishes in
    // less than (CPU busy) / cores, so --jobs 1's wall time over that bounds any speed-up. Meaningful only on an
    // otherwise idle machine (the counters are the machine's: other work counts too).
    const busy = median(one.map(cpu));
    const floor = busy / cores;
    console.log(
      `${''.padEnd(36)} machine CPU busy at --jobs 1 ${s(busy)} (at --jobs ${SIDE_BY_SIDE} ${s(median(many.map(cpu)))}): no schedule on ${cores} cores beats ${s(floor)}, so the largest speed-up this machine allows is ${(a / floor).toFixed(2)}×`
    );
  }
  console.log(`load average at the end: ${load()}`);
}
