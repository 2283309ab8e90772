/**
 * trivy-gate: one trivy run → JSON with every severity → our gate (severity list, ignore-unfixed, expiring ignore
 * file) → SARIF + JSON + job summary (+ optional code-scanning upload). Fails closed: a trivy crash, a missing DB
 * or a timeout is result=error and a failed step, never "clean".
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { durationInput, goDuration } from '../lib/duration.js';
import { sleep } from '../lib/backoff.js';
import { ConfigurationError, errorMessage, ToolError } from '../lib/errors.js';
import { lastLines } from '../lib/exec.js';
import { currentRepo, getClient } from '../lib/github.js';
import { parseImageRecord } from '../lib/image-record.js';
import { isIndexRecord } from '../lib/sign-targets.js';
import { parseImageRef, requireDigestRef } from '../lib/image-ref.js';
import { dockerConfigCredentials } from '../lib/docker-auth.js';
import { RegistryClient } from '../lib/registry.js';
import { boolInput, enumInput, intInput, listInput, optionalString, stringInput } from '../lib/inputs.js';
import { setOutputs } from '../lib/outputs.js';
import { deadlineMs, resolveTrivy, runWithDeadline } from '../lib/trivy.js';
import {
  DB_SCHEMA_VERSION,
  dbDownloadArgs,
  parseDbRepositories,
  SCAN_TYPES,
  scanArgs,
  scanCompleted,
  type ScanType,
  parseScanners
} from './args.js';
import { dbCacheKey, dbDir, downloadDb, isDbFresh, isDbUsable, readDbMetadata } from './db.js';
import { type IgnoreEntry, parseIgnoreFile, partitionIgnores } from './ignore.js';
import { evaluateGate, type Finding, parseSeverities, parseTrivyReport, summaryMarkdown } from './report.js';
import { toSarif } from './sarif.js';

const DEFAULT_DB_REPOSITORIES = ['ghcr.io/aquasecurity/trivy-db', 'public.ecr.aws/aquasecurity/trivy-db'];

interface Target {
  scanType: ScanType;
  ref: string;
  /** short name for files and the SARIF category */
  name: string;
  /** a multi-platform image: every platform manifest is scanned on its own (image@platform-digest) */
  platforms?: Array<{ platform: string; ref: string }>;
}

function resolveTarget(workspace: string): Target {
  const scanType = enumInput('scan-type', SCAN_TYPES, 'image');
  const recordRaw = optionalString('image-record');
  const image = optionalString('image');
  if (scanType !== 'image') {
    if (recordRaw || image) {
      throw new ConfigurationError(
        `Inputs 'image-record'/'image' apply to scan-type image; scan-type ${scanType} scans the path in 'scan-ref'`
      );
    }
    const ref = path.resolve(workspace, stringInput('scan-ref', '.'));
    if (!existsSync(ref)) throw new ConfigurationError(`Input 'scan-ref': ${ref} does not exist`);
    return { scanType, ref, name: `${scanType}-${path.basename(ref) || 'root'}` };
  }
  if (recordRaw && image) {
    throw new ConfigurationError("Set either 'image-record' or 'image', not both");
  }
  if (recordRaw) {
    const record = parseImageRecord(recordRaw);
    if (!isIndexRecord(record)) return { scanType, ref: record.ref, name: record.service };
    // trivy scans one platform of an index (the host's, or --platform): each platform manifest is scanned by its
    // own digest, so a vulnerability in any platform fails the image
    const only = optionalString('platform');
    const platforms = record.platforms
      .filter((p) => !only || p.platform === only)
      .map((p) => ({ platform: p.platform, ref: `${record.image}@${p.digest}` }));
    if (platforms.length === 0) {
      throw new ConfigurationError(
        `Input 'platform': ${only} is not a platform of ${record.ref} (it has ${record.platforms.map((p) => p.platform).join(', ')}); ` +
          `leave 'platform' empty to scan every platform`
      );
    }
    return { scanType, ref: record.ref, name: record.service, platforms };
  }
  if (!image) {
    throw new ConfigurationError(
      "Nothing to scan: set 'image-record' (the build action's output), 'image' (image@sha256:…), or scan-type fs/config with 'scan-ref'"
    );
  }
  const parsed = requireDigestRef(image, 'image');
  return { scanType, ref: image, name: parsed.repository.split('/').at(-1) ?? 'image' };
}

