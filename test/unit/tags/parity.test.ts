/**
 * Parity of computeTags with docker/metadata-action v5 for identical events.
 *
 * Sources of the expected tags:
 *  - "README <section>": docker/metadata-action README.md (v5), the table of that section;
 *  - "meta.test <case>": docker/metadata-action __tests__/meta.test.ts, the named case (same fixture
 *    sha 860c1904…, default branch master, date 2020-01-10T00:30:00Z);
 *  - "Slipway": a Slipway rule (defaults, or a documented divergence from metadata-action).
 */
import { describe, expect, test } from '@jest/globals';
import {
  computeTags,
  ghcrImageName,
  isPrerelease,
  parseImages,
  sanitizeTag,
  SLIPWAY_DEFAULT_TAG_RULES,
  TagRuleError,
  type TagsContext,
  type TagsOptions
} from '../../../actions/tags/compute.js';
import { releaseTagRules } from '../../../actions/tags/rules.js';

const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';
const PR_SHA = 'a9c8c5828b91be19d9728548b24759e352367ef1';
const PR_HEAD_SHA = '3370e228f2209994d57af4427fe64e71bb79ac96';
const TARGET_SHA = '266574110acf203503badf966df2ea24b5d732d7';
const DATE = new Date('2020-01-10T00:30:00.000Z');

/** metadata-action's own defaults when `tags` is empty (README "tags input"). */
const MDA_DEFAULTS = 'type=schedule\ntype=ref,event=branch\ntype=ref,event=tag\ntype=ref,event=pr';
/** README "Semver" usage example. */
const README_SEMVER = [
  'type=ref,event=branch',
  'type=ref,event=pr',
  'type=semver,pattern={{version}}',
  'type=semver,pattern={{major}}.{{minor}}'
].join('\n');

function context(overrides: Partial<TagsContext> = {}): TagsContext {
  return {
    eventName: 'push',
    ref: 'refs/heads/master',
    sha: SHA,
    defaultBranch: 'master',
    commitDate: DATE,
    repo: {
      name: 'Hello-World',
      htmlUrl: 'https://github.com/octocat/Hello-World',
      description: 'This your first repo!',
      license: 'MIT'
    },
    ...overrides
  };
}

const pushTag = (tag: string): Partial<TagsContext> => ({ eventName: 'push', ref: `refs/tags/${tag}` });
const pushBranch = (branch: string): Partial<TagsContext> => ({
  eventName: 'push',
  ref: `refs/heads/${branch}`
});
const pullRequest = (n: number, extra: Partial<TagsContext> = {}): Partial<TagsContext> => ({
  eventName: 'pull_request',
  ref: `refs/pull/${n}/merge`,
  sha: PR_SHA,
  prNumber: n,
  prBaseRef: 'master',
  prHeadRef: 'feature',
  prHeadSha: PR_HEAD_SHA,
  ...extra
});

interface Row {
  name: string;
  ctx: Partial<TagsContext>;
  tags: string;
  flavor?: string;
  /** Defaults to ['user/app']; expected values are then tag values only. */
  images?: string[];
  options?: Partial<TagsOptions>;
  expected: string[];
  version?: string;
}

