/**
 * The vulnerability DB: found fresh in the cache dir, or downloaded ONCE (`trivy image --download-db-only`) from the
 * first mirror that works, retrying each with exponential backoff (this trivy build prints nothing on a failed
 * download, so a rate limit (429/TOOMANYREQUESTS) cannot be told from other failures: every failure is retried up
 * to `retries` times). Scans then run with --skip-db-update. The I/O is injected so the logic is unit-tested.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DB_SCHEMA_VERSION } from './args.js';
import { backoffDelays } from '../lib/backoff.js';

export interface DbMetadata {
  Version?: number;
  NextUpdate?: string;
  UpdatedAt?: string;
  DownloadedAt?: string;
}

export function dbDir(cacheDir: string): string {
  return path.join(cacheDir, 'db');
}

export function readDbMetadata(cacheDir: string): DbMetadata | undefined {
  const file = path.join(dbDir(cacheDir), 'metadata.json');
  if (!existsSync(file) || !existsSync(path.join(dbDir(cacheDir), 'trivy.db'))) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DbMetadata;
  } catch {
    return undefined;
  }
}

/** trivy's own rule: usable without update when NextUpdate is ahead, or it was downloaded within the hour. */
export function isDbFresh(meta: DbMetadata | undefined, now: Date): boolean {
  if (!meta || meta.Version !== DB_SCHEMA_VERSION) return false;
  const next = Date.parse(meta.NextUpdate ?? '');
  const downloaded = Date.parse(meta.DownloadedAt ?? '');
  return (
    (Number.isFinite(next) && next > now.getTime()) ||
    (Number.isFinite(downloaded) && now.getTime() - downloaded < 3_600_000 && downloaded <= now.getTime())
  );
}

/** Has the schema trivy reads: a stale DB still scans, a DB of another schema fails the scan. */
export function isDbUsable(meta: DbMetadata | undefined): boolean {
  return meta?.Version === DB_SCHEMA_VERSION;
}

/** The actions/cache key: one copy per schema and UTC day, shared by every job of a matrix. */
export function dbCacheKey(now: Date, platform = `${process.platform}-${process.arch}`): string {
  return `slipway-trivy-db-v${DB_SCHEMA_VERSION}-${platform}-${now.toISOString().slice(0, 10)}`;
}

export interface DownloadAttempt {
  repository: string;
  attempt: number;
  exitCode: number;
  detail: string;
}

export interface DownloadDeps {
  /** runs `trivy image --download-db-only` against one repository; returns exit code and output tail */
  download: (repository: string) => Promise<{ exitCode: number; detail: string }>;
  sleep: (ms: number) => Promise<void>;
  log: (message: string) => void;
}

export class DbDownloadError extends Error {
  override readonly name = 'DbDownloadError';
  constructor(readonly attempts: DownloadAttempt[]) {
    super(
      `The trivy DB could not be downloaded from ${[...new Set(attempts.map((a) => a.repository))].join(', ')} ` +
        `(${attempts.length} attempt(s)): ` +
        attempts
          .map((a) => `${a.repository} #${a.attempt}: exit ${a.exitCode}${a.detail ? ` ${a.detail}` : ''}`)
          .join('; ') +
        `. No scan ran, so nothing is known about the image. Check 'db-repository' (an OCI repository holding ` +
        `trivy-db:${DB_SCHEMA_VERSION}), add a mirror, or raise 'db-retries' when the registry rate-limits (429).`
    );
  }
}

/** Tries each mirror in order, each up to 1 + retries times with backoff; returns the repository that worked. */
export async function downloadDb(
  repositories: string[],
  retries: number,
  backoffMs: number,
  deps: DownloadDeps
): Promise<string> {
  const attempts: DownloadAttempt[] = [];
  for (const repository of repositories) {
    const delays = backoffDelays(retries, backoffMs);
    for (let attempt = 1; attempt <= delays.length + 1; attempt++) {
      const { exitCode, detail } = await deps.download(repository);
      if (exitCode === 0) return repository;
      attempts.push({ repository, attempt, exitCode, detail });
      const delay = delays[attempt - 1];
      if (delay === undefined) break;
      deps.log(
        `DB download from ${repository} failed (exit ${exitCode}); retry ${attempt}/${retries} in ${delay} ms`
      );
      await deps.sleep(delay);
    }
    deps.log(
      `Giving up on ${repository}${repositories.at(-1) === repository ? '' : '; trying the next mirror'}`
    );
  }
  throw new DbDownloadError(attempts);
}
