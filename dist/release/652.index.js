export const id = 652;
export const ids = [652];
export const modules = {

/***/ 51456:
/***/ ((module) => {

function webpackEmptyAsyncContext(req) {
	// Here Promise.resolve().then() is used instead of new Promise() to prevent
	// uncaught exception popping up in devtools
	return Promise.resolve().then(() => {
		var e = new Error("Cannot find module '" + req + "'");
		e.code = 'MODULE_NOT_FOUND';
		throw e;
	});
}
webpackEmptyAsyncContext.keys = () => ([]);
webpackEmptyAsyncContext.resolve = webpackEmptyAsyncContext;
webpackEmptyAsyncContext.id = 51456;
module.exports = webpackEmptyAsyncContext;

/***/ }),

/***/ 86497:
/***/ ((module) => {

function webpackEmptyAsyncContext(req) {
	// Here Promise.resolve().then() is used instead of new Promise() to prevent
	// uncaught exception popping up in devtools
	return Promise.resolve().then(() => {
		var e = new Error("Cannot find module '" + req + "'");
		e.code = 'MODULE_NOT_FOUND';
		throw e;
	});
}
webpackEmptyAsyncContext.keys = () => ([]);
webpackEmptyAsyncContext.resolve = webpackEmptyAsyncContext;
webpackEmptyAsyncContext.id = 86497;
module.exports = webpackEmptyAsyncContext;

/***/ }),

/***/ 39279:
/***/ ((module, __unused_webpack_exports, __webpack_require__) => {

var map = {
	"./index.js": 7164,
	"./normalize.js": 49595,
	"./pipeline.js": 58292,
	"./utils.js": 8501
};

function webpackAsyncContext(req) {
	return Promise.resolve().then(() => {
		if(!__webpack_require__.o(map, req)) {
			var e = new Error("Cannot find module '" + req + "'");
			e.code = 'MODULE_NOT_FOUND';
			throw e;
		}

		var id = map[req];
		return __webpack_require__(id);
	});
}
webpackAsyncContext.keys = () => (Object.keys(map));
webpackAsyncContext.id = 39279;
module.exports = webpackAsyncContext;

/***/ }),

/***/ 615:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  releaseTargets: () => (/* binding */ releaseTargets)
});

// UNUSED EXPORTS: buildPlugins, describeFailure

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./node_modules/semantic-release/index.js + 103 modules
var semantic_release = __webpack_require__(85493);
// EXTERNAL MODULE: ./node_modules/@semantic-release/commit-analyzer/index.js + 7 modules
var commit_analyzer = __webpack_require__(73602);
// EXTERNAL MODULE: ./node_modules/@semantic-release/release-notes-generator/index.js + 23 modules
var release_notes_generator = __webpack_require__(60320);
// EXTERNAL MODULE: ./node_modules/@semantic-release/github/index.js + 36 modules
var github = __webpack_require__(11089);
// EXTERNAL MODULE: ./node_modules/@semantic-release/changelog/index.js
var changelog = __webpack_require__(25133);
// EXTERNAL MODULE: ./.tmp/build/actions/lib/errors.js
var errors = __webpack_require__(33337);
// EXTERNAL MODULE: ./.tmp/build/actions/lib/exec.js
var exec = __webpack_require__(25675);
// EXTERNAL MODULE: ./node_modules/picomatch/index.js
var picomatch = __webpack_require__(14006);
;// CONCATENATED MODULE: ./.tmp/build/actions/lib/commit-attribution.js
/**
 * Attributes commits to the services of a monorepo by the files they touch, with the services manifest's path
 * globs (the same rules as `plan`: picomatch with dotfiles; a change under `shared-paths` counts for every
 * service). Pure: the files of each commit come from `git diff-tree` (see readCommitFiles in release-git.ts).
 */

