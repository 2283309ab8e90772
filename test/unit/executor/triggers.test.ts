import { checkTrigger, matchesFilters } from '../../../scripts/executor/triggers.js';

describe('filter patterns (GitHub filter pattern cheat sheet)', () => {
  test.each([
    ['main', ['main'], true],
    ['feature/x', ['feature/*'], true],
    ['feature/x/y', ['feature/*'], false],
    ['feature/x/y', ['feature/**'], true],
    ['releases/10', ['releases/**', '!releases/**-alpha'], true],
    ['releases/10-alpha', ['releases/**', '!releases/**-alpha'], false],
    ['v1.2.3', ['v[12].[0-9]+.[0-9]+'], true],
    ['v3.2.3', ['v[12].[0-9]+.[0-9]+'], false],
    ['v2', ['v2*'], true],
    ['mainline', ['main'], false]
  ])('%s against %j → %s', (value, patterns, expected) => {
    expect(matchesFilters(value, patterns)).toBe(expected);
  });
});

describe('on: matching', () => {
  const events = {
    push: { branches: ['main'], tags: ['v*'] },
    pull_request: { branches: ['main'] },
    workflow_dispatch: {}
  };

  test('push to a listed branch or tag triggers; others do not', () => {
    expect(checkTrigger(events, { event: 'push', ref: 'refs/heads/main', payload: {} }).triggered).toBe(true);
    expect(checkTrigger(events, { event: 'push', ref: 'refs/tags/v1.0.0', payload: {} }).triggered).toBe(
      true
    );
    const dev = checkTrigger(events, { event: 'push', ref: 'refs/heads/dev', payload: {} });
    expect(dev.triggered).toBe(false);
    expect(dev.reason).toMatch(/branch 'dev' does not match on.push.branches \[main\]/);
    expect(checkTrigger(events, { event: 'push', ref: 'refs/tags/x1', payload: {} }).triggered).toBe(false);
  });

  test('branches only: a tag push does not trigger', () => {
    const r = checkTrigger(
      { push: { branches: ['main'] } },
      { event: 'push', ref: 'refs/tags/v1', payload: {} }
    );
    expect(r.triggered).toBe(false);
    expect(r.reason).toMatch(/only lists branches/);
  });

  test('an event that is not a trigger names the triggers', () => {
    const r = checkTrigger(events, { event: 'schedule', payload: {} });
    expect(r.triggered).toBe(false);
    expect(r.reason).toBe(
      "the workflow is not triggered by 'schedule' (its triggers: push, pull_request, workflow_dispatch)"
    );
  });

  test('pull_request: base branch and default types', () => {
    const pr = (base: string, action: string) => ({ action, pull_request: { base: { ref: base } } });
    expect(checkTrigger(events, { event: 'pull_request', payload: pr('main', 'opened') }).triggered).toBe(
      true
    );
    expect(checkTrigger(events, { event: 'pull_request', payload: pr('dev', 'opened') }).triggered).toBe(
      false
    );
    expect(checkTrigger(events, { event: 'pull_request', payload: pr('main', 'closed') }).triggered).toBe(
      false
    );
  });

  test('paths filters apply when the changed files are known', () => {
    const ev = { push: { paths: ['services/**'], 'paths-ignore': undefined } };
    expect(
      checkTrigger(ev, {
        event: 'push',
        ref: 'refs/heads/main',
        payload: {},
        changedFiles: ['services/api/x']
      }).triggered
    ).toBe(true);
    expect(
      checkTrigger(ev, { event: 'push', ref: 'refs/heads/main', payload: {}, changedFiles: ['docs/a.md'] })
        .triggered
    ).toBe(false);
    const unknown = checkTrigger(ev, { event: 'push', ref: 'refs/heads/main', payload: {} });
    expect(unknown.triggered).toBe(true);
    expect(unknown.notes[0]).toMatch(/paths filters not applied/);
    const ignore = { push: { 'paths-ignore': ['docs/**'] } };
    expect(
      checkTrigger(ignore, {
        event: 'push',
        ref: 'refs/heads/main',
        payload: {},
        changedFiles: ['docs/a.md']
      }).triggered
    ).toBe(false);
  });
});
