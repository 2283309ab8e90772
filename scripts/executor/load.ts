/**
 * Loading a workflow file: GitHub's own parser validates it against the workflow schema and converts it; we keep
 * the raw token tree too, for the keys the converted model drops (with, shell, working-directory, timeout-minutes,
 * defaults, permissions, continue-on-error of jobs, workflow_call outputs).
 */
import { readFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  convertWorkflowTemplate,
  isBasicExpression,
  isBoolean,
  isMapping,
  isNumber,
  isSequence,
  isString,
  NoOperationTraceWriter,
  parseWorkflow
} from '@actions/workflow-parser';
import type {
  WorkflowTemplate,
  Job,
  ReusableWorkflowJob,
  Step
} from '@actions/workflow-parser/model/workflow-template';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { WorkflowError } from './errors.js';

export interface LoadedWorkflow {
  /** absolute path */
  file: string;
  /** path for messages (relative to the repository root when possible) */
  display: string;
  /** repository root the workflow belongs to: `./.github/workflows/x.yml` and `./…` references resolve here */
  root: string;
  name: string;
  template: WorkflowTemplate;
  raw: MappingToken;
}

export function mapGet(token: TemplateToken | undefined, key: string): TemplateToken | undefined {
  if (!token || !isMapping(token)) return undefined;
  for (const pair of token) if (isString(pair.key) && pair.key.value === key) return pair.value;
  return undefined;
}

export function literalString(token: TemplateToken | undefined): string | undefined {
  return token && isString(token) ? token.value : undefined;
}

/** The repository root of a workflow file: the parent of its `.github/workflows` directory (else its own dir). */
export function workflowRoot(file: string): string {
  const dir = path.dirname(file);
  if (path.basename(dir) === 'workflows' && path.basename(path.dirname(dir)) === '.github') {
    return path.dirname(path.dirname(dir));
  }
  return dir;
}

const cache = new Map<string, Promise<LoadedWorkflow>>();

/** Parses a workflow file once per content version (path + mtime + size), so regenerated files are re-read. */
export function loadWorkflow(file: string): Promise<LoadedWorkflow> {
  const abs = path.resolve(file);
  const stat = statSync(abs, { throwIfNoEntry: false });
  const key = `${abs}\0${stat?.mtimeMs ?? 0}\0${stat?.size ?? 0}`;
  let loaded = cache.get(key);
  if (!loaded) {
    loaded = load(abs);
    cache.set(key, loaded);
    loaded.catch(() => cache.delete(key));
  }
  return loaded;
}

/** Forget parsed workflows (files changed on disk, e.g. between test cases). */
export function clearWorkflowCache(): void {
  cache.clear();
}