const MATCH_OPTIONS = { dot: true };
function compileAttribution(manifest) {
    const shared = manifest.sharedPaths.length > 0 ? picomatch(manifest.sharedPaths, MATCH_OPTIONS) : undefined;
    const matchers = manifest.services.map((s) => ({
        name: s.name,
        match: s.paths.length > 0 ? picomatch(s.paths, MATCH_OPTIONS) : () => false
    }));
    const services = matchers.map((m) => m.name);
    return {
        services,
        servicesOf(files) {
            if (shared && files.some((f) => shared(f)))
                return [...services];
            return matchers.filter((m) => files.some((f) => m.match(f))).map((m) => m.name);
        }
    };
}
/** service → the shas (in the given order) that count for it. Every service of the manifest has an entry. */
function attributeCommits(commits, attribution) {
    const result = new Map(attribution.services.map((s) => [s, []]));
    for (const commit of commits) {
        for (const service of attribution.servicesOf(commit.files))
            result.get(service).push(commit.sha);
    }
    return result;
}
/**
 * Parses `git diff-tree --stdin -r --name-only --root -z` output for the given shas. The
 * output is `<sha>\0<file>\0…` per commit, in input order; a commit with no diff (a merge without -m, an empty
 * commit) prints nothing. A token is taken as the next commit's header only when it is one of the shas asked
 * for, so a file that happens to be named like a sha stays a file.
 */
function parseDiffTreeOutput(output, shas) {
    const files = new Map(shas.map((s) => [s, []]));
    const pending = new Set(shas);
    let current;
    for (const token of output.split('\0')) {
        if (token === '')
            continue;
        if (pending.has(token)) {
            pending.delete(token);
            current = files.get(token);
            continue;
        }
        current?.push(token);
    }
    return files;
}

;// CONCATENATED MODULE: ./.tmp/build/actions/lib/release-git.js
/** Git queries of the release action: which files each commit touched (one `git diff-tree` for all of them). */


/**
 * Files touched by each commit, from one `git diff-tree --stdin` (shas on stdin, `<sha>\0<file>\0…` out). The root
 * commit is diffed against the empty tree (`--root`); renames count as delete + add so both paths attribute; a
 * merge commit lists no files (its changes belong to the commits it merges, which are in the range too).
 */
async function readCommitFiles(cwd, shas) {
    if (shas.length === 0)
        return new Map();
    const { stdout } = await (0,exec/* execTool */.wc)('git', ['diff-tree', '--stdin', '-r', '--name-only', '--root', '--no-renames', '-z'], {
        cwd,
        input: `${shas.join('\n')}\n`
    });
    return parseDiffTreeOutput(stdout, shas);
}

