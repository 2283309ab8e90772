/**
 * Runs semantic-release (bundled) once per release target with Slipway's plugin set:
 * Conventional Commits analysis and notes (the preset as plain options, see lib/release-preset.ts), an optional
 * CHANGELOG file, and GitHub releases through GITHUB_API_URL. Per-service targets see only the commits attributed
 * to their service (lib/commit-attribution.ts) — semantic-release itself has no monorepo support
 * (semantic-release#193), so the filter wraps the analyze and notes steps.
 *
 * Imported dynamically by main.ts after the package.json shim is installed (see package-json-shim.ts).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import semanticRelease from 'semantic-release';
import * as commitAnalyzer from '@semantic-release/commit-analyzer';
import * as notesGenerator from '@semantic-release/release-notes-generator';
import * as github from '@semantic-release/github';
import * as changelog from '@semantic-release/changelog';
import { ConfigurationError } from '../lib/errors.js';
import { execTool } from '../lib/exec.js';
import { compileAttribution, type Attribution } from '../lib/commit-attribution.js';
import { readCommitFiles } from '../lib/release-git.js';
import { conventionalParserOpts, conventionalWriterOpts } from '../lib/release-preset.js';
import type { BranchSpec, ReleaseTarget } from './options.js';
import type { ServicesManifest } from '../lib/services-manifest.js';

interface SrCommit {
  hash: string;
  message: string;
}

interface StepContext {
  cwd: string;
  commits: SrCommit[];
  lastRelease?: { gitTag?: string };
  logger: { log(...args: unknown[]): void };
}

export interface TargetStats {
  /** commits since the target's last release */
  considered: number;
  /** of those, the ones attributed to the target (all of them for the repo-wide release) */
  attributed: number;
  /** of those, the ones with a Conventional Commits header */
  conventional: number;
  /** a few non-conventional subjects, for the message */
  examples: string[];
  lastTag?: string;
}

export interface TargetResult {
  target: ReleaseTarget;
  published: boolean;
  version: string;
  tag: string;
  notes: string;
  lastVersion: string;
  releaseType: string;
  releaseUrl: string;
  stats: TargetStats;
}

export interface EngineOptions {
  cwd: string;
  env: Record<string, string>;
  branches: BranchSpec[];
  repositoryUrl: string;
  dryRun: boolean;
  manifest?: ServicesManifest;
}

const HEADER = conventionalParserOpts().headerPattern as RegExp;

/** Files per commit, shared by every target of one run (one git diff-tree for all commits). */
class CommitFilesCache {
  private readonly files = new Map<string, string[]>();
  constructor(private readonly cwd: string) {}
  async get(shas: string[]): Promise<Map<string, string[]>> {
    const missing = shas.filter((s) => !this.files.has(s));
    for (const [sha, files] of await readCommitFiles(this.cwd, missing)) this.files.set(sha, files);
    return new Map(shas.map((s) => [s, this.files.get(s) ?? []]));
  }
}

function commitFilter(
  service: string,
  attribution: Attribution,
  cache: CommitFilesCache
): (commits: SrCommit[]) => Promise<SrCommit[]> {
  return async (commits) => {
    const files = await cache.get(commits.map((c) => c.hash));
    return commits.filter((c) => attribution.servicesOf(files.get(c.hash) ?? []).includes(service));
  };
}

