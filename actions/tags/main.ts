/**
 * Wiring of the tags action. Cold start matters (it runs once per image per build): the GitHub client and the
 * services manifest reader are imported only on the paths that need them (see README.md, "Cold start").
 */
import * as core from '@actions/core';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigurationError } from '../lib/errors.js';
import { optionalString, stringInput } from '../lib/inputs.js';
import { code, writeTableSummary } from '../lib/summary.js';
import {
  annotationsBake,
  commitDateFromPayload,
  computeTags,
  ghcrImageName,
  inputList,
  type BakeDefinition,
  type EventPayload,
  type TagsContext,
  type TagsMode
} from './compute.js';
import { releaseTagRules } from './rules.js';

interface RepositoryPayload {
  name?: string;
  html_url?: string;
  description?: string | null;
  license?: { spdx_id?: string } | null;
  default_branch?: string;
}

/**
 * The workflow context as @actions/github builds it, from the runner's default environment variables and the
 * webhook payload file (GITHUB_EVENT_PATH), without loading the GitHub client.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/variables#default-environment-variables
 */
function workflowContext() {
  const eventPath = process.env.GITHUB_EVENT_PATH;
  const payload = (
    eventPath && existsSync(eventPath) ? JSON.parse(readFileSync(eventPath, 'utf8')) : {}
  ) as EventPayload & {
    repository?: RepositoryPayload;
  };
  return {
    eventName: process.env.GITHUB_EVENT_NAME ?? '',
    ref: process.env.GITHUB_REF ?? '',
    sha: process.env.GITHUB_SHA ?? '',
    payload
  };
}

const github = () => import('../lib/github.js');

async function repositoryInfo(payload: { repository?: RepositoryPayload }, token: string | undefined) {
  const r = payload.repository;
  if (r?.name && r.html_url && r.default_branch) {
    return {
      name: r.name,
      htmlUrl: r.html_url,
      description: r.description,
      license: r.license?.spdx_id,
      defaultBranch: r.default_branch
    };
  }
  const { currentRepo, getClient } = await github();
  const { owner, repo } = currentRepo();
  if (!token) {
    return {
      name: repo,
      htmlUrl: `${process.env.GITHUB_SERVER_URL || 'https://github.com'}/${owner}/${repo}`,
      defaultBranch: 'main'
    };
  }
  // The event carries no repository (some schedule/dispatch payloads): ask the API, as metadata-action does.
  // https://docs.github.com/en/rest/repos/repos#get-a-repository
  const { data } = await getClient(token, { operation: 'read-repository' }).rest.repos.get({ owner, repo });
  return {
    name: data.name,
    htmlUrl: data.html_url,
    description: data.description,
    license: data.license?.spdx_id,
    defaultBranch: data.default_branch
  };
}

/**
 * metadata-action's commit date: the payload's commit, else the API's committer date, else the clock. The API is
 * asked only when a template uses {{commit_date}} (the result is the same, one request fewer).
 * https://docs.github.com/en/rest/commits/commits#get-a-commit
 */
async function commitDate(payload: EventPayload, sha: string, token: string | undefined, used: boolean) {
  const fromPayload = commitDateFromPayload(payload, sha);
  if (fromPayload || !used || !token || !sha) return fromPayload ?? new Date();
  try {
    const { currentRepo, getClient } = await github();
    const { owner, repo } = currentRepo();
    const { data } = await getClient(token, { operation: 'read-repository' }).rest.repos.getCommit({
      owner,
      repo,
      ref: sha
    });
    if (data.commit.committer?.date) return new Date(data.commit.committer.date);
  } catch (error) {
    core.debug(`Failed to get the commit date from the GitHub API: ${String(error)}`);
  }
  return new Date();
}

/** `service:` → the image from the services manifest (Slipway mode); else the `images` lines (metadata-action). */
async function imagesAndMode(): Promise<{ images: string[]; mode: TagsMode }> {
  const images = inputList(core.getInput('images'), 'images');
  const serviceName = optionalString('service');
  if (!serviceName) return { images, mode: 'metadata-action' };
  if (images.length > 0) {
    throw new ConfigurationError(
      "Inputs 'images' and 'service' are exclusive: 'images' is docker/metadata-action's interface, 'service' names the image from the services manifest"
    );
  }
  const { DEFAULT_MANIFEST_PATH, findService, loadServicesManifest } =
    await import('../lib/services-manifest.js');
  const root = stringInput('working-directory', process.env.GITHUB_WORKSPACE || process.cwd());
  const manifest = loadServicesManifest(root, stringInput('manifest', DEFAULT_MANIFEST_PATH));
  const service = findService(manifest, serviceName);
  if (service.image) return { images: [service.image.toLowerCase()], mode: 'slipway' };
  const owner =
    optionalString('owner') ?? process.env.GITHUB_REPOSITORY_OWNER ?? (await github()).currentRepo().owner;
  const name = ghcrImageName(
    owner,
    service.name,
    optionalString('image-prefix') ?? manifest.imagePrefix,
    optionalString('registry') ?? manifest.registry
  );
  return { images: [name], mode: 'slipway' };
}

/** The `tags` lines, or the release rules of the `version` input (never both). */
function tagRules(): string[] {
  const rules = inputList(core.getInput('tags'), 'tags');
  const version = optionalString('version');
  if (!version) return rules;
  if (rules.length > 0) {
    throw new ConfigurationError(
      "Inputs 'tags' and 'version' are exclusive: 'version' sets the semver rules itself; use 'tags' with type=semver,value=… for custom rules"
    );
  }
  return [...releaseTagRules(version)];
}

