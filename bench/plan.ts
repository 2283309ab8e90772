/**
 * plan in every checkout shape actions/checkout makes, on a 6-service repository with 10,000 commits: events that
 * change no service (a docs-only push to main, the first push of a docs-only branch, a pull request of it) must
 * decide in well under a second in each, fetching what the shape lacks. Baseline, measured in the same run: the same
 * decision on a full clone (fetch-depth: 0), which fetches nothing.
 *
 *   npm run bench -- plan-shapes        (BENCH_COMMITS, BENCH_RUNS to change the size and the runs)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ZERO_SHA, pullRequestEvent, pushEvent } from '../test/support/events.js';
import { CHECKOUT_SHAPES, actionsCheckout, serveLikeGitHub } from '../test/support/git-repo.js';
import { runAction, type GitHubEvent } from '../test/support/run-action.js';

const TARGET_MS = 1000;

/** A 6-service repository with 10,000 commits built with git fast-import. */
export function bigRepo(commits: number): { dir: string; shas: string[] } {
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

/**
 * CPU time (user + system) of the children this process has waited for, from /proc/self/stat (cutime, cstime;
 * clock ticks of 10 ms): plan and every git it ran, whatever else loads the machine (proc(5)).
 */
function childCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

interface Scenario {
  name: string;
  ref: string;
  sha: string;
  event: GitHubEvent;
}

/**
 * Three events that change no service, on the repository `bigRepo` built in `dir`: a push to main of its last commit
 * (docs only); the first push of a branch forked 3 commits behind main with one docs commit (its merge-base with
 * main must be found); a pull request of that branch, checked out as GitHub's test merge commit
 * (`refs/pull/1/merge`, written into the origin as GitHub does).
 */
function noChangeEvents(dir: string, shas: string[]): Scenario[] {
  const repo = { owner: 'acme', name: 'big' };
  const git = (args: string[], input = ''): string =>
    execFileSync('git', ['-c', 'user.name=Bench', '-c', 'user.email=b@e', ...args], {
      cwd: dir,
      encoding: 'utf8',
      input
    }).trim();
  const [mainTip, mainPrevious, , forkPoint] = shas as [string, string, string, string];
  const doc = git(['hash-object', '-w', '--stdin'], 'feature notes\n');
  // a commit's tree plus docs/feature.md (through the index of the bench repository, put back at the end)
  const withDoc = (commit: string): string => {
    git(['read-tree', `${commit}^{tree}`]);
    git(['update-index', '--add', '--cacheinfo', `100644,${doc},docs/feature.md`]);
    return git(['write-tree']);
  };
  const featureTip = git(['commit-tree', withDoc(forkPoint), '-p', forkPoint, '-m', 'docs: feature']);
  git(['update-ref', 'refs/heads/feature', featureTip]);
  // the test merge commit of a PR of feature into main: main's tree with the docs file added
  const merge = git([
    'commit-tree',
    withDoc(mainTip),
    '-p',
    mainTip,
    '-p',
    featureTip,
    '-m',
    'Merge feature'
  ]);
  git(['update-ref', 'refs/pull/1/merge', merge]);
  git(['read-tree', 'HEAD']);
  return [
    {
      name: 'push to main',
      ref: 'refs/heads/main',
      sha: mainTip,
      event: pushEvent({ repo, ref: 'refs/heads/main', before: mainPrevious, after: mainTip })
    },
    {
      name: 'first push of a branch',
      ref: 'refs/heads/feature',
      sha: featureTip,
      event: pushEvent({ repo, ref: 'refs/heads/feature', before: ZERO_SHA, after: featureTip })
    },
    {
      name: 'pull request',
      ref: 'refs/pull/1/merge',
      sha: merge,
      event: pullRequestEvent({
        repo,
        number: 1,
        baseRef: 'main',
        baseSha: mainTip,
        headRef: 'feature',
        headSha: featureTip
      })
    }
  ];
}

export async function benchPlanShapes(): Promise<void> {
  const commits = Number(process.env.BENCH_COMMITS ?? 10_000);
  const runs = Number(process.env.BENCH_RUNS ?? 7);
  console.log(
    `\n## plan, no-change events, per checkout shape, ${commits} commits (median of ${runs}; each run on a fresh checkout; baseline: the full clone)`
  );
  const t = Date.now();
  const { dir, shas } = bigRepo(commits);
  serveLikeGitHub(dir);
  const scenarios = noChangeEvents(dir, shas);
  console.log(`(repository built in ${Date.now() - t} ms)`);
  const results: Array<{
    event: string;
    name: string;
    ms: number;
    cpu: number;
    fetches: number;
    decision: string;
  }> = [];
  for (const scenario of scenarios) {
    for (const shape of CHECKOUT_SHAPES) {
      const samples: number[] = [];
      const cpu: number[] = [];
      let fetches = 0;
      let decision = '';
      for (let i = 0; i < runs; i++) {
        const checkout = actionsCheckout(dir, scenario.ref, scenario.sha, shape).dir;
        const cpu0 = childCpuMs();
        const run = await runAction('plan', {
          workspace: checkout,
          event: scenario.event,
          ref: scenario.ref,
          sha: scenario.sha
        });
        cpu.push(childCpuMs() - cpu0);
        if (run.exitCode !== 0) throw new Error(`plan failed in ${shape.name}: ${run.stdout}`);
        fetches = (JSON.parse(run.outputs.fetches ?? '[]') as string[]).length;
        decision = `has-changes=${run.outputs['has-changes']}`;
        samples.push(run.durationMs);
        rmSync(path.dirname(checkout), { recursive: true, force: true });
      }
      results.push({
        event: scenario.name,
        name: shape.name,
        ms: median(samples),
        cpu: median(cpu),
        fetches,
        decision
      });
    }
  }
  // the runtime's own start on this machine now, so a loaded machine shows as such
  const nodeWall: number[] = [];
  const nodeCpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const c0 = childCpuMs();
    spawnSync(process.execPath, ['-e', '']);
    nodeCpu.push(childCpuMs() - c0);
    nodeWall.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const nodeStart = median(nodeWall);
  for (const r of results) {
    const full = results.find((b) => b.event === r.event)!;
    console.log(
      `${r.event.padEnd(24)} ${r.name.padEnd(26)} ${r.decision.padEnd(18)} ${String(r.fetches).padStart(2)} fetch(es) ${r.ms.toFixed(0).padStart(6)} ms (cpu ${r.cpu.toFixed(0).padStart(4)} ms)   full clone: ${full.ms.toFixed(0).padStart(6)} ms (cpu ${full.cpu.toFixed(0)} ms)   ratio ${(r.ms / full.ms).toFixed(2)}`
    );
  }
  console.log(
    `node -e '' (median of ${runs}): ${nodeStart.toFixed(0)} ms (cpu ${median(nodeCpu).toFixed(0)} ms)`
  );
  const worst = Math.max(...results.map((r) => r.ms));
  const worstCpu = Math.max(...results.map((r) => r.cpu));
  console.log(
    `target: no-change decision < ${TARGET_MS} ms in every shape and event → wall ${worst < TARGET_MS ? 'met' : 'NOT met'} (slowest ${worst.toFixed(0)} ms; node alone ${nodeStart.toFixed(0)} ms on this machine now), cpu ${worstCpu < TARGET_MS ? 'met' : 'NOT met'} (most ${worstCpu.toFixed(0)} ms)`
  );
}
