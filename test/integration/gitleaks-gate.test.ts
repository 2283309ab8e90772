/**
 * gitleaks-gate end to end: the bundled action, the real gitleaks binary (on PATH) and real git repositories with
 * a bare origin, for the events whose commit ranges go wrong in practice (first push, force-push after a rebase,
 * a pull request with merge commits — gitleaks-action #199/#236 — and a secret added then removed in one push).
 * The planted AWS access key id is generated at run time: this repository's source holds no secret.
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAction, failureMessage, type ActionRun } from '../support/run-action.js';
import { pullRequestEvent, pushEvent, scheduleEvent, ZERO_SHA } from '../support/events.js';
import { git, TestRepo } from '../support/git-repo.js';

const repoInfo = { owner: 'acme', name: 'svc', defaultBranch: 'main' };
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A fresh fake AWS access key id (matches gitleaks' aws-access-token rule), never twice the same. */
function fakeKey(): string {
  let tail = '';
  for (let i = 0; i < 16; i++) tail += ALPHABET[randomInt(ALPHABET.length)];
  return ['AK', 'IA', tail].join('');
}

function newRepo(): TestRepo {
  const base = mkdtempSync(path.join(os.tmpdir(), 'slipway-gitleaks-'));
  const origin = path.join(base, 'origin.git');
  const dir = path.join(base, 'work');
  git(base, 'init', '-q', '--bare', '-b', 'main', origin);
  git(base, 'init', '-q', '-b', 'main', dir);
  const repo = new TestRepo(dir, origin);
  repo.git('remote', 'add', 'origin', origin);
  commit(repo, { 'README.md': '# svc\n', 'src/app.js': 'console.log("hello");\n' }, 'feat: initial import');
  repo.push();
  return repo;
}

function commit(repo: TestRepo, files: Record<string, string>, message: string): string {
  for (const [file, content] of Object.entries(files)) repo.write(file, content);
  repo.git('add', '-A');
  repo.git('commit', '-q', '-m', message);
  return repo.head();
}

function push(repo: TestRepo, before: string, after: string, branch = 'main') {
  const ref = `refs/heads/${branch}`;
  return {
    workspace: repo.dir,
    event: pushEvent({ repo: repoInfo, ref, before, after, forced: false }),
    ref,
    sha: after,
    repository: 'acme/svc'
  };
}

/** The secret appears nowhere the runner or a later step could print it. */
function expectNoSecret(run: ActionRun, secret: string): void {
  const places: Record<string, string> = {
    stdout: run.stdout,
    stderr: run.stderr,
    summary: run.summary,
    outputs: JSON.stringify(run.outputs)
  };
  for (const key of ['report-path', 'sarif-path']) {
    const file = run.outputs[key];
    if (file) places[key] = readFileSync(file, 'utf8');
  }
  for (const [where, text] of Object.entries(places)) {
    expect({ where, leaked: text.includes(secret) }).toEqual({ where, leaked: false });
  }
}

function expectLeaks(run: ActionRun, count: number): void {
  if (run.outputs.result !== 'leaks') {
    throw new Error(`expected leaks, got ${run.outputs.result}: ${failureMessage(run)}\n${run.stdout}`);
  }
  expect(run.exitCode).not.toBe(0);
  expect(run.outputs.count).toBe(String(count));
  // the per-finding annotations come first; the step failure is the last error
  expect(run.annotations.filter((a) => a.level === 'error').at(-1)?.message).toMatch(
    /^gitleaks found \d+ leak/
  );
}

function expectClean(run: ActionRun): void {
  if (run.exitCode !== 0 || run.outputs.result !== 'clean') {
    throw new Error(`expected clean (${run.exitCode}): ${failureMessage(run)}\n${run.stdout}\n${run.stderr}`);
  }
  expect(run.outputs.count).toBe('0');
}

interface ReportFinding {
  File: string;
  StartLine: number;
  Commit: string;
  RuleID: string;
  Secret: string;
}

function report(run: ActionRun): ReportFinding[] {
  return JSON.parse(readFileSync(run.outputs['report-path']!, 'utf8')) as ReportFinding[];
}

