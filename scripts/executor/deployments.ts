/**
 * The deployment GitHub creates for a job with `environment:` — made through the REST API given with --api-url,
 * so deploy and cleanup code meets the same deployment records it meets on GitHub (its own deployment plus the one
 * GitHub made for the job).
 *
 * GitHub's behaviour encoded here:
 *  - "When a workflow job that references an environment runs, it creates a deployment object with the environment
 *    property set to the name of your environment. As the workflow progresses, it also creates deployment status
 *    objects with the environment property set to the name of your environment, the environment_url property set to
 *    the URL for environment (if specified in the workflow), and the state property set to the status of the job."
 *    (github/docs data/reusables/actions/environment-deployment-event.md, shown on
 *    https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows#deployment)
 *  - opting out: `environment: { name, deployment: false }` — "By default, when a workflow job references an
 *    environment, GitHub creates a deployment object … You can opt out of deployment creation by setting
 *    `deployment` to `false`" (github/docs commit 84e7f9c, content/actions/how-tos/deploy/configure-and-manage-
 *    deployments/control-deployments.md; the `deployment` key of `job-environment-mapping` in the workflow schema of
 *    @actions/workflow-parser: "Whether to create a deployment record for this environment. Defaults to true.")
 *  - what GitHub writes, read back from the API (https://github.com/hephaestus-build/Hephaestus/pull/1828): the ref
 *    is the branch name (`ref=main`), the commit's sha, `payload={}`, `description=null`, statuses
 *    `queued → in_progress → success`, and `environment.url` becomes `environment_url` of the statuses.
 */
import { WorkflowError } from './errors.js';

export interface DeploymentTarget {
  apiUrl: string;
  token: string;
  repository: string;
}

async function call(
  t: DeploymentTarget,
  route: string,
  body: Record<string, unknown>
): Promise<Record<string, unknown>> {
  const url = `${t.apiUrl.replace(/\/$/, '')}/repos/${t.repository}${route}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${t.token}`,
      accept: 'application/vnd.github+json',
      'content-type': 'application/json',
      'x-github-api-version': '2022-11-28'
    },
    body: JSON.stringify(body)
  });
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    throw new WorkflowError(
      `environment: creating the job's deployment failed: POST ${url} → HTTP ${res.status} ${String(data.message ?? '')}`
    );
  }
  return data;
}

/** Creates the job's deployment (state `queued`); returns its id. */
export async function createJobDeployment(
  t: DeploymentTarget,
  d: { ref: string; environment: string; logUrl: string }
): Promise<number> {
  const created = await call(t, '/deployments', {
    ref: d.ref,
    environment: d.environment,
    task: 'deploy',
    payload: {},
    auto_merge: false,
    // GitHub's own deployment for a job does not wait for commit statuses
    required_contexts: []
  });
  const id = Number(created.id);
  await setDeploymentState(t, id, 'queued', { log_url: d.logUrl });
  return id;
}

export async function setDeploymentState(
  t: DeploymentTarget,
  id: number,
  state: 'queued' | 'in_progress' | 'success' | 'failure',
  fields: { log_url: string; environment_url?: string }
): Promise<void> {
  await call(t, `/deployments/${id}/statuses`, {
    state,
    log_url: fields.log_url,
    ...(fields.environment_url ? { environment_url: fields.environment_url } : {})
  });
}
