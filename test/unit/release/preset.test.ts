/**
 * The bundled Conventional Commits preset (actions/lib/release-preset.ts) against the installed
 * conventional-changelog-conventionalcommits: same parser options, same templates, and the same notes from the
 * real release-notes-generator for a set of commits. An upgrade of the preset that changes any of it fails here.
 */
import createPreset from 'conventional-changelog-conventionalcommits';
import * as analyzer from '@semantic-release/commit-analyzer';
import * as notesGenerator from '@semantic-release/release-notes-generator';
import {
  conventionalParserOpts,
  conventionalWriterOpts,
  DEFAULT_COMMIT_TYPES,
  TEMPLATES
} from '../../../actions/lib/release-preset.js';

const silent = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  success: () => undefined
};

const messages = [
  'feat(api): stream logs',
  'fix: handle #12 and @octocat',
  'perf(proxy): fewer allocations',
  'feat!: drop node 18',
  'fix(cli): flags\n\nBREAKING CHANGE: --old is gone\n\nCloses #34',
  'docs: readme',
  'chore(deps): bump',
  'revert: feat(api): stream logs\n\nThis reverts commit 1234567.',
  'Update api handler',
  'feature: old style type',
  'fix(*): everything'
];
const commits = messages.map((message, i) => ({
  hash: `${String(i).padStart(2, '0')}${'f'.repeat(38)}`,
  message,
  subject: message.split('\n')[0],
  body: message.split('\n').slice(2).join('\n'),
  committerDate: '2026-01-02T03:04:05Z'
}));

function context(list = commits) {
  return {
    cwd: process.cwd(),
    commits: list,
    logger: silent,
    lastRelease: { gitTag: 'v1.2.3', gitHead: 'a'.repeat(40) },
    nextRelease: { version: '2.0.0', gitTag: 'v2.0.0', gitHead: 'b'.repeat(40) },
    options: { repositoryUrl: 'https://github.com/acme/monorepo.git' }
  };
}

let upstream: { parser: Record<string, unknown>; writer: Record<string, unknown> };
beforeAll(async () => {
  upstream = await createPreset();
});

it('parser options equal the package’s, with and without options', async () => {
  expect(conventionalParserOpts()).toEqual(upstream.parser);
  const jira = await createPreset({ issuePrefixes: ['JIRA-'] });
  expect(conventionalParserOpts({ issuePrefixes: ['JIRA-'] })).toEqual(jira.parser);
});

it('templates and static writer options equal the package’s', () => {
  const ours = conventionalWriterOpts();
  for (const key of [
    'mainTemplate',
    'headerPartial',
    'commitPartial',
    'footerPartial',
    'groupBy',
    'commitsSort',
    'noteGroupsSort'
  ])
    expect([key, ours[key]]).toEqual([key, upstream.writer[key]]);
  expect(TEMPLATES.footer).toBe('');
  expect(DEFAULT_COMMIT_TYPES.map((t) => t.type)).toContain('feat');
});

it('the release notes generator writes the same notes with either', async () => {
  const fromPackage = await notesGenerator.generateNotes({ preset: 'conventionalcommits' }, context());
  const fromOurs = await notesGenerator.generateNotes(
    { parserOpts: conventionalParserOpts(), writerOpts: conventionalWriterOpts() },
    context()
  );
  expect(fromOurs).toBe(fromPackage);
  expect(fromOurs).toContain('### ⚠ BREAKING CHANGES');
  expect(fromOurs).toContain('* drop node 18');
  expect(fromOurs).toContain('[#12](https://github.com/acme/monorepo/issues/12)');
  expect(fromOurs).toContain('[@octocat](https://github.com/octocat)');
  expect(fromOurs).not.toContain('readme');
});

it.each([
  [['fix: a'], 'patch'],
  [['feat: a', 'fix: b'], 'minor'],
  [['feat(x)!: a'], 'major'],
  [['fix: a\n\nBREAKING-CHANGE: b'], 'major'],
  [['docs: a', 'chore: b', 'Update x'], null]
])('the commit analyzer gives the same release type for %j', async (list, type) => {
  const ctx = context(list.map((message, i) => ({ ...commits[0]!, hash: `${i}`.repeat(40), message })));
  expect(await analyzer.analyzeCommits({ preset: 'conventionalcommits' }, ctx)).toBe(type);
  expect(await analyzer.analyzeCommits({ parserOpts: conventionalParserOpts() }, ctx)).toBe(type);
});