async function load(abs: string): Promise<LoadedWorkflow> {
  if (!existsSync(abs)) throw new WorkflowError(`workflow file ${abs} does not exist`);
  const root = workflowRoot(abs);
  const display = path.relative(process.cwd(), abs).startsWith('..')
    ? abs
    : path.relative(process.cwd(), abs);
  const content = readFileSync(abs, 'utf8');
  const parsed = parseWorkflow({ name: display, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length || !parsed.value) {
    throw new WorkflowError(`${display} is not a valid workflow:\n  - ${errors.join('\n  - ')}`);
  }
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  const conversionErrors = (template.errors ?? []).map((e) => e.Message);
  if (conversionErrors.length) {
    throw new WorkflowError(`${display} is not a valid workflow:\n  - ${conversionErrors.join('\n  - ')}`);
  }
  const raw = parsed.value as MappingToken;
  const name = literalString(mapGet(raw, 'name')) ?? path.basename(abs);
  return { file: abs, display, root, name, template, raw };
}

export function rawJob(wf: LoadedWorkflow, jobId: string): MappingToken {
  const job = mapGet(mapGet(wf.raw, 'jobs'), jobId);
  if (!job || !isMapping(job)) throw new WorkflowError(`${wf.display}: job '${jobId}' not found`);
  return job;
}

export function rawSteps(wf: LoadedWorkflow, jobId: string): MappingToken[] {
  const steps = mapGet(rawJob(wf, jobId), 'steps');
  const out: MappingToken[] = [];
  if (steps && isSequence(steps))
    for (let i = 0; i < steps.count; i++) out.push(steps.get(i) as MappingToken);
  return out;
}

/** `on.workflow_call.outputs` (dropped by the converter). */
export function callOutputs(wf: LoadedWorkflow): MappingToken | undefined {
  const outputs = mapGet(mapGet(mapGet(wf.raw, 'on'), 'workflow_call'), 'outputs');
  return outputs && isMapping(outputs) ? outputs : undefined;
}

export function isReusableJob(job: Job | ReusableWorkflowJob): job is ReusableWorkflowJob {
  return job.type === 'reusableWorkflowJob';
}

export function stepName(step: Step, raw: MappingToken | undefined): string {
  const name = literalString(mapGet(raw, 'name'));
  if (name) return name;
  if ('run' in step) {
    const token = mapGet(raw, 'run');
    const text = literalString(token) ?? (token && isBasicExpression(token) ? (token.source ?? '') : '');
    return `Run ${text.trim().split('\n')[0]}`;
  }
  if ('uses' in step) return `Run ${step.uses.value}`;
  return step.id;
}

export interface InputDefinition {
  type: string;
  required?: boolean;
  /** a literal value, or the token of an expression default (workflow_call) */
  default?: string | number | boolean | TemplateToken;
  options?: string[];
}

export interface TriggerInputs {
  inputs: Record<string, InputDefinition>;
  secrets: Record<string, { required?: boolean }>;
}

/**
 * Inputs and secrets of `on.workflow_dispatch` / `on.workflow_call` read from the raw tokens: the converter knows
 * no `number` type and drops expression defaults.
 */
export function triggerInputs(
  wf: LoadedWorkflow,
  event: 'workflow_dispatch' | 'workflow_call'
): TriggerInputs | undefined {
  const on = mapGet(wf.raw, 'on');
  const trigger = mapGet(on, event);
  const listed =
    on &&
    ((isString(on) && on.value === event) ||
      (isSequence(on) && [...Array(on.count).keys()].some((i) => literalString(on.get(i)) === event)));
  if (!trigger && !listed && !(on && isMapping(on) && [...on].some((p) => literalString(p.key) === event)))
    return undefined;
  const result: TriggerInputs = { inputs: {}, secrets: {} };
  const inputs = mapGet(trigger, 'inputs');
  if (inputs && isMapping(inputs)) {
    for (const { key, value } of inputs) {
      const name = literalString(key);
      if (!name) continue;
      const def: InputDefinition = { type: literalString(mapGet(value, 'type')) ?? 'string' };
      const required = mapGet(value, 'required');
      if (required && isBoolean(required)) def.required = required.value;
      const dflt = mapGet(value, 'default');
      if (dflt) {
        if (dflt.isExpression) def.default = dflt;
        else if (isString(dflt) || isNumber(dflt) || isBoolean(dflt)) def.default = dflt.value;
      }
      const options = mapGet(value, 'options');
      if (options && isSequence(options)) {
        def.options = [];
        for (let i = 0; i < options.count; i++) {
          const o = options.get(i);
          if (isString(o) || isNumber(o) || isBoolean(o)) def.options.push(String(o.value));
        }
      }
      result.inputs[name] = def;
    }
  }
  const secrets = mapGet(trigger, 'secrets');
  if (secrets && isMapping(secrets)) {
    for (const { key, value } of secrets) {
      const name = literalString(key);
      if (!name) continue;
      const required = mapGet(value, 'required');
      result.secrets[name] = { required: Boolean(required && isBoolean(required) && required.value) };
    }
  }
  return result;
}
