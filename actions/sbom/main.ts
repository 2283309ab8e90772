/**
 * sbom: an SBOM per digest (trivy by default, syft on request) → files for upload-artifact → a cosign attestation
 * (`cosign attest --type cyclonedx|spdxjson`, replacing an earlier one) verified with `cosign verify-attestation` →
 * on tag builds, GitHub release assets (replaced on a re-run). SBOMs over the predicate limit are attested trimmed.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import {
  type KeyMaterial,
  type Signing,
  readSigningInputs,
  attestArgs,
  checkSigningInputs,
  copyableVerifyCommand,
  cosignReason,
  keylessSigning,
  prepareKeyMaterial,
  resolveCosign,
  runCosign,
  signatureRef,
  verifyAttestationArgs
} from '../lib/cosign.js';
import { durationInput, goDuration } from '../lib/duration.js';
import { ConfigurationError, errorMessage, ToolError } from '../lib/errors.js';
import { currentRepo, getClient } from '../lib/github.js';
import { boolInput, enumInput, listInput, optionalString, stringInput } from '../lib/inputs.js';
import { setOutputs } from '../lib/outputs.js';
import {
  checkTargetsExist,
  expandIndexes,
  registryDigestProbe,
  registryManifestReader,
  resolveTargets,
  type Target
} from '../lib/sign-targets.js';
import { fulfilledOrThrow, settleBounded } from '../lib/parallel.js';
import { writeTableSummary } from '../lib/summary.js';
import { findExecutable } from '../lib/tool-install.js';
import { resolveTrivy } from '../lib/trivy.js';
import {
  ATTESTATION_TYPE,
  FILE_SUFFIX,
  GENERATORS,
  generatorSpawn,
  type Generator,
  predicateLimit,
  runGenerator,
  SBOM_FORMATS,
  type SbomFormat,
  syftMissing
} from './generate.js';
import {
  checkReleaseTag,
  findOrCreateRelease,
  findRelease,
  noReleaseError,
  type UploadedAsset,
  uploadReleaseAssets
} from './release.js';
import { componentNames, trimSbom } from './trim.js';

export interface SbomResult {
  ref: string;
  digest: string;
  platform?: string;
  format: SbomFormat;
  path: string;
  bytes: number;
  components: number;
  /** the file that was attested when the SBOM was over the predicate limit */
  trimmedPath?: string;
  attestation?: string;
  asset?: string;
}

async function resolveGenerator(generator: Generator): Promise<string> {
  if (generator === 'syft') {
    const explicit = optionalString('syft-path');
    const found = explicit ?? (await findExecutable('syft'));
    if (!found) throw syftMissing();
    return found;
  }
  return resolveTrivy({
    trivyPath: optionalString('trivy-path'),
    version: optionalString('trivy-version'),
    sha256: optionalString('trivy-sha256')
  });
}

function fileNames(targets: Target[], format: SbomFormat): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const t of targets) {
    let base = t.name.replace(/[^\w.-]+/g, '-');
    if (used.has(base)) base = `${base}-${t.digest.slice(7, 19)}`;
    used.add(base);
    names.set(t.ref, `${base}.${FILE_SUFFIX[format]}`);
  }
  return names;
}

/** Files to upload: each path as given, a directory's *.json files. Missing paths are an error naming the input. */
function releaseFileList(entries: string[]): string[] {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  return entries.flatMap((entry) => {
    const abs = path.resolve(workspace, entry);
    if (!existsSync(abs)) {
      throw new ConfigurationError(
        `Input 'release-files': '${entry}' does not exist; pass the SBOM files (or the directory) of the job that generated them, e.g. the downloaded 'sbom' artifact`
      );
    }
    if (!statSync(abs).isDirectory()) return [abs];
    return readdirSync(abs)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => path.join(abs, name));
  });
}

/**
 * Upload-only mode: SBOM files made (and attested) by an earlier job become release assets, so the job that holds
 * `contents: write` holds nothing else, and the asset is byte for byte the SBOM that was attested.
 */
async function uploadReleaseFiles(entries: string[]): Promise<void> {
  if (optionalString('image-record') || listInput('images').length) {
    throw new ConfigurationError(
      "Input 'release-files' uploads existing SBOMs only: leave 'image-record' and 'images' empty (or drop 'release-files' to generate)"
    );
  }
  const releaseTag = optionalString('release-tag');
  if (!releaseTag) {
    throw new ConfigurationError(
      "Input 'release-files' needs 'release-tag': the release to attach the files to"
    );
  }
  checkReleaseTag(releaseTag);
  const files = releaseFileList(entries);
  if (files.length === 0) {
    throw new ConfigurationError(`Input 'release-files': no SBOM (*.json) files in ${entries.join(', ')}`);
  }
  const octokit = getClient(optionalString('github-token'), { operation: 'publish-release-assets' });
  const repo = currentRepo();
  const release = await findOrCreateRelease(octokit, repo, releaseTag, boolInput('release-create', false));
  const assets = await uploadReleaseAssets(octokit, repo, release, files);
  setOutputs({ files, dir: path.dirname(files[0]!) });
  await writeTableSummary(
    `Slipway SBOM release assets (${releaseTag})`,
    ['asset', 'url'],
    assets.map((a) => [`${a.name}${a.replaced ? ' (replaced)' : ''}`, a.url])
  );
}

