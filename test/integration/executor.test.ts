/**
 * The local workflow executor end to end on fixture workflows (test/fixtures/workflows/.github/workflows): real
 * bash steps, file commands, outputs across jobs, matrices, reusable workflows, failures, timeouts, and one
 * `uses: ./actions/plan` step running the real bundle in dist/ on a checkout of the example monorepo.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  const { result, out } = await run('basic', { secrets: { API_TOKEN: secret }, vars: { COLOR: 'blue' } });
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
  const { result } = await run('matrix');
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
  const { result, out } = await run('reusable-caller', {
    secrets: { DEPLOY_KEY: key, 'deploy-key': 'inherited-key' }
  });
  expect(result.conclusion).toBe('success');
  expect(job(result, 'call').outputs).toEqual({
    message: 'HELLO WORLD X2',
    'key-length': String(key.length)
  });
  expect(job(result, 'call-inherit').outputs).toEqual({ message: 'hello inherited x2', 'key-length': '13' });
  expect(job(result, 'call / greet').result).toBe('success');
  expect(job(result, 'use').outputs).toEqual({ both: `HELLO WORLD X2 | hello inherited x2 | ${key.length}` });
  expect(out).not.toContain(key);
  expect(out).not.toContain('inherited-key');
});

test('a reusable workflow of another repository (mapped to a checkout), called per matrix leg', async () => {
  const mapped = { 'acme/shared': path.join(REPO_ROOT, 'test/fixtures/workflows') };
  const { result } = await run('reusable-remote', { secrets: { K: 'kk' }, actionRepos: mapped });
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
    /job 'call': .*reusable-callee\.yml requires secret 'deploy-key', but it is not provided: map it under `secrets:`/
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
    secrets: { DEPLOY_KEY: 'abcd', 'deploy-key': 'efgh' }
  });
  expect(result.jobs).toEqual([]);
  expect(existsSync(path.join(result.runDir, 'jobs'))).toBe(false);
  expect(out).toContain('valid, triggered by push, no unsupported features (nothing run)');
  await expect(run('unsupported-action', { checkOnly: true })).rejects.toBeInstanceOf(
    UnsupportedFeatureError
  );
  await expect(run('missing-secret', { checkOnly: true })).rejects.toThrow(/requires secret 'deploy-key'/);
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
    expect(dup.error).toMatch(/an artifact named 'reports' already exists in this run/);
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
    actionRepos: { 'slipway/slipway': REPO_ROOT },
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