const rows: Row[] = [
  // README "Basic" (metadata-action defaults)
  { name: 'README Basic: pull_request', ctx: pullRequest(2), tags: MDA_DEFAULTS, expected: ['pr-2'] },
  { name: 'README Basic: push master', ctx: pushBranch('master'), tags: MDA_DEFAULTS, expected: ['master'] },
  {
    name: 'README Basic: push branch with slash',
    ctx: pushBranch('releases/v1'),
    tags: MDA_DEFAULTS,
    expected: ['releases-v1']
  },
  {
    name: 'README Basic: push tag v1.2.3',
    ctx: pushTag('v1.2.3'),
    tags: MDA_DEFAULTS,
    expected: ['v1.2.3', 'latest']
  },
  {
    // metadata-action: v2.0.8-beta.67, latest. Slipway: never latest for a pre-release.
    name: 'README Basic: push tag v2.0.8-beta.67 (Slipway: no latest)',
    ctx: pushTag('v2.0.8-beta.67'),
    tags: MDA_DEFAULTS,
    expected: ['v2.0.8-beta.67']
  },
  {
    name: 'README Basic: workflow_dispatch on master',
    ctx: { eventName: 'workflow_dispatch', ref: 'refs/heads/master' },
    tags: MDA_DEFAULTS,
    expected: ['master']
  },
  // README "Semver"
  { name: 'README Semver: pull_request', ctx: pullRequest(2), tags: README_SEMVER, expected: ['pr-2'] },
  {
    name: 'README Semver: push master',
    ctx: pushBranch('master'),
    tags: README_SEMVER,
    expected: ['master']
  },
  {
    name: 'README Semver: push tag v1.2.3',
    ctx: pushTag('v1.2.3'),
    tags: README_SEMVER,
    expected: ['1.2.3', '1.2', 'latest'],
    version: '1.2.3'
  },
  {
    name: 'README Semver: push tag v2.0.8-beta.67 (pre-release: only {{version}})',
    ctx: pushTag('v2.0.8-beta.67'),
    tags: README_SEMVER,
    expected: ['2.0.8-beta.67']
  },
  {
    name: 'README Bake definition: tag v1.2.3 with type=sha',
    ctx: pushTag('v1.2.3'),
    tags: `${README_SEMVER}\ntype=sha`,
    expected: ['1.2.3', '1.2', 'sha-860c190', 'latest']
  },
  // README "type=semver" pattern table
  {
    name: 'README type=semver: {{raw}} and v{{major}} on v1.2.3',
    ctx: pushTag('v1.2.3'),
    tags: 'type=semver,pattern={{raw}}\ntype=semver,pattern=v{{major}}\ntype=semver,pattern={{patch}}',
    expected: ['v1.2.3', 'v1', '3', 'latest']
  },
  {
    name: 'README type=semver / meta.test tag31: {{raw}} on a pre-release keeps the raw tag',
    ctx: pushTag('v2.0.8-beta.67'),
    tags: 'type=semver,pattern={{raw}}',
    expected: ['v2.0.8-beta.67']
  },
  {
    name: 'meta.test tag13: {{major}}.{{minor}} and {{major}} on a pre-release collapse to {{version}}',
    ctx: pushTag('v2.0.8-beta.67'),
    tags: 'type=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}',
    expected: ['2.0.8-beta.67']
  },
  {
    name: 'Semver rc: 1.2.3-rc.1 yields only the full version',
    ctx: pushTag('1.2.3-rc.1'),
    tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}',
    expected: ['1.2.3-rc.1']
  },
  {
    // README "Major version zero": metadata-action still emits `0`; the README shows how to disable it.
    name: 'README Major version zero: v0.1.2 keeps the 0 tag',
    ctx: pushTag('v0.1.2'),
    tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}',
    expected: ['0.1.2', '0.1', '0', 'latest']
  },
  {
    name: 'meta.test push14: semver with value= on a branch push',
    ctx: pushBranch('master'),
    tags: 'type=semver,pattern={{version}},value=v1.2.3\ntype=edge',
    expected: ['1.2.3', 'edge', 'latest']
  },
  {
    name: 'meta.test tag14: non-semver tag yields nothing from semver rules',
    ctx: pushTag('sometag'),
    tags: 'type=ref,event=tag\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}',
    flavor: 'latest=false',
    expected: ['sometag']
  },
  {
    name: 'Non-semver tag with semver rules only: no tag at all',
    ctx: pushTag('sometag'),
    tags: 'type=semver,pattern={{version}}',
    expected: [],
    version: ''
  },
  // Schedule
  {
    name: 'meta.test schedule01: metadata-action defaults on schedule',
    ctx: { eventName: 'schedule', ref: 'refs/heads/master' },
    tags: MDA_DEFAULTS,
    expected: ['nightly', 'master']
  },
  {
    name: "README type=schedule: {{date 'YYYYMMDD'}}",
    ctx: { eventName: 'schedule', ref: 'refs/heads/master' },
    tags: "type=schedule,pattern={{date 'YYYYMMDD'}}",
    expected: ['20200110']
  },
  {
    name: "README type=schedule: {{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}",
    ctx: { eventName: 'schedule', ref: 'refs/heads/master' },
    tags: "type=schedule,pattern={{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}",
    expected: ['20200110-093000']
  },
  {
    name: 'meta.test schedule07: flavor prefix/suffix on nightly',
    ctx: { eventName: 'schedule', ref: 'refs/heads/master' },
    tags: 'type=schedule',
    flavor: 'prefix=glo-\nsuffix=-bal',
    expected: ['glo-nightly-bal']
  },
  {
    name: 'meta.test schedule06: sha priority 2000 and is_default_branch on schedule',
    ctx: { eventName: 'schedule', ref: 'refs/heads/master' },
    tags: 'type=schedule\ntype=sha,priority=2000\ntype=raw,value=defbranch,enable={{is_default_branch}}',
    expected: ['sha-860c190', 'nightly', 'defbranch']
  },
  {
    name: 'Schedule rule is ignored on a push',
    ctx: pushBranch('master'),
    tags: 'type=schedule\ntype=ref,event=branch',
    expected: ['master']
  },
  // Edge and ref
  {
    name: 'meta.test push04: type=edge on workflow_dispatch of the default branch',
    ctx: { eventName: 'workflow_dispatch', ref: 'refs/heads/master' },
    tags: 'type=edge',
    expected: ['edge']
  },
  {
    name: 'meta.test push09: type=edge,branch=dev on dev',
    ctx: pushBranch('dev'),
    tags: 'type=edge,branch=dev\ntype=sha',
    expected: ['edge', 'sha-860c190']
  },
  {
    name: 'meta.test push10: type=edge,branch=dev on master',
    ctx: pushBranch('master'),
    tags: 'type=edge,branch=dev\ntype=sha',
    expected: ['sha-860c190']
  },
  {
    name: 'meta.test push13: ref priority 2000 beats edge',
    ctx: pushBranch('master'),
    tags: 'type=ref,priority=2000,event=branch\ntype=edge',
    expected: ['master', 'edge']
  },
  {
    name: 'meta.test release01: release event on a tag ref',
    ctx: { eventName: 'release', ref: 'refs/tags/v1.1.1' },
    tags: MDA_DEFAULTS,
    expected: ['v1.1.1', 'latest']
  },
  // Raw, sha and global expressions
  {
    name: 'meta.test tag20: raw shorthand with {{tag}} and {{sha}}; is_default_branch false on a tag',
    ctx: pushTag('v1.1.1'),
    tags: 'type=raw,{{tag}}-{{sha}}-foo\ntype=raw,defbranch-foo,enable={{is_default_branch}}',
    expected: ['v1.1.1-860c190-foo']
  },
  {
    name: 'meta.test push17: {{branch}}, {{date}} and {{is_default_branch}} on master',
    ctx: pushBranch('master'),
    tags: [
      'type=raw,value=mytag-{{branch}}',
      "type=raw,value=mytag-{{date 'YYYYMMDD'}}",
      "type=raw,value=mytag-cd-{{commit_date 'YYYYMMDD'}}",
      'type=raw,value=mytag-tag-{{tag}}',
      'type=raw,value=mytag-defbranch,enable={{is_default_branch}}'
    ].join('\n'),
    expected: ['mytag-master', 'mytag-20200110', 'mytag-cd-20200110', 'mytag-tag-', 'mytag-defbranch']
  },
  {
    name: 'meta.test raw01: bare values are raw tags',
    ctx: pushBranch('dev'),
    tags: 'type=ref,event=branch\ntype=raw,my\ncustom\ntags',
    expected: ['dev', 'my', 'custom', 'tags']
  },
  {
    name: 'meta.test push18: type=sha,format=long',
    ctx: pushBranch('dev'),
    tags: 'type=ref,event=branch\ntype=sha,format=long',
    expected: ['dev', `sha-${SHA}`]
  },
  {
    name: 'Custom rules: prefix, suffix, priority, enable',
    ctx: pushBranch('dev'),
    tags: [
      'type=ref,event=branch,prefix=br-,suffix=-x,priority=50',
      'type=raw,value=keep,priority=300',
      'type=raw,value=off,enable=false',
      'type=sha,prefix=,suffix=-{{branch}}'
    ].join('\n'),
    expected: ['keep', '860c190-dev', 'br-dev-x'],
    version: 'keep'
  },
  // Match
  {
    name: 'meta.test tag18 / README type=match: p1/v1.2.3 style tag with groups',
    ctx: pushTag('p1/v1.0.0'),
    tags: [
      'type=match,pattern=p1/v(\\d.\\d.\\d),group=1',
      'type=match,pattern=p1/v(\\d.\\d),group=1',
      'type=match,pattern=p1/v(\\d.\\d),group=3',
      'type=ref,event=pr',
      'type=sha'
    ].join('\n'),
    expected: ['1.0.0', '1.0', 'sha-860c190', 'latest']
  },
  {
    name: 'meta.test tag03: match \\d{8} with latest=false',
    ctx: pushTag('20200110-RC2'),
    tags: 'type=match,pattern=\\d{8}',
    flavor: 'latest=false',
    expected: ['20200110']
  },
  {
    name: 'meta.test tag05: quoted match pattern',
    ctx: pushTag('v1.1.1'),
    tags: 'type=match,"pattern=\\d.\\d.\\d"',
    expected: ['1.1.1', 'latest']
  },
  {
    // metadata-action latest06: 2.0.8, latest. Slipway: the ref is a pre-release, so no latest.
    name: 'meta.test latest06: match on a pre-release tag (Slipway: no latest)',
    ctx: pushTag('v2.0.8-beta.67'),
    tags: 'type=match,"pattern=\\d.\\d.\\d"',
    expected: ['2.0.8']
  },
  {
    name: 'meta.test tag15: raw priority 2000 first, then semver and match; no latest',
    ctx: pushTag('v2.0.8-beta.67'),
    tags: 'type=raw,priority=2000,foo\ntype=semver,pattern={{version}}\ntype=match,"pattern=\\d.\\d"',
    expected: ['foo', '2.0.8-beta.67', '2.0'],
    version: 'foo'
  },
  // Flavor
  {
    name: 'meta.test latest07: latest=false',
    ctx: pushTag('v1.1.1'),
    tags: 'type=ref,event=tag',
    flavor: 'latest=false',
    expected: ['v1.1.1']
  },
  {
    name: 'Flavor latest=true on a branch push',
    ctx: pushBranch('dev'),
    tags: 'type=ref,event=branch',
    flavor: 'latest=true',
    expected: ['dev', 'latest']
  },
  {
    name: 'Flavor latest=auto: edge does not ask for latest',
    ctx: pushBranch('master'),
    tags: 'type=edge',
    flavor: 'latest=auto',
    expected: ['edge']
  },
  {
    name: 'Slipway: latest=true is ignored on a pre-release tag',
    ctx: pushTag('v1.2.3-rc.1'),
    tags: 'type=semver,pattern={{version}}',
    flavor: 'latest=true',
    expected: ['1.2.3-rc.1']
  },
  {
    name: 'Slipway: a raw latest rule is dropped on a pre-release tag',
    ctx: pushTag('v1.2.3-rc.1'),
    tags: 'type=semver,pattern={{version}}\ntype=raw,value=latest',
    expected: ['1.2.3-rc.1']
  },
  {
    name: 'meta.test tag21: suffix=-dev,onlatest=true',
    ctx: pushTag('v1.1.1'),
    tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}.{{patch}}',
    flavor: 'suffix=-dev,onlatest=true',
    expected: ['1.1.1-dev', 'latest-dev']
  },
  {
    name: 'meta.test tag22: prefix and suffix on latest',
    ctx: pushTag('v1.1.1'),
    tags: 'type=semver,pattern={{version}}',
    flavor: 'prefix=foo-,onlatest=true\nsuffix=-dev,onlatest=true',
    expected: ['foo-1.1.1-dev', 'foo-latest-dev']
  },
  {
    name: 'meta.test tag19: flavor suffix, rule suffix= overrides it, sha keeps its own prefix',
    ctx: pushTag('p1/v1.0.0'),
    tags: [
      'type=match,pattern=p1/v(\\d.\\d.\\d),group=1',
      'type=match,pattern=p1/v(\\d.\\d),group=1,suffix=',
      'type=ref,event=pr',
      'type=sha'
    ].join('\n'),
    flavor: 'suffix=-dev',
    expected: ['1.0.0-dev', '1.0', 'sha-860c190-dev', 'latest']
  },
  // Pull requests
  {
    name: 'meta.test pr05: flavor prefix does not replace the pr- prefix; suffix applies',
    ctx: pullRequest(15),
    tags: 'type=ref,event=pr',
    flavor: 'prefix=glo-\nsuffix=-bal',
    expected: ['pr-15-bal']
  },
  {
    name: 'meta.test pr06: prefix= removes the pr- prefix',
    ctx: pullRequest(15),
    tags: 'type=ref,event=pr,prefix=',
    flavor: 'prefix=glo-\nsuffix=-bal',
    expected: ['15-bal']
  },
  {
    name: 'meta.test pr04: sha of the merge commit by default',
    ctx: pullRequest(15),
    tags: 'type=sha,priority=2000\ntype=ref,event=pr',
    expected: ['sha-a9c8c58', 'pr-15']
  },
  {
    name: 'meta.test pr-head-sha pr04: DOCKER_METADATA_PR_HEAD_SHA uses the head sha',
    ctx: pullRequest(15),
    tags: 'type=sha,priority=2000\ntype=ref,event=pr',
    options: { prHeadShaForSha: true },
    expected: ['sha-3370e22', 'pr-15']
  },
  {
    name: 'meta.test pr07: pull_request_target uses the PR ref',
    ctx: pullRequest(15, { eventName: 'pull_request_target', ref: 'refs/heads/master', sha: TARGET_SHA }),
    tags: 'type=sha,priority=2000\ntype=ref,event=pr',
    expected: ['sha-2665741', 'pr-15']
  },
  {
    name: 'meta.test pr11: {{base_ref}} and is_default_branch on a PR',
    ctx: pullRequest(15),
    tags: 'type=raw,value=mytag-{{base_ref}}\ntype=raw,mytag-defbranch,enable={{is_default_branch}}',
    expected: ['mytag-master']
  },
  // Names, images, sanitization
  {
    name: 'meta.test latest08: image names lower-cased, tag case kept, slashes and + sanitized',
    ctx: pushBranch('Feature/My_Thing+X'),
    tags: 'type=ref,event=branch',
    images: ['org/app', 'ghcr.io/MyUSER/MyApp'],
    expected: ['org/app:Feature-My_Thing-X', 'ghcr.io/myuser/myapp:Feature-My_Thing-X']
  },
  {
    name: 'meta.test push07: two images',
    ctx: pushBranch('dev'),
    tags: 'type=ref,event=branch\ntype=sha',
    images: ['org/app', 'ghcr.io/user/app'],
    expected: ['org/app:dev', 'org/app:sha-860c190', 'ghcr.io/user/app:dev', 'ghcr.io/user/app:sha-860c190']
  },
  {
    name: 'meta.test push20: image disabled with enable=false',
    ctx: pushBranch('dev'),
    tags: 'type=edge,branch=master\ntype=ref,event=branch,enable=false\ntype=sha,format=long',
    images: parseImages('org/app\nghcr.io/user/app,enable=false'),
    expected: [`org/app:sha-${SHA}`]
  },
  {
    name: 'meta.test push21: no images gives bare tags',
    ctx: pushBranch('master'),
    tags: 'type=raw,value=mytag-{{branch}}',
    images: [],
    expected: ['mytag-master']
  },
  {
    name: 'DOCKER_METADATA_SHORT_SHA_LENGTH=12',
    ctx: pushBranch('dev'),
    tags: 'type=sha',
    options: { shortShaLength: 12 },
    expected: ['sha-860c1904a1ce']
  },
  // Slipway defaults
  {
    name: 'Slipway defaults: default-branch push',
    ctx: pushBranch('master'),
    tags: '',
    expected: ['master', 'latest', 'master-860c190']
  },
  {
    name: 'Slipway defaults: feature branch push',
    ctx: pushBranch('feat/login'),
    tags: '',
    expected: ['feat-login', 'feat-login-860c190']
  },
  {
    name: 'Slipway defaults: stable tag (sha tag loses the empty {{branch}}- prefix dash)',
    ctx: pushTag('v1.2.3'),
    tags: '',
    expected: ['1.2.3', '1.2', '1', 'sha-860c190', 'latest']
  },
  {
    name: 'Slipway defaults: pre-release tag',
    ctx: pushTag('v1.2.3-rc.1'),
    tags: '',
    expected: ['1.2.3-rc.1', 'sha-860c190']
  },
  {
    name: 'Slipway defaults: pull request',
    ctx: pullRequest(12),
    tags: '',
    expected: ['pr-12', 'sha-a9c8c58']
  },
  {
    name: 'Slipway defaults: schedule on the default branch',
    ctx: { eventName: 'schedule', ref: 'refs/heads/master' },
    tags: '',
    expected: ['master', 'latest', 'master-860c190']
  }
];

