/**
 * The tags domain beyond metadata-action's own suite (that one is metadata-action-parity.test.ts): input parsing
 * (CSV), the README tables of metadata-action that its suite does not cover (pep440, match, date and commit_date
 * expressions), errors, and Slipway mode (`service:`).
 */
import { describe, expect, test } from '@jest/globals';
import {
  commitDateFromPayload,
  computeTags,
  ghcrImageName,
  inputList,
  isPrerelease,
  sanitizeTag,
  SLIPWAY_DEFAULT_TAG_RULES,
  TagRuleError,
  type TagsContext,
  type TagsOptions
} from '../../../actions/tags/compute.js';
import { formatDate } from '../../../actions/tags/dates.js';
import {
  METADATA_ACTION_DEFAULT_TAG_RULES,
  parseFlavor,
  parseImages,
  parseTagRule,
  parseTagRules,
  releaseTagRules
} from '../../../actions/tags/rules.js';

const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';
const NOW = new Date('2020-01-10T15:25:50.000Z');
const COMMITTED = new Date('2019-12-31T23:59:58.000Z');

function context(overrides: Partial<TagsContext> = {}): TagsContext {
  return {
    eventName: 'push',
    ref: 'refs/heads/master',
    sha: SHA,
    payload: { repository: { default_branch: 'master' } },
    repo: {
      name: 'Hello-World',
      htmlUrl: 'https://github.com/octocat/Hello-World',
      description: 'This your first repo!',
      license: 'MIT',
      defaultBranch: 'master'
    },
    commitDate: COMMITTED,
    now: NOW,
    ...overrides
  };
}
const pushTag = (tag: string) => context({ ref: `refs/tags/${tag}` });

/** Bare tag names (no images), metadata-action mode unless said otherwise. */
function tagsOf(ctx: TagsContext, tags: string[], opts: Partial<TagsOptions> = {}): string[] {
  return computeTags(ctx, { mode: 'metadata-action', images: [], tags, flavor: [], formatDate, ...opts })
    .tags;
}

describe('inputList: an input read as metadata-action reads it (Util.getInputList)', () => {
  test('one item a line; blank and # lines skipped; a # inside a line kept', () => {
    expect(inputList('type=ref,event=branch\n\n# comment\n  type=raw,value=a#b  \n', 'tags')).toEqual([
      'type=ref,event=branch',
      'type=raw,value=a#b'
    ]);
  });
  test('quotes are consumed at this step, as in metadata-action', () => {
    expect(inputList('type=match,"pattern=\\d.\\d.\\d",group=0', 'tags')).toEqual([
      'type=match,pattern=\\d.\\d.\\d,group=0'
    ]);
  });
  test('empty input is no items', () => {
    expect(inputList('', 'tags')).toEqual([]);
  });
  test('an unclosed quote is a clear error naming the input', () => {
    expect(() => inputList('type=raw,"value=a\nb', 'tags')).toThrow(/input 'tags': not valid CSV/);
  });
});