/** metadata-action's DOCKER_METADATA_SET_OUTPUT_ENV (default true): outputs also as DOCKER_METADATA_OUTPUT_* env. */
function outputEnvEnabled(): boolean {
  const raw = process.env.DOCKER_METADATA_SET_OUTPUT_ENV;
  if (!raw) return true;
  if (/^(true|1|t)$/i.test(raw)) return true;
  if (/^(false|0|f)$/i.test(raw)) return false;
  throw new ConfigurationError(`DOCKER_METADATA_SET_OUTPUT_ENV must be true or false, got '${raw}'`);
}

/**
 * A `labels`/`annotations` line is KEY=VALUE. docker/metadata-action drops a line without '=' silently; Slipway
 * refuses it, naming the input and the line, so a typo never ships an image without the label it meant.
 */
export function keyValueLines(lines: string[], input: string): string[] {
  lines.forEach((line, i) => {
    if (line.indexOf('=') <= 0) {
      throw new ConfigurationError(
        `Input '${input}', line ${i + 1}: '${line}' is not KEY=VALUE; write it as KEY=VALUE (e.g. org.opencontainers.image.vendor=ACME)`
      );
    }
  });
  return lines;
}

export async function run(): Promise<void> {
  const source = core.getInput('context') || 'workflow';
  if (source !== 'workflow') {
    throw new ConfigurationError(
      `Input 'context': '${source}' is not supported; Slipway reads the workflow context only (context: workflow)`
    );
  }
  const { images, mode } = await imagesAndMode();
  const tags = tagRules();
  const flavor = inputList(core.getInput('flavor'), 'flavor');
  const labels = keyValueLines(inputList(core.getInput('labels'), 'labels'), 'labels');
  const annotations = keyValueLines(inputList(core.getInput('annotations'), 'annotations'), 'annotations');
  const token = optionalString('github-token');
  const { eventName, ref, sha, payload: event } = workflowContext();
  const repo = await repositoryInfo(event, token);
  const templates = [...tags, ...flavor, ...labels, ...annotations];
  const usesCommitDate = templates.some((line) => line.includes('commit_date'));
  // moment-timezone only when a template can name a date helper.
  const formatDate = templates.some((line) => line.includes('date'))
    ? (await import('./dates.js')).formatDate
    : undefined;
  const defaultBranch = optionalString('default-branch');
  const ctx: TagsContext = {
    eventName,
    ref,
    sha,
    payload: defaultBranch
      ? { ...event, repository: { ...event.repository, default_branch: defaultBranch } }
      : event,
    repo: { ...repo, defaultBranch: defaultBranch ?? repo.defaultBranch },
    commitDate: await commitDate(event, sha, token, usesCommitDate),
    now: new Date()
  };
  const levels = (process.env.DOCKER_METADATA_ANNOTATIONS_LEVELS || 'manifest').split(',');
  const bakeTarget = core.getInput('bake-target') || 'docker-metadata-action';
  const result = computeTags(ctx, {
    mode,
    images,
    tags,
    flavor,
    labels,
    annotations,
    sepTags: core.getInput('sep-tags', { trimWhitespace: false }) || '\n',
    sepLabels: core.getInput('sep-labels', { trimWhitespace: false }) || '\n',
    sepAnnotations: core.getInput('sep-annotations', { trimWhitespace: false }) || '\n',
    annotationLevels: levels,
    prHeadSha: /true/i.test(process.env.DOCKER_METADATA_PR_HEAD_SHA || ''),
    shortShaLength: process.env.DOCKER_METADATA_SHORT_SHA_LENGTH,
    bakeTarget,
    formatDate
  });
  for (const warning of result.warnings) core.warning(warning);
  if (result.tags.length === 0) core.warning('No Docker tag has been generated. Check tags input.');
  core.info(`version: ${result.outputs.version}`);
  for (const tag of result.tags) core.info(`tag: ${tag}`);

  const bakeDir = mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'slipway-tags-'));
  const bakeFile = (suffix: string, definition: BakeDefinition) => {
    const file = path.join(bakeDir, `docker-metadata-action-bake${suffix}.json`);
    writeFileSync(file, JSON.stringify(definition, null, 2));
    return file;
  };
  const outputs: Record<string, string> = {
    ...result.outputs,
    'bake-file-tags': bakeFile('-tags', result.bake.tags),
    'bake-file-labels': bakeFile('-labels', result.bake.labels),
    'bake-file-annotations': bakeFile('-annotations', annotationsBake(result, levels, bakeTarget)),
    'bake-file': bakeFile('', result.bake.all)
  };
  const toEnv = outputEnvEnabled();
  for (const [name, value] of Object.entries(outputs)) {
    core.setOutput(name, value);
    if (toEnv) core.exportVariable(`DOCKER_METADATA_OUTPUT_${name.replace(/\W/g, '_').toUpperCase()}`, value);
  }
  core.setOutput('images', result.images.join('\n'));
  await writeTableSummary(
    'Slipway tags',
    ['Image tag'],
    result.tags.map((t) => [code(t)]),
    `Version: \`${result.outputs.version || '(none)'}\``
  );
}