describe('computeTags parity with docker/metadata-action', () => {
  test('has at least 35 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(35);
  });

  test.each(rows)('$name', (row) => {
    const images = row.images ?? ['user/app'];
    const result = computeTags(context(row.ctx), {
      images,
      tags: row.tags,
      flavor: row.flavor ?? '',
      ...row.options
    });
    const expected = row.images ? row.expected : row.expected.map((value) => `user/app:${value}`);
    expect(result.tags).toEqual(expected);
    const first = row.expected[0] ?? '';
    expect(result.version).toBe(row.version ?? (row.images?.length ? first.replace(/^.*:/, '') : first));
  });
});

describe('version, labels, annotations, json', () => {
  const opts: TagsOptions = { images: ['ghcr.io/user/app'], tags: README_SEMVER, flavor: '' };

  test('labels are the OCI set sorted by key (README Bake definition example)', () => {
    const result = computeTags(context(pushTag('v1.2.3')), opts);
    expect(result.version).toBe('1.2.3');
    expect(result.labels).toEqual({
      'org.opencontainers.image.created': '2020-01-10T00:30:00.000Z',
      'org.opencontainers.image.description': 'This your first repo!',
      'org.opencontainers.image.licenses': 'MIT',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.source': 'https://github.com/octocat/Hello-World',
      'org.opencontainers.image.title': 'Hello-World',
      'org.opencontainers.image.url': 'https://github.com/octocat/Hello-World',
      'org.opencontainers.image.version': '1.2.3'
    });
    expect(Object.keys(result.labels)).toEqual([...Object.keys(result.labels)].sort());
    expect(result.labelsText.split('\n')[0]).toBe(
      'org.opencontainers.image.created=2020-01-10T00:30:00.000Z'
    );
  });

  test('user labels and annotations override generated ones (meta.test latest09)', () => {
    const result = computeTags(context(pushTag('v1.1.1')), {
      ...opts,
      tags: 'type=ref,event=tag',
      labels: ['maintainer=CrazyMax', 'org.opencontainers.image.title=MyCustomTitle', 'no-equals-is-ignored'],
      annotations: ['org.opencontainers.image.title=MyNotTitle', 'built-from={{branch}}{{tag}}']
    });
    expect(result.labels['maintainer']).toBe('CrazyMax');
    expect(result.labels['org.opencontainers.image.title']).toBe('MyCustomTitle');
    expect(Object.keys(result.labels)).not.toContain('no-equals-is-ignored');
    expect(result.annotations).toContain('manifest:org.opencontainers.image.title=MyNotTitle');
    expect(result.annotations).toContain('manifest:built-from=v1.1.1');
    expect(result.annotations[0]).toBe('manifest:built-from=v1.1.1');
  });

  test('annotations carry the manifest level by default, or the levels given', () => {
    const result = computeTags(context(pushTag('v1.2.3')), {
      ...opts,
      annotationLevels: ['manifest', 'index']
    });
    expect(result.annotations).toHaveLength(16);
    expect(result.annotations).toContain('manifest:org.opencontainers.image.version=1.2.3');
    expect(result.annotations).toContain('index:org.opencontainers.image.version=1.2.3');
  });

  test('json output and separators', () => {
    const result = computeTags(context(pushTag('v1.2.3')), { ...opts, sepTags: ',', sepAnnotations: ';' });
    expect(result.json).toEqual({
      tags: result.tags,
      labels: result.labels,
      annotations: result.annotations
    });
    expect(result.tagsText).toBe('ghcr.io/user/app:1.2.3,ghcr.io/user/app:1.2,ghcr.io/user/app:latest');
    expect(result.annotationsText.split(';')).toEqual(result.annotations);
    expect(JSON.parse(JSON.stringify(result.json))).toEqual(result.json);
  });

  test('empty version when nothing matched; labels still produced (meta.test null01)', () => {
    const result = computeTags(context({ eventName: 'push', ref: 'refs/notes/x' }), opts);
    expect(result.version).toBe('');
    expect(result.tags).toEqual([]);
    expect(result.labels['org.opencontainers.image.version']).toBe('');
  });

  test('revision label follows the PR head sha when asked (meta.test pr-head-sha)', () => {
    const result = computeTags(context(pullRequest(15)), { ...opts, prHeadShaForSha: true });
    expect(result.labels['org.opencontainers.image.revision']).toBe(PR_HEAD_SHA);
    const plain = computeTags(context(pullRequest(15)), opts);
    expect(plain.labels['org.opencontainers.image.revision']).toBe(PR_SHA);
  });

  test('created label and {{date}} use ctx.now when given, {{commit_date}} the commit date', () => {
    const now = new Date('2021-06-01T12:00:00.000Z');
    const result = computeTags(context({ ...pushBranch('dev'), now }), {
      ...opts,
      tags: "type=raw,value={{date 'YYYY-MM-DD'}}\ntype=raw,value=c{{commit_date 'YYYY-MM-DD'}}"
    });
    expect(result.labels['org.opencontainers.image.created']).toBe('2021-06-01T12:00:00.000Z');
    expect(result.tags).toEqual(['ghcr.io/user/app:2021-06-01', 'ghcr.io/user/app:c2020-01-10']);
  });

  test('warnings for an invalid semver and an unmatched pattern', () => {
    const result = computeTags(context(pushTag('sometag')), {
      ...opts,
      tags: 'type=semver,pattern={{version}}\ntype=match,pattern=\\d+'
    });
    expect(result.warnings).toEqual([
      'sometag is not a valid semver. More info: https://semver.org/',
      '\\d+ does not match sometag.'
    ]);
  });

  test('date formats: moment tokens, escapes and offsets', () => {
    const result = computeTags(context({ eventName: 'schedule', ref: 'refs/heads/master' }), {
      images: [],
      tags:
        "type=schedule,\"pattern={{date 'dddd, MMMM Do YYYY, h:mm:ss a' tz='America/New_York'}}\"\n" +
        "type=raw,value={{date 'YYYY-MM-DD[T]HH:mm:ss.SSSZZ' tz='Asia/Kolkata'}}",
      flavor: ''
    });
    expect(result.tags).toEqual(['Thursday-January-9th-2020-7-30-00-pm', '2020-01-10T06-00-00.000-0530']);
  });
});