/** trivy's own ignore files, looked for at the workspace root when 'ignore-file' is empty (trivy's default names) */
const TRIVY_IGNORE_FILES = ['.trivyignore.yaml', '.trivyignore'];

function loadIgnores(workspace: string): { entries: IgnoreEntry[]; file?: string } {
  const file =
    optionalString('ignore-file') ?? TRIVY_IGNORE_FILES.find((f) => existsSync(path.join(workspace, f)));
  if (!file) return { entries: [] };
  if (!optionalString('ignore-file')) core.info(`Ignore file: ${file} (found at the workspace root)`);
  const full = path.resolve(workspace, file);
  if (!existsSync(full))
    throw new ConfigurationError(`Input 'ignore-file': ${file} does not exist (looked in ${workspace})`);
  return { entries: parseIgnoreFile(readFileSync(full, 'utf8'), file), file };
}

const onGitHub = (): boolean => Boolean(process.env.ACTIONS_RUNTIME_TOKEN);

async function ensureDb(trivy: string, cacheDir: string, timeout: string, timeoutMs: number): Promise<void> {
  const mode = enumInput('skip-db-update', ['auto', 'true', 'false'] as const, 'auto');
  const repositories = parseDbRepositories(
    listInput('db-repository').length ? listInput('db-repository') : DEFAULT_DB_REPOSITORIES
  );
  const retries = intInput('db-retries', 3, 0);
  const backoff = durationInput('db-retry-delay', '2s', {
    min: 0,
    legacy: { input: 'db-retry-delay-ms', unit: 'ms' }
  });
  if (mode === 'true') {
    if (!isDbUsable(readDbMetadata(cacheDir))) {
      throw new ConfigurationError(
        `skip-db-update is true but ${dbDir(cacheDir)} holds no trivy DB of schema 2: set skip-db-update to auto, or restore the DB into 'cache-dir' first`
      );
    }
    core.info(`Using the DB in ${dbDir(cacheDir)} as is (skip-db-update: true)`);
    return;
  }
  const key = dbCacheKey(new Date());
  if (mode === 'auto' && !isDbFresh(readDbMetadata(cacheDir), new Date()) && onGitHub()) {
    try {
      const hit = await cache.restoreCache([dbDir(cacheDir)], key);
      core.info(hit ? `Restored the trivy DB from the cache (${hit})` : `No cached trivy DB for ${key}`);
    } catch (error) {
      core.warning(`Restoring the trivy DB cache failed (${errorMessage(error)}); downloading instead`);
    }
  }
  if (mode === 'auto' && isDbFresh(readDbMetadata(cacheDir), new Date())) {
    const meta = readDbMetadata(cacheDir);
    core.info(`The DB in ${dbDir(cacheDir)} is fresh (NextUpdate ${meta?.NextUpdate}); not downloading`);
    return;
  }
  const used = await core.group('Download the trivy DB', () =>
    downloadDb(repositories, retries, backoff, {
      download: async (repository) => {
        core.info(`trivy image --download-db-only --db-repository ${repository}`);
        const r = await runWithDeadline(
          trivy,
          dbDownloadArgs({ cacheDir, repository, timeout }),
          deadlineMs(timeoutMs),
          (line) => core.info(line)
        );
        return {
          exitCode: r.exitCode,
          detail: r.timedOut
            ? `timed out after ${timeout}`
            : r.exitCode === 0
              ? ''
              : await explainDbFailure(r.stderr, repository)
        };
      },
      sleep,
      log: (m) => core.info(m)
    })
  );
  if (!isDbUsable(readDbMetadata(cacheDir))) {
    throw new Error(
      `trivy reported a DB download from ${used}, but ${dbDir(cacheDir)} holds no usable DB (metadata.json)`
    );
  }
  core.info(`DB downloaded from ${used}`);
  if (onGitHub()) {
    try {
      await cache.saveCache([dbDir(cacheDir)], key);
      core.info(`Saved the trivy DB to the cache as ${key}`);
    } catch (error) {
      // another job of the matrix saved the same key first: that copy is as good as this one
      core.info(`Not saving the trivy DB cache: ${errorMessage(error)}`);
    }
  }
}

