import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
import { DEFAULT_MANIFEST_PATH, findService, loadServicesManifest } from '../lib/services-manifest.js';
import { writeTableSummary } from '../lib/summary.js';
import { type CacheMode, cacheFlags, getBuildArgs } from './args.js';
import { checkBudget, formatSize, parseSize } from './budget.js';
import { checkNetworkEntitlement, networkHostHint } from './network.js';
import { describeImage, makeImageRecord } from './record.js';

async function inspectBuilder(builder: string | undefined): Promise<{ driver: string; inspect: string }> {
  const result = await execTool('docker', ['buildx', 'inspect', ...(builder ? [builder] : [])], {
    hint: () => 'is docker running and the buildx plugin installed? (docker/setup-buildx-action on GitHub)'
  });
  return { driver: /^Driver:\s*(\S+)/m.exec(result.stdout)?.[1] ?? 'unknown', inspect: result.stdout };
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
  const refs = tags.map((tag) => ({ tag, ...parseImageRef(tag) }));
  for (const ref of refs) {
    if (!ref.tag || ref.digest)
      throw new ConfigurationError(`Input 'tags': '${ref.tag}' must be image:tag (no digest)`);
  }
  const first = refs[0]!;
  const image = optionalString('image') ?? `${first.registry}/${first.repository}`;
  const platforms = listInput('platforms').length ? listInput('platforms') : service.platforms;
  const builder = optionalString('builder');
  const budget = parseSize(optionalString('size-budget'), 'size-budget');
  const budgetMode = enumInput('size-budget-mode', ['fail', 'warn'] as const, 'fail');
  const cacheMode = enumInput<CacheMode>('cache', ['auto', 'gha', 'registry', 'inline', 'none'], 'auto');

  const { driver, inspect } = await inspectBuilder(builder);
  checkNetworkEntitlement(optionalString('network'), driver, inspect, builder);
  if (platforms.length > 1 && driver === 'docker') {
    throw new ConfigurationError(
      `Service '${service.name}' targets ${platforms.join(', ')}, but the buildx builder${builder ? ` '${builder}'` : ''} uses the docker driver, ` +
        `which builds one platform per image. Create a docker-container builder (docker/setup-buildx-action) or set 'platforms' to one platform.`
    );
  }
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
  const metadataFile = path.join(tmp, `${service.name}.buildx-metadata.json`);
  const annotations = listInput('annotations', { comma: false });
  if (annotations.length && driver === 'docker') {
    core.warning(
      'The docker buildx driver does not write OCI annotations; they are left out (the labels carry the same metadata).'
    );
  }
  const args = getBuildArgs({
    repoRoot: root,
    service,
    tags,
    labels: keyValueInput('labels'),
    annotations,
    buildArgs: { ...service.buildArgs, ...keyValueInput('build-args') },
    platforms,
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
    metadataFile,
    supportsAnnotations: driver !== 'docker',
    noCache: boolInput('no-cache', false),
    pull: boolInput('pull', false)
  });

  await core.group(`docker ${args.slice(0, 2).join(' ')} ${service.name}`, async () => {
    core.info(`docker ${args.join(' ')}`);
    await execTool('docker', args, {
      cwd: root,
      echo: true,
      hint: (r) =>
        networkHostHint(r.stderr) ??
        (/connection refused|no such host|dial tcp|i\/o timeout/i.test(r.stderr)
          ? `the registry for ${image} is unreachable; check the address and that you are logged in (docker/login-action)`
          : /denied|unauthorized|403/i.test(r.stderr)
            ? `the registry refused the push; the job needs 'packages: write' and a docker login to ${first.registry}`
            : undefined)
    });
  });
  if (!push) {
    setOutputs({ image, tags: tags.join('\n'), pushed: false });
    core.info('push is false: built only, no image record (records describe pushed images)');
    return;
  }

  const metadata = JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<string, unknown>;
  const digest = String(metadata['containerimage.digest'] ?? '');
  if (!/^sha256:[a-f0-9]{64}$/.test(digest)) {
    throw new Error(`buildx reported no image digest in ${metadataFile}; cannot produce an image record`);
  }
  const imageRef = parseImageRef(image);
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
        `\`${digest}\``,
        record.platforms.map((p) => p.platform).join(', '),
        formatSize(record.compressedSize),
        tags.map((t) => `\`${t.slice(image.length)}\``).join(' ')
      ]
    ]
  );
}
