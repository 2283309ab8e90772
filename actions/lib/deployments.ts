/**
 * GitHub Deployments API records of Slipway deploys. The payload shape `{ slipway: { images, version } }` is read
 * by the cleanup action (it protects these digests) and by rollbacks (the last known good), so keep it stable.
 */
import type { Octokit, RepoRef } from './github.js';
import { DIGEST_RE } from './image-ref.js';

export interface DeployedImage {
  service: string;
  /** repository without tag or digest, e.g. ghcr.io/acme/api */
  image: string;
  digest: string;
}

export interface SlipwayPayload {
  slipway: {
    images: DeployedImage[];
    version: string;
    /** 'deploy' or 'rollback' (additive field; readers must not require it) */
    kind?: 'deploy' | 'rollback';
    /** the deployment id a rollback replaced */
    rollbackOf?: number;
  };
}

export type DeploymentState =
  'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface DeploymentRecord {
  id: number;
  ref: string;
  environment: string;
  createdAt: string;
  payload: SlipwayPayload | undefined;
}

export interface StatusFields {
  description?: string;
  environmentUrl?: string;
  logUrl?: string;
}

/** Reads our payload out of a deployment (GitHub returns it as an object, or a string for old API clients). */
export function slipwayPayload(raw: unknown): SlipwayPayload | undefined {
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const s = (value as { slipway?: unknown } | null)?.slipway as SlipwayPayload['slipway'] | undefined;
  if (!s || !Array.isArray(s.images) || typeof s.version !== 'string') return undefined;
  return { slipway: s };
}

export class Deployments {
  constructor(
    private readonly octokit: Octokit,
    private readonly repo: RepoRef
  ) {}

  async create(options: {
    environment: string;
    ref: string;
    payload: SlipwayPayload;
    description: string;
    production: boolean;
  }): Promise<DeploymentRecord> {
    const res = await this.octokit.rest.repos.createDeployment({
      ...this.repo,
      ref: options.ref,
      environment: options.environment,
      // payload digests are what is deployed; commit statuses of ref are the build workflow's business, and
      // auto_merge would make GitHub merge the default branch into ref.
      required_contexts: [],
      auto_merge: false,
      payload: options.payload as unknown as Record<string, unknown>,
      description: options.description.slice(0, 140),
      production_environment: options.production,
      transient_environment: false
    });
    if (res.status !== 201 || !('id' in res.data)) {
      throw new Error(`GitHub did not create the deployment: ${JSON.stringify(res.data).slice(0, 300)}`);
    }
    const d = res.data;
    return {
      id: d.id,
      ref: d.ref,
      environment: d.environment,
      createdAt: d.created_at,
      payload: options.payload
    };
  }

  async setStatus(id: number, state: DeploymentState, fields: StatusFields = {}): Promise<void> {
    await this.octokit.rest.repos.createDeploymentStatus({
      ...this.repo,
      deployment_id: id,
      state,
      description: fields.description?.slice(0, 140),
      ...(fields.environmentUrl ? { environment_url: fields.environmentUrl } : {}),
      ...(fields.logUrl ? { log_url: fields.logUrl } : {}),
      // a new success marks older successful deployments of the environment inactive
      auto_inactive: true
    });
  }

  async states(id: number): Promise<DeploymentState[]> {
    const res = await this.octokit.rest.repos.listDeploymentStatuses({
      ...this.repo,
      deployment_id: id,
      per_page: 100
    });
    // newest first (GitHub's order; sorted again so a reordered page can't change the verdict)
    return [...res.data].sort((a, b) => b.id - a.id).map((s) => s.state as DeploymentState);
  }

  /**
   * Deployments of an environment, newest first, that carry a Slipway payload (scans at most `limit`). Only ours:
   * a workflow job that references an environment makes GitHub create a deployment of its own for it, with an
   * empty payload ("When a workflow job that references an environment runs, it creates a deployment object with
   * the environment property set to the name of your environment" —
   * https://github.com/github/docs/blob/main/data/reusables/actions/environment-deployment-event.md); it names no
   * digests, so it is never a last known good nor a previous good.
   */
  async list(environment: string, limit = 100): Promise<DeploymentRecord[]> {
    const out: DeploymentRecord[] = [];
    for await (const page of this.octokit.paginate.iterator(this.octokit.rest.repos.listDeployments, {
      ...this.repo,
      environment,
      per_page: 50
    })) {
      for (const d of page.data) {
        const payload = slipwayPayload(d.payload);
        if (payload)
          out.push({ id: d.id, ref: d.ref, environment: d.environment, createdAt: d.created_at, payload });
      }
      if (out.length >= limit) break;
    }
    return out.sort((a, b) => b.id - a.id);
  }

