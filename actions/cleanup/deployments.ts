/**
 * Digests that are deployed: from the GitHub Deployments API of a repository, per environment the deployment that
 * is active (newest whose latest status is `success`), every newer one (still under way, or failed — a failed deploy
 * or rollback may have left its images running), and a rollback window of the N previous deployments that once
 * succeeded.
 *
 * The images of a deployment come from its payload, as the Slipway deploy action records it:
 *   { "slipway": { "images": [ { "service": "api", "image": "ghcr.io/acme/api", "digest": "sha256:…" } ] } }
 * `payload.images` (same entries) and entries with `ref: "image@sha256:…"` are accepted too.
 */
import { DIGEST_RE } from '../lib/image-ref.js';
import type { Octokit, RepoRef } from '../lib/github.js';
import { nextLink } from '../lib/packages.js';

export interface DeployedImage {
  image?: string;
  digest: string;
}

/** The image digests a deployment payload records (object or JSON string). */
export function imagesFromPayload(payload: unknown): DeployedImage[] {
  let p = payload;
  if (typeof p === 'string') {
    try {
      p = JSON.parse(p);
    } catch {
      return [];
    }
  }
  if (!p || typeof p !== 'object') return [];
  const obj = p as { slipway?: { images?: unknown }; images?: unknown };
  const lists = [obj.slipway?.images, obj.images].filter(Array.isArray) as unknown[][];
  const out: DeployedImage[] = [];
  for (const entry of lists.flat()) {
    if (!entry || typeof entry !== 'object') continue;
    const e = entry as { image?: unknown; digest?: unknown; ref?: unknown };
    const fromRef = typeof e.ref === 'string' ? /@(sha256:[a-f0-9]{64})$/.exec(e.ref)?.[1] : undefined;
    const fromImage = typeof e.image === 'string' ? /@(sha256:[a-f0-9]{64})$/.exec(e.image)?.[1] : undefined;
    const digest =
      typeof e.digest === 'string' && DIGEST_RE.test(e.digest) ? e.digest : (fromRef ?? fromImage);
    if (digest)
      out.push({ image: typeof e.image === 'string' ? e.image.replace(/@.*$/, '') : undefined, digest });
  }
  return out;
}

export interface DeploymentRecord {
  id: number;
  environment: string;
  payload: unknown;
  /** statuses newest first */
  states: string[];
}

export interface ProtectedDeployment {
  deploymentId: number;
  environment: string;
  role: 'active' | 'in progress' | 'failed after active' | 'rollback window';
  images: DeployedImage[];
}

const UNDER_WAY = new Set(['queued', 'pending', 'in_progress']);

/**
 * Chooses the protected deployments of one environment from its deployments newest first. `statesOf` is called
 * lazily so only the deployments that decide anything cost a request.
 */
export async function protectedInEnvironment(
  deployments: { id: number; environment: string; payload: unknown }[],
  statesOf: (id: number) => Promise<string[]>,
  rollbackWindow: number
): Promise<ProtectedDeployment[]> {
  const out: ProtectedDeployment[] = [];
  let active = false;
  let window = 0;
  for (const d of deployments) {
    if (active && window >= rollbackWindow) break;
    const states = await statesOf(d.id);
    const latest = states[0];
    const base = { deploymentId: d.id, environment: d.environment, images: imagesFromPayload(d.payload) };
    if (!active) {
      if (latest === undefined || UNDER_WAY.has(latest)) out.push({ ...base, role: 'in progress' });
      else if (latest === 'success') {
        active = true;
        out.push({ ...base, role: 'active' });
      } else if (states.includes('success')) {
        // succeeded once, now inactive: either a previous deployment (rollback target) or the environment was
        // deactivated; both are kept within the window
        if (window < rollbackWindow) {
          window++;
          out.push({ ...base, role: 'rollback window' });
        }
      } else {
        // failed or errored after the last success: a half-done deploy or a failed rollback may have left its
        // images running, so they are kept too
        out.push({ ...base, role: 'failed after active' });
      }
    } else if (states.includes('success')) {
      window++;
      out.push({ ...base, role: 'rollback window' });
    }
  }
  return out;
}

export interface DeploymentScan {
  protected: ProtectedDeployment[];
  requests: number;
  warnings: string[];
}

/** Reads the deployments of `repo` and returns the protected ones of every environment. */
export async function scanDeployments(
  octokit: Octokit,
  repo: RepoRef,
  rollbackWindow: number
): Promise<DeploymentScan> {
  let requests = 0;
  const all: { id: number; environment: string; payload: unknown }[] = [];
  let url: string | undefined = `/repos/${repo.owner}/${repo.repo}/deployments?per_page=100`;
  while (url) {
    requests++;
    const res: { data: unknown; headers: Record<string, unknown> } = await octokit.request(`GET ${url}`);
    for (const d of res.data as { id: number; environment: string; payload: unknown }[])
      all.push({ id: d.id, environment: d.environment, payload: d.payload });
    url = nextLink(res.headers.link);
  }
  const byEnv = new Map<string, typeof all>();
  for (const d of all.sort((a, b) => b.id - a.id))
    byEnv.set(d.environment, [...(byEnv.get(d.environment) ?? []), d]);
  const statesOf = async (id: number): Promise<string[]> => {
    requests++;
    const res = await octokit.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      owner: repo.owner,
      repo: repo.repo,
      deployment_id: id,
      per_page: 100
    });
    return [...res.data].sort((a, b) => Number(b.id) - Number(a.id)).map((s) => s.state);
  };
  const out: ProtectedDeployment[] = [];
  const warnings: string[] = [];
  for (const [, list] of [...byEnv].sort(([a], [b]) => a.localeCompare(b))) {
    for (const p of await protectedInEnvironment(list, statesOf, rollbackWindow)) {
      if (p.images.length === 0) {
        warnings.push(
          `deployment ${p.deploymentId} (${p.environment}, ${p.role}) records no images in its payload ` +
            `(payload.slipway.images); its images cannot be protected by digest`
        );
      }
      out.push(p);
    }
  }
  return { protected: out, requests, warnings };
}

/** digest → reason, for the planner. */
export function protectedDigests(deployments: ProtectedDeployment[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const d of deployments) {
    for (const image of d.images) {
      if (!map.has(image.digest))
        map.set(image.digest, `deployed: ${d.role} in ${d.environment} (deployment ${d.deploymentId})`);
    }
  }
  return map;
}
