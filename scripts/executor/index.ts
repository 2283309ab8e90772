/** Programmatic API of the local workflow executor (see docs/local-runs.md). */
export { runWorkflow } from './engine.js';
export { clearWorkflowCache } from './load.js';
export { NotTriggeredError, UnsupportedFeatureError, WorkflowError } from './errors.js';
export type { Conclusion, JobResult, RunOptions, RunResult, StepResult } from './types.js';
