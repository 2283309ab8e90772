import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { dockerConfigCredentials } from '../lib/docker-auth.js';
import { ConfigurationError } from '../lib/errors.js';
import { execTool } from '../lib/exec.js';
import { parseImageRef } from '../lib/image-ref.js';
import {
  boolInput,
  enumInput,
  keyValueInput,
  listInput,
  optionalString,
  requiredString,
  stringInput
} from '../lib/inputs.js';
import { setOutputs } from '../lib/outputs.js';
import { RegistryClient } from '../lib/registry.js';
import {
  DEFAULT_MANIFEST_PATH,
  findService,
  loadServicesManifest,
  type ServiceSpec
} from '../lib/services-manifest.js';
import { code, writeTableSummary } from '../lib/summary.js';
import { type CacheMode, cacheFlags, getBuildArgs } from './args.js';
import { checkBudget, formatSize, parseSize } from './budget.js';
import { checkNetworkEntitlement, networkHostHint } from './network.js';
import { buildStrategy, platformMismatch, platformTag, validatePlatforms } from './platforms.js';
import { describeImage, makeImageRecord } from './record.js';
import { buildSecrets, sshFlags } from './secrets.js';

async function inspectBuilder(builder: string | undefined): Promise<{ driver: string; inspect: string }> {
  const result = await execTool('docker', ['buildx', 'inspect', ...(builder ? [builder] : [])], {
    hint: () => 'is docker running and the buildx plugin installed? (docker/setup-buildx-action on GitHub)'
  });
  return { driver: /^Driver:\s*(\S+)/m.exec(result.stdout)?.[1] ?? 'unknown', inspect: result.stdout };
}

/**
 * Length limits of an image reference, checked before anything is built or pushed, naming the input and the limit.
 * OCI distribution spec (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests):
 * a tag matches `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}` (at most 128 characters), and "many clients impose a limit of
 * 255 characters on the length of the concatenation of the registry hostname (and optional port), /, and <name>".
 */
export function checkRefLimits(ref: string, input: string): void {
  const value = ref.trim();
  const at = value.indexOf('@');
  const noDigest = at >= 0 ? value.slice(0, at) : value;
  const colon = noDigest.lastIndexOf(':');
  const hasTag = colon > noDigest.lastIndexOf('/');
  const name = hasTag ? noDigest.slice(0, colon) : noDigest;
  const tag = hasTag ? noDigest.slice(colon + 1) : '';
  if (tag.length > 128) {
    throw new ConfigurationError(
      `Input '${input}': the tag of '${name}:${tag.slice(0, 20)}…' is ${tag.length} characters; a tag is at most ` +
        '128 characters (OCI distribution spec): shorten it (the tags action cuts generated tags to 128)'
    );
  }
  if (name.length > 255) {
    throw new ConfigurationError(
      `Input '${input}': the image name '${name.slice(0, 40)}…' is ${name.length} characters; registry host, '/' ` +
        'and repository together are at most 255 characters (OCI distribution spec): use a shorter repository name'
    );
  }
}

/** The `image` input: a repository (registry/name), no tag or digest — the record adds the digest. */
function parseRepositoryInput(image: string): ReturnType<typeof parseImageRef> {
  let ref: ReturnType<typeof parseImageRef>;
  try {
    ref = parseImageRef(image);
  } catch (error) {
    throw new ConfigurationError(
      `Input 'image': ${error instanceof Error ? error.message : String(error)}. Give a repository such as ghcr.io/owner/name, ` +
        'or leave it empty for the repository of the first tag'
    );
  }
  if (ref.tag || ref.digest) {
    throw new ConfigurationError(
      `Input 'image': '${image}' has a ${ref.digest ? 'digest' : 'tag'}; give the repository only (e.g. ${ref.registry}/${ref.repository})`
    );
  }
  return ref;
}

/**
 * Context, Dockerfile and target: build-push-action's `context`, `file` and `target` inputs over the manifest's.
 * As in build-push-action, `file` defaults to `<context>/Dockerfile` when only `context` is given
 * (https://github.com/docker/build-push-action#inputs). Paths are relative to working-directory and must exist.
 */
