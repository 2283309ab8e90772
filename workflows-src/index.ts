/** Every generated workflow: its output path and its source. `scripts/gen-workflows.ts` writes them. */
import { buildWorkflow } from './build.js';
import type { Workflow } from './lib/types.js';

export interface GeneratedWorkflow {
  /** output path relative to the repository root */
  path: string;
  /** source file relative to the repository root (for the header) */
  source: string;
  workflow: Workflow;
}

export const WORKFLOWS: GeneratedWorkflow[] = [
  { path: '.github/workflows/build.yml', source: 'workflows-src/build.ts', workflow: buildWorkflow }
];
