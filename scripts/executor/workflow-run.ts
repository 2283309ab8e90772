/**
 * A workflow's jobs in `needs` order, one after another or side by side (the pure scheduling pieces are in
 * scheduler.ts), jobs kept from an earlier attempt, and a called workflow's outputs.
 */
import { isString } from '@actions/workflow-parser';
import type { Job, ReusableWorkflowJob } from '@actions/workflow-parser/model/workflow-template';
import { evaluateString, type Scope, type Value } from './expressions.js';
import { orderJobs, type JobNode } from './graph.js';
import { executeJob } from './job.js';
import { callOutputs, mapGet, type LoadedWorkflow } from './load.js';
import { MARK } from './report.js';
import { indent, type JobRecord, type RunState, type WorkflowScope } from './state.js';
import type { JobResult } from './types.js';

export function evaluateCallOutputs(
  wf: LoadedWorkflow,
  records: Record<string, JobRecord>,
  inputs: Record<string, Value>,
  state: RunState
): Record<string, string> {
  const out: Record<string, string> = {};
  const defs = callOutputs(wf);
  if (!defs) return out;
  const scope: Scope = {
    contexts: { github: state.github, inputs, vars: state.vars, jobs: records as unknown as Value }
  };
  for (const { key, value } of defs) {
    if (!isString(key)) continue;
    out[key.value] = evaluateString(mapGet(value, 'value'), scope);
  }
  return out;
}

export async function executeWorkflow(
  state: RunState,
  scope: WorkflowScope,
  kept: Record<string, JobRecord> = {}
): Promise<{ results: JobResult[]; records: Record<string, JobRecord> }> {
  const { wf } = scope;
  const nodes: JobNode[] = wf.template.jobs.map((j) => ({
    id: j.id.value,
    needs: (j.needs ?? []).map((n) => n.value)
  }));
  const order = orderJobs(nodes, wf.display);
  const records: Record<string, JobRecord> = {};
  const results: JobResult[] = [];
  if (state.parallel) return executeWorkflowParallel(state, scope, kept, nodes, order);
  for (const id of order) {
    const job = wf.template.jobs.find((j) => j.id.value === id) as Job | ReusableWorkflowJob;
    const keep = kept[id];
    if (keep) {
      results.push(keptResult(state, id, scope.depth, keep));
      records[id] = keep;
      continue;
    }
    const result = await executeJob(state, scope, job, nodes, records);
    results.push(result);
    records[id] = {
      result: result.continuedOnError ? 'success' : result.result,
      outputs: result.outputs
    };
  }
  return { results, records };
}

function keptResult(state: RunState, id: string, depth: number, keep: JobRecord): JobResult {
  state.logger.line(
    `${indent(depth)}${MARK[keep.result]} ${id} ${keep.result} (kept from attempt ${Number(state.github.run_attempt) - 1}, not re-run)`
  );
  return {
    id,
    name: id,
    depth,
    result: keep.result,
    outputs: keep.outputs,
    steps: [],
    durationMs: 0,
    keptFromPreviousAttempt: true
  };
}

/**
 * Jobs side by side: "By default, jobs have no dependencies and run in parallel with each other"; a job with
 * `needs:` starts when every job it needs has completed
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idneeds). Each job
 * starts as soon as its needs are recorded (results feed its `if:` and the needs context, as in the sequential
 * order); the run-wide Slots bound how many run steps at once. Results are listed in orderJobs order, so the
 * final table reads the same as a sequential run's.
 */
async function executeWorkflowParallel(
  state: RunState,
  scope: WorkflowScope,
  kept: Record<string, JobRecord>,
  nodes: JobNode[],
  order: string[]
): Promise<{ results: JobResult[]; records: Record<string, JobRecord> }> {
  const { wf } = scope;
  const records: Record<string, JobRecord> = {};
  const byId = new Map<string, JobResult>();
  const needsOf = new Map(nodes.map((n) => [n.id, n.needs]));
  const started = new Set<string>();
  const running = new Map<string, Promise<void>>();
  const ready = (): string[] =>
    order.filter((id) => !started.has(id) && (needsOf.get(id) ?? []).every((n) => n in records));
  while (byId.size < order.length) {
    const now = ready();
    for (const id of now) {
      started.add(id);
      const keep = kept[id];
      if (keep) {
        byId.set(id, keptResult(state, id, scope.depth, keep));
        records[id] = keep;
        continue;
      }
      const job = wf.template.jobs.find((j) => j.id.value === id) as Job | ReusableWorkflowJob;
      running.set(
        id,
        executeJob(state, scope, job, nodes, records).then((result) => {
          byId.set(id, result);
          records[id] = {
            result: result.continuedOnError ? 'success' : result.result,
            outputs: result.outputs
          };
          running.delete(id);
        })
      );
    }
    // a kept job may have made others ready at once: wait only when nothing new started
    if (now.length === 0) {
      if (!running.size) throw new Error(`${wf.display}: no job is ready and none runs (scheduler bug)`);
      await Promise.race(running.values());
    }
  }
  return { results: order.map((id) => byId.get(id) as JobResult), records };
}