function buildSource(
  root: string,
  service: ServiceSpec
): { context: string; dockerfile: string; target?: string } {
  const contextInput = optionalString('context');
  const fileInput = optionalString('file');
  const context = contextInput ?? service.context;
  const dockerfile =
    fileInput ?? (contextInput ? path.posix.join(contextInput, 'Dockerfile') : service.dockerfile);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(context) || context.startsWith('git@')) {
    throw new ConfigurationError(
      `Input 'context': '${context}' is a URL; Slipway builds a directory of the checkout (path relative to working-directory)`
    );
  }
  const contextDir = path.resolve(root, context);
  if (!existsSync(contextDir) || !statSync(contextDir).isDirectory()) {
    throw new ConfigurationError(
      `${contextInput ? "Input 'context'" : `Service '${service.name}' context`}: '${context}' is not a directory under ${root}`
    );
  }
  const file = path.resolve(root, dockerfile);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new ConfigurationError(
      `${fileInput ? "Input 'file'" : contextInput ? `Input 'context' (its Dockerfile)` : 'Service Dockerfile'}: '${dockerfile}' ` +
        `is not a file under ${root}; set 'file' to the Dockerfile's path relative to working-directory`
    );
  }
  const target = optionalString('target') ?? service.target;
  if (target !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(target)) {
    throw new ConfigurationError(
      `Input 'target': '${target}' is not a build stage name (letters, digits, '_', '.', '-')`
    );
  }
  return { context, dockerfile, target };
}

/**
 * The image ID build-push-action outputs as `imageid` (its --iidfile): the digest of the image config, which buildx
 * also writes to its metadata file as `containerimage.config.digest` (measured: the two are equal with buildx 0.13).
 * A multi-platform index has one config per platform, so there is no single image ID: empty.
 */
function imageId(metadataFile: string | undefined, platformCount: number): string {
  if (!metadataFile || platformCount !== 1 || !existsSync(metadataFile)) return '';
  const meta = JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<string, unknown>;
  const id = String(meta['containerimage.config.digest'] ?? '');
  return /^sha256:[a-f0-9]{64}$/.test(id) ? id : '';
}

