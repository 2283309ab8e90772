/**
 * The Conventional Commits preset (conventional-changelog-conventionalcommits 8.0.0, MIT) as plain parser and
 * writer options, so the bundled release action needs no preset lookup at run time.
 *
 * Why a copy: the commit analyzer and release notes generator find a preset by package name (import-from-esm at
 * run time), which an ncc bundle cannot serve, and the preset reads its Handlebars templates from files next to
 * its own source (`readFile(new URL('.', import.meta.url)/templates/*.hbs)`), which ncc does not relocate. The
 * templates and the transform below are that package's, verbatim; test/unit/release/preset.test.ts checks them
 * against the installed package (same templates, same parser options, same rendered notes for a set of commits),
 * so an upgrade that changes the preset fails that test instead of drifting silently.
 */

export interface CommitType {
  type: string;
  section?: string;
  hidden?: boolean;
  scope?: string;
}

export interface PresetConfig {
  types?: readonly CommitType[];
  issueUrlFormat?: string;
  commitUrlFormat?: string;
  compareUrlFormat?: string;
  userUrlFormat?: string;
  issuePrefixes?: string[];
}

export const DEFAULT_COMMIT_TYPES: readonly CommitType[] = Object.freeze(
  [
    { type: 'feat', section: 'Features' },
    { type: 'feature', section: 'Features' },
    { type: 'fix', section: 'Bug Fixes' },
    { type: 'perf', section: 'Performance Improvements' },
    { type: 'revert', section: 'Reverts' },
    { type: 'docs', section: 'Documentation', hidden: true },
    { type: 'style', section: 'Styles', hidden: true },
    { type: 'chore', section: 'Miscellaneous Chores', hidden: true },
    { type: 'refactor', section: 'Code Refactoring', hidden: true },
    { type: 'test', section: 'Tests', hidden: true },
    { type: 'build', section: 'Build System', hidden: true },
    { type: 'ci', section: 'Continuous Integration', hidden: true }
  ].map((t) => Object.freeze(t))
);

export const BREAKING_HEADER_PATTERN = /^(\w*)(?:\((.*)\))?!: (.*)$/;

/** conventional-commits-parser options of the preset. */
export function conventionalParserOpts(config: PresetConfig = {}): Record<string, unknown> {
  return {
    headerPattern: /^(\w*)(?:\((.*)\))?!?: (.*)$/,
    breakingHeaderPattern: BREAKING_HEADER_PATTERN,
    headerCorrespondence: ['type', 'scope', 'subject'],
    noteKeywords: ['BREAKING CHANGE', 'BREAKING-CHANGE'],
    revertPattern: /^(?:Revert|revert:)\s"?([\s\S]+?)"?\s*This reverts commit (\w*)\./i,
    revertCorrespondence: ['header', 'hash'],
    issuePrefixes: config.issuePrefixes || ['#']
  };
}

export const TEMPLATES = {
  main: '{{> header}}\n{{#if noteGroups}}\n{{#each noteGroups}}\n\n### ⚠ {{title}}\n\n{{#each notes}}\n* {{#if commit.scope}}**{{commit.scope}}:** {{/if}}{{text}}\n{{/each}}\n{{/each}}\n{{/if}}\n{{#each commitGroups}}\n\n{{#if title}}\n### {{title}}\n\n{{/if}}\n{{#each commits}}\n{{> commit root=@root}}\n{{/each}}\n{{/each}}\n',
  header:
    '## {{#if @root.linkCompare~}}\n  [{{version}}]({{compareUrlFormat}})\n{{~else}}\n  {{~version}}\n{{~/if}}\n{{~#if title}} "{{title}}"\n{{~/if}}\n{{~#if date}} ({{date}})\n{{/if}}\n',
  commit:
    '*{{#if scope}} **{{scope}}:**\n{{~/if}} {{#if subject}}\n  {{~subject}}\n{{~else}}\n  {{~header}}\n{{~/if}}\n\n{{~!-- commit link --}}{{~#if hash}} {{#if @root.linkReferences~}}\n  ([{{shortHash}}]({{commitUrlFormat}}))\n{{~else}}\n  {{~shortHash}}\n{{~/if}}{{~/if}}\n\n{{~!-- commit references --}}\n{{~#if references~}}\n  , closes\n  {{~#each references}} {{#if @root.linkReferences~}}\n    [\n    {{~#if this.owner}}\n      {{~this.owner}}/\n    {{~/if}}\n    {{~this.repository}}{{this.prefix}}{{this.issue}}]({{issueUrlFormat}})\n  {{~else}}\n    {{~#if this.owner}}\n      {{~this.owner}}/\n    {{~/if}}\n    {{~this.repository}}{{this.prefix}}{{this.issue}}\n  {{~/if}}{{/each}}\n{{~/if}}\n\n',
  footer: ''
} as const;

const RELEASE_AS = /release-as:\s*\w*@?([0-9]+\.[0-9]+\.[0-9a-z]+(-[0-9a-z.]+)?)\s*/i;
const OWNER = '{{#if this.owner}}{{~this.owner}}{{else}}{{~@root.owner}}{{/if}}';
const HOST = '{{~@root.host}}';
const REPOSITORY = '{{#if this.repository}}{{~this.repository}}{{else}}{{~@root.repository}}{{/if}}';

