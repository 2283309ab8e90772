/**
 * workflow_dispatch and workflow_call inputs (and workflow_call secrets): defaults, types, choices, required —
 * with errors that name the input, what it allows and the fix.
 */
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { WorkflowError } from './errors.js';
import { evaluateToken, type Scope, type Value } from './expressions.js';
import type { TriggerInputs } from './load.js';

export interface ResolvedInputs {
  /** the `inputs` context: booleans and numbers typed */
  context: Record<string, Value>;
  /** github.event.inputs: every value a string (as GitHub keeps them) */
  eventInputs: Record<string, string>;
}

function parseBoolean(value: string): boolean | undefined {
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  return undefined;
}

export function resolveDispatchInputs(
  config: TriggerInputs | undefined,
  given: Record<string, string>,
  workflow: string
): ResolvedInputs {
  const defs = config?.inputs ?? {};
  const context: Record<string, Value> = {};
  const eventInputs: Record<string, string> = {};
  for (const name of Object.keys(given)) {
    if (!(name in defs)) {
      const known = Object.keys(defs);
      throw new WorkflowError(
        `${workflow}: unexpected input '${name}' for workflow_dispatch (${known.length ? `defined inputs: ${known.join(', ')}` : 'the workflow defines no inputs'})`
      );
    }
  }
  for (const [name, def] of Object.entries(defs)) {
    const type = String(def.type ?? 'string');
    let raw = given[name];
    if (raw === undefined && def.default !== undefined) raw = String(def.default);
    if (raw === undefined || (raw === '' && def.required)) {
      if (def.required) {
        throw new WorkflowError(
          `${workflow}: workflow_dispatch input '${name}' is required and has no default: pass --input ${name}=<value>`
        );
      }
      raw = type === 'boolean' ? 'false' : '';
    }
    if (type === 'choice') {
      const options = (def.options ?? []).map(String);
      if (!options.includes(raw) && !(raw === '' && !def.required)) {
        throw new WorkflowError(
          `${workflow}: workflow_dispatch input '${name}' got '${raw}', which is not one of its options: ${options.join(', ')}`
        );
      }
      context[name] = raw;
    } else if (type === 'boolean') {
      const b = parseBoolean(raw);
      if (b === undefined) {
        throw new WorkflowError(
          `${workflow}: workflow_dispatch input '${name}' is a boolean: pass true or false, not '${raw}'`
        );
      }
      context[name] = b;
      raw = String(b);
    } else if (type === 'number') {
      const n = Number(raw);
      if (raw.trim() === '' || Number.isNaN(n)) {
        throw new WorkflowError(`${workflow}: workflow_dispatch input '${name}' is a number, not '${raw}'`);
      }
      context[name] = n;
    } else {
      context[name] = raw;
    }
    eventInputs[name] = raw;
  }
  return { context, eventInputs };
}

/**
 * Inputs of a called (reusable) workflow from the caller's evaluated `with:`; defaults may be expressions over
 * `github`/`inputs`, evaluated in `scope`.
 */
export function resolveCallInputs(
  config: TriggerInputs | undefined,
  given: Record<string, Value>,
  scope: Scope,
  where: string
): Record<string, Value> {
  const defs = config?.inputs ?? {};
  const out: Record<string, Value> = {};
  for (const name of Object.keys(given)) {
    if (!(name in defs)) {
      const known = Object.keys(defs);
      throw new WorkflowError(
        `${where}: input '${name}' is not defined by the called workflow (${known.length ? `its inputs: ${known.join(', ')}` : 'it defines no inputs'})`
      );
    }
  }
  for (const [name, def] of Object.entries(defs)) {
    const type = String(def.type ?? 'string');
    let value: Value | undefined = given[name];
    if (value === undefined) {
      if (def.required) {
        throw new WorkflowError(
          `${where}: the called workflow requires input '${name}': add it under \`with:\``
        );
      }
      const d = def.default as Value | TemplateToken | undefined;
      value =
        d === undefined
          ? type === 'boolean'
            ? false
            : type === 'number'
              ? 0
              : ''
          : typeof d === 'object' && d !== null && 'templateTokenType' in d
            ? evaluateToken(d as TemplateToken, scope)
            : (d as Value);
    }
    if (type === 'boolean') {
      if (typeof value === 'string' && given[name] === undefined) value = parseBoolean(value) ?? value;
      if (typeof value !== 'boolean') {
        throw new WorkflowError(
          `${where}: input '${name}' is a boolean but got ${JSON.stringify(value)}; pass true/false (e.g. \${{ x == 'true' }})`
        );
      }
    } else if (type === 'number') {
      if (typeof value === 'string' && given[name] === undefined && value.trim() !== '')
        value = Number(value);
      if (typeof value !== 'number' || Number.isNaN(value)) {
        throw new WorkflowError(`${where}: input '${name}' is a number but got ${JSON.stringify(value)}`);
      }
    } else {
      if (typeof value === 'object' && value !== null) {
        throw new WorkflowError(`${where}: input '${name}' is a string but got ${JSON.stringify(value)}`);
      }
      value = value === null ? '' : String(value);
    }
    out[name] = value;
  }
  return out;
}

/** Secrets for a called workflow: declared names only, required ones present and non-empty. */
export function resolveCallSecrets(
  config: TriggerInputs | undefined,
  passed: Record<string, string>,
  inherit: boolean,
  where: string
): Record<string, string> {
  const defs = config?.secrets ?? {};
  if (!inherit) {
    for (const name of Object.keys(passed)) {
      if (!(name in defs)) {
        const known = Object.keys(defs);
        throw new WorkflowError(
          `${where}: secret '${name}' is not defined by the called workflow (${known.length ? `its secrets: ${known.join(', ')}` : 'it defines no secrets'})`
        );
      }
    }
  }
  for (const [name, def] of Object.entries(defs)) {
    if (def?.required && !passed[name]) {
      throw new WorkflowError(
        `${where}: the called workflow requires secret '${name}', but it was not provided` +
          (inherit
            ? ` (secrets: inherit, and the run has no secret ${name}: pass --secret ${name}=<value>)`
            : `: map it under \`secrets:\` (or use \`secrets: inherit\`)`)
      );
    }
  }
  return passed;
}

/**
 * Why GitHub cannot store a secret of this name (undefined when it can). GitHub's rules
 * (https://docs.github.com/en/actions/reference/secrets-reference#naming-your-secrets): names "can only contain
 * alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_). Spaces are not allowed", "must not start with
 * the GITHUB_ prefix", "must not start with a number" — the settings page refuses any other name. GITHUB_TOKEN is
 * the one GITHUB_ secret: GitHub creates it for every job.
 */
export function secretNameProblem(name: string): string | undefined {
  if (name === 'GITHUB_TOKEN') return undefined;
  if (!/^[A-Za-z0-9_]+$/.test(name))
    return 'secret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_)';
  if (/^[0-9]/.test(name)) return 'secret names must not start with a number';
  if (/^GITHUB_/i.test(name)) return 'secret names must not start with the GITHUB_ prefix';
  return undefined;
}

/** Refuses secrets given to a run under names GitHub would not accept. */
export function checkSecretNames(names: string[], flag = '--secret'): void {
  for (const name of names) {
    const problem = secretNameProblem(name);
    if (problem)
      throw new WorkflowError(
        `${flag} ${name}: GitHub cannot store a secret of this name: ${problem} (https://docs.github.com/en/actions/reference/secrets-reference#naming-your-secrets)`
      );
  }
}
