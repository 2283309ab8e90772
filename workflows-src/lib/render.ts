/** Workflow object → YAML text with the "generated — do not edit" header and a version comment on every pin. */
import { Document, isPair, isScalar, visit } from 'yaml';
import { pinComment } from './actions.js';
import type { Workflow } from './types.js';

const STEP_KEYS = ['id', 'name', 'if', 'uses', 'with', 'shell', 'working-directory', 'env', 'run'];
const JOB_KEYS = ['name', 'needs', 'if', 'runs-on', 'environment', 'permissions', 'concurrency', 'strategy'];

/** Keys in the order people write them (id/name/if/uses/with… for steps; name/needs/if/runs-on… for jobs). */
function ordered<T extends object>(value: T, first: string[]): T {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  const rank = (k: string): number => (first.includes(k) ? first.indexOf(k) : first.length);
  return Object.fromEntries(entries.sort(([a], [b]) => rank(a) - rank(b))) as T;
}

export function renderWorkflow(workflow: Workflow, source: string): string {
  const jobs = Object.fromEntries(
    Object.entries(workflow.jobs).map(([id, job]) => {
      const sorted = ordered(job, JOB_KEYS);
      if ('steps' in sorted) sorted.steps = sorted.steps.map((step) => ordered(step, STEP_KEYS));
      return [id, sorted];
    })
  );
  const doc = new Document({ ...workflow, jobs }, { aliasDuplicateObjects: false });
  visit(doc, {
    Pair(_, pair) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.value === 'uses' && isScalar(pair.value)) {
        const version = pinComment(String(pair.value.value));
        if (version) pair.value.comment = ` ${version}`;
      }
    }
  });
  const header = [
    `# generated from ${source} by scripts/gen-workflows.ts — do not edit`,
    '# change the TypeScript source and run `npx tsx scripts/gen-workflows.ts`',
    ''
  ].join('\n');
  return header + doc.toString({ lineWidth: 0, indentSeq: true });
}