export async function run(): Promise<void> {
  const root = stringInput('working-directory', process.env.GITHUB_WORKSPACE || process.cwd());
  const manifest = loadServicesManifest(root, stringInput('manifest', DEFAULT_MANIFEST_PATH));
  const service = findService(manifest, requiredString('service'));
  const push = boolInput('push', true);
  const load = boolInput('load', false);
  const tags = listInput('tags', { comma: false });
  if (tags.length === 0) {
    throw new ConfigurationError(
      "Input 'tags' is empty: pass the 'tags' output of the Slipway tags action (one image:tag per line)"
    );
  }
  for (const tag of tags) checkRefLimits(tag, 'tags');
  const refs = tags.map((tag) => ({ tag, ...parseImageRef(tag) }));
  for (const ref of refs) {
    if (!ref.tag || ref.digest)
      throw new ConfigurationError(`Input 'tags': '${ref.tag}' must be image:tag (no digest)`);
  }
  const first = refs[0]!;
  const image = optionalString('image') ?? `${first.registry}/${first.repository}`;
  // every input is checked here, before anything is built or pushed (issue 17: a bad 'image' used to be found only
  // after the push)
  checkRefLimits(image, 'image');
  const imageRef = parseRepositoryInput(image);
  const source = buildSource(root, service);
  const secrets = buildSecrets({
    secrets: core.getInput('secrets'),
    secretFiles: core.getInput('secret-files'),
    secretEnvs: core.getInput('secret-envs'),
    env: process.env,
    resolveFile: (file) => {
      const abs = path.resolve(root, file);
      return existsSync(abs) && statSync(abs).isFile() ? abs : undefined;
    }
  });
  for (const value of secrets.values) core.setSecret(value);
  const ssh = sshFlags(listInput('ssh', { comma: false }), {
    env: process.env,
    resolvePath: (p) => {
      const abs = path.resolve(root, p);
      return existsSync(abs) ? abs : undefined;
    }
  });
  const platformsInput = listInput('platforms');
  const platforms = validatePlatforms(
    platformsInput.length ? platformsInput : service.platforms,
    platformsInput.length
      ? "Input 'platforms'"
      : `Service '${service.name}' in ${stringInput('manifest', DEFAULT_MANIFEST_PATH)}, platforms`
  );
  if (load && platforms.length > 1) {
    // the docker image store keeps one platform per tag: buildx refuses to load a multi-platform result
    // (https://docs.docker.com/build/ci/github-actions/multi-platform/#build-and-load-multi-platform-images)
    throw new ConfigurationError(
      `Input 'load' is true but ${service.name} targets ${platforms.join(', ')}: only one platform can be loaded ` +
        `into the docker image store. Set 'platforms' to one platform, or load: false (the pushed index is pulled by platform).`
    );
  }
  const builder = optionalString('builder');
  const budget = parseSize(optionalString('size-budget'), 'size-budget');
  const budgetMode = enumInput('size-budget-mode', ['fail', 'warn'] as const, 'fail');
  const cacheMode = enumInput<CacheMode>('cache', ['auto', 'gha', 'registry', 'inline', 'none'], 'auto');

  const { driver, inspect } = await inspectBuilder(builder);
  checkNetworkEntitlement(optionalString('network'), driver, inspect, builder);
  const strategy = buildStrategy(platforms, driver);
  // where each platform goes before the merge (per-platform builds on the docker driver only); checked up front
  const firstRepository = tags[0]!.slice(0, tags[0]!.lastIndexOf(':'));
  const platformTags = new Map(
    strategy === 'per-platform' ? platforms.map((p) => [p, platformTag(firstRepository, first.tag!, p)]) : []
  );
  const cache = cacheFlags(cacheMode, {
    service: service.name,
    cacheRef: push ? `${image}:buildcache` : undefined,
    driver,
    onGitHub: Boolean(
      process.env.ACTIONS_RUNTIME_TOKEN && (process.env.ACTIONS_CACHE_URL || process.env.ACTIONS_RESULTS_URL)
    )
  });
  const tmp = path.join(process.env.RUNNER_TEMP || root, 'slipway');
  mkdirSync(tmp, { recursive: true });
  const annotations = listInput('annotations', { comma: false });
  if (annotations.length && driver === 'docker') {
    core.warning(
      'The docker buildx driver does not write OCI annotations; they are left out (the labels carry the same metadata).'
    );
  }
  const common = {
    repoRoot: root,
    service,
    ...source,
    secrets: secrets.flags,
    ssh,
    labels: keyValueInput('labels'),
    annotations,
    buildArgs: { ...service.buildArgs, ...keyValueInput('build-args') },
    push,
    load,
    cacheFrom: listInput('cache-from', { comma: false }).length
      ? listInput('cache-from', { comma: false })
      : cache.from,
    cacheTo: listInput('cache-to', { comma: false }).length
      ? listInput('cache-to', { comma: false })
      : cache.to,
    network: optionalString('network'),
    builder,
    provenance: optionalString('provenance'),
    sbom: optionalString('sbom'),
    supportsAnnotations: driver !== 'docker',
    noCache: boolInput('no-cache', false),
    pull: boolInput('pull', false)
  };
  const buildx = (
    callTags: string[],
    callPlatforms: string[],
    file: string,
    title: string
  ): Promise<void> => {
    const args = getBuildArgs({ ...common, tags: callTags, platforms: callPlatforms, metadataFile: file });
    return core.group(`docker buildx build ${title}`, async () => {
      core.info(`docker ${args.join(' ')}`);
      await execTool('docker', args, {
        cwd: root,
        echo: true,
        ...(Object.keys(secrets.env).length ? { env: secrets.env } : {}),
        hint: (r) =>
          networkHostHint(r.stderr) ??
          (/connection refused|no such host|dial tcp|i\/o timeout/i.test(r.stderr)
            ? `the registry for ${image} is unreachable; check the address and that you are logged in (docker/login-action)`
            : /denied|unauthorized|403/i.test(r.stderr)
              ? `the registry refused the push; the job needs 'packages: write' and a docker login to ${first.registry}`
              : /exec format error/i.test(r.stderr)
                ? 'a RUN step executed a binary of another platform: build that stage FROM --platform=$BUILDPLATFORM ' +
                  '(cross-build), or register QEMU (docker/setup-qemu-action)'
                : undefined)
      });
    });
  };

  const metadataFile = path.join(tmp, `${service.name}.buildx-metadata.json`);
  const platformDigests: string[] = [];
  const platformMetadata: Record<string, unknown> = {};
  if (strategy === 'one-call') {
    await buildx(tags, platforms, metadataFile, service.name);
  } else {
    core.info(
      `The ${driver} driver builds one platform per call: building ${platforms.join(', ')} one by one` +
        (push ? ', then merging them into one index with docker buildx imagetools create' : '')
    );
    for (const platform of platforms) {
      const file = path.join(tmp, `${service.name}.${platform.replace(/\//g, '-')}.buildx-metadata.json`);
      await buildx([platformTags.get(platform)!], [platform], file, `${service.name} (${platform})`);
      if (!push) continue;
      const meta = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      const platformDigest = String(meta['containerimage.digest'] ?? '');
      if (!/^sha256:[a-f0-9]{64}$/.test(platformDigest)) {
        throw new Error(
          `buildx reported no image digest for ${platform} in ${file}; nothing was merged or tagged`
        );
      }
      platformDigests.push(platformDigest);
      platformMetadata[platform] = meta;
    }
    if (push) {
      // every tag is written only now, when every platform is in the registry: a failed platform moves no tag
      const createArgs = [
        'buildx',
        'imagetools',
        'create',
        ...(builder ? ['--builder', builder] : []),
        ...tags.flatMap((t) => ['--tag', t]),
        ...platformDigests.map((d) => `${firstRepository}@${d}`)
      ];
      await core.group(`docker buildx imagetools create ${service.name}`, async () => {
        core.info(`docker ${createArgs.join(' ')}`);
        await execTool('docker', createArgs, { echo: true });
      });
    }
  }
  const imageid = imageId(strategy === 'one-call' ? metadataFile : undefined, platforms.length);
  if (!push) {
    setOutputs({ image, imageid, tags: tags.join('\n'), pushed: false });
    core.info('push is false: built only, no image record (records describe pushed images)');
    return;
  }

  const credentials =
    dockerConfigCredentials(imageRef.registry) ??
    (optionalString('github-token')
      ? { username: process.env.GITHUB_ACTOR || 'slipway', password: optionalString('github-token')! }
      : undefined);
  const clients = new Map<string, RegistryClient>();
  const clientFor = (registry: string): RegistryClient => {
    if (!clients.has(registry))
      clients.set(registry, new RegistryClient(registry, dockerConfigCredentials(registry) ?? credentials));
    return clients.get(registry)!;
  };
  let metadata: Record<string, unknown>;
  let digest: string;
  if (strategy === 'one-call') {
    metadata = JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<string, unknown>;
    digest = String(metadata['containerimage.digest'] ?? '');
    if (!/^sha256:[a-f0-9]{64}$/.test(digest)) {
      throw new Error(`buildx reported no image digest in ${metadataFile}; cannot produce an image record`);
    }
  } else {
    // imagetools create prints no machine-readable digest: the first tag names the index, which is checked
    // below to hold exactly the platform digests built here
    digest = (await clientFor(first.registry).resolve(first.repository, first.tag!)) ?? '';
    if (!/^sha256:[a-f0-9]{64}$/.test(digest)) {
      throw new Error(`${tags[0]} does not resolve in the registry after docker buildx imagetools create`);
    }
    metadata = { 'containerimage.digest': digest, platforms: platformMetadata };
    writeFileSync(metadataFile, JSON.stringify(metadata, null, 2));
  }
  // Every pushed tag must now resolve to the digest buildx reported: catches a racing push to the same tag.
  for (const ref of refs) {
    const resolved = await clientFor(ref.registry).resolve(ref.repository, ref.tag);
    if (resolved !== digest) {
      throw new Error(
        `${ref.tag} resolves to ${resolved ?? 'nothing'} in the registry, expected ${digest}: another push raced this one`
      );
    }
  }
  const described = await describeImage(
    clientFor(imageRef.registry),
    imageRef.repository,
    digest,
    platforms[0] ?? 'linux/amd64'
  );
  const pushedPlatforms = described.platforms.map((p) => p.platform);
  const { missing, unexpected } = platformMismatch(platforms, pushedPlatforms);
  if (missing.length || unexpected.length) {
    throw new Error(
      `${image}@${digest} holds ${pushedPlatforms.join(', ') || 'no platform'}, but ${platforms.join(', ')} ` +
        `were built${missing.length ? ` (missing ${missing.join(', ')})` : ''}` +
        `${unexpected.length ? ` (not requested: ${unexpected.join(', ')})` : ''}: another push raced this one`
    );
  }
  const foreign = described.platforms.filter(
    (p) => strategy === 'per-platform' && !platformDigests.includes(p.digest)
  );
  if (foreign.length) {
    throw new Error(
      `${tags[0]} resolves to an index whose ${foreign.map((p) => p.platform).join(', ')} manifest was not built here: another push raced this one`
    );
  }
  const record = makeImageRecord({
    service: service.name,
    image,
    digest,
    tags,
    mediaType: described.mediaType,
    platforms: described.platforms,
    revision: process.env.GITHUB_SHA
  });
  const verdict = checkBudget(service.name, record.compressedSize, budget);
  core.info(verdict.message);
  if (!verdict.ok) {
    if (budgetMode === 'fail') {
      throw new ConfigurationError(
        `${verdict.message}. The image was pushed but no image record is emitted, so later steps do not sign or deploy it. ` +
          `Shrink the image or raise 'size-budget' (or set size-budget-mode: warn).`
      );
    }
    core.warning(verdict.message);
  }
  const recordPath = path.join(tmp, `${service.name}.image-record.json`);
  writeFileSync(recordPath, JSON.stringify(record, null, 2));
  setOutputs({
    image,
    digest,
    imageid,
    ref: record.ref,
    tags: tags.join('\n'),
    'image-record': record,
    'record-path': recordPath,
    'compressed-size': record.compressedSize,
    metadata,
    pushed: true
  });
  await writeTableSummary(
    `Slipway build: ${service.name}`,
    ['Image', 'Digest', 'Platforms', 'Compressed size', 'Tags'],
    [
      [
        image,
        code(digest),
        record.platforms.map((p) => p.platform).join(', '),
        formatSize(record.compressedSize),
        tags.map((t) => code(t.slice(image.length)))
      ]
    ]
  );
}