describe('errors', () => {
  const run = (tags: string, flavor = '', images = ['user/app']) =>
    computeTags(context(pushBranch('dev')), { images, tags, flavor });

  test.each([
    ['unknown type', 'type=foo', /unknown type 'foo'; allowed: schedule, semver/],
    [
      'unknown attribute',
      'type=sha,colour=red',
      /unknown attribute 'colour' for type=sha; allowed: .*format/
    ],
    ['bad priority', 'type=sha,priority=high', /priority must be a whole number, got 'high'/],
    ['bad regex', 'type=match,pattern=v(\\d', /pattern 'v\(\\d' is not a valid regular expression/],
    ['unknown event', 'type=ref,event=push', /unknown event 'push'; allowed: branch, tag, pr/],
    ['missing event', 'type=ref', /type=ref needs a 'event' attribute/],
    ['pep440', 'type=pep440,pattern={{version}}', /type=pep440 is not supported/],
    ['unknown expression', 'type=raw,value={{nope}}', /unknown expression '\{\{nope\}\}'/]
  ])('%s', (_name, tags, message) => {
    expect(() => run(`type=ref,event=branch\n${tags}`)).toThrow(TagRuleError);
    expect(() => run(`type=ref,event=branch\n${tags}`)).toThrow(message);
    expect(() => run(`type=ref,event=branch\n${tags}`)).toThrow(/tags line 2/);
  });

  test('an enable expression must render to true or false', () => {
    expect(() => run('type=raw,value=x,enable={{branch}}')).toThrow(
      /enable rendered to 'dev', expected true or false/
    );
  });

  test('flavor errors', () => {
    expect(() => run('', 'latest=sometimes')).toThrow(
      /unknown latest 'sometimes'; allowed: auto, true, false/
    );
    expect(() => run('', 'colour=red')).toThrow(TagRuleError);
  });

  test('an image with a tag or an invalid name is refused', () => {
    expect(() => run('', '', ['ghcr.io/acme/api:1'])).toThrow(/without tag or digest/);
    expect(() => run('', '', ['ghcr.io/acme/-api'])).toThrow(/not a valid OCI name/);
  });
});