;// CONCATENATED MODULE: ./.tmp/build/actions/lib/release-preset.js
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
const DEFAULT_COMMIT_TYPES = Object.freeze([
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
].map((t) => Object.freeze(t)));
const BREAKING_HEADER_PATTERN = /^(\w*)(?:\((.*)\))?!: (.*)$/;
/** conventional-commits-parser options of the preset. */
function conventionalParserOpts(config = {}) {
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
const TEMPLATES = {
    main: '{{> header}}\n{{#if noteGroups}}\n{{#each noteGroups}}\n\n### ⚠ {{title}}\n\n{{#each notes}}\n* {{#if commit.scope}}**{{commit.scope}}:** {{/if}}{{text}}\n{{/each}}\n{{/each}}\n{{/if}}\n{{#each commitGroups}}\n\n{{#if title}}\n### {{title}}\n\n{{/if}}\n{{#each commits}}\n{{> commit root=@root}}\n{{/each}}\n{{/each}}\n',
    header: '## {{#if @root.linkCompare~}}\n  [{{version}}]({{compareUrlFormat}})\n{{~else}}\n  {{~version}}\n{{~/if}}\n{{~#if title}} "{{title}}"\n{{~/if}}\n{{~#if date}} ({{date}})\n{{/if}}\n',
    commit: '*{{#if scope}} **{{scope}}:**\n{{~/if}} {{#if subject}}\n  {{~subject}}\n{{~else}}\n  {{~header}}\n{{~/if}}\n\n{{~!-- commit link --}}{{~#if hash}} {{#if @root.linkReferences~}}\n  ([{{shortHash}}]({{commitUrlFormat}}))\n{{~else}}\n  {{~shortHash}}\n{{~/if}}{{~/if}}\n\n{{~!-- commit references --}}\n{{~#if references~}}\n  , closes\n  {{~#each references}} {{#if @root.linkReferences~}}\n    [\n    {{~#if this.owner}}\n      {{~this.owner}}/\n    {{~/if}}\n    {{~this.repository}}{{this.prefix}}{{this.issue}}]({{issueUrlFormat}})\n  {{~else}}\n    {{~#if this.owner}}\n      {{~this.owner}}/\n    {{~/if}}\n    {{~this.repository}}{{this.prefix}}{{this.issue}}\n  {{~/if}}{{/each}}\n{{~/if}}\n\n',
    footer: ''
};
const RELEASE_AS = /release-as:\s*\w*@?([0-9]+\.[0-9]+\.[0-9a-z]+(-[0-9a-z.]+)?)\s*/i;
const OWNER = '{{#if this.owner}}{{~this.owner}}{{else}}{{~@root.owner}}{{/if}}';
const HOST = '{{~@root.host}}';
const REPOSITORY = '{{#if this.repository}}{{~this.repository}}{{else}}{{~@root.repository}}{{/if}}';
function expandTemplate(template, context) {
    let expanded = template;
    for (const key of Object.keys(context)) {
        expanded = expanded.replace(new RegExp(`{{${key}}}`, 'g'), context[key]);
    }
    return expanded;
}
function addBangNotes(commit) {
    const match = (commit.header ?? '').match(BREAKING_HEADER_PATTERN);
    if (match && commit.notes.length === 0)
        return [{ title: 'BREAKING CHANGE', text: match[3] ?? '' }];
    return commit.notes;
}
/** conventional-changelog-writer options of the preset. */
function conventionalWriterOpts(config = {}) {
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
    const findType = (commit) => {
        const key = (commit.revert ? 'revert' : commit.type || '').toLowerCase();
        return types.find((t) => t.type === key && (!t.scope || t.scope === commit.scope));
    };
    return {
        transform: (commit, context) => {
            let discard = true;
            const issues = [];
            const entry = findType(commit);
            let notes = addBangNotes(commit);
            if ((commit.footer && RELEASE_AS.test(commit.footer)) ||
                (commit.body && RELEASE_AS.test(commit.body))) {
                discard = false;
            }
            notes = notes.map((note) => {
                discard = false;
                return { ...note, title: 'BREAKING CHANGES' };
            });
            if (discard && (entry === undefined || entry.hidden))
                return undefined;
            const type = entry ? entry.section : commit.type;
            const scope = commit.scope === '*' ? '' : commit.scope;
            const shortHash = typeof commit.hash === 'string' ? commit.hash.substring(0, 7) : commit.shortHash;
            let subject = commit.subject;
            if (typeof subject === 'string') {
                const re = new RegExp(`(${final.issuePrefixes.join('|')})([a-z0-9]+)`, 'g');
                subject = subject.replace(re, (_, prefix, issue) => {
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
                subject = subject.replace(/\B@([a-z0-9](?:-?[a-z0-9/]){0,38})/g, (_, user) => {
                    if (user.includes('/'))
                        return `@${user}`;
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
        commitGroupsSort: (a, b) => groupOrder.indexOf(a.title) - groupOrder.indexOf(b.title),
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

;// CONCATENATED MODULE: ./.tmp/build/actions/release/engine.js
/**
 * Runs semantic-release (bundled) once per release target with Slipway's plugin set:
 * Conventional Commits analysis and notes (the preset as plain options, see lib/release-preset.ts), an optional
 * CHANGELOG file, and GitHub releases through GITHUB_API_URL. Per-service targets see only the commits attributed
 * to their service (lib/commit-attribution.ts) — semantic-release itself has no monorepo support
 * (semantic-release#193), so the filter wraps the analyze and notes steps.
 *
 * Imported dynamically by main.ts after the package.json shim is installed (see package-json-shim.ts).
 */













const HEADER = conventionalParserOpts().headerPattern;
/** Files per commit, shared by every target of one run (one git diff-tree for all commits). */
class CommitFilesCache {
    cwd;
    files = new Map();
    constructor(cwd) {
        this.cwd = cwd;
    }
    async get(shas) {
        const missing = shas.filter((s) => !this.files.has(s));
        for (const [sha, files] of await readCommitFiles(this.cwd, missing))
            this.files.set(sha, files);
        return new Map(shas.map((s) => [s, this.files.get(s) ?? []]));
    }
}
function commitFilter(service, attribution, cache) {
    return async (commits) => {
        const files = await cache.get(commits.map((c) => c.hash));
        return commits.filter((c) => attribution.servicesOf(files.get(c.hash) ?? []).includes(service));
    };
}
/** The plugin objects semantic-release runs for one target (fresh objects per run: it tags them with names). */
function buildPlugins(target, stats, filter) {
    // No `preset`/`config`: those are looked up by package name at run time, which a bundle cannot do. The preset's
    // options replace every key of the built-in fallback (angular) preset.
    const parserOpts = conventionalParserOpts();
    const writerOpts = conventionalWriterOpts();
    const scoped = async (context) => {
        const commits = filter ? await filter(context.commits) : context.commits;
        return { ...context, commits };
    };
    const label = target.service ? `service '${target.service}'` : 'the repository';
    const analyzer = {
        async analyzeCommits(pluginConfig, context) {
            const own = await scoped(context);
            stats.considered = context.commits.length;
            stats.attributed = own.commits.length;
            stats.lastTag = context.lastRelease?.gitTag || undefined;
            const subjects = own.commits.map((c) => c.message.split('\n')[0] ?? '');
            const nonConventional = subjects.filter((s) => !HEADER.test(s));
            stats.conventional = subjects.length - nonConventional.length;
            stats.examples = nonConventional.slice(0, 3);
            if (filter) {
                context.logger.log(`${own.commits.length} of ${context.commits.length} commit(s) touch ${label} (services manifest path globs)`);
            }
            return commit_analyzer/* analyzeCommits */.v({ ...pluginConfig, preset: undefined, config: undefined, parserOpts }, own);
        }
    };
    const notes = {
        async generateNotes(pluginConfig, context) {
            return release_notes_generator/* generateNotes */.f({ ...pluginConfig, preset: undefined, config: undefined, parserOpts, writerOpts }, await scoped(context));
        }
    };
    // Issue/PR comments, labels and failure issues are off: they need the search and GraphQL APIs and write to
    // issues, which a release of images does not need; the GitHub release is the record.
    const githubConfig = {
        successComment: false,
        failComment: false,
        failTitle: false,
        labels: false,
        releasedLabels: false
    };
    const githubPlugin = {
        verifyConditions: (c, ctx) => github/* verifyConditions */.gY(c, ctx),
        publish: (c, ctx) => github/* publish */.mk(c, ctx)
    };
    const plugins = [
        [analyzer, {}],
        [notes, {}]
    ];
    if (target.changelogFile) {
        plugins.push([
            {
                verifyConditions: (c, ctx) => changelog.verifyConditions(c, ctx),
                prepare: (c, ctx) => changelog.prepare(c, ctx)
            },
            { changelogFile: target.changelogFile }
        ]);
    }
    plugins.push([githubPlugin, githubConfig]);
    return plugins;
}
/** semantic-release throws an AggregateError of SemanticReleaseErrors for configuration problems. */
function describeFailure(error, target) {
    const label = target.service ? `service '${target.service}'` : 'the repository';
    const all = (error && typeof error === 'object' && Array.isArray(error.errors)
        ? error.errors
        : [error]);
    const known = all.filter((e) => e && e.semanticRelease);
    if (known.length === 0)
        return error instanceof Error ? error : new Error(String(error));
    const text = known
        .map((e) => `${e.code}: ${e.message}${e.details ? `\n${e.details.trim().split('\n').slice(0, 6).join('\n')}` : ''}`)
        .join('\n\n');
    return new errors/* ConfigurationError */.j1(`semantic-release could not release ${label}:\n${text}`);
}
/**
 * semantic-release looks for its own configuration (release.config.*, .releaserc*, package.json "release") in its
 * working directory and merges it over ours: a repository's config file would replace the action's plugins, and a
 * JavaScript one cannot even be loaded from a bundle. The action's inputs are its whole configuration, so
 * semantic-release runs in an empty directory and reaches the repository through GIT_DIR/GIT_WORK_TREE. They go
 * into this process's environment too, not only semantic-release's `env`: some of its git calls (the branch
 * listing) pass only `cwd` and inherit process.env.
 */
async function isolatedWorkdir(repoRoot) {
    const { stdout } = await (0,exec/* execTool */.wc)('git', ['rev-parse', '--absolute-git-dir'], {
        cwd: repoRoot,
        hint: () => `'${repoRoot}' is not a git checkout; run actions/checkout with fetch-depth: 0 first`
    });
    const cwd = (0,external_node_fs_.mkdtempSync)(external_node_path_.join(process.env.RUNNER_TEMP || external_node_os_.tmpdir(), 'slipway-release-'));
    return { cwd, env: { GIT_DIR: stdout.trim(), GIT_WORK_TREE: external_node_path_.resolve(repoRoot) } };
}
async function releaseTargets(options, targets) {
    const isolated = await isolatedWorkdir(options.cwd);
    const saved = { GIT_DIR: process.env.GIT_DIR, GIT_WORK_TREE: process.env.GIT_WORK_TREE };
    Object.assign(process.env, isolated.env);
    try {
        return await releaseEach(options, targets, isolated);
    }
    finally {
        for (const [key, value] of Object.entries(saved)) {
            if (value === undefined)
                delete process.env[key];
            else
                process.env[key] = value;
        }
    }
}
async function releaseEach(options, targets, isolated) {
    const attribution = options.manifest ? compileAttribution(options.manifest) : undefined;
    const cache = new CommitFilesCache(options.cwd);
    const results = [];
    for (const target of targets) {
        const stats = { considered: 0, attributed: 0, conventional: 0, examples: [] };
        const filter = target.service && attribution ? commitFilter(target.service, attribution, cache) : undefined;
        let result;
        try {
            result = await (0,semantic_release/* default */.A)({
                branches: options.branches,
                repositoryUrl: options.repositoryUrl,
                tagFormat: target.tagFormat,
                dryRun: options.dryRun,
                plugins: buildPlugins({
                    ...target,
                    changelogFile: target.changelogFile && external_node_path_.resolve(options.cwd, target.changelogFile)
                }, stats, filter)
            }, {
                cwd: isolated.cwd,
                env: { ...options.env, ...isolated.env },
                stdout: process.stdout,
                stderr: process.stderr
            });
        }
        catch (error) {
            const failure = describeFailure(error, target);
            const done = results.filter((r) => r.published).map((r) => r.tag);
            if (done.length > 0)
                failure.message += `\n(released before this failure: ${done.join(', ')})`;
            throw failure;
        }
        const next = result ? result.nextRelease : undefined;
        const github = result ? result.releases.find((r) => r.name === 'GitHub release') : undefined;
        results.push({
            target,
            published: Boolean(next) && !options.dryRun,
            version: next?.version ?? '',
            tag: next?.gitTag ?? '',
            notes: next?.notes ?? '',
            lastVersion: result ? (result.lastRelease.version ?? '') : '',
            releaseType: next?.type ?? '',
            releaseUrl: github?.url ?? '',
            stats
        });
    }
    return results;
}


/***/ })

};
