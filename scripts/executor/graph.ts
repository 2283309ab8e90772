/** Job ordering by `needs`: a topological order that keeps the file order among jobs that are ready together. */
import { WorkflowError } from './errors.js';

export interface JobNode {
  id: string;
  needs: string[];
}

export function orderJobs(jobs: JobNode[], workflow = 'workflow'): string[] {
  const ids = new Set(jobs.map((j) => j.id));
  for (const job of jobs) {
    for (const need of job.needs) {
      if (!ids.has(need)) {
        throw new WorkflowError(
          `${workflow}: job '${job.id}' needs '${need}', which is not a job of this workflow (jobs: ${[...ids].join(', ')})`
        );
      }
    }
  }
  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < jobs.length) {
    const ready = jobs.find((j) => !done.has(j.id) && j.needs.every((n) => done.has(n)));
    if (!ready) {
      const stuck = jobs.filter((j) => !done.has(j.id)).map((j) => `${j.id} → ${j.needs.join(', ')}`);
      throw new WorkflowError(`${workflow}: the needs of these jobs form a cycle: ${stuck.join('; ')}`);
    }
    done.add(ready.id);
    order.push(ready.id);
  }
  return order;
}

/** Every job a job depends on, directly or through other jobs. */
export function ancestors(jobs: JobNode[], id: string): Set<string> {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const seen = new Set<string>();
  const visit = (jobId: string): void => {
    for (const need of byId.get(jobId)?.needs ?? []) {
      if (!seen.has(need)) {
        seen.add(need);
        visit(need);
      }
    }
  };
  visit(id);
  return seen;
}