describe('helpers', () => {
  test('isPrerelease', () => {
    expect(isPrerelease({ ref: 'refs/tags/v1.2.3-rc.1' })).toBe(true);
    expect(isPrerelease({ ref: 'refs/tags/1.2.3-rc.1' })).toBe(true);
    expect(isPrerelease({ ref: 'refs/tags/v1.2.3' })).toBe(false);
    expect(isPrerelease({ ref: 'refs/tags/20200110-RC2' })).toBe(false);
    expect(isPrerelease({ ref: 'refs/heads/v1.2.3-rc.1' })).toBe(false);
  });

  test('ghcrImageName lower-cases and validates', () => {
    expect(ghcrImageName('Acme', 'api')).toBe('ghcr.io/acme/api');
    expect(ghcrImageName('Acme', 'Api', 'Shop-')).toBe('ghcr.io/acme/shop-api');
    expect(ghcrImageName('acme', 'api', '', 'localhost:5000')).toBe('localhost:5000/acme/api');
    expect(() => ghcrImageName('acme', 'api_')).toThrow(/not a valid OCI name|is not valid/);
    expect(() => ghcrImageName('acme', '')).toThrow(/empty service name/);
    expect(() => ghcrImageName('ac/me', 'api')).toThrow(/invalid owner/);
    expect(() => ghcrImageName('acme', 'api:1')).toThrow(/Image name 'ghcr.io\/acme\/api:1'/);
  });

  test('sanitizeTag keeps case, replaces invalid runs, drops leading separators, caps at 128', () => {
    expect(sanitizeTag('Feature/My Thing')).toBe('Feature-My-Thing');
    expect(sanitizeTag('-860c190')).toBe('860c190');
    expect(sanitizeTag('x'.repeat(200))).toHaveLength(128);
  });

  test('a 200-character branch yields a 128-character tag', () => {
    const result = computeTags(context(pushBranch('b'.repeat(200))), {
      images: [],
      tags: 'type=ref,event=branch',
      flavor: ''
    });
    expect(result.tags).toEqual(['b'.repeat(128)]);
  });

  test('SLIPWAY_DEFAULT_TAG_RULES is the seed list', () => {
    expect(SLIPWAY_DEFAULT_TAG_RULES).toEqual([
      'type=ref,event=branch',
      'type=ref,event=pr',
      'type=semver,pattern={{version}}',
      'type=semver,pattern={{major}}.{{minor}}',
      'type=semver,pattern={{major}}',
      'type=sha,prefix={{branch}}-',
      'type=raw,value=latest,enable={{is_default_branch}}'
    ]);
  });
});

