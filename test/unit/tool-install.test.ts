/**
 * The pinned tool install path of actions/lib/tool-install.ts end to end against a local mirror laid out like GitHub
 * releases (test/support/tool-mirror.ts): download → verify SHA-256 → extract → tool-cache → addPath, with this
 * machine's gitleaks and cosign packaged as the upstream assets; plus the rules of SLIPWAY_TOOL_MIRROR/_PINS.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COSIGN, resolveCosign } from '../../actions/lib/cosign.js';
import { ConfigurationError } from '../../actions/lib/errors.js';
import {
  mirroredUrl,
  pinnedAsset,
  resolveTool,
  TOOL_MIRROR_ENV,
  TOOL_PINS_ENV,
  toolSourceFromEnv
} from '../../actions/lib/tool-install.js';
import { GITLEAKS, GITLEAKS_RELEASES } from '../../actions/gitleaks-gate/install.js';
import { startToolMirror, type ToolMirror } from '../support/tool-mirror.js';

const SUM = 'ab'.repeat(32);

function binDir(work: string, tools: string[]): string {
  const dir = path.join(work, 'bin');
  mkdirSync(dir);
  for (const tool of tools) {
    symlinkSync(
      execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(),
      path.join(dir, tool)
    );
  }
  return dir;
}

describe('tool source: SLIPWAY_TOOL_MIRROR and SLIPWAY_TOOL_PINS', () => {
  it('defaults to GitHub release URLs and the pinned upstream checksums', () => {
    expect(toolSourceFromEnv({})).toEqual({});
    expect(toolSourceFromEnv({ [TOOL_MIRROR_ENV]: 'https://github.com/' })).toEqual({});
    expect(pinnedAsset(GITLEAKS, undefined, 'x64', undefined, {})).toEqual({
      version: '8.18.2',
      platform: 'x64',
      url: 'https://github.com/gitleaks/gitleaks/releases/download/v8.18.2/gitleaks_8.18.2_linux_x64.tar.gz',
      sha256: GITLEAKS_RELEASES['8.18.2']!.x64
    });
  });

  it('moves release URLs onto the mirror and keeps the upstream checksums', () => {
    const source = toolSourceFromEnv({ [TOOL_MIRROR_ENV]: 'http://127.0.0.1:8080/releases/' });
    expect(source).toEqual({ mirror: 'http://127.0.0.1:8080/releases' });
    expect(pinnedAsset(GITLEAKS, '8.18.2', 'x64', undefined, source)).toEqual({
      version: '8.18.2',
      platform: 'x64',
      url: 'http://127.0.0.1:8080/releases/gitleaks/gitleaks/releases/download/v8.18.2/gitleaks_8.18.2_linux_x64.tar.gz',
      sha256: GITLEAKS_RELEASES['8.18.2']!.x64
    });
    expect(pinnedAsset(COSIGN, undefined, 'linux-amd64', undefined, source).url).toBe(
      'http://127.0.0.1:8080/releases/sigstore/cosign/releases/download/v2.5.0/cosign-linux-amd64'
    );
    expect(() => mirroredUrl('https://example.com/x.tar.gz', 'http://m')).toThrow(
      /can only serve GitHub release URLs/
    );
  });

  it('refuses a pin table override without a mirror, so the upstream checksums cannot be swapped silently', () => {
    const pins = JSON.stringify({ gitleaks: { version: '8.16.0', sha256: { x64: SUM } } });
    expect(() => toolSourceFromEnv({ [TOOL_PINS_ENV]: pins })).toThrow(ConfigurationError);
    expect(() => toolSourceFromEnv({ [TOOL_PINS_ENV]: pins })).toThrow(
      /SLIPWAY_TOOL_PINS .* accepted only together with SLIPWAY_TOOL_MIRROR.*unset SLIPWAY_TOOL_PINS/
    );
    // github.com itself is no mirror
    expect(() =>
      toolSourceFromEnv({ [TOOL_PINS_ENV]: pins, [TOOL_MIRROR_ENV]: 'https://github.com' })
    ).toThrow(/accepted only together with SLIPWAY_TOOL_MIRROR/);
  });

  it('replaces the pin table of the tools it names, version default included', () => {
    const source = toolSourceFromEnv({
      [TOOL_MIRROR_ENV]: 'http://m',
      [TOOL_PINS_ENV]: JSON.stringify({ gitleaks: { version: '8.16.0', sha256: { x64: SUM.toUpperCase() } } })
    });
    expect(pinnedAsset(GITLEAKS, undefined, 'x64', undefined, source)).toEqual({
      version: '8.16.0',
      platform: 'x64',
      url: 'http://m/gitleaks/gitleaks/releases/download/v8.16.0/gitleaks_8.16.0_linux_x64.tar.gz',
      sha256: SUM
    });
    // the upstream pins of that tool no longer count…
    expect(() => pinnedAsset(GITLEAKS, '8.18.2', 'x64', undefined, source)).toThrow(
      /No SHA-256 for gitleaks 8\.18\.2 x64 in SLIPWAY_TOOL_PINS \(it pins gitleaks 8\.16\.0 for x64\)/
    );
    expect(() => pinnedAsset(GITLEAKS, undefined, 'arm64', undefined, source)).toThrow(/8\.16\.0 arm64/);
    // …other tools keep theirs
    expect(pinnedAsset(COSIGN, undefined, 'linux-amd64', undefined, source).version).toBe('2.5.0');
  });

  it('names the variable and the expected shape on bad values', () => {
    expect(() => toolSourceFromEnv({ [TOOL_MIRROR_ENV]: 'ftp://x' })).toThrow(
      /SLIPWAY_TOOL_MIRROR must be an http\(s\) base URL/
    );
    expect(() => toolSourceFromEnv({ [TOOL_MIRROR_ENV]: 'not a url' })).toThrow(/SLIPWAY_TOOL_MIRROR/);
    const withMirror = (pins: string) => () =>
      toolSourceFromEnv({ [TOOL_MIRROR_ENV]: 'http://m', [TOOL_PINS_ENV]: pins });
    expect(withMirror('{')).toThrow(/SLIPWAY_TOOL_PINS is not JSON/);
    expect(withMirror('[]')).toThrow(/must be a JSON object/);
    expect(withMirror('{"gitleaks":{"version":"latest","sha256":{}}}')).toThrow(/entry of 'gitleaks'/);
    expect(withMirror('{"gitleaks":{"version":"8.16.0","sha256":{"x64":"abc"}}}')).toThrow(
      /entry of 'gitleaks'/
    );
  });
});

describe('install from a local release mirror (real download, checksum, extract, tool-cache, addPath)', () => {
  let mirror: ToolMirror;
  let work: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    mirror = await startToolMirror(['gitleaks', 'cosign']);
  });
  afterAll(async () => {
    await mirror.close();
  });
  beforeEach(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'tool-install-'));
    Object.assign(process.env, {
      RUNNER_TEMP: path.join(work, 'temp'),
      RUNNER_TOOL_CACHE: path.join(work, 'tool-cache'),
      GITHUB_PATH: path.join(work, 'github_path'),
      // a runner without the tools: only what tool-cache itself runs (tar, gzip) on PATH
      PATH: binDir(work, ['tar', 'gzip']),
      ...mirror.env
    });
    writeFileSync(process.env.GITHUB_PATH as string, '');
    mirror.requests.length = 0;
  });
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    rmSync(work, { recursive: true, force: true });
  });

  it('installs gitleaks from the tar.gz asset, adds it to PATH, and reuses the tool cache', async () => {
    const version = mirror.pins.gitleaks!.version;
    const bin = await resolveTool(GITLEAKS, () => 'x64', {});
    const dir = path.join(work, 'tool-cache', 'gitleaks', version, 'x64');
    expect(bin).toBe(path.join(dir, 'gitleaks'));
    expect(readFileSync(process.env.GITHUB_PATH as string, 'utf8')).toContain(dir);
    expect(execFileSync(bin, ['--help'], { encoding: 'utf8' })).toMatch(/gitleaks/i);
    expect(mirror.requests).toEqual([
      {
        path: `/gitleaks/gitleaks/releases/download/v${version}/gitleaks_${version}_linux_x64.tar.gz`,
        status: 200
      }
    ]);
    expect(await resolveTool(GITLEAKS, () => 'x64', {})).toBe(bin);
    expect(mirror.requests).toHaveLength(1); // tool-cache hit, no second download
  });

  it('installs cosign from the bare binary asset', async () => {
    const bin = await resolveCosign({});
    expect(bin).toBe(
      path.join(work, 'tool-cache', 'cosign', mirror.pins.cosign!.version, 'linux-amd64', 'cosign')
    );
    expect(execFileSync(bin, ['version'], { encoding: 'utf8' })).toMatch(/GitVersion/);
  });

  it('refuses a download whose SHA-256 differs: clear error, nothing cached, nothing on PATH', async () => {
    const version = mirror.pins.gitleaks!.version;
    const actual = mirror.pins.gitleaks!.sha256.x64!;
    process.env[TOOL_PINS_ENV] = JSON.stringify({ gitleaks: { version, sha256: { x64: SUM } } });
    const attempt = resolveTool(GITLEAKS, () => 'x64', {});
    await expect(attempt).rejects.toThrow(ConfigurationError);
    await expect(resolveTool(GITLEAKS, () => 'x64', {})).rejects.toThrow(
      `SHA-256 mismatch for ${mirror.url}/gitleaks/gitleaks/releases/download/v${version}/gitleaks_${version}_linux_x64.tar.gz: ` +
        `expected ${SUM}, got ${actual}; refusing to run it`
    );
    expect(existsSync(path.join(work, 'tool-cache', 'gitleaks'))).toBe(false);
    expect(readdirSync(path.join(work, 'temp'))).toEqual([]); // the downloaded file is deleted
    expect(readFileSync(process.env.GITHUB_PATH as string, 'utf8')).toBe('');
  });

  it('an explicit gitleaks-sha256 input is checked the same way', async () => {
    await expect(
      resolveTool(GITLEAKS, () => 'x64', { version: mirror.pins.gitleaks!.version, sha256: SUM })
    ).rejects.toThrow(/SHA-256 mismatch .* expected abab.*; refusing to run it/);
  });

  it('names the URL and the mirror when the release file is missing', async () => {
    process.env[TOOL_PINS_ENV] = JSON.stringify({ gitleaks: { version: '9.9.9', sha256: { x64: SUM } } });
    await expect(resolveTool(GITLEAKS, () => 'x64', {})).rejects.toThrow(
      /Downloading gitleaks 9\.9\.9 from http:\/\/127\.0\.0\.1:\d+\/gitleaks\/gitleaks\/releases\/download\/v9\.9\.9\/gitleaks_9\.9\.9_linux_x64\.tar\.gz failed \(HTTP 404\).*is SLIPWAY_TOOL_MIRROR serving the release files\?/
    );
  });
});
