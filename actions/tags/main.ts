import * as core from '@actions/core';
import { ConfigurationError } from '../lib/errors.js';
import { currentRepo, eventContext, getClient } from '../lib/github.js';
import { optionalString, stringInput, listInput } from '../lib/inputs.js';
import { setOutputs } from '../lib/outputs.js';
import { DEFAULT_MANIFEST_PATH, findService, loadServicesManifest } from '../lib/services-manifest.js';
import { writeTableSummary } from '../lib/summary.js';
import { type TagsContext, computeTags, ghcrImageName, parseImages } from './compute.js';
import { releaseTagRules } from './rules.js';

interface Payload {
  repository?: {
    name?: string;
    html_url?: string;
    description?: string | null;
    license?: { spdx_id?: string } | null;
    default_branch?: string;
  };
  head_commit?: { timestamp?: string };
  pull_request?: { number?: number; head?: { ref?: string; sha?: string }; base?: { ref?: string } };
}

interface RepoInfo {
  name: string;
  htmlUrl: string;
  description?: string;
  license?: string;
  defaultBranch: string;
}

async function repositoryInfo(payload: Payload): Promise<RepoInfo> {
  const r = payload.repository;
  if (r?.name && r.html_url && r.default_branch) {
    return {
      name: r.name,
      htmlUrl: r.html_url,
      description: r.description ?? undefined,
      license: r.license?.spdx_id ?? undefined,
      defaultBranch: r.default_branch
    };
  }
  const { owner, repo } = currentRepo();
  const token = optionalString('github-token');
  if (!token) {
    return {
      name: repo,
      htmlUrl: `${process.env.GITHUB_SERVER_URL || 'https://github.com'}/${owner}/${repo}`,
      defaultBranch: 'main'
    };
  }
  // The event carries no repository (some schedule/dispatch payloads): ask the API, as metadata-action does.
  const { data } = await getClient(token).rest.repos.get({ owner, repo });
  return {
    name: data.name,
    htmlUrl: data.html_url,
    description: data.description ?? undefined,
    license: data.license?.spdx_id ?? undefined,
    defaultBranch: data.default_branch
  };
}

function imagesFor(): string[] {
  const images = optionalString('images');
  const serviceName = optionalString('service');
  if (images) return parseImages(images);
  if (!serviceName) {
    throw new ConfigurationError(
      "Set input 'images' (metadata-action syntax) or 'service' (a name from the services manifest)"
    );
  }
  const root = stringInput('working-directory', process.env.GITHUB_WORKSPACE || process.cwd());
  const manifest = loadServicesManifest(root, stringInput('manifest', DEFAULT_MANIFEST_PATH));
  const service = findService(manifest, serviceName);
  if (service.image) return [service.image.toLowerCase()];
  const owner = optionalString('owner') ?? process.env.GITHUB_REPOSITORY_OWNER ?? currentRepo().owner;
  return [
    ghcrImageName(
      owner,
      service.name,
      optionalString('image-prefix') ?? manifest.imagePrefix,
      optionalString('registry') ?? manifest.registry
    )
  ];
}

/** The `tags` input, or the release rules of the `version` input (never both). */
function tagRules(): string {
  const rules = core.getInput('tags');
  const version = optionalString('version');
  if (!version) return rules;
  if (rules.trim() !== '') {
    throw new ConfigurationError(
      "Inputs 'tags' and 'version' are exclusive: 'version' sets the semver rules itself; use 'tags' with type=semver,value=… for custom rules"
    );
  }
  return releaseTagRules(version).join('\n');
}

export async function run(): Promise<void> {
  const images = imagesFor();
  const { eventName, ref, sha, payload } = eventContext();
  const event = payload as Payload;
  const repo = await repositoryInfo(event);
  const ctx: TagsContext = {
    eventName,
    ref,
    sha,
    defaultBranch: optionalString('default-branch') ?? repo.defaultBranch,
    prNumber: event.pull_request?.number,
    prHeadRef: event.pull_request?.head?.ref,
    prHeadSha: event.pull_request?.head?.sha,
    prBaseRef: event.pull_request?.base?.ref,
    commitDate: event.head_commit?.timestamp ? new Date(event.head_commit.timestamp) : new Date(),
    now: new Date(),
    repo: { name: repo.name, htmlUrl: repo.htmlUrl, description: repo.description, license: repo.license }
  };
  const levels = process.env.DOCKER_METADATA_ANNOTATIONS_LEVELS;
  const shortSha = process.env.DOCKER_METADATA_SHORT_SHA_LENGTH;
  const result = computeTags(ctx, {
    images,
    tags: tagRules(),
    flavor: core.getInput('flavor'),
    labels: listInput('labels', { comma: false }),
    annotations: listInput('annotations', { comma: false }),
    sepTags: core.getInput('sep-tags', { trimWhitespace: false }) || '\n',
    sepLabels: core.getInput('sep-labels', { trimWhitespace: false }) || '\n',
    sepAnnotations: core.getInput('sep-annotations', { trimWhitespace: false }) || '\n',
    annotationLevels: levels
      ? levels
          .split(',')
          .map((l) => l.trim())
          .filter(Boolean)
      : undefined,
    prHeadShaForSha: process.env.DOCKER_METADATA_PR_HEAD_SHA === 'true',
    shortShaLength: shortSha ? Number(shortSha) : undefined
  });
  for (const warning of result.warnings) core.warning(warning);
  if (result.tags.length === 0)
    core.warning(`No tag was produced for ${eventName} ${ref}; the build will have nothing to push`);
  core.info(`version: ${result.version}`);
  for (const tag of result.tags) core.info(`tag: ${tag}`);
  setOutputs({
    version: result.version,
    tags: result.tagsText,
    labels: result.labelsText,
    annotations: result.annotationsText,
    json: result.json,
    images: images.join('\n')
  });
  await writeTableSummary(
    'Slipway tags',
    ['Image tag'],
    result.tags.map((t) => [`\`${t}\``]),
    `Version: \`${result.version || '(none)'}\``
  );
}
