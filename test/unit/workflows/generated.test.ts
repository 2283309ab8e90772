/**
 * Every generated workflow: current with its source, zero errors from GitHub's workflow parser and from
 * actionlint, and the security policy (pins, least privilege, no expressions in run:). The checkers are run on
 * broken workflows too, so a checker that stopped working would fail here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, test } from '@jest/globals';
import { WORKFLOWS } from '../../../workflows-src/index.js';
import { REPO_ROOT, SLIPWAY_PIN, slipway, thirdParty } from '../../../workflows-src/lib/actions.js';
import { checkWorkflowPolicy } from '../../../workflows-src/lib/policy.js';
import { renderWorkflow } from '../../../workflows-src/lib/render.js';
import { actionlintFindings, parserFindings } from '../../../workflows-src/lib/validate.js';
import type { Workflow } from '../../../workflows-src/lib/types.js';

const generated = WORKFLOWS.map((w) => ({ ...w, text: readFileSync(path.join(REPO_ROOT, w.path), 'utf8') }));

describe.each(generated)('$path', ({ path: file, text, workflow, source }) => {
  test('is current with its source', () => {
    expect(text).toBe(renderWorkflow(workflow, source));
  });
  test('GitHub workflow parser: zero errors', async () => {
    expect(await parserFindings(file, text)).toEqual([]);
  });
  test('actionlint: zero findings', async () => {
    expect(await actionlintFindings(file, text)).toEqual([]);
  });
  test('security policy holds', () => {
    expect(checkWorkflowPolicy(text)).toEqual([]);
  });
});

const base = (jobs: Workflow['jobs'], extra: Partial<Workflow> = {}): string =>
  renderWorkflow(
    { name: 'bad', on: { push: { branches: ['main'] } }, permissions: {}, jobs, ...extra },
    'test'
  );

describe('the checkers find what is wrong', () => {
  const job = { 'runs-on': 'ubuntu-24.04', 'timeout-minutes': 5 };

  test('unpinned action, missing version comment, expression in run:, persisted checkout credentials', () => {
    const text = base({
      a: {
        ...job,
        permissions: { contents: 'read' },
        steps: [
          { uses: 'actions/checkout@v4' },
          { uses: 'tj-actions/changed-files@0123456789012345678901234567890123456789' },
          { run: 'echo ${{ github.event.head_commit.message }}' }
        ]
      }
    });
    const rules = checkWorkflowPolicy(text).map((v) => v.rule);
    expect(rules).toEqual(
      expect.arrayContaining(['pin-sha', 'pin-comment', 'run-expression', 'checkout-credentials'])
    );
  });

  test('write permissions without a step that needs them, missing job permissions, pull_request_target', () => {
    const text = base(
      {
        a: { ...job, permissions: { packages: 'write', 'id-token': 'write' }, steps: [{ run: 'true' }] },
        b: { ...job, steps: [{ run: 'true' }] } as never
      },
      { on: { pull_request_target: {} } as never, permissions: { contents: 'write' } }
    );
    const found = checkWorkflowPolicy(text);
    expect(found.map((v) => v.rule)).toEqual(
      expect.arrayContaining([
        'least-privilege',
        'job-permissions',
        'no-pull-request-target',
        'top-permissions'
      ])
    );
    expect(found.filter((v) => v.rule === 'least-privilege').map((v) => v.message)).toEqual([
      'packages: write without a step that needs it',
      'id-token: write without a step that needs it'
    ]);
  });

  test('keyless signing justifies id-token: write; key signing does not', () => {
    const keyless = {
      ...thirdParty('actions/checkout'),
      uses: `slipway/slipway/actions/sign@${SLIPWAY_PIN.sha}`,
      with: { mode: 'keyless' }
    };
    const key = { ...keyless, with: { mode: 'key' } };
    const make = (step: object) =>
      checkWorkflowPolicy(base({ a: { ...job, permissions: { 'id-token': 'write' }, steps: [step] } }));
    expect(make(keyless)).toEqual([]);
    expect(make(key).map((v) => v.rule)).toEqual(['least-privilege']);
  });

  test('GitHub parser reports an unknown key and a bad needs', async () => {
    const text = 'on: push\njobs:\n  a:\n    runs-on: x\n    needs: [missing]\n    stepz: []\n';
    const findings = await parserFindings('bad.yml', text);
    expect(findings.length).toBeGreaterThan(0);
  });

  test("GitHub parser checks a reusable workflow call's with: against the callee's inputs", async () => {
    const text = readFileSync(path.join(REPO_ROOT, '.github/workflows/release.yml'), 'utf8').replace(
      /^ {6}gitleaks: false$/m,
      '      gitleaks: false\n      bogus-input: 1'
    );
    expect(text).toContain('bogus-input');
    const findings = await parserFindings('release.yml', text);
    expect(findings.map((f) => f.message).join('\n')).toMatch(
      /Invalid input, bogus-input is not defined in the referenced workflow/
    );
  });

  test('actionlint reports an undefined step output and a bad expression', async () => {
    const text = [
      'on: push',
      'permissions: {}',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - run: echo "${{ steps.nope.outputs.x }}"',
      '      - run: echo "${{ github.event.inputs.x == }}"'
    ].join('\n');
    const findings = await actionlintFindings('bad.yml', text);
    expect(findings.length).toBeGreaterThanOrEqual(2);
  });

  test('the one actionlint gap we silence is syntax GitHub accepts, and only that finding is silenced', async () => {
    const text = [
      'on: push',
      'permissions: {}',
      'concurrency: { group: g, cancel-in-progress: false, queue: max }',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - run: echo "${{ steps.nope.outputs.x }}"'
    ].join('\n');
    expect(await parserFindings('q.yml', text)).toEqual([]);
    const findings = await actionlintFindings('q.yml', text);
    expect(findings.map((f) => f.message).join('\n')).not.toMatch(/queue/);
    expect(findings.length).toBeGreaterThanOrEqual(1);
  });

  test('a Slipway step with an unknown or a missing required input does not generate', () => {
    expect(() => slipway('build', { with: { service: 'x', tags: 'y', colour: 'red' } })).toThrow(
      /unknown input 'colour' to actions\/build/
    );
    expect(() => slipway('build', { id: 'b', with: { service: 'x' } })).toThrow(
      /step 'b' misses required input 'tags' of actions\/build/
    );
  });
});

describe('build.yml publishes only gated images', () => {
  const build = parseDocument(
    readFileSync(path.join(REPO_ROOT, '.github/workflows/build.yml'), 'utf8')
  ).toJS() as {
    jobs: Record<
      string,
      {
        if?: string;
        steps: Array<{
          id?: string;
          uses?: string;
          if?: string;
          with?: Record<string, string>;
          'continue-on-error'?: boolean;
        }>;
      }
    >;
  };
  const steps = build.jobs.image!.steps;
  const at = (action: string): number => steps.findIndex((s) => s.uses?.includes(`/actions/${action}@`));

  test('the build pushes a candidate tag only; the real tags are written by promote after the Trivy gate', () => {
    expect(steps[at('build')]!.with!.tags).toMatch(/candidate-/);
    expect(at('trivy-gate')).toBeGreaterThan(at('build'));
    expect(at('promote')).toBeGreaterThan(at('trivy-gate'));
    expect(steps[at('promote')]!.with!.tags).toBe('${{ steps.tags.outputs.tags }}');
    // a failed gate fails the job: nothing after it may run regardless, except the SARIF upload below
    const after = steps.slice(at('trivy-gate') + 1).filter((s) => !s.uses?.includes('/upload-sarif@'));
    expect(after.every((s) => s.if === undefined)).toBe(true);
  });

  test('a SARIF upload that fails (403: no code scanning, fork PR) is a warning, not a failed gate', () => {
    const uploads = Object.values(build.jobs).flatMap((j) =>
      j.steps.filter((s) => s.uses?.includes('github/codeql-action/upload-sarif@'))
    );
    expect(uploads).toHaveLength(2);
    for (const s of uploads) {
      expect(s['continue-on-error']).toBe(true);
      expect(s.if).toMatch(/^\$\{\{ always\(\) && inputs\.upload-sarif && /);
    }
    // the Trivy upload runs after promote and the record: an upload can never stand between the gate and them
    const trivyUpload = steps.findIndex((s) => s.uses?.includes('/upload-sarif@'));
    expect(trivyUpload).toBe(steps.length - 1);
    // the gate itself no longer uploads
    expect(steps[at('trivy-gate')]!.with!['upload-sarif']).toBeUndefined();
  });

  test('every image that passed is signed whatever happened to the other legs', () => {
    for (const mode of ['keyless', 'key']) {
      const cond = build.jobs[`sign-${mode}`]!.if!;
      // a status function, so a failed leg upstream does not skip signing (implicit success() would)
      expect(cond).toMatch(/^\$\{\{ !cancelled\(\) && /);
      expect(cond).toContain("needs.collect.result == 'success'");
      expect(cond).toContain("needs.collect.outputs.image-records != '[]'");
    }
    // collect itself runs after failed legs and gathers only the records of legs that passed
    expect(build.jobs.collect!.if).toMatch(/!cancelled\(\)/);
  });
});

describe('keyless signing and the example deploy', () => {
  const load = (rel: string) =>
    parseDocument(readFileSync(path.join(REPO_ROOT, rel), 'utf8')).toJS() as {
      jobs: Record<string, { steps?: Array<{ if?: string; run?: string }>; with?: Record<string, unknown> }>;
    };

  test('keyless signing in a private repository stops unless the call opts in (Rekor is public)', () => {
    const build = load('.github/workflows/build.yml');
    const guard = build.jobs['sign-keyless']!.steps![0]!;
    expect(guard.if).toBe('${{ github.event.repository.private && !inputs.keyless-on-private-repo }}');
    expect(guard.run).toMatch(/exit 1$/);
    expect(build.jobs['sign-key']!.steps!.some((s) => s.if?.includes('repository.private'))).toBe(false);
  });

  test("the example deploy's skip_tests skips something: a test-command is passed; rollback skips it", () => {
    const deploy = load('examples/monorepo/.github/workflows/deploy.yml').jobs.deploy!.with!;
    expect(deploy.skip_tests).toBe('${{ inputs.skip_tests }}');
    expect(String(deploy['test-command'])).toMatch(/vars\.SLIPWAY_DEPLOY_TEST_COMMAND \|\| format\('jq -e/);
    expect(load('examples/monorepo/.github/workflows/rollback.yml').jobs.rollback!.with!.skip_tests).toBe(
      true
    );
  });
});