describe('gitleaks-gate', () => {
  it('finds a secret pushed to main, reports file/line/commit/rule, and never prints the secret', async () => {
    const repo = newRepo();
    const secret = fakeKey();
    const before = repo.head();
    commit(repo, { 'src/app.js': 'console.log("hello");\n' + '// todo\n' }, 'chore: tidy');
    const leak = commit(
      repo,
      { 'config/prod.env': `REGION=eu-west-1\nAWS_ACCESS_KEY_ID=${secret}\n` },
      'feat: prod'
    );
    const after = commit(repo, { 'README.md': '# svc\n\nDocs.\n' }, 'docs: readme');
    repo.push();

    const run = await runAction('gitleaks-gate', push(repo, before, after));
    expectLeaks(run, 1);
    expect(run.outputs.range).toBe(`${before}..${after}`);
    expect(report(run)).toEqual([
      expect.objectContaining({
        File: 'config/prod.env',
        StartLine: 2,
        Commit: leak,
        RuleID: 'aws-access-token',
        Secret: 'REDACTED'
      })
    ]);
    expect(run.summary).toContain(
      `<td>config/prod.env</td><td>2</td><td>${leak.slice(0, 7)}</td><td>aws-access-token</td>`
    );
    const sarif = JSON.parse(readFileSync(run.outputs['sarif-path']!, 'utf8')) as {
      version: string;
      runs: Array<{ results: Array<{ ruleId: string }> }>;
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toEqual(['aws-access-token']);
    expect(run.annotations.some((a) => a.properties.file === 'config/prod.env')).toBe(true);
    expectNoSecret(run, secret);
  });

  it('passes a clean push and only scans the pushed range (an older secret outside it is not re-reported)', async () => {
    const repo = newRepo();
    commit(repo, { 'legacy.env': `KEY=${fakeKey()}\n` }, 'chore: legacy (already rotated)');
    const before = repo.head();
    const after = commit(repo, { 'src/app.js': 'console.log("clean");\n' }, 'feat: clean change');
    repo.push();
    const run = await runAction('gitleaks-gate', push(repo, before, after));
    expectClean(run);
    expect(run.summary).toContain('No leaks found.');
  });

  it('detects a secret added and removed again within the same push', async () => {
    const repo = newRepo();
    const secret = fakeKey();
    const before = repo.head();
    commit(repo, { 'deploy.sh': `export AWS_ACCESS_KEY_ID=${secret}\n` }, 'wip');
    const after = commit(
      repo,
      { 'deploy.sh': 'export AWS_ACCESS_KEY_ID="$KEY"\n' },
      'fix: read the key from env'
    );
    repo.push();
    const run = await runAction('gitleaks-gate', push(repo, before, after));
    expectLeaks(run, 1);
    expect(report(run)[0]).toMatchObject({ File: 'deploy.sh', StartLine: 1 });
    expectNoSecret(run, secret);
  });

  it('first push of a branch scans from the merge-base with main, not all history', async () => {
    const repo = newRepo();
    commit(repo, { 'legacy.env': `KEY=${fakeKey()}\n` }, 'chore: legacy');
    repo.push();
    repo.git('checkout', '-q', '-b', 'feature/x');
    const base = repo.head();
    const secret = fakeKey();
    commit(repo, { 'src/feature.js': `const key = "${secret}";\n` }, 'feat: x');
    const after = commit(repo, { 'src/feature2.js': 'export {};\n' }, 'feat: more x');
    repo.push('feature/x');
    const run = await runAction('gitleaks-gate', push(repo, ZERO_SHA, after, 'feature/x'));
    expectLeaks(run, 1);
    expect(run.outputs.range).toBe(`${base}..${after}`);
    expect(report(run)[0]!.File).toBe('src/feature.js');
    expectNoSecret(run, secret);
  });

  it('force-push after a rebase: scans the rebased commits without a git error (gitleaks-action #199)', async () => {
    const repo = newRepo();
    repo.git('checkout', '-q', '-b', 'topic');
    commit(repo, { 'src/topic.js': 'export const a = 1;\n' }, 'feat: topic');
    repo.push('topic');
    const oldTip = repo.head();
    repo.git('checkout', '-q', 'main');
    const mainTip = commit(repo, { 'src/main.js': 'export const m = 1;\n' }, 'feat: main moves on');
    repo.push('main');
    repo.git('checkout', '-q', 'topic');
    repo.git('rebase', '-q', 'main');
    const secret = fakeKey();
    const after = commit(repo, { 'src/topic.js': `export const a = "${secret}";\n` }, 'feat: topic key');
    repo.push('topic', true);
    expect(repo.git('rev-list', '--count', `${after}..${oldTip}`)).toBe('1'); // the old tip is not an ancestor

    const run = await runAction('gitleaks-gate', {
      ...push(repo, oldTip, after, 'topic'),
      event: pushEvent({ repo: repoInfo, ref: 'refs/heads/topic', before: oldTip, after, forced: true })
    });
    expectLeaks(run, 1);
    expect(run.outputs.range).toBe(`${mainTip}..${after}`);
    expect(run.stdout).not.toMatch(/ambiguous argument|partial scan/);
    expectNoSecret(run, secret);
  });

  it('pull request with merge commits: secrets reached through a second parent are found (#199, #236)', async () => {
    const repo = newRepo();
    repo.git('checkout', '-q', '-b', 'feature');
    commit(repo, { 'src/f1.js': 'export const f = 1;\n' }, 'feat: f1');
    // a side branch carrying a secret, merged into the feature branch (only reachable via the 2nd parent)
    repo.git('checkout', '-q', '-b', 'side');
    const secret = fakeKey();
    commit(repo, { 'side/keys.txt': `aws ${secret}\n` }, 'feat: side');
    repo.git('checkout', '-q', 'feature');
    commit(repo, { 'src/f2.js': 'export const g = 2;\n' }, 'feat: f2');
    repo.git('merge', '-q', '--no-ff', '-m', 'Merge branch side into feature', 'side');
    // main moves on and is merged back into the feature branch, as "Update branch" does
    repo.git('checkout', '-q', 'main');
    const baseSha = commit(repo, { 'src/main.js': 'export const m = 1;\n' }, 'feat: main');
    repo.push('main');
    repo.git('checkout', '-q', 'feature');
    repo.git('merge', '-q', '--no-ff', '-m', 'Merge branch main into feature', 'main');
    const headSha = repo.head();
    repo.push('feature');
    expect(repo.git('rev-list', '--merges', '--count', `${baseSha}..${headSha}`)).toBe('2');

    const run = await runAction('gitleaks-gate', {
      workspace: repo.dir,
      event: pullRequestEvent({
        repo: repoInfo,
        number: 7,
        baseRef: 'main',
        baseSha,
        headRef: 'feature',
        headSha
      }),
      ref: 'refs/pull/7/merge',
      sha: headSha,
      repository: 'acme/svc'
    });
    expectLeaks(run, 1);
    expect(report(run)[0]!.File).toBe('side/keys.txt');
    expect(run.stdout).not.toMatch(/ambiguous argument|partial scan/);
    expectNoSecret(run, secret);
  });

  it('honours .gitleaks.toml at the workspace root and a baseline file', async () => {
    const repo = newRepo();
    const before = repo.head();
    commit(repo, { 'fixtures/keys.txt': `${fakeKey()}\n` }, 'test: fixtures');
    const after = commit(repo, { 'src/ok.js': 'export {};\n' }, 'feat: ok');
    repo.push();
    const first = await runAction('gitleaks-gate', push(repo, before, after));
    expectLeaks(first, 1);

    // a baseline of the (redacted) report accepts exactly those findings
    const baselineFile = path.join(repo.dir, '..', 'baseline.json');
    writeFileSync(baselineFile, readFileSync(first.outputs['report-path']!, 'utf8'));
    expectClean(
      await runAction('gitleaks-gate', { ...push(repo, before, after), inputs: { baseline: baselineFile } })
    );

    // the repository's own config (extending the default rules) allowlists the fixtures directory
    repo.write(
      '.gitleaks.toml',
      "title = \"svc\"\n[extend]\nuseDefault = true\n[allowlist]\npaths = ['''^fixtures/''']\n"
    );
    expectClean(await runAction('gitleaks-gate', push(repo, before, after)));
  });

  it('diff mode scans the net patch and maps findings back to file and line', async () => {
    const repo = newRepo();
    const secret = fakeKey();
    const before = repo.head();
    commit(repo, { 'a/one.txt': 'one\ntwo\n', 'b/two.txt': `x\ny\nz\nkey=${secret}\n` }, 'feat: files');
    const after = commit(repo, { 'src/app.js': 'console.log("bye");\n' }, 'feat: bye');
    repo.push();
    const run = await runAction('gitleaks-gate', {
      ...push(repo, before, after),
      inputs: { 'scan-mode': 'diff' }
    });
    expectLeaks(run, 1);
    expect(report(run)[0]).toMatchObject({ File: 'b/two.txt', StartLine: 4, Commit: after });
    expectNoSecret(run, secret);
  });

  it('schedule scans the full history; fail-on-leak false reports leaks without failing', async () => {
    const repo = newRepo();
    commit(repo, { 'old.env': `K=${fakeKey()}\n` }, 'chore: old');
    commit(repo, { 'src/app.js': 'export {};\n' }, 'feat: newer');
    repo.push();
    const run = await runAction('gitleaks-gate', {
      workspace: repo.dir,
      event: scheduleEvent(repoInfo),
      inputs: { 'fail-on-leak': false }
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ result: 'leaks', count: '1', range: 'full history' });
  });

  it('deepens a shallow checkout (fetch-depth 1) to reach the pushed range and full history', async () => {
    const repo = newRepo();
    const before = repo.head();
    const secret = fakeKey();
    commit(repo, { 'a.env': `K=${secret}\n` }, 'feat: a');
    for (let i = 0; i < 3; i++) commit(repo, { [`n${i}.txt`]: `${i}\n` }, `chore: ${i}`);
    const after = repo.head();
    repo.push();
    const shallow = repo.shallowClone('main', 1);
    const run = await runAction('gitleaks-gate', { ...push(repo, before, after), workspace: shallow });
    expectLeaks(run, 1);
    expect(run.outputs.range).toBe(`${before}..${after}`);
    expectNoSecret(run, secret);

    const full = await runAction('gitleaks-gate', {
      workspace: repo.shallowClone('main', 1),
      event: scheduleEvent(repoInfo)
    });
    expectLeaks(full, 1);
    expect(full.outputs.range).toBe('full history');
  });

  describe('fails closed with a clear error', () => {
    it('when the workspace is not a git repository', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-nogit-'));
      const run = await runAction('gitleaks-gate', {
        workspace: dir,
        event: pushEvent({
          repo: repoInfo,
          ref: 'refs/heads/main',
          before: 'a'.repeat(40),
          after: 'b'.repeat(40)
        })
      });
      expect(run.exitCode).not.toBe(0);
      expect(run.outputs.result).toBe('error');
      expect(failureMessage(run)).toMatch(/is not a git repository.*actions\/checkout.*fetch-depth: 0/);
    });

    it('when the pushed commit is not in the checkout', async () => {
      const repo = newRepo();
      const missing = 'c'.repeat(40);
      const run = await runAction('gitleaks-gate', push(repo, repo.head(), missing));
      expect(run.outputs.result).toBe('error');
      expect(failureMessage(run)).toContain(`The pushed commit ${missing} is not in the checkout`);
      expect(failureMessage(run)).toContain('fetch-depth: 0');
    });

    it('when a full-history scan meets a shallow clone that cannot be deepened', async () => {
      const repo = newRepo();
      const shallow = repo.shallowClone('main', 1);
      git(shallow, 'remote', 'remove', 'origin');
      const run = await runAction('gitleaks-gate', { workspace: shallow, event: scheduleEvent(repoInfo) });
      expect(run.outputs.result).toBe('error');
      expect(failureMessage(run)).toMatch(
        /shallow clone that could not be deepened: use actions\/checkout with fetch-depth: 0/
      );
    });

    it('for an unknown scan-mode and a config file that does not exist', async () => {
      const repo = newRepo();
      const mode = await runAction('gitleaks-gate', {
        ...push(repo, repo.head(), repo.head()),
        inputs: { 'scan-mode': 'fast' }
      });
      expect(mode.outputs.result).toBe('error');
      expect(failureMessage(mode)).toBe("Input 'scan-mode' must be one of auto, full, diff, got 'fast'");
      const config = await runAction('gitleaks-gate', {
        ...push(repo, repo.head(), repo.head()),
        inputs: { config: 'ci/gitleaks.toml' }
      });
      expect(config.outputs.result).toBe('error');
      expect(failureMessage(config)).toMatch(/Input 'config': .*ci\/gitleaks\.toml does not exist/);
    });

    it('when gitleaks itself fails (an invalid config), never reporting clean', async () => {
      const repo = newRepo();
      const before = repo.head();
      const after = commit(repo, { '.gitleaks.toml': '[[rules]\n' }, 'chore: broken config');
      const run = await runAction('gitleaks-gate', push(repo, before, after));
      expect(run.exitCode).not.toBe(0);
      expect(run.outputs.result).toBe('error');
      expect(failureMessage(run)).toMatch(/is not valid: gitleaks says .*nothing was scanned/);
    });
  });
});