async function uploadSarif(sarif: Record<string, unknown>): Promise<string | undefined> {
  const octokit = getClient(optionalString('github-token'), { operation: 'upload-code-scanning' });
  const { owner, repo } = currentRepo();
  const res = await octokit.rest.codeScanning.uploadSarif({
    owner,
    repo,
    commit_sha: process.env.GITHUB_SHA ?? '',
    ref: process.env.GITHUB_REF ?? '',
    sarif: gzipSync(JSON.stringify(sarif)).toString('base64'),
    tool_name: 'trivy'
  });
  return res.data.id;
}

/**
 * `download-db-only`: the DB step of a workflow run, once, before its scan jobs. The DB is made ready in 'cache-dir'
 * (restored from the cache or downloaded, as before a scan) and nothing is scanned; the workflow hands `db-dir` to
 * every scan job (build.yml: an artifact), whose gate then runs with skip-db-update: true and never downloads.
 */
async function downloadDbOnly(workspace: string): Promise<void> {
  for (const input of ['image-record', 'image']) {
    if (optionalString(input)) {
      throw new ConfigurationError(
        `Input '${input}' is set with download-db-only: true, which scans nothing; drop one of them`
      );
    }
  }
  const timeoutMs = durationInput('timeout', '5m');
  const timeout = goDuration(timeoutMs);
  const cacheDir = path.resolve(
    workspace,
    stringInput(
      'cache-dir',
      path.join(process.env.RUNNER_TEMP || path.join(workspace, '.tmp'), 'trivy-cache')
    )
  );
  const trivy = await resolveTrivy({
    trivyPath: optionalString('trivy-path'),
    version: optionalString('trivy-version'),
    sha256: optionalString('trivy-sha256')
  });
  checkCacheDir(cacheDir);
  await ensureDb(trivy, cacheDir, timeout, timeoutMs);
  const meta = readDbMetadata(cacheDir);
  setOutputs({ 'db-dir': dbDir(cacheDir) });
  core.info(
    `The trivy DB (schema ${meta?.Version}, updated ${meta?.UpdatedAt}) is ready in ${dbDir(cacheDir)}; nothing scanned (download-db-only)`
  );
}

/**
 * Why a DB download failed. trivy (the cdxgen build used here) can exit 1 after "Downloading DB..." without saying
 * why; then the DB repository is asked directly (its `:<schema>` manifest, as trivy would) so the message names the
 * registry's real answer (404, 5xx, an HTML page) and what to check, instead of trivy's last INFO line.
 */