export async function run(): Promise<void> {
  const releaseFiles = listInput('release-files', { comma: false });
  if (releaseFiles.length) return uploadReleaseFiles(releaseFiles);
  // every input is checked before anything runs
  const refs = listInput('images');
  let all = resolveTargets({
    recordInput: optionalString('image-record'),
    refs,
    withPlatforms: true
  });
  const format = enumInput('format', SBOM_FORMATS, 'cyclonedx');
  const generator = enumInput('generator', GENERATORS, 'trivy');
  const attest = boolInput('attest', true);
  const timeoutMs = durationInput('timeout', '10m');
  const timeout = goDuration(timeoutMs);
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const outDir = path.resolve(
    workspace,
    stringInput(
      'output-dir',
      path.join(process.env.RUNNER_TEMP || path.join(workspace, '.tmp'), 'slipway-sbom')
    )
  );
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) {
    throw new ConfigurationError(
      `Input 'output-dir': ${outDir} exists and is not a directory; name a directory (it is created if missing)`
    );
  }
  const releaseTag = optionalString('release-tag');
  const releaseCreate = boolInput('release-create', false);
  const octokit = releaseTag
    ? getClient(optionalString('github-token'), { operation: 'publish-release-assets' })
    : undefined;
  const repo = releaseTag ? currentRepo() : undefined;
  if (releaseTag) checkReleaseTag(releaseTag);
  const inputs = readSigningInputs();
  if (attest) checkSigningInputs(inputs);
  else if (inputs.privateKey) core.setSecret(inputs.privateKey);
  if (inputs.password) core.setSecret(inputs.password);

  if (refs.length) {
    // no image record to tell which digests are indexes: ask the registry
    all = await expandIndexes(all, registryManifestReader(), true, (t, error) =>
      core.info(
        `Could not read ${t.ref} to find platform manifests (${errorMessage(error)}); taking it as one image`
      )
    );
  }
  // the release must exist (or be allowed to be created) before anything is generated, attested or pushed; a
  // lookup only reads: a release is created in step 3, after the attestations
  let release: { id: number; upload_url: string } | undefined;
  if (releaseTag && octokit && repo) {
    release = await findRelease(octokit, repo, releaseTag);
    if (!release && !releaseCreate) throw noReleaseError(repo, releaseTag);
  }
  // every digest must exist before a generator runs or anything is attested (trivy would otherwise retry a
  // broken registry for minutes and end in its own words)
  await checkTargetsExist(
    all,
    registryDigestProbe(),
    refs.length ? 'images' : 'image-record',
    'attested: no SBOM was written'
  );
  // an index has no file system of its own: its SBOMs are those of its platform manifests
  const targets = all.filter((t) => t.kind !== 'index');
  const tool = await resolveGenerator(generator);
  const cosign = attest
    ? await resolveCosign({
        path: optionalString('cosign-path'),
        version: optionalString('cosign-version'),
        sha256: optionalString('cosign-sha256')
      })
    : undefined;
  mkdirSync(outDir, { recursive: true });
  const cacheDir = path.join(process.env.RUNNER_TEMP || outDir, 'slipway-sbom-cache');
  const names = fileNames(targets, format);
  const limit = predicateLimit();
  const type = ATTESTATION_TYPE[format];

  // 1. generate every SBOM first: a generator failure leaves nothing attested. One at a time: trivy holds its fs
  // cache with a lock that a second process waits 5 s for and then fails on (aquasecurity/trivy#10688), and its
  // maintainers note that parallel processes on one machine are about as fast as one after another
  // (aquasecurity/trivy-db#560)
  const results: SbomResult[] = [];
  const spawn = generatorSpawn(generator, timeoutMs, (line) => core.info(line));
  for (const t of targets) {
    const file = path.join(outDir, names.get(t.ref)!);
    await core.group(`${generator}: SBOM (${format}) of ${t.ref}`, () =>
      runGenerator(
        tool,
        generator,
        { ref: t.ref, format, output: file, cacheDir, timeout },
        (bin, args, env) => {
          core.info(`${bin} ${args.join(' ')}`);
          return spawn(bin, args, env);
        }
      )
    );
    const text = readFileSync(file, 'utf8');
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new ToolError(
        `${generator} ${t.ref}`,
        0,
        `wrote ${file}, which is not JSON (${(error as Error).message})`
      );
    }
    const bytes = statSync(file).size;
    const result: SbomResult = {
      ref: t.ref,
      digest: t.digest,
      platform: t.platform,
      format,
      path: file,
      bytes,
      components: componentNames(doc, format).length
    };
    if (bytes > limit) {
      const trimmed = JSON.stringify(trimSbom(doc, format));
      const trimmedPath = file.replace(/\.json$/, '.trimmed.json');
      writeFileSync(trimmedPath, trimmed);
      if (attest && Buffer.byteLength(trimmed) > limit) {
        throw new ConfigurationError(
          `The SBOM of ${t.ref} is ${bytes} bytes and still ${Buffer.byteLength(trimmed)} bytes trimmed, over the ` +
            `${limit}-byte attestation limit: set attest: false and keep the file as an artifact only`
        );
      }
      result.trimmedPath = trimmedPath;
      core.warning(
        `The SBOM of ${t.ref} is ${bytes} bytes, over the ${limit}-byte attestation limit: attesting a trimmed SBOM ` +
          `(no file lists or properties, ${Buffer.byteLength(trimmed)} bytes); the full SBOM is ${file}`
      );
    }
    results.push(result);
  }

  // 2. attest + verify
  let material: KeyMaterial | undefined;
  let signing: Signing | undefined;
  if (attest && cosign) {
    try {
      if (inputs.mode === 'key') {
        material = await prepareKeyMaterial(cosign, inputs);
        signing = material.signing;
      } else {
        signing = keylessSigning(inputs);
      }
      // side by side, bounded (lib/parallel.ts): cosign is network-bound and each digest's attestation is its own
      // `.att` tag; every digest is tried, a failure names what was attested anyway
      const by: Signing = signing;
      const attestOne = async (r: SbomResult): Promise<SbomResult> => {
        const predicate = r.trimmedPath ?? r.path;
        const attested = await runCosign(cosign, attestArgs(r.ref, predicate, type, by), by);
        if (attested.exitCode !== 0) {
          throw new ToolError(
            `cosign attest --type ${type} ${r.ref}`,
            attested.exitCode,
            cosignReason(attested),
            'the attestation could not be pushed (registry unreachable, no push rights, or a digest that does not exist); ' +
              `no attestation is reported for ${r.ref}`
          );
        }
        const verified = await runCosign(cosign, verifyAttestationArgs(r.ref, type, by), by);
        if (verified.exitCode !== 0) {
          throw new ToolError(
            `cosign verify-attestation --type ${type} ${r.ref}`,
            verified.exitCode,
            cosignReason(verified),
            'the attestation was pushed but does not verify with the configured verifier'
          );
        }
        r.attestation = signatureRef(r.ref, 'att');
        core.info(`${r.ref}: ${type} attestation pushed and verified (${r.attestation})`);
        return r;
      };
      fulfilledOrThrow(await settleBounded(results, attestOne), (error, done) => {
        if (!(error instanceof ToolError) || done.length === 0) return error as Error;
        const also = ` (attested anyway: ${done.map((r) => r.ref).join(', ')})`;
        return new ToolError(error.command, error.exitCode, error.stderrTail, `${error.hint ?? ''}${also}`);
      });
    } finally {
      material?.cleanup();
    }
  }

  // 3. release assets (tag builds)
  let assets: UploadedAsset[] = [];
  if (releaseTag && octokit && repo) {
    release ??= await findOrCreateRelease(octokit, repo, releaseTag, releaseCreate);
    assets = await uploadReleaseAssets(
      octokit,
      repo,
      release,
      results.map((r) => r.path)
    );
    for (const r of results) r.asset = assets.find((a) => a.name === path.basename(r.path))?.url;
    core.info(
      `Release ${releaseTag}: ${assets.map((a) => `${a.name}${a.replaced ? ' (replaced)' : ''}`).join(', ')}`
    );
  }

  const verifyCommand = signing
    ? copyableVerifyCommand(
        results.map((r) => r.ref),
        signing,
        type
      )
    : undefined;
  setOutputs({
    sboms: results,
    files: results.map((r) => r.path),
    dir: outDir,
    'verify-command': verifyCommand,
    'public-key': material?.publicKeyPem
  });
  const trimmed = results.filter((r) => r.trimmedPath);
  await writeTableSummary(
    `Slipway SBOM (${format})`,
    ['image', 'components', 'size', 'attestation', 'release asset'],
    results.map((r) => [
      r.ref,
      String(r.components),
      `${r.bytes} B`,
      r.attestation ? `${r.attestation}${r.trimmedPath ? ' (trimmed)' : ''}` : 'not attested',
      r.asset
        ? path.basename(r.path) + (assets.find((a) => a.url === r.asset)?.replaced ? ' (replaced)' : '')
        : ''
    ]),
    (trimmed.length
      ? `${trimmed.length} SBOM(s) were over the ${limit}-byte attestation limit: the attestation holds a trimmed SBOM ` +
        `(components without file lists and properties); the full SBOM is the artifact. `
      : '') + (verifyCommand ? `Verify with:\n\n\`\`\`\n${verifyCommand}\n\`\`\`` : '')
  );
}
