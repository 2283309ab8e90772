import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_GITLEAKS_VERSION,
  GITLEAKS_RELEASES,
  releaseAsset,
  resolveGitleaks,
  runnerArch
} from '../../../actions/gitleaks-gate/install.js';
import { ConfigurationError } from '../../../actions/lib/errors.js';
import { findExecutable, sha256File } from '../../../actions/lib/tool-install.js';

describe('gitleaks-gate install', () => {
  it('pins the default release with checksums for linux x64 and arm64', () => {
    expect(releaseAsset(DEFAULT_GITLEAKS_VERSION, 'x64')).toEqual({
      version: '8.18.2',
      platform: 'x64',
      url: 'https://github.com/gitleaks/gitleaks/releases/download/v8.18.2/gitleaks_8.18.2_linux_x64.tar.gz',
      sha256: GITLEAKS_RELEASES['8.18.2']!.x64
    });
    expect(releaseAsset('v8.18.2', 'arm64').url).toMatch(/gitleaks_8\.18\.2_linux_arm64\.tar\.gz$/);
    for (const sums of Object.values(GITLEAKS_RELEASES)) {
      for (const sum of Object.values(sums)) expect(sum).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('requires gitleaks-sha256 for a version without a pinned checksum', () => {
    expect(() => releaseAsset('8.16.0', 'x64')).toThrow(ConfigurationError);
    expect(() => releaseAsset('8.16.0', 'x64')).toThrow(
      /set input 'gitleaks-sha256'.*or set 'gitleaks-path'/
    );
    expect(releaseAsset('8.16.0', 'x64', 'A'.repeat(64)).sha256).toBe('a'.repeat(64));
    expect(() => releaseAsset('8.16.0', 'x64', 'nope')).toThrow(/64 hex/);
    expect(() => releaseAsset('latest', 'x64')).toThrow(/release like 8\.18\.2/);
  });

  it('maps the runner architecture', () => {
    expect(runnerArch('x64')).toBe('x64');
    expect(runnerArch('arm64')).toBe('arm64');
    expect(() => runnerArch('ia32')).toThrow(/gitleaks-path/);
  });

  it('finds an executable on PATH and hashes files', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gg-path-'));
    const bin = path.join(dir, 'gitleaks');
    writeFileSync(bin, 'abc');
    const savedPath = process.env.PATH;
    process.env.PATH = `/nonexistent${path.delimiter}${dir}`;
    try {
      expect(await findExecutable('gitleaks')).toBeUndefined(); // not executable
      chmodSync(bin, 0o755);
      expect(await findExecutable('gitleaks')).toBe(bin);
    } finally {
      process.env.PATH = savedPath;
    }
    expect(await findExecutable(bin)).toBe(bin);
    expect(await sha256File(bin)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await resolveGitleaks({ gitleaksPath: bin })).toBe(bin);
    await expect(resolveGitleaks({ gitleaksPath: path.join(dir, 'nope') })).rejects.toThrow(
      /gitleaks-path.*not an executable file \(it does not exist\)/
    );
  });
});