describe('parseTagRule (metadata-action README "Extended attributes and default values")', () => {
  test.each([
    ['type=schedule', { pattern: 'nightly', enable: 'true', priority: '1000' }],
    ['type=semver,pattern={{version}}', { pattern: '{{version}}', value: '', match: '', priority: '900' }],
    ['type=pep440,pattern={{version}}', { pattern: '{{version}}', value: '', match: '', priority: '900' }],
    ['type=match,pattern=\\d', { pattern: '\\d', group: '0', value: '', priority: '800' }],
    ['type=edge', { branch: '', priority: '700' }],
    ['type=ref,event=pr', { event: 'pr', prefix: 'pr-', priority: '600' }],
    ['type=raw,value=foo', { value: 'foo', priority: '200' }],
    ['foo', { value: 'foo', priority: '200' }],
    ['type=sha', { prefix: 'sha-', format: 'short', priority: '100' }]
  ])('%s', (line, attrs) => {
    expect(parseTagRule(line).attrs).toMatchObject(attrs);
  });
  test('a quoted field keeps its commas; values split at the first =', () => {
    expect(parseTagRule('type=match,"pattern=^v(\\d{1,2})$",group=1').attrs['pattern']).toBe('^v(\\d{1,2})$');
    expect(parseTagRule('type=raw,value=a=b').attrs['value']).toBe('a=b');
  });
  test('an unknown attribute is ignored as metadata-action does, with a warning', () => {
    const warnings: string[] = [];
    expect(parseTagRule('type=raw,value=x,prefxi=a', warnings).attrs['value']).toBe('x');
    expect(warnings).toEqual([
      "tags line 'type=raw,value=x,prefxi=a': attribute 'prefxi' is not used by type=raw and is ignored"
    ]);
  });
  test.each([
    ['type=foo', /unknown type 'foo'/],
    ['type=semver', /type=semver needs a 'pattern'/],
    ['type=match', /type=match needs a 'pattern'/],
    ['type=match,pattern=x,group=one', /group 'one' is not a number/],
    ['type=ref', /type=ref needs a 'event'/],
    ['type=ref,event=push', /event 'push' is not one of branch, tag, pr/],
    ['type=raw', /type=raw needs a 'value'/],
    ['type=sha,format=medium', /format 'medium' is not one of short, long/]
  ])('%s is refused', (line, message) => {
    expect(() => parseTagRule(line)).toThrow(TagRuleError);
    expect(() => parseTagRule(line)).toThrow(message);
  });
  test('rules sort by priority, equal priorities keep their order; empty → the given defaults', () => {
    const { rules } = parseTagRules(['type=sha', 'type=raw,a', 'type=raw,b', 'type=ref,event=tag'], []);
    expect(rules.map((r) => r.source)).toEqual([
      'type=ref,event=tag',
      'type=raw,a',
      'type=raw,b',
      'type=sha'
    ]);
    expect(parseTagRules([], METADATA_ACTION_DEFAULT_TAG_RULES).rules.map((r) => r.source)).toEqual([
      'type=schedule',
      'type=ref,event=branch',
      'type=ref,event=tag',
      'type=ref,event=pr'
    ]);
  });
});

describe('parseFlavor and parseImages', () => {
  test('flavor: latest, prefix/suffix with onlatest', () => {
    expect(parseFlavor(['latest=false', 'prefix=foo-,onlatest=true', 'suffix=-bar'])).toEqual({
      latest: 'false',
      prefix: 'foo-',
      prefixLatest: true,
      suffix: '-bar',
      suffixLatest: false
    });
  });
  test.each([
    ['latest=maybe', /latest must be auto, true or false/],
    ['prefix=a,onlatest=yes', /onlatest must be true or false/],
    ['prefixx=a', /unknown flavor 'prefixx'/],
    ['nokey', /'nokey' is not key=value/]
  ])('flavor %s is refused', (line, message) => {
    expect(() => parseFlavor([line])).toThrow(message);
  });
  test('images: lines, the old comma form, name=/enable=', () => {
    expect(parseImages(['user/app', 'ghcr.io/user/app'])).toEqual([
      { name: 'user/app', enable: true },
      { name: 'ghcr.io/user/app', enable: true }
    ]);
    expect(parseImages(['org/app,ghcr.io/user/app']).map((i) => i.name)).toEqual([
      'org/app',
      'ghcr.io/user/app'
    ]);
    expect(parseImages(['name=org/app,enable=false'])).toEqual([{ name: 'org/app', enable: false }]);
    expect(() => parseImages(['name=org/app,enable=no'])).toThrow(/enable must be true or false/);
    expect(() => parseImages(['name=org/app,tag=1'])).toThrow(/unknown attribute 'tag'/);
    expect(() => parseImages(['enable=true'])).toThrow(/the image name is empty/);
  });
});