describe('release builds off the tag ref (input version)', () => {
  const images = ['ghcr.io/user/app'];
  test('a stable version on the main branch run gives semver tags, sha and latest', () => {
    const result = computeTags(context(pushBranch('main')), {
      images,
      tags: releaseTagRules('v1.4.2').join('\n'),
      flavor: ''
    });
    expect(result.version).toBe('1.4.2');
    expect(result.tags).toEqual(
      expect.arrayContaining([
        'ghcr.io/user/app:1.4.2',
        'ghcr.io/user/app:1.4',
        'ghcr.io/user/app:1',
        'ghcr.io/user/app:latest'
      ])
    );
    expect(result.tags.some((t) => /:sha-[0-9a-f]{7}$/.test(t))).toBe(true);
  });
  test('a pre-release gets only its full version and sha, never latest', () => {
    const result = computeTags(context(pushBranch('main')), {
      images,
      tags: releaseTagRules('2.0.0-rc.1').join('\n'),
      flavor: ''
    });
    expect(result.tags).toContain('ghcr.io/user/app:2.0.0-rc.1');
    expect(result.tags.some((t) => t.endsWith(':latest') || t.endsWith(':2'))).toBe(false);
  });
  test('a version that is not semver is an error naming the input', () => {
    expect(() => releaseTagRules('main')).toThrow(/Input 'version': 'main' is not a semantic version/);
  });
});