  /**
   * The last known good deployment: the newest of ours that reached `success` and was not marked failed after
   * (inactive counts: see below); with `skip` the newest good
   * one that deployed different digests than `skip` (the previous good version, for a manual rollback).
   */
  async lastKnownGood(environment: string, skip?: DeploymentRecord): Promise<DeploymentRecord | undefined> {
    const list = await this.list(environment);
    for (const d of list) {
      const states = await this.states(d.id); // newest first
      if (!skip) {
        // success, or success later marked inactive by someone else's success: GitHub's own deployment of an
        // `environment:` job sets auto_inactive (default true: "Adds a new inactive status to all prior
        // non-transient, non-production environment deployments with the same repository and environment name
        // as the created status's deployment. An inactive status is only added to deployments that had a success
        // state" — https://docs.github.com/en/rest/deployments/statuses#create-a-deployment-status). A newer good
        // one of ours comes first in this newest-first list, so an inactive one here was not replaced by us.
        if (states[0] === 'success' || (states[0] === 'inactive' && states.includes('success'))) return d;
        continue;
      }
      if (d.id === skip.id || sameImages(d, skip)) continue;
      if (d.id > skip.id) continue;
      // once good (success, later superseded → inactive), and never marked failed afterwards
      if (states.includes('success') && (states[0] === 'success' || states[0] === 'inactive')) return d;
    }
    return undefined;
  }
}

export function imagesKey(images: DeployedImage[]): string {
  return images
    .map((i) => `${i.service}=${i.image}@${i.digest}`)
    .sort()
    .join(',');
}

function sameImages(a: DeploymentRecord, b: DeploymentRecord): boolean {
  return imagesKey(a.payload?.slipway.images ?? []) === imagesKey(b.payload?.slipway.images ?? []);
}

// ---------------------------------------------------------------------------------------------------------------
// Readers shared by rollback and cleanup (one pagination, one payload format).

/**
 * The digest-pinned images a deployment payload records (`payload.slipway.images`, object or JSON string). Unlike
 * `slipwayPayload` it does not require the other fields: cleanup protects the images of any Slipway record.
 */
export function payloadImages(raw: unknown): DeployedImage[] {
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return [];
    }
  }
  const images = (value as { slipway?: { images?: unknown } } | null)?.slipway?.images;
  if (!Array.isArray(images)) return [];
  return images.filter(
    (i): i is DeployedImage =>
      !!i &&
      typeof i === 'object' &&
      typeof (i as DeployedImage).digest === 'string' &&
      DIGEST_RE.test((i as DeployedImage).digest)
  );
}

/** Every deployment of a repository, all environments, newest first; `onPage` is called per page read. */
export async function listRepoDeployments(
  octokit: Octokit,
  repo: RepoRef,
  onPage?: () => void
): Promise<(DeploymentRecord & { rawPayload: unknown })[]> {
  const out: (DeploymentRecord & { rawPayload: unknown })[] = [];
  for await (const page of octokit.paginate.iterator(octokit.rest.repos.listDeployments, {
    ...repo,
    per_page: 100
  })) {
    onPage?.();
    for (const d of page.data)
      out.push({
        id: d.id,
        ref: d.ref,
        environment: d.environment,
        createdAt: d.created_at,
        payload: slipwayPayload(d.payload),
        rawPayload: d.payload
      });
  }
  return out.sort((a, b) => b.id - a.id);
}

/** The statuses of one deployment, newest first (first page of 100: the newest are the ones that decide). */
export async function deploymentStates(
  octokit: Octokit,
  repo: RepoRef,
  id: number
): Promise<DeploymentState[]> {
  const res = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: id, per_page: 100 });
  return [...res.data].sort((a, b) => b.id - a.id).map((s) => s.state as DeploymentState);
}