describe('metadata-action README tables its test suite does not cover', () => {
  // README "type=pep440"
  test.each([
    ['1.2.3', '{{raw}}', '', '1.2.3'],
    ['1.2.3', '{{version}}', '', '1.2.3'],
    ['v1.2.3', '{{version}}', '', '1.2.3'],
    ['1.2.3', '{{major}}.{{minor}}', '', '1.2'],
    ['1.2.3', 'v{{major}}', '', 'v1'],
    ['v1.2.3rc2', '{{raw}}', '', 'v1.2.3rc2'],
    ['1.2.3rc2', '{{version}}', '', '1.2.3rc2'],
    ['p1/v1.2.3', '{{version}}', 'v(\\d.\\d.\\d)$', '1.2.3'],
    ['1.2.3rc2', '{{major}}.{{minor}}', '', '1.2.3rc2'],
    ['1.2.3post1', '{{major}}.{{minor}}', '', '1.2.3.post1'],
    ['1.2.3beta2', '{{major}}.{{minor}}', '', '1.2.3b2'],
    ['1.0dev4', '{{major}}.{{minor}}', '', '1.0.dev4']
  ])('pep440: tag %s, pattern %s, match %s → %s', (tag, pattern, match, output) => {
    const rule = `type=pep440,pattern=${pattern}${match ? `,"match=${match}"` : ''}`;
    expect(tagsOf(pushTag(tag), [rule], { flavor: ['latest=false'] })).toEqual([output]);
  });
  // README "type=match"
  test.each([
    ['v1.2.3', '\\d.\\d.\\d', '0', '1.2.3'],
    ['v2.0.8-beta.67', 'v(.*)', '1', '2.0.8-beta.67'],
    ['v2.0.8-beta.67', 'v(\\d.\\d)', '1', '2.0'],
    ['20200110-RC2', '\\d+', '0', '20200110'],
    ['p1/v1.2.3', 'p1/v(\\d.\\d.\\d)', '1', '1.2.3']
  ])('match: tag %s, pattern %s, group %s → %s', (tag, pattern, group, output) => {
    expect(
      tagsOf(pushTag(tag), [`type=match,"pattern=${pattern}",group=${group}`], { flavor: ['latest=false'] })
    ).toEqual([output]);
  });
  // README "{{date}}" and "{{commit_date}}" (its example instant is 2020-01-10 15:25:50 / 00:30:00 UTC)
  test.each([
    ["{{date 'YYYYMMDD'}}", '20200110'],
    ["{{date 'dddd, MMMM Do YYYY, h:mm:ss a'}}", 'Friday, January 10th 2020, 3:25:50 pm'],
    ["{{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}", '20200111-002550'],
    ["{{commit_date 'YYYYMMDD-HHmmss'}}", '20191231-235958'],
    ["{{commit_date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}", '20200101-085958'],
    ['{{commit_date YYYY-MM-DD}}', '2019-12-31T23:59:58Z']
  ])('%s → %s (sanitized for a tag)', (expression, output) => {
    const [label] = computeTags(context(), {
      mode: 'metadata-action',
      images: [],
      tags: [],
      flavor: [],
      labels: [`x=${expression}`],
      formatDate
    }).labels.filter((l) => l.startsWith('x='));
    expect(label).toBe(`x=${output}`);
  });
  test('{{is_default_branch}} / {{is_not_default_branch}}', () => {
    const rules = [
      'type=raw,value=def,enable={{is_default_branch}}',
      'type=raw,value=notdef,enable={{is_not_default_branch}}'
    ];
    expect(tagsOf(context(), rules)).toEqual(['def']);
    expect(tagsOf(context({ ref: 'refs/heads/dev' }), rules)).toEqual(['notdef']);
    expect(tagsOf(pushTag('v1.0.0'), rules)).toEqual(['notdef']);
  });
  test('images empty: bare tags; DOCKER_METADATA_SHORT_SHA_LENGTH', () => {
    expect(tagsOf(context(), ['type=sha'], { shortShaLength: '12' })).toEqual(['sha-860c1904a1ce']);
    expect(() => tagsOf(context(), ['type=sha'], { shortShaLength: 'twelve' })).toThrow(
      /DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number: twelve/
    );
  });
  test('the commit date comes from the payload commit whose id is the sha', () => {
    const payload = {
      commits: [
        { id: 'other', timestamp: '2001-01-01T00:00:00Z' },
        { id: SHA, timestamp: '2024-11-13T13:42:28Z' }
      ]
    };
    expect(commitDateFromPayload(payload, SHA)).toEqual(new Date('2024-11-13T13:42:28Z'));
    expect(
      commitDateFromPayload({ head_commit: { id: SHA, timestamp: '2020-01-01T00:00:00Z' } }, SHA)
    ).toEqual(new Date('2020-01-01T00:00:00Z'));
    expect(
      commitDateFromPayload({ head_commit: { id: 'other', timestamp: '2020-01-01T00:00:00Z' } }, SHA)
    ).toBe(undefined);
  });
});

