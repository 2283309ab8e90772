/**
 * Small real images for integration tests: built FROM the offline busybox base with the files given, pushed to
 * the local registry with the docker CLI (as a build step would), the pushed digest returned.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BASE_IMAGE = 'localhost:5000/slipway/busybox:1.35';

/**
 * Builds `ref` from the base plus `files` (path → content, each COPYed to /<path>; a file in a sub-directory
 * copies that directory) and pushes it; returns the digest docker push reported.
 */
export function pushTestImage(ref: string, files: Record<string, string>): string {
  const ctx = mkdtempSync(path.join(os.tmpdir(), 'slipway-image-'));
  const copies = new Set<string>();
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(ctx, file)), { recursive: true });
    writeFileSync(path.join(ctx, file), content);
    copies.add(file.split('/')[0]!);
  }
  const lines = [...copies].map((top) => `COPY ${top} /${top}`);
  writeFileSync(path.join(ctx, 'Dockerfile'), [`FROM ${BASE_IMAGE}`, ...lines, ''].join('\n'));
  execFileSync('docker', ['build', '--network', 'host', '-q', '-t', ref, ctx], { stdio: 'pipe' });
  const out = execFileSync('docker', ['push', ref], { encoding: 'utf8' });
  const digest = /digest: (sha256:[a-f0-9]{64})/.exec(out)?.[1];
  if (!digest) throw new Error(`no digest in docker push output: ${out}`);
  return digest;
}

/**
 * Pushes an OCI image index of two pushed images (`digests`: as linux/amd64 and linux/arm64) to
 * `http://<registry>/v2/<repository>` under `tag`; returns the index's digest.
 */
export async function pushIndex(
  registry: string,
  repository: string,
  tag: string,
  digests: [string, string]
): Promise<string> {
  const manifests = [];
  for (const [i, d] of digests.entries()) {
    const res = await fetch(`http://${registry}/v2/${repository}/manifests/${d}`, {
      headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' }
    });
    const body = Buffer.from(await res.arrayBuffer());
    manifests.push({
      mediaType: res.headers.get('content-type'),
      digest: d,
      size: body.length,
      platform: { os: 'linux', architecture: i === 0 ? 'amd64' : 'arm64' }
    });
  }
  const put = await fetch(`http://${registry}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
    body: JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests
    })
  });
  if (put.status !== 201) throw new Error(`index push: HTTP ${put.status} ${await put.text()}`);
  return put.headers.get('docker-content-digest')!;
}
