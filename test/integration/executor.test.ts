/**
 * The local workflow executor end to end on fixture workflows (test/fixtures/workflows/.github/workflows): real
 * bash steps, file commands, outputs across jobs, matrices, reusable workflows, failures, timeouts, and one
 * `uses: ./actions/plan` step running the real bundle in dist/ on a checkout of the example monorepo.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import {
  runWorkflow,
  UnsupportedFeatureError,
  WorkflowError,
  NotTriggeredError
} from '../../scripts/executor/index.js';
import type { JobResult, RunOptions, RunResult } from '../../scripts/executor/index.js';
import { flattenJobs } from '../../scripts/executor/report.js';
import { TestRepo } from '../support/git-repo.js';
import { addRepo, startGitHubFake } from '../support/github-fake/index.js';
import { RegistryClient } from '../../actions/lib/registry.js';
import { REPO_ROOT } from '../support/run-action.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/workflows/.github/workflows');
const fixture = (name: string): string => path.join(FIXTURES, `${name}.yml`);

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const RUNS = mkdtempSync(path.join(os.tmpdir(), 'executor-test-runs-'));
afterAll(() => rmSync(RUNS, { recursive: true, force: true }));

async function run(
  name: string,
  options: Partial<RunOptions> = {}
): Promise<{ result: RunResult; out: string }> {
  const out = new Capture();
  const runDir = mkdtempSync(path.join(RUNS, `${name}-`));
  const result = await runWorkflow({
    workflow: fixture(name),
    repo: REPO_ROOT,
    output: out,
    runDir,
    ...options
  });
  return { result, out: out.text };
}

function job(result: RunResult, name: string): JobResult {
  const found = flattenJobs(result.jobs).find((j) => j.name === name);
  if (!found)
    throw new Error(
      `no job '${name}' in ${flattenJobs(result.jobs)
        .map((j) => j.name)
        .join(', ')}`
    );
  return found;
}

function step(j: JobResult, id: string) {
  const found = j.steps.find((s) => s.id === id);
  if (!found) throw new Error(`no step '${id}' in ${j.name}`);
  return found;
}

test('run: steps, env levels, file commands, outputs across jobs, skipped chain, masked secrets', async () => {
  const secret = 'tok-' + Math.random().toString(36).slice(2);
  // ref given: the fixture filters on main, and this checkout may be on another branch (a worktree)
  const { result, out } = await run('basic', {
    secrets: { API_TOKEN: secret },
    vars: { COLOR: 'blue' },
    ref: 'refs/heads/main'
  });
  expect(result.conclusion).toBe('success');
  const produce = job(result, 'produce');
  expect(step(produce, 'say').log).toContain('levels step from-workflow');
  expect(step(produce, 'say').log).toContain('the token is ***');
  expect(step(produce, 'read').outputs).toEqual({ tool: 'tool-on-path', env: 'set-by-step' });
  expect(step(produce, 'read').log).toContain('level=job');
  expect(step(produce, 'ctx').outputs).toMatchObject({
    runner: 'Linux',
    // no payload repository: the executor names it local/<directory of --repo>
    repo: `local/${path.basename(REPO_ROOT)}`,
    var: 'blue',
    prev: 'tool-on-path'
  });
  expect(step(produce, 'ctx').outputs.ws).toMatch(/jobs\/1-produce\/workspace$/);
  expect(produce.outputs).toEqual({ greeting: 'hello from push on main', multi: 'line one\nline two' });
  expect(out).toContain("skip output 'leaked' since it may contain secret");
  const consume = job(result, 'consume');
  expect(consume.outputs).toEqual({ got: 'hello from push on main', pwd: 'nested', leaked: '[]' });
  expect(job(result, 'skipped').result).toBe('skipped');
  expect(job(result, 'after-skipped').result).toBe('skipped');
  expect(out).not.toContain(secret);
  expect(out).toMatch(/✓ produce success/);
  const summary = readFileSync(result.summaryFile, 'utf8');
  expect(summary).toContain('### produce summary');
  expect(summary).toMatch(/produce\s+✓ success/);
});

test('dynamic matrix from a job output, include/exclude, last leg output, fail-fast', async () => {
  // one after another (jobs: 1): the last leg is the last to finish, and the leg after the failing one is still
  // queued when fail-fast cancels (side by side it may already have succeeded: see 'side by side' below)
  const { result } = await run('matrix', { jobs: 1 });
  expect(result.conclusion).toBe('failure');
  const build = job(result, 'build');
  expect(build.children?.map((l) => l.name)).toEqual(['build (api, 1)', 'build (web, 2)', 'build (cli, 3)']);
  expect(build.result).toBe('success');
  expect(build.outputs).toEqual({ last: 'cli' });
  expect(step(job(result, 'build (web, 2)'), 'b').log).toContain('leg 1/3 web:2');
  expect(job(result, 'static').children?.map((l) => l.name)).toEqual([
    'static (linux, 20, yes)',
    'static (linux, 22, yes)',
    'static (bsd, 22)',
    'static (solaris, 18)'
  ]);
  expect(job(result, 'fail-fast').children?.map((l) => l.result)).toEqual([
    'success',
    'failure',
    'cancelled'
  ]);
  expect(result.needs['fail-fast']?.result).toBe('failure');
  expect(job(result, 'report').outputs).toEqual({ last: 'cli' });
});

test('failure path: if: failure()/always(), continue-on-error, dependent jobs, timeout', async () => {
  const { result, out } = await run('failure');
  expect(result.conclusion).toBe('failure');
  const breaks = job(result, 'breaks');
  expect(breaks.result).toBe('failure');
  expect(step(breaks, 'tolerated')).toMatchObject({ outcome: 'failure', conclusion: 'success' });
  expect(step(breaks, 'after-tolerated').outputs.outcome).toBe('failure conclusion=success');
  expect(step(breaks, 'boom')).toMatchObject({ outcome: 'failure', error: 'exit code 1' });
  expect(step(breaks, 'boom').log).not.toContain('not reached');
  expect(step(breaks, 'not-run').conclusion).toBe('skipped');
  expect(step(breaks, 'on-failure').outputs).toEqual({ cleanup: 'ran' });
  expect(step(breaks, 'always').conclusion).toBe('success');
  expect(step(breaks, 'on-success').conclusion).toBe('skipped');
  expect(job(result, 'dependent').result).toBe('skipped');
  expect(job(result, 'notify').outputs).toEqual({ msg: 'skipped' });
  expect(job(result, 'experimental')).toMatchObject({ result: 'failure', continuedOnError: true });
  expect(result.needs.experimental?.result).toBe('success');
  expect(job(result, 'after-experimental').result).toBe('success');
  const slow = job(result, 'slow');
  expect(slow.result).toBe('failure');
  expect(slow.error).toMatch(/exceeded its timeout-minutes \(0.03\)/);
  expect(slow.steps[1]?.log).toContain('always after timeout');
  expect(out).toMatch(/✗ breaks failure/);
});

test('reusable workflow: inputs, mapped and inherited secrets, outputs back to the caller', async () => {
  const key = 'key-' + Math.random().toString(36).slice(2, 9);
  const { result, out } = await run('reusable-caller', { secrets: { DEPLOY_KEY: key } });
  expect(result.conclusion).toBe('success');
  expect(job(result, 'call').outputs).toEqual({
    message: 'HELLO WORLD X2',
    'key-length': String(key.length)
  });
  expect(job(result, 'call-inherit').outputs).toEqual({
    message: 'hello inherited x2',
    'key-length': String(key.length)
  });
  expect(job(result, 'call / greet').result).toBe('success');
  expect(job(result, 'use').outputs).toEqual({ both: `HELLO WORLD X2 | hello inherited x2 | ${key.length}` });
  expect(out).not.toContain(key);
});

test('a reusable workflow of another repository (mapped to a checkout), called per matrix leg', async () => {
  const dir = path.join(REPO_ROOT, 'test/fixtures/workflows');
  // the pinned SHA is no commit of this repository: only owner/name@ref=dir lets the checkout stand for it
  await expect(
    run('reusable-remote', { secrets: { K: 'kk' }, actionRepos: { 'acme/shared': dir } })
  ).rejects.toThrow(
    /job 'call': error parsing called workflow "acme\/shared\/\.github\/workflows\/reusable-callee\.yml@0123456789abcdef0123456789abcdef01234567": failed to fetch workflow: reference to workflow should be either a valid branch, tag, or commit/
  );
  const mapped = { 'acme/shared@0123456789abcdef0123456789abcdef01234567': dir };
  // jobs: 1 — the matrix output asserted below is the last leg's, which side by side is the last to finish
  const { result } = await run('reusable-remote', {
    secrets: { K: 'kk' },
    actionRepos: mapped,
    jobs: 1
  });
  expect(result.conclusion).toBe('success');
  const call = job(result, 'call');
  expect(call.children?.map((l) => l.name)).toEqual(['call (alice)', 'call (bob)']);
  expect(job(result, 'call (alice) / greet').outputs.message).toBe('hello alice x3');
  expect(call.outputs).toEqual({ message: 'hello bob x3', 'key-length': '2' });
  await expect(run('reusable-remote', { secrets: { K: 'kk' } })).rejects.toThrow(
    /job 'call': the reusable workflow acme\/shared\/.*is in another repository; map it to a local checkout with --action-repo acme\/shared=<dir>/
  );
});

test('a missing required secret of a called workflow is an error before anything runs', async () => {
  const runDir = mkdtempSync(path.join(RUNS, 'missing-'));
  await expect(run('missing-secret', { runDir })).rejects.toThrow(
    /job 'call': .*reusable-callee\.yml requires secret 'DEPLOY_KEY', but it is not provided: map it under `secrets:`/
  );
  expect(existsSync(path.join(runDir, 'jobs'))).toBe(false);
});

test('unsupported features stop the run before the first step, naming workflow, job and step', async () => {
  const runDir = mkdtempSync(path.join(RUNS, 'unsupported-'));
  const container = run('unsupported-container', { runDir });
  await expect(container).rejects.toBeInstanceOf(UnsupportedFeatureError);
  await expect(container).rejects.toThrow(
    /unsupported-container\.yml, job 'in-container': `container:` is not supported/
  );
  expect(existsSync(path.join(runDir, 'jobs'))).toBe(false);
  await expect(run('unsupported-action')).rejects.toThrow(
    /unsupported-action\.yml, job 'lint', step 2 \('Changed files'\): `uses: tj-actions\/changed-files@ed68ef82c095e0d48ec87eccea555d944a631a4c` is not supported/
  );
});

test('checkOnly validates everything static and runs nothing', async () => {
  const { result, out } = await run('reusable-caller', {
    checkOnly: true,
    secrets: { DEPLOY_KEY: 'abcd' }
  });
  expect(result.jobs).toEqual([]);
  expect(existsSync(path.join(result.runDir, 'jobs'))).toBe(false);
  expect(out).toContain('valid, triggered by push, no unsupported features (nothing run)');
  await expect(run('unsupported-action', { checkOnly: true })).rejects.toBeInstanceOf(
    UnsupportedFeatureError
  );
  await expect(run('missing-secret', { checkOnly: true })).rejects.toThrow(/requires secret 'DEPLOY_KEY'/);
});

test('workflow_dispatch: inputs with defaults and types; an invalid choice; an event that is not a trigger', async () => {
  const { result } = await run('dispatch', {
    event: 'workflow_dispatch',
    inputs: { environment: 'production' }
  });
  expect(job(result, 'show').outputs.summary).toBe('production dry=true n=2 note=[] event=true');
  const bad = run('dispatch', { event: 'workflow_dispatch', inputs: { environment: 'prod' } });
  await expect(bad).rejects.toBeInstanceOf(WorkflowError);
  await expect(bad).rejects.toThrow(
    "input 'environment' got 'prod', which is not one of its options: staging, production"
  );
  await expect(run('dispatch', { event: 'push' })).rejects.toBeInstanceOf(NotTriggeredError);
  await expect(run('basic', { ref: 'refs/heads/dev' })).rejects.toThrow(
    /branch 'dev' does not match on.push.branches/
  );
});

test('uses: ./actions/plan runs the real bundle on a checkout of the example monorepo; artifacts cross jobs', async () => {
  const repo = TestRepo.fromExample();
  repo.change(['services/api/src/main.sh'], 'feat(api): change');
  repo.push('main');
  const { result, out } = await run('plan', {
    repo: repo.dir,
    actionsDir: REPO_ROOT,
    repository: 'acme/monorepo'
  });
  if (result.conclusion !== 'success') throw new Error(out);
  const plan = job(result, 'plan');
  expect(plan.outputs['has-changes']).toBe('true');
  expect(
    JSON.parse(plan.outputs.matrix as string).include.map((i: { service: string }) => i.service)
  ).toEqual(['api']);
  expect(step(plan, 'plan').log).toContain('to build: api');
  expect(existsSync(path.join(result.artifactsDir, 'decisions', 'decisions.json'))).toBe(true);
  const use = job(result, 'use');
  expect(use.children).toHaveLength(1);
  expect(use.outputs).toEqual({ service: 'api' });
});

test('cli: exit codes and messages', async () => {
  const cli = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/executor/cli.ts', ...args], {
      cwd: REPO_ROOT
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e
    );
  const bad = await cli(
    '--workflow',
    fixture('dispatch'),
    '--event',
    'workflow_dispatch',
    '--input',
    'environment=prod'
  );
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain(
    "input 'environment' got 'prod', which is not one of its options: staging, production"
  );
  const failed = await cli(
    '--workflow',
    fixture('failure'),
    '--run-dir',
    mkdtempSync(path.join(RUNS, 'cli-'))
  );
  expect(failed.code).toBe(1);
  expect(failed.stdout).toMatch(/job\s+result/);
  const denied = await cli('--workflow', fixture('permissions-nested-denied'), '--check');
  expect(denied.code).toBe(2);
  expect(denied.stderr).toContain(
    "The nested job 'release-assets' is requesting 'contents: write', but is only allowed 'contents: read'."
  );
  const usage = await cli('--nope');
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain('usage: npx tsx scripts/executor/cli.ts --workflow <file>');
});

test('stand-ins: setup-buildx, login-action without a password, upload-sarif to the GitHub API, artifacts', async () => {
  const fake = await startGitHubFake({ token: 'ghs_fixture' });
  try {
    addRepo(fake.state, 'acme', 'monorepo');
    const { result, out } = await run('stand-ins', {
      apiUrl: fake.url,
      token: 'ghs_fixture',
      repository: 'acme/monorepo',
      ref: 'refs/heads/main'
    });
    if (result.conclusion !== 'success') throw new Error(out);
    const tools = job(result, 'tools');
    expect(tools.outputs.builder).toBe('default');
    expect(step(tools, 'buildx').log).toMatch(/buildx/);
    expect(result.notes.join('\n')).toContain(
      'docker/login-action: no password given, not logging in to ghcr.io'
    );
    expect(fake.state.sarifs).toHaveLength(1);
    expect(fake.state.sarifs[0]).toMatchObject({
      repo: 'acme/monorepo',
      ref: 'refs/heads/main',
      tool_name: 'trivy-api'
    });
    expect(tools.outputs['sarif-id']).toBe(fake.state.sarifs[0]?.id);
    expect(existsSync(path.join(result.runDir, 'sarif', 'trivy-api-results.sarif'))).toBe(true);
    expect(existsSync(path.join(result.artifactsDir, 'reports', 'sub', 'extra.txt'))).toBe(true);
    expect(existsSync(path.join(result.artifactsDir, 'reports', 'skip.log'))).toBe(false);
    const dup = step(job(result, 'again'), 'dup');
    expect(dup).toMatchObject({ outcome: 'failure', conclusion: 'success' });
    expect(dup.error).toMatch(
      /Failed request: \(409\) Conflict: an artifact with this name already exists on the workflow run \('reports'/
    );
    expect(out).not.toContain('ghs_fixture');
    fake.assertNoViolations();
  } finally {
    await fake.close();
  }
});

test('a consumer-style build workflow: plan → tags → build of the example monorepo into the local registry', async () => {
  const repo = TestRepo.fromExample();
  repo.change(['services/api/src/test.sh'], 'feat(api): change the api');
  repo.push('main');
  const owner = `executor-test-${Math.random().toString(36).slice(2, 8)}`;
  const { result, out } = await run('build-pipeline', {
    repo: repo.dir,
    repository: `${owner}/monorepo`,
    // the fixture pins @v1, no tag of this checkout: the working tree stands for it
    actionRepos: { 'slipway/slipway@v1': REPO_ROOT },
    vars: { REGISTRY: 'localhost:5000' }
  });
  if (result.conclusion !== 'success') throw new Error(out);
  const legs = job(result, 'build').children ?? [];
  expect(legs.map((l) => l.matrix?.service)).toEqual(['api']);
  const record = JSON.parse(job(result, 'build').outputs.record as string) as {
    digest: string;
    tags: string[];
  };
  expect(record.tags).toContain(`localhost:5000/${owner}/api:main`);
  expect(await new RegistryClient('localhost:5000').resolve(`${owner}/api`, 'main')).toBe(record.digest);
  expect(
    job(result, legs[0]?.name as string).steps.find((s) => s.id === '__docker_login-action')?.conclusion
  ).toBe('skipped');
});

describe('the executor refuses what GitHub refuses', () => {
  test('nested permissions: a called job may not ask for more than the call grants, whatever its if:', async () => {
    const runDir = mkdtempSync(path.join(RUNS, 'perm-denied-'));
    const denied = run('permissions-nested-denied', { runDir });
    await expect(denied).rejects.toBeInstanceOf(WorkflowError);
    await expect(denied).rejects.toThrow(
      "permissions-nested-denied.yml, job 'call': Error calling workflow './.github/workflows/permissions-callee.yml'. The nested job 'release-assets' is requesting 'contents: write', but is only allowed 'contents: read'."
    );
    expect(existsSync(path.join(runDir, 'jobs'))).toBe(false);
    await expect(run('permissions-nested-denied', { checkOnly: true })).rejects.toThrow(
      "The nested job 'release-assets' is requesting 'contents: write'"
    );

    const { result, out } = await run('permissions-nested');
    expect(result.conclusion).toBe('success');
    // the token each job gets: workflow level, the nested job's own, the caller's for a nested job without any
    expect(job(result, 'plain').permissions).toEqual({ contents: 'read' });
    expect(job(result, 'call / release-assets').permissions).toEqual({ contents: 'write' });
    expect(job(result, 'call / inherits').permissions).toEqual({ contents: 'write', packages: 'read' });
    expect(out).toContain('GITHUB_TOKEN permissions: contents: write, packages: read');
    expect(out).not.toContain('not enforced locally');
  });

  test('without permissions anywhere the repository default applies: restricted refuses, permissive runs', async () => {
    await expect(run('permissions-default')).rejects.toThrow(
      "The nested job 'release-assets' is requesting 'contents: write', but is only allowed 'contents: read'. (the calling job sets no permissions, so the repository default (restricted) applies"
    );
    const { result, out } = await run('permissions-default', { defaultPermissions: 'permissive' });
    expect(result.conclusion).toBe('success');
    expect(job(result, 'plain').permissions).toMatchObject({ contents: 'write', packages: 'write' });
    expect(job(result, 'call / release-assets').permissions).toEqual({ contents: 'write' });
    expect(out).toContain('(repository default: permissive)');
  });

  test('secret names: inherit cannot fill a name GitHub cannot store; a mapping can; --secret names are checked', async () => {
    await expect(run('secret-inherit-denied', { secrets: { COSIGN_PRIVATE_KEY: 'k' } })).rejects.toThrow(
      "secret-inherit-denied.yml, job 'call': test/fixtures/workflows/.github/workflows/secret-callee.yml declares secret 'cosign-private-key', which `secrets: inherit` can never fill: secret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_)"
    );
    const { result } = await run('secret-mapped', { secrets: { COSIGN_PRIVATE_KEY: 'sekrit' } });
    expect(job(result, 'call').outputs).toEqual({});
    expect(job(result, 'call / sign').outputs).toEqual({ length: '6' });
    await expect(run('secret-mapped', { secrets: { 'cosign-private-key': 'sekrit' } })).rejects.toThrow(
      '--secret cosign-private-key: GitHub cannot store a secret of this name'
    );
    await expect(run('secret-mapped', { secrets: { GITHUB_PAT: 'x' } })).rejects.toThrow(
      'secret names must not start with the GITHUB_ prefix'
    );
  });

  test('job status is transitive: success() needs every ancestor to have succeeded', async () => {
    const { result } = await run('transitive');
    expect(result.conclusion).toBe('failure');
    expect(job(result, 'bridge').result).toBe('success');
    expect(job(result, 'implicit').result).toBe('skipped');
    expect(job(result, 'explicit-success').result).toBe('skipped');
    expect(job(result, 'direct-result').result).toBe('success');
    expect(job(result, 'after-unrelated').result).toBe('success');
  });

  test('a skipped need: implicit success() skips down the chain, !cancelled() && !failure() runs (not after a failure)', async () => {
    const { result } = await run('skipped-need');
    expect(result.conclusion).toBe('failure');
    expect(job(result, 'given').result).toBe('skipped');
    expect(job(result, 'implicit').result).toBe('skipped');
    expect(job(result, 'explicit-success').result).toBe('skipped');
    expect(job(result, 'not-failed').result).toBe('success');
    expect(job(result, 'chain').result).toBe('skipped');
    expect(job(result, 'broken').result).toBe('failure');
    expect(job(result, 'after-broken').result).toBe('skipped');
  });

  test('re-runs: run_attempt, artifacts of earlier attempts conflict (409), re-run of failed jobs keeps the rest', async () => {
    const runDir = mkdtempSync(path.join(RUNS, 'rerun-'));
    const first = await run('rerun', { runDir });
    expect(first.result.conclusion).toBe('failure');
    expect(job(first.result, 'after').result).toBe('skipped');
    await expect(run('rerun', { runDir })).rejects.toThrow(
      /already holds a run \(attempt 1\): re-run it with --run-attempt 2/
    );
    await expect(run('rerun', { runDir, runAttempt: 3 })).rejects.toThrow(/the re-run is attempt 2/);
    await expect(run('rerun', { runDir, runAttempt: 2, sha: 'f'.repeat(40) })).rejects.toThrow(
      /a re-run keeps the GITHUB_SHA of attempt 1/
    );

    const second = await run('rerun', { runDir, runAttempt: 2, rerunFailed: true });
    expect(second.result.conclusion).toBe('success');
    expect(job(second.result, 'stable')).toMatchObject({ result: 'success', keptFromPreviousAttempt: true });
    const flaky = job(second.result, 'flaky');
    expect(step(flaky, 'fixed')).toMatchObject({ outcome: 'failure', conclusion: 'success' });
    expect(step(flaky, 'fixed').error).toContain(
      "Failed request: (409) Conflict: an artifact with this name already exists on the workflow run ('flaky-report', run attempt 2"
    );
    expect(step(flaky, 'per-attempt').conclusion).toBe('success');
    expect(step(flaky, 'overwrite').conclusion).toBe('success');
    expect(job(second.result, 'after').outputs.seen).toBe('stable from attempt 1, this is attempt 2');
    expect(existsSync(path.join(runDir, 'artifacts', 'flaky-report-1'))).toBe(true);
    expect(existsSync(path.join(runDir, 'artifacts', 'flaky-report-2'))).toBe(true);
    expect(existsSync(path.join(runDir, 'attempt-2', 'jobs'))).toBe(true);

    // a re-run keeps the workflow_dispatch inputs of attempt 1
    const dispatchDir = mkdtempSync(path.join(RUNS, 'rerun-dispatch-'));
    await run('dispatch', {
      runDir: dispatchDir,
      event: 'workflow_dispatch',
      inputs: { environment: 'production' }
    });
    const again = await run('dispatch', { runDir: dispatchDir, event: 'workflow_dispatch', runAttempt: 2 });
    expect(job(again.result, 'show').outputs.summary).toBe('production dry=true n=2 note=[] event=true');

    // re-run of all jobs: the stable job meets its own artifact of attempt 1
    const third = await run('rerun', { runDir, runAttempt: 3 });
    expect(third.result.conclusion).toBe('failure');
    expect(job(third.result, 'stable').result).toBe('failure');
    expect(step(job(third.result, 'stable'), '__actions_upload-artifact').error).toContain('(409) Conflict');
  });

  test('environment: GitHub creates a deployment for the job, with statuses, unless deployment: false', async () => {
    const fake = await startGitHubFake({ token: 'ghs_env' });
    try {
      addRepo(fake.state, 'acme', 'monorepo');
      const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
      fake.state.refs['acme/monorepo'] = { 'refs/heads/main': sha };
      await expect(
        run('environment', { apiUrl: fake.url, repository: 'acme/monorepo', ref: 'refs/heads/main' })
      ).rejects.toThrow(
        "environment.yml, job 'deploy': `environment:` makes GitHub create a deployment for this job; to create it through --api-url"
      );
      const { result } = await run('environment', {
        apiUrl: fake.url,
        token: 'ghs_env',
        repository: 'acme/monorepo',
        ref: 'refs/heads/main',
        sha
      });
      expect(result.conclusion).toBe('failure');
      const deployments = fake.state.deployments;
      expect(deployments.map((d) => [d.environment, d.ref, d.sha, d.task])).toEqual([
        ['staging', 'main', sha, 'deploy'],
        ['production', 'main', sha, 'deploy']
      ]);
      const statuses = (id: number) =>
        fake.state.deploymentStatuses
          .filter((s) => s.deployment_id === id)
          .map((s) => [s.state, s.environment_url]);
      expect(statuses(deployments[0]!.id)).toEqual([
        ['queued', ''],
        ['in_progress', ''],
        ['success', 'https://staging.example.test']
      ]);
      expect(statuses(deployments[1]!.id).map(([state]) => state)).toEqual([
        'queued',
        'in_progress',
        'failure'
      ]);
      expect(job(result, 'no-deployment').result).toBe('success');
      fake.assertNoViolations();
    } finally {
      await fake.close();
    }
  });

  test('uses: owner/repo/path@ref resolves only refs that exist in the mapped repository', async () => {
    const tools = mkdtempSync(path.join(RUNS, 'tools-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: tools });
    mkdirSync(path.join(tools, 'hello'));
    writeFileSync(
      path.join(tools, 'hello/action.yml'),
      'name: hello\nruns:\n  using: node20\n  main: index.js\n'
    );
    const action = (word: string) =>
      `require('fs').appendFileSync(process.env.GITHUB_OUTPUT, 'said=${word}\\n');\n`;
    writeFileSync(path.join(tools, 'hello/index.js'), action('tagged'));
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'v1');
    git('tag', 'v1');
    writeFileSync(path.join(tools, 'hello/index.js'), action('head'));
    git('commit', '-q', '-am', 'after v1');
    writeFileSync(path.join(tools, 'hello/index.js'), action('working-tree'));

    const { result } = await run('action-ref', { actionRepos: { 'acme/tools': tools } });
    expect(job(result, 'hello').outputs.said).toBe('tagged');
    const missing = run('action-ref-missing', { actionRepos: { 'acme/tools': tools }, checkOnly: true });
    await expect(missing).rejects.toThrow(
      "action-ref-missing.yml, job 'hello', step 1 ('Run acme/tools/hello@v9'): Unable to resolve action `acme/tools/hello@v9`, unable to find version `v9`"
    );
    const pinned = await run('action-ref-missing', { actionRepos: { 'acme/tools@v9': tools } });
    expect(pinned.result.conclusion).toBe('success');
  });
});

describe('jobs and matrix legs side by side', () => {
  /** Writes workflows into a fresh repository directory (its .github/workflows) and returns that directory. */
  function workflows(files: Record<string, string>): string {
    const dir = mkdtempSync(path.join(RUNS, 'parallel-repo-'));
    mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
    for (const [name, text] of Object.entries(files))
      writeFileSync(path.join(dir, '.github/workflows', name), text);
    return dir;
  }

  async function runIn(
    dir: string,
    file: string,
    options: Partial<RunOptions>
  ): Promise<{ result: RunResult; out: string }> {
    const out = new Capture();
    const result = await runWorkflow({
      workflow: path.join(dir, '.github/workflows', file),
      repo: REPO_ROOT,
      ref: 'refs/heads/main',
      output: out,
      runDir: mkdtempSync(path.join(RUNS, 'parallel-run-')),
      env: { MEET: dir },
      ...options
    });
    return { result, out: out.text };
  }

  // Two jobs meet: each leaves a file and waits for the other's. Run one after another the first one waits in vain
  // and fails after 60 s (a bound far above the milliseconds the meeting takes, even on a busy 2-core machine).
  const meet = (me: string, other: string): string =>
    `touch "$MEET/${me}"; for i in $(seq 600); do [ -f "$MEET/${other}" ] && exit 0; sleep 0.1; done; echo "${other} never started"; exit 1`;

  const overlap = (a: JobResult, b: JobResult): boolean =>
    (a.startedAt as number) < (b.finishedAt as number) && (b.startedAt as number) < (a.finishedAt as number);

  test('independent jobs run at the same time, needs waits for both, logs stay whole per job', async () => {
    const dir = workflows({
      'side.yml': `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: ${JSON.stringify(meet('a', 'b'))}
      - run: echo "a done"
  b:
    runs-on: ubuntu-latest
    steps:
      - run: ${JSON.stringify(meet('b', 'a'))}
      - run: echo "b done"
  c:
    needs: [a, b]
    runs-on: ubuntu-latest
    steps:
      - run: echo "c after a and b"
  call:
    uses: ./.github/workflows/called.yml
`,
      'called.yml': `on: workflow_call
jobs:
  x:
    runs-on: ubuntu-latest
    steps:
      - run: ${JSON.stringify(meet('x', 'y'))}
  y:
    runs-on: ubuntu-latest
    steps:
      - run: ${JSON.stringify(meet('y', 'x'))}
`
    });
    const { result, out } = await runIn(dir, 'side.yml', { jobs: 4 });
    expect(result.conclusion).toBe('success');
    const [a, b, c] = ['a', 'b', 'c'].map((n) => job(result, n));
    expect(overlap(a as JobResult, b as JobResult)).toBe(true);
    expect((c as JobResult).startedAt).toBeGreaterThanOrEqual(
      Math.max((a as JobResult).finishedAt as number, (b as JobResult).finishedAt as number)
    );
    // the called workflow's jobs are scheduled under the same bound: they meet too
    expect(overlap(job(result, 'call / x'), job(result, 'call / y'))).toBe(true);
    // the table lists jobs in the sequential order, whatever order they finished in
    expect(result.jobs.map((j) => j.name)).toEqual(['a', 'b', 'c', 'call']);
    // each job's log is one block: nothing of b between a's first and last line
    const block = out.slice(out.indexOf('● a\n'), out.indexOf('✓ a success'));
    expect(block).toContain('│ a done');
    expect(block).not.toContain('b done');
  });

  test('--jobs 1 runs them one after another in the sequential order, with the same results', async () => {
    const dir = workflows({
      'seq.yml': `on: push
jobs:
  first:
    runs-on: ubuntu-latest
    outputs:
      v: \${{ steps.s.outputs.v }}
    steps:
      - id: s
        run: sleep 0.2; echo "v=one" >> "$GITHUB_OUTPUT"
  after-first:
    needs: first
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ needs.first.outputs.v }}"
  second:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        n: [1, 2, 3]
    outputs:
      last: \${{ steps.s.outputs.n }}
    steps:
      - id: s
        run: sleep 0.2; echo "n=\${{ matrix.n }}" >> "$GITHUB_OUTPUT"
`
    });
    const one = await runIn(dir, 'seq.yml', { jobs: 1 });
    const many = await runIn(dir, 'seq.yml', { jobs: 4, env: { MEET: dir } });
    const flat = flattenJobs(one.result.jobs).filter((j) => j.startedAt !== undefined);
    // sequential order of orderJobs (file order among ready jobs): first, after-first, then the legs
    expect(flat.map((j) => j.name)).toEqual([
      'first',
      'after-first',
      'second (1)',
      'second (2)',
      'second (3)'
    ]);
    for (let i = 1; i < flat.length; i++)
      expect(flat[i]?.startedAt).toBeGreaterThanOrEqual(flat[i - 1]?.finishedAt as number);
    const view = (r: RunResult) =>
      flattenJobs(r.jobs).map((j) => ({ name: j.name, result: j.result, outputs: j.outputs }));
    expect(view(many.result).filter((j) => j.name !== 'second')).toEqual(
      view(one.result).filter((j) => j.name !== 'second')
    );
    // one after another the last leg sets the matrix output; side by side the leg that finished last
    expect(job(one.result, 'second').outputs).toEqual({ last: '3' });
    const legs = job(many.result, 'second').children as JobResult[];
    const lastDone = [...legs].sort((x, y) => (x.finishedAt as number) - (y.finishedAt as number)).at(-1);
    expect(job(many.result, 'second').outputs).toEqual({ last: lastDone?.outputs.last });
    // and side by side the legs did overlap with first (no needs between them)
    expect(legs.some((l) => overlap(l, job(many.result, 'first')))).toBe(true);
  });

  test('max-parallel 1 runs the legs one at a time, in order', async () => {
    const dir = workflows({
      'mp.yml': `on: push
jobs:
  legs:
    runs-on: ubuntu-latest
    strategy:
      max-parallel: 1
      matrix:
        n: [1, 2, 3]
    steps:
      - run: sleep 0.2
`
    });
    const { result } = await runIn(dir, 'mp.yml', { jobs: 4 });
    const legs = job(result, 'legs').children as JobResult[];
    expect(legs.map((l) => l.result)).toEqual(['success', 'success', 'success']);
    for (let i = 1; i < legs.length; i++)
      expect(legs[i]?.startedAt).toBeGreaterThanOrEqual(legs[i - 1]?.finishedAt as number);
  });

  test('fail-fast cancels the running leg (its cleanup step still runs) and the queued one', async () => {
    const dir = workflows({
      'ff.yml': `on: push
jobs:
  legs:
    runs-on: ubuntu-latest
    strategy:
      max-parallel: 2
      matrix:
        leg: [fails, slow, queued]
    steps:
      - name: work
        run: |
          if [ "\${{ matrix.leg }}" = fails ]; then
            # fail only once the slow leg is running, so the cancellation meets it in progress
            for i in $(seq 600); do [ -f "$MEET/slow" ] && exit 1; sleep 0.1; done
            exit 2
          fi
          touch "$MEET/\${{ matrix.leg }}"
          sleep 120
      - name: cleanup
        if: cancelled()
        run: echo "cleanup after cancel"
  calls:
    strategy:
      matrix:
        leg: [fails, slow]
    uses: ./.github/workflows/called-ff.yml
    with:
      leg: \${{ matrix.leg }}
`,
      'called-ff.yml': `on:
  workflow_call:
    inputs:
      leg:
        type: string
        required: true
jobs:
  work:
    runs-on: ubuntu-latest
    steps:
      - run: |
          if [ "\${{ inputs.leg }}" = fails ]; then
            for i in $(seq 600); do [ -f "$MEET/call-slow" ] && exit 1; sleep 0.1; done
            exit 2
          fi
          touch "$MEET/call-\${{ inputs.leg }}"
          sleep 120
`
    });
    const { result, out } = await runIn(dir, 'ff.yml', { jobs: 4 });
    const legs = job(result, 'legs').children as JobResult[];
    expect(legs.map((l) => l.result)).toEqual(['failure', 'cancelled', 'cancelled']);
    const slow = legs[1] as JobResult;
    expect(slow.steps[0]?.conclusion).toBe('cancelled');
    expect(slow.steps[1]?.log).toContain('cleanup after cancel');
    // killed, not waited for: far below the step's 120 s sleep
    expect(slow.durationMs).toBeLessThan(60_000);
    expect(legs[2]?.startedAt).toBeUndefined();
    expect(existsSync(path.join(dir, 'queued'))).toBe(false);
    expect(out).toContain('fail-fast');
    // a leg that calls a reusable workflow is cancelled with its called jobs
    const calls = job(result, 'calls').children as JobResult[];
    expect(calls.map((l) => l.result)).toEqual(['failure', 'cancelled']);
    expect(job(result, 'calls (slow) / work').result).toBe('cancelled');
    expect(job(result, 'calls (slow) / work').durationMs).toBeLessThan(60_000);
    expect(result.conclusion).toBe('failure');
  });

  test('job concurrency groups: one runs, the pending one is replaced by a newer one; cancel-in-progress cancels', async () => {
    const dir = workflows({
      'cg.yml': `on: push
jobs:
  d1:
    runs-on: ubuntu-latest
    concurrency: deploy
    steps:
      - run: sleep 0.5; echo d1
  d2:
    runs-on: ubuntu-latest
    concurrency: Deploy
    steps:
      - run: echo d2
  d3:
    runs-on: ubuntu-latest
    concurrency: deploy
    steps:
      - run: echo d3
  long:
    runs-on: ubuntu-latest
    concurrency: env-\${{ github.ref_name }}
    steps:
      - run: sleep 120
  newer:
    runs-on: ubuntu-latest
    concurrency:
      group: env-main
      cancel-in-progress: true
    steps:
      - run: echo newer
`
    });
    const { result } = await runIn(dir, 'cg.yml', { jobs: 4 });
    expect(job(result, 'd1').result).toBe('success');
    // group names are case-insensitive: d2 was pending behind d1 and d3 replaced it
    expect(job(result, 'd2').result).toBe('cancelled');
    expect(job(result, 'd3').result).toBe('success');
    expect(job(result, 'd3').startedAt).toBeGreaterThanOrEqual(job(result, 'd1').finishedAt as number);
    expect(job(result, 'long').result).toBe('cancelled');
    expect(job(result, 'long').durationMs).toBeLessThan(60_000);
    expect(job(result, 'newer').result).toBe('success');
    expect(result.conclusion).toBe('success');
  });
});
