/**
 * One cleanup, independent of the action's inputs (the action, the tests and the bench call it): resolve the owner,
 * read deployments, list every package's versions, plan against the registry's manifests, then delete unless dry-run.
 */
import picomatch from 'picomatch';
import { ConfigurationError } from '../lib/errors.js';
import type { Octokit, RepoRef } from '../lib/github.js';
import { PackagesClient, type PackageScope } from '../lib/packages.js';
import type { RegistryClient } from '../lib/registry.js';
import { protectedDigests, scanDeployments, type ProtectedDeployment } from './deployments.js';
import {
  executePlans,
  registryFetcher,
  type Budget,
  type ExecutionResult,
  type VersionRef
} from './execute.js';
import { planPackage, type PackagePlan } from './plan.js';
import { makeReport, type CleanupReport } from './report.js';
import { tagRules, type Policy } from './policy.js';

export interface CleanupOptions {
  octokit: Octokit;
  registry: RegistryClient;
  owner: string;
  /** package names or glob patterns (patterns are matched against the owner's container packages) */
  packages: string[];
  policy: Policy;
  /** repository whose deployments protect digests; undefined = none */
  deploymentsRepo?: RepoRef;
  rollbackWindow: number;
  dryRun: boolean;
  now?: Date;
  log?: (line: string) => void;
  warn?: (line: string) => void;
  onDeleted?: (v: VersionRef, n: number, total: number) => void;
  /** request and time budget of the deletes */
  budget?: Budget;
  /** deletes in flight at once (default 3) */
  deleteConcurrency?: number;
  /** manifest reads in flight at once (default 8) */
  readConcurrency?: number;
}

export interface CleanupRun {
  report: CleanupReport;
  /** GitHub API requests: owner lookup, package listing, deployments, version pages, deletes */
  apiRequests: number;
  /** registry manifest GETs */
  manifestRequests: number;
}

const GLOB = /[*?[\]{}!]/;

export async function resolvePackages(
  client: PackagesClient,
  scope: PackageScope,
  wanted: string[]
): Promise<string[]> {
  if (wanted.length === 0) {
    throw new ConfigurationError(
      "Input 'packages' is empty and no services manifest lists any: name the packages to clean (names or globs, one per line)."
    );
  }
  const names = new Set<string>();
  let all: string[] | undefined;
  for (const w of wanted) {
    if (!GLOB.test(w)) {
      names.add(w);
      continue;
    }
    all ??= await client.listPackages(scope);
    const matched = all.filter((n) => picomatch(w, { dot: true })(n));
    if (matched.length === 0) {
      throw new ConfigurationError(
        `Input 'packages': pattern '${w}' matches none of the container packages of '${scope.owner}'` +
          (all.length
            ? ` (${all.slice(0, 20).join(', ')}${all.length > 20 ? ', …' : ''})`
            : ' (it has none the token can see)')
      );
    }
    matched.forEach((n) => names.add(n));
  }
  return [...names].sort();
}

export async function runCleanup(opts: CleanupOptions): Promise<CleanupRun> {
  const log = opts.log ?? (() => undefined);
  const warn = opts.warn ?? log;
  tagRules(opts.policy); // pattern conflicts fail before any request
  const client = new PackagesClient(opts.octokit);
  const scope = await client.ownerScope(opts.owner);
  const names = await resolvePackages(client, scope, opts.packages);

  // list every package first: an unknown package fails the run before anything is deleted
  const listed: { name: string; versions: Awaited<ReturnType<PackagesClient['listVersions']>> }[] = [];
  for (const name of names) listed.push({ name, versions: await client.listVersions(scope, name) });

  let deployed: ProtectedDeployment[] = [];
  let deploymentRequests = 0;
  if (opts.deploymentsRepo) {
    const scan = await scanDeployments(opts.octokit, opts.deploymentsRepo, opts.rollbackWindow);
    deployed = scan.protected;
    deploymentRequests = scan.requests;
    scan.warnings.forEach(warn);
  }
  const protectedMap = protectedDigests(deployed);

  const plans: PackagePlan[] = [];
  let manifestRequests = 0;
  const now = opts.now ?? new Date();
  for (const { name, versions } of listed) {
    const repository = `${scope.owner.toLowerCase()}/${name}`;
    const fetcher = registryFetcher(opts.registry, repository);
    const plan = await planPackage({
      package: name,
      image: `${opts.registry.registry}/${repository}`,
      versions,
      policy: opts.policy,
      protectedDigests: protectedMap,
      fetchManifest: fetcher.fetch,
      now,
      concurrency: opts.readConcurrency
    });
    manifestRequests += fetcher.count();
    plan.warnings.forEach(warn);
    log(`${plan.image}: ${versions.length} versions, keep ${plan.keep.length}, delete ${plan.delete.length}`);
    plans.push(plan);
  }

  const base = { owner: scope.owner, registry: opts.registry.registry, dryRun: opts.dryRun };
  let result: ExecutionResult | undefined;
  if (!opts.dryRun)
    result = await executePlans(client, scope, plans, {
      budget: opts.budget,
      concurrency: opts.deleteConcurrency,
      onDeleted: opts.onDeleted
    });
  return {
    report: makeReport(base, deployed, plans, result),
    apiRequests: client.requests + deploymentRequests,
    manifestRequests
  };
}
