/** Every generated workflow: its output path and its source. `scripts/gen-workflows.ts` writes them. */
import { buildWorkflow } from './build.js';
import { ciWorkflow } from './ci.js';
import { cleanupWorkflow } from './cleanup.js';
import { exampleBuildWorkflow } from './example/build.js';
import { exampleCleanupWorkflow } from './example/cleanup.js';
import { exampleDeployWorkflow, exampleRollbackWorkflow } from './example/deploy.js';
import { deployWorkflow } from './deploy.js';
import { pinsWorkflow } from './pins.js';
import { releaseWorkflow } from './release.js';
import type { Workflow } from './lib/types.js';

export interface GeneratedWorkflow {
  /** output path relative to the repository root */
  path: string;
  /** source file relative to the repository root (for the header) */
  source: string;
  workflow: Workflow;
}

export const WORKFLOWS: GeneratedWorkflow[] = [
  { path: '.github/workflows/build.yml', source: 'workflows-src/build.ts', workflow: buildWorkflow },
  { path: '.github/workflows/ci.yml', source: 'workflows-src/ci.ts', workflow: ciWorkflow },
  { path: '.github/workflows/release.yml', source: 'workflows-src/release.ts', workflow: releaseWorkflow },
  { path: '.github/workflows/cleanup.yml', source: 'workflows-src/cleanup.ts', workflow: cleanupWorkflow },
  { path: '.github/workflows/pins.yml', source: 'workflows-src/pins.ts', workflow: pinsWorkflow },
  { path: '.github/workflows/deploy.yml', source: 'workflows-src/deploy.ts', workflow: deployWorkflow },
  {
    path: 'examples/monorepo/.github/workflows/deploy.yml',
    source: 'workflows-src/example/deploy.ts',
    workflow: exampleDeployWorkflow
  },
  {
    path: 'examples/monorepo/.github/workflows/rollback.yml',
    source: 'workflows-src/example/deploy.ts',
    workflow: exampleRollbackWorkflow
  },
  {
    path: 'examples/monorepo/.github/workflows/images.yml',
    source: 'workflows-src/example/build.ts',
    workflow: exampleBuildWorkflow
  },
  {
    path: 'examples/monorepo/.github/workflows/cleanup.yml',
    source: 'workflows-src/example/cleanup.ts',
    workflow: exampleCleanupWorkflow
  }
];