async function explainDbFailure(stderr: string, repository: string): Promise<string> {
  // eslint-disable-next-line no-control-regex
  const lines = stderr.replace(/\u001b\[[0-9;]*m/g, '').split(/\r?\n/);
  const said = lines.filter((l) => /\b(FATAL|ERROR|error)\b/.test(l));
  if (said.length > 0) return said.slice(-2).join('\n');
  try {
    const ref = parseImageRef(repository);
    await new RegistryClient(ref.registry, dockerConfigCredentials(ref.registry)).getManifest(
      ref.repository,
      String(DB_SCHEMA_VERSION)
    );
    return lastLines(lines.join('\n'), 2);
  } catch (error) {
    return `trivy gave no reason; the registry answered: ${errorMessage(error)}`;
  }
}

/**
 * 'cache-dir' (and the `db` folder trivy keeps in it) must be a directory or not exist yet: a file there makes every
 * DB download fail ("mkdir …: not a directory"), which would otherwise be reported as an unreachable 'db-repository'.
 */
function checkCacheDir(cacheDir: string): void {
  for (const dir of [cacheDir, dbDir(cacheDir)]) {
    if (existsSync(dir) && !statSync(dir).isDirectory()) {
      throw new ConfigurationError(
        `Input 'cache-dir': ${dir} exists and is not a directory; name a directory (it is created if missing) ` +
          'or remove the file. Nothing was downloaded or scanned'
      );
    }
  }
}

async function gate(): Promise<void> {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  if (boolInput('download-db-only', false)) return downloadDbOnly(workspace);
  // every input is checked before anything runs
  const target = resolveTarget(workspace);
  const severities = parseSeverities(
    listInput('severity').length ? listInput('severity') : ['CRITICAL', 'HIGH']
  );
  const ignoreUnfixed = boolInput('ignore-unfixed', false);
  const timeoutMs = durationInput('timeout', '5m');
  const timeout = goDuration(timeoutMs);
  const ignores = loadIgnores(workspace);
  const uploadWanted = boolInput('upload-sarif', false);
  const failOnVulnerable = boolInput('fail-on-vulnerable', true);
  const cacheDir = path.resolve(
    workspace,
    stringInput(
      'cache-dir',
      path.join(process.env.RUNNER_TEMP || path.join(workspace, '.tmp'), 'trivy-cache')
    )
  );
  checkCacheDir(cacheDir);
  const outDir = path.join(process.env.RUNNER_TEMP || workspace, 'slipway');
  mkdirSync(outDir, { recursive: true });
  const jsonPath = path.join(outDir, `trivy-${target.name}.json`);
  const sarifPath = path.join(outDir, `trivy-${target.name}.sarif`);

  const trivy = await resolveTrivy({
    trivyPath: optionalString('trivy-path'),
    version: optionalString('trivy-version'),
    sha256: optionalString('trivy-sha256')
  });
  if (target.scanType !== 'config') await ensureDb(trivy, cacheDir, timeout, timeoutMs);

  const scanners = listInput('scanners').length
    ? parseScanners(listInput('scanners'))
    : target.scanType === 'config'
      ? []
      : ['vuln'];
  const scans = target.platforms?.length
    ? target.platforms.map((p) => ({
        ref: p.ref,
        platform: p.platform as string | undefined,
        jsonPath: path.join(outDir, `trivy-${target.name}-${p.platform.replace(/\//g, '-')}.json`)
      }))
    : [{ ref: target.ref, platform: optionalString('platform'), jsonPath }];
  // a report left by an earlier run must never be read as this run's
  rmSync(jsonPath, { force: true });
  rmSync(sarifPath, { force: true });
  const findings: Finding[] = [];
  const results: unknown[] = [];
  const emptyIgnoreFile = path.join(outDir, 'trivy-gate.no-trivyignore');
  writeFileSync(emptyIgnoreFile, '');
  for (const scan of scans) {
    rmSync(scan.jsonPath, { force: true });
    const perPlatform = target.platforms?.length ? scan.platform : undefined;
    const args = scanArgs({
      scanType: target.scanType,
      target: scan.ref,
      cacheDir,
      jsonPath: scan.jsonPath,
      timeout,
      scanners,
      emptyIgnoreFile,
      // a platform manifest is one image: no --platform selection
      platform: perPlatform ? undefined : scan.platform
    });
    const label = `trivy ${target.scanType} ${scan.ref}${perPlatform ? ` (${perPlatform})` : ''}`;
    const result = await core.group(label, async () => {
      core.info(`${trivy} ${args.join(' ')}`);
      return runWithDeadline(trivy, args, deadlineMs(timeoutMs), (line) => core.info(line));
    });
    if (result.timedOut) {
      throw new ToolError(
        label,
        result.exitCode,
        `killed: no result within the ${timeout} timeout`,
        `raise 'timeout'; a scan that did not finish is result error, not clean`
      );
    }
    if (!scanCompleted(result.exitCode) || !existsSync(scan.jsonPath)) {
      throw new ToolError(
        label,
        result.exitCode,
        lastLines(result.stderr || result.stdout),
        `the scan did not complete, so the result is error, not clean. This trivy build exits 1 without a message on ` +
          `any fatal error: a corrupt or wrong-schema DB in ${dbDir(cacheDir)}, an unreachable image, or the ${timeout} timeout`
      );
    }
    const text = readFileSync(scan.jsonPath, 'utf8');
    const parsed = parseTrivyReport(text, scan.jsonPath);
    findings.push(...parsed.findings.map((f) => (perPlatform ? { ...f, platform: perPlatform } : f)));
    if (perPlatform) {
      const data = JSON.parse(text) as { Results?: unknown[] | null };
      results.push(...(data.Results ?? []));
    }
  }
  if (target.platforms?.length) {
    // one trivy-shaped report of every platform at json-path (each platform's own report stays beside it)
    writeFileSync(
      jsonPath,
      JSON.stringify(
        { SchemaVersion: 2, ArtifactName: target.ref, ArtifactType: 'container_image', Results: results },
        null,
        2
      )
    );
  }
  const report = { findings };
  const { active, expired } = partitionIgnores(ignores.entries, new Date());
  for (const entry of expired) {
    core.warning(
      `Ignore entry ${entry.id} expired on ${entry.expires}: it no longer suppresses the finding (reason was: ${entry.reason}). ` +
        `Fix the finding, or renew the entry with a new reason and date.`,
      { file: ignores.file, startLine: entry.line }
    );
  }
  const verdict = evaluateGate(report.findings, { severities, ignoreUnfixed, ignores: active });
  const sarif = toSarif(verdict.evaluated, { artifact: target.ref });
  const category = optionalString('sarif-category') ?? `trivy-gate/${target.name}`;
  (sarif.runs as Array<Record<string, unknown>>)[0]!.automationDetails = { id: `${category}/` };
  writeFileSync(sarifPath, JSON.stringify(sarif, null, 2));

  setOutputs({
    result: verdict.verdict,
    critical: verdict.counts.CRITICAL,
    high: verdict.counts.HIGH,
    medium: verdict.counts.MEDIUM,
    low: verdict.counts.LOW,
    unknown: verdict.counts.UNKNOWN,
    blocking: verdict.blocking.length,
    'json-path': jsonPath,
    'sarif-path': sarifPath
  });
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary
      .addRaw(summaryMarkdown(`Slipway trivy-gate: ${target.name}`, target.ref, verdict, severities), true)
      .write();
  }
  core.info(
    `${report.findings.length} finding(s); effective ${Object.entries(verdict.counts)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ')}; ` + `${verdict.blocking.length} blocking (${severities.join(',')})`
  );
  if (uploadWanted) {
    const id = await uploadSarif(sarif);
    setOutputs({ 'sarif-id': id });
    core.info(`Uploaded SARIF to code scanning (id ${id ?? '?'}, category ${category})`);
  }
  if (verdict.verdict === 'vulnerable') {
    const list = verdict.blocking
      .slice(0, 10)
      .map(
        (e) =>
          `${e.finding.id} ${e.finding.severity} ${e.finding.pkgName ?? e.finding.target}` +
          (e.finding.platform ? ` (${e.finding.platform})` : '')
      );
    const message =
      `${verdict.blocking.length} blocking finding(s) at ${severities.join(', ')} in ${target.ref}: ${list.join('; ')}` +
      `${verdict.blocking.length > 10 ? '; …' : ''}`;
    if (failOnVulnerable) core.setFailed(message);
    else core.warning(message);
  }
}

export async function run(): Promise<void> {
  try {
    await gate();
  } catch (error) {
    setOutputs({ result: 'error' });
    throw error;
  }
}
