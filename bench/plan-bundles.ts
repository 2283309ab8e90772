/**
 * plan before/after a change, per checkout shape, in the same run: two bundles of the plan action (BENCH_PLAN_BEFORE,
 * an older dist/plan/index.js, against this tree's dist/plan/index.js), a no-change push on the 10,000-commit
 * repository of bench/plan.ts, each run on a fresh checkout, the two bundles alternating so a busy machine slows both.
 * Wall time and CPU time (the node process and every git it ran: cutime + cstime of this process, proc(5)), medians.
 *
 *   mkdir -p /tmp/plan-before && git show <commit>:dist/plan/index.js > /tmp/plan-before/index.js \
 *     && echo '{"type":"module"}' > /tmp/plan-before/package.json
 *   BENCH_PLAN_BEFORE=/tmp/plan-before/index.js BENCH_REPO=<a repo bigRepo built, optional> npm run bench -- plan-bundles
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pushEvent } from '../test/support/events.js';
import { CHECKOUT_SHAPES, actionsCheckout, serveLikeGitHub } from '../test/support/git-repo.js';
import { REPO_ROOT } from '../test/support/run-action.js';
import { bigRepo } from './plan.js';

function childCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

export async function benchPlanBundles(): Promise<void> {
  const before = process.env.BENCH_PLAN_BEFORE;
  if (!before) {
    console.log(
      '\n## plan-bundles: skipped (set BENCH_PLAN_BEFORE to an older dist/plan/index.js; see bench/plan-bundles.ts)'
    );
    return;
  }
  const after = path.join(REPO_ROOT, 'dist/plan/index.js');
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const dir = process.env.BENCH_REPO ?? bigRepo(Number(process.env.BENCH_COMMITS ?? 10_000)).dir;
  serveLikeGitHub(dir);
  const [head, parent] = execFileSync('git', ['rev-list', '--first-parent', '-n', '2', 'main'], {
    cwd: dir,
    encoding: 'utf8'
  })
    .trim()
    .split('\n') as [string, string];
  const event = pushEvent({
    repo: { owner: 'acme', name: 'big' },
    ref: 'refs/heads/main',
    before: parent,
    after: head
  });
  console.log(
    `\n## plan, no-change push, per checkout shape: ${before} vs this tree's bundle (median of ${runs}, alternating; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`
  );
  for (const shape of CHECKOUT_SHAPES) {
    const samples = new Map<string, { wall: number[]; cpu: number[]; decision: string }>();
    for (let i = 0; i < runs; i++) {
      for (const [label, entry] of [
        ['before', before],
        ['after', after]
      ] as const) {
        const checkout = actionsCheckout(dir, 'refs/heads/main', head, shape).dir;
        const tmp = mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-plan-'));
        const files = {
          GITHUB_OUTPUT: path.join(tmp, 'output'),
          GITHUB_STEP_SUMMARY: path.join(tmp, 'summary.md'),
          GITHUB_EVENT_PATH: path.join(tmp, 'event.json')
        };
        for (const file of Object.values(files)) writeFileSync(file, '');
        writeFileSync(files.GITHUB_EVENT_PATH, JSON.stringify(event.payload));
        const env = {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          ...files,
          GITHUB_ACTIONS: 'true',
          GITHUB_EVENT_NAME: 'push',
          GITHUB_REF: 'refs/heads/main',
          GITHUB_SHA: head,
          GITHUB_REPOSITORY: 'acme/big',
          GITHUB_WORKSPACE: checkout,
          RUNNER_TEMP: tmp
        };
        const t0 = process.hrtime.bigint();
        const c0 = childCpuMs();
        const r = spawnSync(process.execPath, [entry], { cwd: checkout, env, encoding: 'utf8' });
        const cpu = childCpuMs() - c0;
        const wall = Number(process.hrtime.bigint() - t0) / 1e6;
        if (r.status !== 0)
          throw new Error(`plan (${label}) failed in ${shape.name}: ${r.stdout}${r.stderr}`);
        const decision =
          /has-changes<<\S+\n(\w+)/.exec(readFileSync(files.GITHUB_OUTPUT, 'utf8'))?.[1] ?? '?';
        const s = samples.get(label) ?? { wall: [], cpu: [], decision };
        s.wall.push(wall);
        s.cpu.push(cpu);
        samples.set(label, s);
        rmSync(path.dirname(checkout), { recursive: true, force: true });
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    const b = samples.get('before')!;
    const a = samples.get('after')!;
    console.log(
      `${shape.name.padEnd(26)} has-changes=${a.decision}  before ${median(b.wall).toFixed(0).padStart(5)} ms (cpu ${median(b.cpu)} ms)  after ${median(a.wall).toFixed(0).padStart(5)} ms (cpu ${median(a.cpu)} ms)  cpu ratio ${(median(a.cpu) / median(b.cpu)).toFixed(2)}`
    );
  }
  console.log(
    `load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`
  );
}
