/**
 * Digests that are deployed: from the GitHub Deployments API of a repository, per environment the deployment that
 * is active (newest whose latest status is `success`), every newer one (still under way, or failed — a failed deploy
 * or rollback may have left its images running), and a rollback window of the N previous deployments that once
 * succeeded.
 *
 * The deployments and their images are read by lib/deployments.ts (the deploy action's own record format,
 * `{ "slipway": { "images": [ { "service", "image", "digest" } ], "version" } }`).
 */
import type { Octokit, RepoRef } from '../lib/github.js';
import {
  deploymentStates,
  listRepoDeployments,
  payloadImages,
  type DeployedImage
} from '../lib/deployments.js';

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
    const base = { deploymentId: d.id, environment: d.environment, images: payloadImages(d.payload) };
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
  const all = (await listRepoDeployments(octokit, repo, () => requests++)).map((d) => ({
    id: d.id,
    environment: d.environment,
    payload: d.rawPayload
  }));
  const byEnv = new Map<string, typeof all>();
  for (const d of all) byEnv.set(d.environment, [...(byEnv.get(d.environment) ?? []), d]);
  const statesOf = async (id: number): Promise<string[]> => {
    requests++;
    return deploymentStates(octokit, repo, id);
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
