import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { registryCredentials } from '../lib/docker-auth.js';
import { ConfigurationError } from '../lib/errors.js';
import { createClient, currentRepo } from '../lib/github.js';
import { boolInput, intInput, listInput, optionalString, stringInput } from '../lib/inputs.js';
import { setOutputs } from '../lib/outputs.js';
import { RegistryClient } from '../lib/registry.js';
import { DEFAULT_MANIFEST_PATH, loadServicesManifest } from '../lib/services-manifest.js';
import { runCleanup } from './cleanup.js';
import { deletionProgress } from './execute.js';
import { type Policy } from './policy.js';
import { durationInput } from '../lib/duration.js';
import { writeSummary, type CleanupReport } from './report.js';

function parseCount(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw))
    throw new ConfigurationError(`Input '${name}' must be a whole number >= 0, got '${raw}'`);
  return Number(raw);
}

/** Package names: the input, or the services of the manifest (`<image-prefix><name>`, or the path of `image`). */
function packagesFrom(root: string, owner: string): { packages: string[]; registry?: string } {
  const names = listInput('packages');
  if (names.length > 0) return { packages: names };
  const manifestPath = stringInput('manifest', DEFAULT_MANIFEST_PATH);
  if (!existsSync(path.resolve(root, manifestPath))) {
    throw new ConfigurationError(
      `Input 'packages' is empty and there is no services manifest at ${manifestPath}: list the packages to clean (names or globs).`
    );
  }
  const manifest = loadServicesManifest(root, manifestPath);
  const packages = manifest.services.map((s) => {
    if (!s.image) return `${manifest.imagePrefix}${s.name}`.toLowerCase();
    const repo = s.image.toLowerCase().split('/').slice(1);
    if (repo[0] !== owner.toLowerCase()) {
      throw new ConfigurationError(
        `${manifest.file}: service '${s.name}' has image '${s.image}', which is not owned by '${owner}'; set 'owner' or 'packages'.`
      );
    }
    return repo.slice(1).join('/');
  });
  return { packages, registry: manifest.registry };
}

/** GitHub caps a step output at 1 MB: a bigger plan keeps its counts and the first deletions; the file has it all. */
const OUTPUT_LIMIT = 900_000;
export function outputPlan(report: CleanupReport): CleanupReport | (CleanupReport & { truncated: true }) {
  if (JSON.stringify(report).length <= OUTPUT_LIMIT) return report;
  return {
    ...report,
    truncated: true,
    packages: report.packages.map((p) => ({
      ...p,
      keepCount: p.keep.length,
      deleteCount: p.delete.length,
      keep: [],
      delete: p.delete.slice(0, 1000)
    })),
    ...(report.result
      ? {
          result: {
            ...report.result,
            deleted: report.result.deleted.slice(0, 1000),
            notAttempted: report.result.notAttempted.slice(0, 1000)
          }
        }
      : {})
  };
}

/**
 * Deletes start at most 3 at a time, 400 ms apart: at most 150 DELETEs a minute, 750 of the 900 points a minute
 * GitHub's secondary limit allows for REST endpoints (a DELETE costs 5 points), the rest left for the reads.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
 */
const DELETE_CONCURRENCY = 3;
const DELETE_INTERVAL_MS = 400;

export async function run(): Promise<void> {
  const started = Date.now();
  const root = stringInput('working-directory', process.env.GITHUB_WORKSPACE || process.cwd());
  const owner = stringInput('owner', process.env.GITHUB_REPOSITORY_OWNER || currentRepo().owner);
  const targets = packagesFrom(root, owner);
  const registryHost = optionalString('registry') ?? targets.registry ?? 'ghcr.io';
  const olderThan = optionalString('older-than');
  const policy: Policy = {
    keepTagged: parseCount(optionalString('keep-n-tagged'), 'keep-n-tagged'),
    keepUntagged: intInput('keep-n-untagged', 0, 0),
    olderThanMs: olderThan === undefined ? undefined : durationInput('older-than', ''),
    deleteTags: listInput('delete-tags'),
    excludeTags: listInput('exclude-tags'),
    protectReleases: boolInput('protect-release-tags', true),
    deleteUntagged: boolInput('delete-untagged', true),
    deleteOrphans: boolInput('delete-orphans', true)
  };
  const rollbackWindow = intInput('rollback-window', 3, 0);
  const dryRun = boolInput('dry-run', false);
  const timeBudgetMs = durationInput('time-budget', '25m');
  const token = optionalString('github-token');
  const github = createClient(token, {
    writeConcurrency: DELETE_CONCURRENCY,
    writeIntervalMs: DELETE_INTERVAL_MS,
    log: (line) => core.info(line),
    operation: 'delete-package-versions'
  });
  const octokit = github.octokit;
  const registry = new RegistryClient(registryHost, registryCredentials(registryHost, token));
  const deployments = boolInput('protect-deployments', true);

  const progress = deletionProgress(core);
  const { report } = await runCleanup({
    octokit,
    registry,
    owner,
    packages: targets.packages,
    policy,
    deploymentsRepo: deployments ? currentRepo() : undefined,
    rollbackWindow,
    dryRun,
    log: (line) => core.info(line),
    warn: (line) => core.warning(line),
    onDeleted: progress.onDeleted,
    deleteConcurrency: DELETE_CONCURRENCY,
    budget: {
      rateLimit: github.rateLimit,
      requests: github.requests,
      deadline: started + timeBudgetMs
    }
  }).finally(progress.end);

  const dir = path.join(process.env.RUNNER_TEMP || root, 'slipway');
  mkdirSync(dir, { recursive: true });
  const planPath = path.join(dir, 'cleanup-plan.json');
  writeFileSync(planPath, JSON.stringify(report, null, 2));
  const planned = report.packages.reduce((n, p) => n + p.delete.length, 0);
  const kept = report.packages.reduce((n, p) => n + p.keep.length, 0);
  setOutputs({
    plan: outputPlan(report),
    'plan-path': planPath,
    planned,
    kept,
    deleted: report.result?.deleted.length ?? 0,
    failed: report.result?.failed.length ?? 0,
    'not-attempted': report.result?.notAttempted.length ?? 0
  });
  await writeSummary(report);
  const r = report.result;
  if (r && r.failed.length > 0) {
    const first = r.failed[0]!;
    throw new Error(
      `Cleanup stopped: deleting version ${first.id} (${first.digest}) of ${first.package} failed: ${first.error} ` +
        (r.deleted.length === 0 ? 'Nothing was deleted. ' : `Deleted ${r.deleted.length} of ${planned}; `) +
        `${r.failed.length} failed, ${r.notAttempted.length} not attempted (each marked in the plan output). ` +
        `Nothing kept was touched; a re-run plans again and deletes the rest.`
    );
  }
  if (r?.stopped) {
    core.warning(
      `Cleanup stopped early (${r.stopped.reason}): ${r.stopped.detail}. Deleted ${r.deleted.length} of ${planned}; ` +
        `${r.notAttempted.length} left for the next run (oldest garbage went first; nothing kept was touched).`
    );
    return;
  }
  core.info(
    dryRun
      ? `dry run: would delete ${planned} version(s), keep ${kept}`
      : `deleted ${r?.deleted.length ?? 0} version(s), kept ${kept}`
  );
}
