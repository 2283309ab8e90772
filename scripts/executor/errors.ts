/** Errors of the local executor: all are the user's to fix (workflow, flags, inputs), never a crash to debug. */

/** The workflow or the run request is wrong (invalid YAML, bad input, missing secret, not triggered, …). */
export class WorkflowError extends Error {
  override readonly name: string = 'WorkflowError';
}

/** The workflow uses something the local executor does not run; the message names workflow, job, step and feature. */
export class UnsupportedFeatureError extends WorkflowError {
  override readonly name: string = 'UnsupportedFeatureError';
}

/** The event does not trigger the workflow (not in `on:` or filtered out by branches/tags/paths/types). */
export class NotTriggeredError extends WorkflowError {
  override readonly name: string = 'NotTriggeredError';
}

/** Where something is, for messages: `workflow build.yml, job 'plan', step 2 ('Plan')`. */
export function where(workflow: string, job?: string, step?: { index: number; name?: string }): string {
  let s = `workflow ${workflow}`;
  if (job !== undefined) s += `, job '${job}'`;
  if (step) s += `, step ${step.index + 1}${step.name ? ` ('${step.name}')` : ''}`;
  return s;
}
