/**
 * Slipway's own actions and (for the example callers) reusable workflows are referenced by one full commit SHA,
 * a commit of this repository that holds actions/ and dist/; reusable workflows call each other with `./`, which
 * GitHub takes from the caller's own commit. The release job moves the pin with scripts/pin-self.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { resolvePin } from '../../../scripts/pin-self.js';
import { WORKFLOWS } from '../../../workflows-src/index.js';
import { REPO_ROOT, SLIPWAY_PIN } from '../../../workflows-src/lib/actions.js';

const usesOf = (rel: string): string[] =>
  [...readFileSync(path.join(REPO_ROOT, rel), 'utf8').matchAll(/uses: (\S+)/g)].map((m) => m[1]!);

describe('self-references', () => {
  test.each(WORKFLOWS.map((w) => w.path))(
    '%s: every slipway/slipway reference is @<pinned commit>',
    (rel) => {
      const own = usesOf(rel).filter((u) => u.startsWith('slipway/slipway/'));
      expect(own.filter((u) => !u.endsWith(`@${SLIPWAY_PIN.sha}`))).toEqual([]);
    }
  );

  test('the reusable workflows use their own actions by SHA and call each other by ./ (same commit)', () => {
    expect(usesOf('.github/workflows/build.yml')).toContain(
      `slipway/slipway/actions/sign@${SLIPWAY_PIN.sha}`
    );
    expect(usesOf('.github/workflows/release.yml')).toContain('./.github/workflows/build.yml');
    expect(usesOf('examples/monorepo/.github/workflows/images.yml')).toContain(
      `slipway/slipway/.github/workflows/build.yml@${SLIPWAY_PIN.sha}`
    );
  });

  test('the pinned commit exists in this repository and holds actions/ and dist/', () => {
    expect(resolvePin(SLIPWAY_PIN.sha).sha).toBe(SLIPWAY_PIN.sha);
  });

  test('pin-self refuses what is not a commit here, naming it', () => {
    expect(() => resolvePin('0'.repeat(40))).toThrow(
      `pin-self: '${'0'.repeat(40)}' is not a commit of this repository`
    );
    expect(() => resolvePin('no-such-ref')).toThrow(/is not a commit of this repository/);
  });
});