function expandTemplate(template: string, context: Record<string, string>): string {
  let expanded = template;
  for (const key of Object.keys(context)) {
    expanded = expanded.replace(new RegExp(`{{${key}}}`, 'g'), context[key]!);
  }
  return expanded;
}

interface Note {
  title: string;
  text: string;
}
interface Reference {
  prefix: string;
  issue: string;
}
interface ParsedCommit {
  type?: string | null;
  scope?: string | null;
  subject?: string | null;
  header?: string | null;
  body?: string | null;
  footer?: string | null;
  hash?: string;
  shortHash?: string;
  revert?: unknown;
  notes: Note[];
  references: Reference[];
}

function addBangNotes(commit: ParsedCommit): Note[] {
  const match = (commit.header ?? '').match(BREAKING_HEADER_PATTERN);
  if (match && commit.notes.length === 0) return [{ title: 'BREAKING CHANGE', text: match[3] ?? '' }];
  return commit.notes;
}

/** conventional-changelog-writer options of the preset. */
export function conventionalWriterOpts(config: PresetConfig = {}): Record<string, unknown> {
  const final = {
    types: DEFAULT_COMMIT_TYPES,
    issueUrlFormat: '{{host}}/{{owner}}/{{repository}}/issues/{{id}}',
    commitUrlFormat: '{{host}}/{{owner}}/{{repository}}/commit/{{hash}}',
    compareUrlFormat: '{{host}}/{{owner}}/{{repository}}/compare/{{previousTag}}...{{currentTag}}',
    userUrlFormat: '{{host}}/{{user}}',
    issuePrefixes: ['#'],
    ...config
  };
  const types = final.types;
  const commitUrlFormat = expandTemplate(final.commitUrlFormat, {
    host: HOST,
    owner: OWNER,
    repository: REPOSITORY
  });
  const compareUrlFormat = expandTemplate(final.compareUrlFormat, {
    host: HOST,
    owner: OWNER,
    repository: REPOSITORY
  });
  const issueUrlFormat = expandTemplate(final.issueUrlFormat, {
    host: HOST,
    owner: OWNER,
    repository: REPOSITORY,
    id: '{{this.issue}}',
    prefix: '{{this.prefix}}'
  });
  const groupOrder = types.flatMap((t) => t.section ?? []).filter(Boolean);
  const findType = (commit: ParsedCommit): CommitType | undefined => {
    const key = (commit.revert ? 'revert' : commit.type || '').toLowerCase();
    return types.find((t) => t.type === key && (!t.scope || t.scope === commit.scope));
  };

  return {
    transform: (commit: ParsedCommit, context: { host?: string; owner?: string; repository?: string }) => {
      let discard = true;
      const issues: string[] = [];
      const entry = findType(commit);
      let notes = addBangNotes(commit);
      if (
        (commit.footer && RELEASE_AS.test(commit.footer)) ||
        (commit.body && RELEASE_AS.test(commit.body))
      ) {
        discard = false;
      }
      notes = notes.map((note) => {
        discard = false;
        return { ...note, title: 'BREAKING CHANGES' };
      });
      if (discard && (entry === undefined || entry.hidden)) return undefined;
      const type = entry ? entry.section : commit.type;
      const scope = commit.scope === '*' ? '' : commit.scope;
      const shortHash = typeof commit.hash === 'string' ? commit.hash.substring(0, 7) : commit.shortHash;
      let subject = commit.subject;
      if (typeof subject === 'string') {
        const re = new RegExp(`(${final.issuePrefixes.join('|')})([a-z0-9]+)`, 'g');
        subject = subject.replace(re, (_: string, prefix: string, issue: string) => {
          issues.push(prefix + issue);
          const url = expandTemplate(final.issueUrlFormat, {
            host: context.host ?? '',
            owner: context.owner ?? '',
            repository: context.repository ?? '',
            id: issue,
            prefix
          });
          return `[${prefix}${issue}](${url})`;
        });
        subject = subject.replace(/\B@([a-z0-9](?:-?[a-z0-9/]){0,38})/g, (_: string, user: string) => {
          if (user.includes('/')) return `@${user}`;
          const url = expandTemplate(final.userUrlFormat, {
            host: context.host ?? '',
            owner: context.owner ?? '',
            repository: context.repository ?? '',
            user
          });
          return `[@${user}](${url})`;
        });
      }
      const references = commit.references.filter((r) => !issues.includes(r.prefix + r.issue));
      return { notes, type, scope, shortHash, subject, references };
    },
    groupBy: 'type',
    commitGroupsSort: (a: { title: string }, b: { title: string }) =>
      groupOrder.indexOf(a.title) - groupOrder.indexOf(b.title),
    commitsSort: ['scope', 'subject'],
    noteGroupsSort: 'title',
    // upstream passes compare-func's factory as the comparator; it returns a function, which Array#sort reads as
    // 0, so notes keep their commit order. Said plainly here:
    notesSort: () => 0,
    mainTemplate: TEMPLATES.main,
    headerPartial: TEMPLATES.header.replace(/{{compareUrlFormat}}/g, compareUrlFormat),
    commitPartial: TEMPLATES.commit
      .replace(/{{commitUrlFormat}}/g, commitUrlFormat)
      .replace(/{{issueUrlFormat}}/g, issueUrlFormat),
    footerPartial: TEMPLATES.footer
  };
}