/** The plugin objects semantic-release runs for one target (fresh objects per run: it tags them with names). */
export function buildPlugins(
  target: ReleaseTarget,
  stats: TargetStats,
  filter?: (commits: SrCommit[]) => Promise<SrCommit[]>
): Array<[object, object]> {
  // No `preset`/`config`: those are looked up by package name at run time, which a bundle cannot do. The preset's
  // options replace every key of the built-in fallback (angular) preset.
  const parserOpts = conventionalParserOpts();
  const writerOpts = conventionalWriterOpts();
  const scoped = async (context: StepContext): Promise<StepContext> => {
    const commits = filter ? await filter(context.commits) : context.commits;
    return { ...context, commits };
  };
  const label = target.service ? `service '${target.service}'` : 'the repository';
  const analyzer = {
    async analyzeCommits(pluginConfig: object, context: StepContext) {
      const own = await scoped(context);
      stats.considered = context.commits.length;
      stats.attributed = own.commits.length;
      stats.lastTag = context.lastRelease?.gitTag || undefined;
      const subjects = own.commits.map((c) => c.message.split('\n')[0] ?? '');
      const nonConventional = subjects.filter((s) => !HEADER.test(s));
      stats.conventional = subjects.length - nonConventional.length;
      stats.examples = nonConventional.slice(0, 3);
      if (filter) {
        context.logger.log(
          `${own.commits.length} of ${context.commits.length} commit(s) touch ${label} (services manifest path globs)`
        );
      }
      return commitAnalyzer.analyzeCommits(
        { ...pluginConfig, preset: undefined, config: undefined, parserOpts },
        own
      );
    }
  };
  const notes = {
    async generateNotes(pluginConfig: object, context: StepContext) {
      return notesGenerator.generateNotes(
        { ...pluginConfig, preset: undefined, config: undefined, parserOpts, writerOpts },
        await scoped(context)
      );
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
    verifyConditions: (c: object, ctx: object) => github.verifyConditions(c, ctx),
    publish: (c: object, ctx: object) => github.publish(c, ctx)
  };
  const plugins: Array<[object, object]> = [
    [analyzer, {}],
    [notes, {}]
  ];
  if (target.changelogFile) {
    plugins.push([
      {
        verifyConditions: (c: object, ctx: object) => changelog.verifyConditions(c, ctx),
        prepare: (c: object, ctx: object) => changelog.prepare(c, ctx)
      },
      { changelogFile: target.changelogFile }
    ]);
  }
  plugins.push([githubPlugin, githubConfig]);
  return plugins;
}

interface SemanticReleaseError extends Error {
  semanticRelease?: boolean;
  code?: string;
  details?: string;
  errors?: unknown[];
}

/** semantic-release throws an AggregateError of SemanticReleaseErrors for configuration problems. */
export function describeFailure(error: unknown, target: ReleaseTarget): Error {
  const label = target.service ? `service '${target.service}'` : 'the repository';
  const all = (
    error && typeof error === 'object' && Array.isArray((error as SemanticReleaseError).errors)
      ? (error as SemanticReleaseError).errors!
      : [error]
  ) as SemanticReleaseError[];
  const known = all.filter((e) => e && e.semanticRelease);
  if (known.length === 0) return error instanceof Error ? error : new Error(String(error));
  const text = known
    .map(
      (e) =>
        `${e.code}: ${e.message}${e.details ? `\n${e.details.trim().split('\n').slice(0, 6).join('\n')}` : ''}`
    )
    .join('\n\n');
  return new ConfigurationError(`semantic-release could not release ${label}:\n${text}`);
}

/**
 * semantic-release looks for its own configuration (release.config.*, .releaserc*, package.json "release") in its
 * working directory and merges it over ours: a repository's config file would replace the action's plugins, and a
 * JavaScript one cannot even be loaded from a bundle. The action's inputs are its whole configuration, so
 * semantic-release runs in an empty directory and reaches the repository through GIT_DIR/GIT_WORK_TREE. They go
 * into this process's environment too, not only semantic-release's `env`: some of its git calls (the branch
 * listing) pass only `cwd` and inherit process.env.
 */
async function isolatedWorkdir(repoRoot: string): Promise<{ cwd: string; env: Record<string, string> }> {
  const { stdout } = await execTool('git', ['rev-parse', '--absolute-git-dir'], {
    cwd: repoRoot,
    hint: () => `'${repoRoot}' is not a git checkout; run actions/checkout with fetch-depth: 0 first`
  });
  const cwd = mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'slipway-release-'));
  return { cwd, env: { GIT_DIR: stdout.trim(), GIT_WORK_TREE: path.resolve(repoRoot) } };
}

export async function releaseTargets(
  options: EngineOptions,
  targets: ReleaseTarget[]
): Promise<TargetResult[]> {
  const isolated = await isolatedWorkdir(options.cwd);
  const saved = { GIT_DIR: process.env.GIT_DIR, GIT_WORK_TREE: process.env.GIT_WORK_TREE };
  Object.assign(process.env, isolated.env);
  try {
    return await releaseEach(options, targets, isolated);
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

async function releaseEach(
  options: EngineOptions,
  targets: ReleaseTarget[],
  isolated: { cwd: string; env: Record<string, string> }
): Promise<TargetResult[]> {
  const attribution = options.manifest ? compileAttribution(options.manifest) : undefined;
  const cache = new CommitFilesCache(options.cwd);
  const results: TargetResult[] = [];
  for (const target of targets) {
    const stats: TargetStats = { considered: 0, attributed: 0, conventional: 0, examples: [] };
    const filter =
      target.service && attribution ? commitFilter(target.service, attribution, cache) : undefined;
    let result: Awaited<ReturnType<typeof semanticRelease>>;
    try {
      result = await semanticRelease(
        {
          branches: options.branches as never,
          repositoryUrl: options.repositoryUrl,
          tagFormat: target.tagFormat,
          dryRun: options.dryRun,
          plugins: buildPlugins(
            {
              ...target,
              changelogFile: target.changelogFile && path.resolve(options.cwd, target.changelogFile)
            },
            stats,
            filter
          ) as never
        },
        {
          cwd: isolated.cwd,
          env: { ...options.env, ...isolated.env },
          stdout: process.stdout,
          stderr: process.stderr
        }
      );
    } catch (error) {
      const failure = describeFailure(error, target);
      const done = results.filter((r) => r.published).map((r) => r.tag);
      if (done.length > 0) failure.message += `\n(released before this failure: ${done.join(', ')})`;
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
