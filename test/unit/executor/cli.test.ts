import { parseCli } from '../../../scripts/executor/cli.js';
import { parseFileCommands } from '../../../scripts/executor/process.js';
import { resolveUses } from '../../../scripts/executor/actions.js';

describe('cli', () => {
  test('repeatable NAME=value flags', () => {
    const o = parseCli([
      '--workflow',
      'w.yml',
      '--event',
      'workflow_dispatch',
      '--input',
      'a=1',
      '--input',
      'b=x=y',
      '--secret',
      'S=v'
    ]);
    expect(o).toMatchObject({
      workflow: 'w.yml',
      event: 'workflow_dispatch',
      inputs: { a: '1', b: 'x=y' },
      secrets: { S: 'v' }
    });
  });

  test('--jobs: a whole number ≥ 1, default left to the engine (the cores)', () => {
    expect(parseCli(['--workflow', 'w.yml', '--jobs', '1'])).toMatchObject({ jobs: 1 });
    expect(parseCli(['--workflow', 'w.yml'])).toMatchObject({ jobs: undefined });
    for (const bad of ['0', '1.5', 'many'])
      expect(() => parseCli(['--workflow', 'w.yml', '--jobs', bad])).toThrow(
        `--jobs expects a whole number ≥ 1 (jobs running at once), got '${bad}'`
      );
  });

  test('--secret NAME reads the environment', () => {
    process.env.EXECUTOR_TEST_SECRET = 'from-env';
    expect(parseCli(['--workflow', 'w.yml', '--secret', 'EXECUTOR_TEST_SECRET'])).toMatchObject({
      secrets: { EXECUTOR_TEST_SECRET: 'from-env' }
    });
    expect(() => parseCli(['--workflow', 'w.yml', '--secret', 'EXECUTOR_NO_SUCH_VAR'])).toThrow(
      '--secret EXECUTOR_NO_SUCH_VAR: the environment has no variable EXECUTOR_NO_SUCH_VAR'
    );
  });

  test('--default-permissions, --run-attempt, --rerun-failed', () => {
    expect(
      parseCli([
        '--workflow',
        'w.yml',
        '--default-permissions',
        'permissive',
        '--run-attempt',
        '2',
        '--rerun-failed'
      ])
    ).toMatchObject({ defaultPermissions: 'permissive', runAttempt: 2, rerunFailed: true });
    expect(() => parseCli(['--workflow', 'w.yml', '--default-permissions', 'write'])).toThrow(
      "--default-permissions expects restricted or permissive, got 'write'"
    );
    expect(() => parseCli(['--workflow', 'w.yml', '--run-attempt', '0'])).toThrow(
      "--run-attempt expects a whole number ≥ 1, got '0'"
    );
    expect(() => parseCli(['--workflow', 'w.yml', '--rerun-failed'])).toThrow(
      '--rerun-failed needs --run-attempt 2 or more'
    );
  });

  test('errors for a missing workflow and malformed pairs', () => {
    expect(() => parseCli([])).toThrow('--workflow is required');
    expect(() => parseCli(['--workflow', 'w.yml', '--input', 'novalue'])).toThrow(
      "--input expects NAME=value, got 'novalue'"
    );
    expect(parseCli(['--help'])).toBe('help');
  });
});

describe('file commands and uses resolution', () => {
  test('name=value and heredoc blocks', () => {
    expect(parseFileCommands('a=1\nmulti<<EOF\nx\ny\nEOF\nb=c=d\n')).toEqual({
      a: '1',
      multi: 'x\ny',
      b: 'c=d'
    });
    expect(() => parseFileCommands('m<<EOF\nx\n')).toThrow(/unterminated block for 'm'/);
  });

  test('stand-ins match owner/name whatever the ref; unknown actions are refused', () => {
    const ctx = { workspace: '/ws', actionRepos: {} };
    expect(resolveUses('actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', ctx, 'here')).toEqual({
      kind: 'stand-in',
      name: 'actions/checkout',
      uses: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683'
    });
    expect(resolveUses('github/codeql-action/upload-sarif@v3', ctx, 'here')).toMatchObject({
      name: 'github/codeql-action/upload-sarif'
    });
    expect(resolveUses('./actions/plan', ctx, 'here')).toMatchObject({
      kind: 'node',
      dir: '/ws/actions/plan'
    });
    expect(
      // owner/name@ref=dir: the directory stands for exactly that ref, committed or not (refs.test.ts checks refs)
      resolveUses(
        'acme/slipway/actions/plan@v1',
        { ...ctx, actionRepos: { 'acme/slipway@v1': '/src' } },
        'here'
      )
    ).toMatchObject({
      kind: 'node',
      dir: '/src/actions/plan'
    });
    expect(() => resolveUses('github/codeql-action/init@v3', ctx, 'here')).toThrow(
      /here: `uses: github\/codeql-action\/init@v3` is not supported/
    );
    expect(() => resolveUses('docker://alpine:3', ctx, 'here')).toThrow(/Docker container action/);
  });
});
