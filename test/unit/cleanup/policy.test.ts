import { ConfigurationError } from '../../../actions/lib/errors.js';
import { classify, isReleaseTag, tagRules, type Policy } from '../../../actions/cleanup/policy.js';
import { deleteAllPolicy } from '../../support/cleanup-fixtures.js';

const base: Policy = deleteAllPolicy();
const hex = 'a'.repeat(64);

describe('classify', () => {
  it('tells images, cosign attachments and referrer indexes apart', () => {
    expect(classify([])).toEqual({ kind: 'untagged', subjects: [] });
    expect(classify(['main', 'sha-1'])).toEqual({ kind: 'tagged', subjects: [] });
    expect(classify([`sha256-${hex}.sig`])).toEqual({ kind: 'signature', subjects: [`sha256:${hex}`] });
    expect(classify([`sha256-${hex}.att`]).kind).toBe('attestation');
    expect(classify([`sha256-${hex}.sbom`]).kind).toBe('sbom');
    expect(classify([`sha256-${hex}`])).toEqual({ kind: 'referrers', subjects: [`sha256:${hex}`] });
    // a cosign-looking tag next to a normal tag: the normal tag wins, it is an image somebody tagged
    expect(classify([`sha256-${hex}.sig`, 'keep-me']).kind).toBe('tagged');
  });
});

describe('tag rules', () => {
  it('protects latest and semver releases, not pre-releases or branches', () => {
    expect(['latest', '1.2.3', 'v1.2.3', '10.0.0'].every(isReleaseTag)).toBe(true);
    expect(['1.2.3-rc.1', 'main', 'v1.2', 'sha-abc', 'pr-5'].some(isReleaseTag)).toBe(false);
    const rules = tagRules({ ...base, olderThanMs: 1 });
    expect(rules.keepReason('latest')).toMatch(/protected/);
    expect(rules.keepReason('v2.0.0')).toMatch(/release tag/);
    expect(rules.keepReason('pr-5')).toBeUndefined();
    expect(
      tagRules({ ...base, protectReleases: false, olderThanMs: 1 }).keepReason('latest')
    ).toBeUndefined();
  });

  it('delete-tags narrows, exclude-tags wins', () => {
    const rules = tagRules({ ...base, deleteTags: ['pr-*'], excludeTags: ['pr-*-keep'] });
    expect(rules.keepReason('pr-1')).toBeUndefined();
    expect(rules.keepReason('pr-1-keep')).toMatch(/exclude-tags 'pr-\*-keep'/);
    expect(rules.keepReason('main')).toMatch(/no delete-tags pattern/);
    expect(rules.deletesTagged).toBe(true);
    expect(tagRules(base).deletesTagged).toBe(false);
  });

  it('the same pattern to keep and to delete is an error', () => {
    expect(() => tagRules({ ...base, deleteTags: ['pr-*'], excludeTags: ['pr-*'] })).toThrow(
      /'delete-tags' and 'exclude-tags' both list 'pr-\*'/
    );
  });

  it('deleting a protected tag by name is an error that says how to allow it', () => {
    expect(() => tagRules({ ...base, deleteTags: ['latest'] })).toThrow(/protect-release-tags: false/);
    expect(() => tagRules({ ...base, deleteTags: ['v1.0.0'] })).toThrow(ConfigurationError);
    expect(() => tagRules({ ...base, protectReleases: false, deleteTags: ['latest'] })).not.toThrow();
  });
});
