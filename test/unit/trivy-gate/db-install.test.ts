import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  dbCacheKey,
  DbDownloadError,
  downloadDb,
  isDbFresh,
  readDbMetadata
} from '../../../actions/trivy-gate/db.js';
import { backoffDelays } from '../../../actions/lib/backoff.js';
import { releaseAsset, runnerPlatform } from '../../../actions/lib/trivy.js';

const now = new Date('2026-11-23T12:00:00Z');

describe('DB freshness', () => {
  it('is fresh while NextUpdate is ahead, or within the hour after a download', () => {
    expect(isDbFresh({ Version: 2, NextUpdate: '2026-11-23T18:00:00Z' }, now)).toBe(true);
    expect(
      isDbFresh({ Version: 2, NextUpdate: '2026-11-23T06:00:00Z', DownloadedAt: '2026-11-23T11:30:00Z' }, now)
    ).toBe(true);
    expect(
      isDbFresh({ Version: 2, NextUpdate: '2026-11-23T06:00:00Z', DownloadedAt: '2026-11-23T10:00:00Z' }, now)
    ).toBe(false);
    expect(isDbFresh({ Version: 1, NextUpdate: '2099-01-01T00:00:00Z' }, now)).toBe(false);
    expect(isDbFresh(undefined, now)).toBe(false);
  });

  it('reads metadata only when trivy.db is there too', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tg-db-'));
    mkdirSync(path.join(dir, 'db'));
    writeFileSync(path.join(dir, 'db/metadata.json'), '{"Version":2}');
    expect(readDbMetadata(dir)).toBeUndefined();
    writeFileSync(path.join(dir, 'db/trivy.db'), '');
    expect(readDbMetadata(dir)).toEqual({ Version: 2 });
  });

  it('keys the cache on schema version and UTC day, so a matrix shares one copy', () => {
    expect(dbCacheKey(now, 'linux-x64')).toBe('slipway-trivy-db-v2-linux-x64-2026-11-23');
    expect(dbCacheKey(new Date('2026-11-23T23:59:00-05:00'), 'linux-x64')).toBe(
      'slipway-trivy-db-v2-linux-x64-2026-11-24'
    );
  });
});

describe('downloadDb', () => {
  it('backs off exponentially, capped', () => {
    expect(backoffDelays(4, 1000, 5000)).toEqual([1000, 2000, 4000, 5000]);
    expect(backoffDelays(0, 1000)).toEqual([]);
  });

  it('retries a failing mirror, then falls back to the next one', async () => {
    const calls: string[] = [];
    const sleeps: number[] = [];
    const used = await downloadDb(['ghcr.io/a/trivy-db', 'mirror.example/trivy-db'], 2, 100, {
      download: async (repo) => {
        calls.push(repo);
        return { exitCode: repo.startsWith('ghcr') ? 1 : 0, detail: '' };
      },
      sleep: async (ms) => void sleeps.push(ms),
      log: () => undefined
    });
    expect(used).toBe('mirror.example/trivy-db');
    expect(calls).toEqual([
      'ghcr.io/a/trivy-db',
      'ghcr.io/a/trivy-db',
      'ghcr.io/a/trivy-db',
      'mirror.example/trivy-db'
    ]);
    expect(sleeps).toEqual([100, 200]);
  });

  it('succeeds on a retry (a 429 that went away)', async () => {
    let n = 0;
    const used = await downloadDb(['ghcr.io/a/trivy-db'], 3, 1, {
      download: async () => ({ exitCode: ++n < 3 ? 1 : 0, detail: 'TOOMANYREQUESTS' }),
      sleep: async () => undefined,
      log: () => undefined
    });
    expect(used).toBe('ghcr.io/a/trivy-db');
    expect(n).toBe(3);
  });

  it('fails with every attempt listed when all mirrors fail', async () => {
    const error = await downloadDb(['a/db', 'b/db'], 1, 1, {
      download: async () => ({ exitCode: 1, detail: '429' }),
      sleep: async () => undefined,
      log: () => undefined
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DbDownloadError);
    expect((error as Error).message).toContain('from a/db, b/db (4 attempt(s))');
  });
});

describe('install', () => {
  it('pins 0.69.3 with a checksum per platform, and refuses an unknown version without one', () => {
    expect(runnerPlatform('linux', 'x64')).toBe('Linux-64bit');
    expect(runnerPlatform('darwin', 'arm64')).toBe('macOS-ARM64');
    expect(() => runnerPlatform('win32', 'x64')).toThrow("set input 'trivy-path'");
    const asset = releaseAsset('0.69.3', 'Linux-64bit');
    expect(asset.url).toBe(
      'https://github.com/aquasecurity/trivy/releases/download/v0.69.3/trivy_0.69.3_Linux-64bit.tar.gz'
    );
    expect(asset.sha256).toBe('1816b632dfe529869c740c0913e36bd1629cb7688bd5634f4a858c1d57c88b75');
    expect(() => releaseAsset('0.99.0', 'Linux-64bit')).toThrow("set input 'trivy-sha256'");
    expect(releaseAsset('v0.99.0', 'Linux-64bit', 'A'.repeat(64)).sha256).toBe('a'.repeat(64));
    expect(() => releaseAsset('latest', 'Linux-64bit')).toThrow("Input 'trivy-version' must be a release");
  });

  it('refuses the malicious and the deleted releases by name, even with an explicit checksum', () => {
    const sha = 'a'.repeat(64);
    expect(() => releaseAsset('0.69.4', 'Linux-64bit', sha)).toThrow(
      /trivy 0\.69\.4 is refused: malicious release \(GHSA-69fq-xp46-6x23, CVE-2026-33634\)\. Set 'trivy-version' to 0\.69\.3/
    );
    expect(() => releaseAsset('v0.69.6', 'Linux-64bit', sha)).toThrow(/trivy 0\.69\.6 is refused/);
    expect(() => releaseAsset('0.58.1', 'Linux-64bit', sha)).toThrow(/release assets were deleted/);
    expect(() => releaseAsset('0.27.0', 'Linux-64bit', sha)).toThrow(/release assets were deleted/);
    expect(() => releaseAsset('0.69.1', 'Linux-64bit', sha)).toThrow(/release assets were deleted/);
    // the edges of the deleted range stay installable with their checksum
    expect(releaseAsset('0.26.0', 'Linux-64bit', sha).version).toBe('0.26.0');
    expect(releaseAsset('0.69.2', 'Linux-64bit', sha).version).toBe('0.69.2');
  });
});

describe('resolveTrivy', () => {
  it('refuses a trivy-path that is not an executable file', async () => {
    const { resolveTrivy } = await import('../../../actions/lib/trivy.js');
    await expect(resolveTrivy({ trivyPath: '/no/such/trivy' })).rejects.toThrow(
      "Input 'trivy-path': /no/such/trivy is not an executable file (it does not exist)"
    );
    await expect(resolveTrivy({ trivyPath: '/bin/sh' })).resolves.toBe('/bin/sh');
  });
});
