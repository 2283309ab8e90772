/**
 * Every action a generated workflow uses goes through here: third-party actions only through the pin table (full
 * commit SHA, the release it is in as a comment — CVE-2025-30066, tj-actions/changed-files, is why), Slipway's own
 * actions with `with:` checked against their action.yml at generation time.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { Step, Value } from './types.js';

export const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** Slipway's own repository and the release line its reusable workflows use. */
export const SLIPWAY_REPO = 'slipway/slipway';
export const SLIPWAY_REF = 'v1';

export interface Pin {
  sha: string;
  version: string;
}

/** owner/repo[/path] → pinned commit. Update a pin by changing both fields together. */
export const PINS = {
  'actions/checkout': { sha: '11bd71901bbe5b1630ceea73d27597364c9af683', version: 'v4.2.2' },
  'actions/setup-node': { sha: '49933ea5288caeca8642d1e84afbd3f7d6820020', version: 'v4.4.0' },
  'actions/upload-artifact': { sha: 'ea165f8d65b6e75b540449e92b4886f43607fa02', version: 'v4.6.2' },
  'actions/download-artifact': { sha: 'd3f86a106a0bac45b974a628896c90dbdf5c8093', version: 'v4.3.0' },
  'docker/login-action': { sha: '74a5d142397b4f367a81961eba4e8cd7edddf772', version: 'v3.4.0' },
  'docker/setup-buildx-action': { sha: 'b5ca514318bd6ebac0fb2aedd5d36ec1b5c232a2', version: 'v3.10.0' },
  // v4.2.0 runs on node24 (its action.yml `using: 'node24'`); the SHA is the tag's commit in docker/setup-qemu-action
  'docker/setup-qemu-action': { sha: '96fe6ef7f33517b61c61be40b68a1882f3264fb8', version: 'v4.2.0' },
  'github/codeql-action/upload-sarif': { sha: '5d4e8d1aca955e8d8589aabd499c5cae939e33c7', version: 'v4.31.9' }
} as const satisfies Record<string, Pin>;

export type ThirdParty = keyof typeof PINS;

/** A step using a pinned third-party action. */
export function thirdParty(name: ThirdParty, step: Omit<Step, 'uses' | 'run'> = {}): Step {
  const pin = PINS[name];
  return { ...step, uses: `${name}@${pin.sha}` };
}

/** The version comment render.ts writes after each pinned `uses:`. */
export function pinComment(uses: string): string | undefined {
  const at = uses.lastIndexOf('@');
  const name = uses.slice(0, at) as ThirdParty;
  const pin: Pin | undefined = PINS[name];
  return pin && pin.sha === uses.slice(at + 1) ? pin.version : undefined;
}

interface ActionMeta {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, unknown>;
}

const metaCache = new Map<string, ActionMeta>();

export function actionMeta(name: string): ActionMeta {
  let meta = metaCache.get(name);
  if (!meta) {
    const file = path.join(REPO_ROOT, 'actions', name, 'action.yml');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new Error(`workflows-src: Slipway action '${name}' does not exist (no ${file})`);
    }
    const parsed = parse(text) as Partial<ActionMeta>;
    meta = { inputs: parsed.inputs ?? {}, outputs: parsed.outputs ?? {} };
    metaCache.set(name, meta);
  }
  return meta;
}

/**
 * A step using one of Slipway's actions. Unknown inputs and missing required inputs are generation errors, so a
 * renamed input cannot silently drop out of a workflow.
 */
export function slipway(
  name: string,
  step: Omit<Step, 'uses' | 'run'> & { with?: Record<string, Value> }
): Step {
  const meta = actionMeta(name);
  const given = step.with ?? {};
  for (const key of Object.keys(given)) {
    if (!(key in meta.inputs)) {
      throw new Error(
        `workflows-src: step '${step.id ?? step.name ?? name}' passes unknown input '${key}' to actions/${name} (inputs: ${Object.keys(meta.inputs).join(', ')})`
      );
    }
  }
  for (const [key, input] of Object.entries(meta.inputs)) {
    if (input.required && !(key in given)) {
      throw new Error(
        `workflows-src: step '${step.id ?? step.name ?? name}' misses required input '${key}' of actions/${name}`
      );
    }
  }
  return { ...step, uses: `${SLIPWAY_REPO}/actions/${name}@${SLIPWAY_REF}` };
}

/** `steps.<id>.outputs.<name>` checked against the action's declared outputs. */
export function stepOutput(action: string, stepId: string, output: string): string {
  if (!(output in actionMeta(action).outputs)) {
    throw new Error(`workflows-src: actions/${action} has no output '${output}'`);
  }
  return `steps.${stepId}.outputs.${output}`;
}

/** A reusable workflow of Slipway's, called from a consumer (or from another reusable workflow). */
export function reusable(file: string): string {
  return `${SLIPWAY_REPO}/.github/workflows/${file}@${SLIPWAY_REF}`;
}

export const expr = (inner: string): string => `\${{ ${inner} }}`;