describe('errors name the cause', () => {
  test('enable must render to true or false', () => {
    expect(() => tagsOf(context(), ['type=raw,value=a,enable={{branch}}'])).toThrow(
      /enable rendered to 'master', expected true or false/
    );
  });
  test('an unknown date attribute or time zone', () => {
    expect(() => tagsOf(context(), ["type=raw,value={{date 'YYYY' zone='UTC'}}"])).toThrow(
      /Unknown zone attribute/
    );
    expect(() => tagsOf(context(), ["type=raw,value={{date 'YYYY' tz='Mars/Olympus'}}"])).toThrow(
      /unknown time zone tz='Mars\/Olympus'/
    );
  });
  test('a broken template', () => {
    expect(() => tagsOf(context(), ['type=raw,value={{branch'])).toThrow(/template '\{\{branch'/);
  });
  test('an image with a tag', () => {
    expect(() => tagsOf(context(), [], { images: ['user/app:1'] })).toThrow(
      /must be an image name without tag/
    );
  });
});

describe("Slipway mode (service:): Slipway's defaults and rules", () => {
  const slipway = (ctx: TagsContext, tags: string[] = [], flavor: string[] = []) =>
    computeTags(ctx, { mode: 'slipway', images: ['ghcr.io/acme/api'], tags, flavor, formatDate }).tagNames;
  test.each([
    ['push to the default branch', context(), ['master', 'latest', 'master-860c190']],
    ['push to a feature branch', context({ ref: 'refs/heads/feat/x' }), ['feat-x', 'feat-x-860c190']],
    ['stable tag', pushTag('v1.2.3'), ['1.2.3', '1.2', '1', 'sha-860c190', 'latest']],
    ['pre-release tag: no latest', pushTag('v2.0.0-rc.1'), ['2.0.0-rc.1', 'sha-860c190']],
    [
      'pull request',
      context({ eventName: 'pull_request', ref: 'refs/pull/7/merge', payload: { number: 7 } }),
      ['pr-7', 'sha-860c190']
    ]
  ])('defaults: %s', (_name, ctx, expected) => {
    expect(slipway(ctx)).toEqual(expected);
  });
  test('the defaults list', () => {
    expect(SLIPWAY_DEFAULT_TAG_RULES).toContain('type=sha,prefix={{branch}}-');
  });
  test('a pre-release never gets latest, even asked for', () => {
    expect(slipway(pushTag('v1.2.3-rc.1'), ['type=semver,pattern={{version}}'], ['latest=true'])).toEqual([
      '1.2.3-rc.1'
    ]);
    expect(
      slipway(pushTag('v1.2.3-rc.1'), ['type=semver,pattern={{version}}', 'type=raw,value=latest'])
    ).toEqual(['1.2.3-rc.1']);
    // metadata-action mode keeps metadata-action's answer
    expect(
      tagsOf(pushTag('v1.2.3-rc.1'), ['type=semver,pattern={{version}}'], { flavor: ['latest=true'] })
    ).toEqual(['1.2.3-rc.1', 'latest']);
  });
  test('tags are valid: no leading separator, at most 128 characters (metadata-action mode keeps them)', () => {
    expect(sanitizeTag('-.x/y')).toBe('x-y');
    expect(sanitizeTag('-.x/y', 'metadata-action')).toBe('-.x-y');
    const long = context({ ref: `refs/heads/${'b'.repeat(200)}` });
    expect(slipway(long, ['type=ref,event=branch'])).toEqual(['b'.repeat(128)]);
  });
  test('isPrerelease', () => {
    expect(isPrerelease('refs/tags/v1.2.3-rc.1')).toBe(true);
    expect(isPrerelease('refs/tags/v1.2.3')).toBe(false);
    expect(isPrerelease('refs/heads/v1.2.3-rc.1')).toBe(false);
  });
  test('release builds off the tag ref (input version)', () => {
    const stable = slipway(context({ ref: 'refs/heads/main' }), [...releaseTagRules('v1.4.2')]);
    expect(stable).toEqual(['1.4.2', '1.4', '1', 'sha-860c190', 'latest']);
    const pre = slipway(context({ ref: 'refs/heads/main' }), [...releaseTagRules('2.0.0-rc.1')]);
    expect(pre).toEqual(['2.0.0-rc.1', 'sha-860c190']);
    expect(() => releaseTagRules('main')).toThrow(/Input 'version': 'main' is not a semantic version/);
  });
  test('ghcrImageName lower-cases and validates', () => {
    expect(ghcrImageName('Acme', 'API', 'svc-')).toBe('ghcr.io/acme/svc-api');
    expect(() => ghcrImageName('a/b', 'api')).toThrow(/invalid owner/);
    expect(() => ghcrImageName('acme', '')).toThrow(/empty service name/);
  });
});
