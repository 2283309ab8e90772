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

/** Slipway's own repository. */
export const SLIPWAY_REPO = 'slipway/slipway';

/**
 * The commit of Slipway's own actions (and, for the example callers, reusable workflows) that generated workflows
 * use, by full SHA: a caller pinning build.yml by SHA then runs exactly the actions of that commit, not whatever a
 * moving `@v1` points to later — the way SLSA's generator pins its builders. GitHub resolves `owner/repo/path@<sha>`
 * to that commit ("Using the commit SHA is the safest option for stability and security",
 * https://docs.github.com/en/actions/how-tos/reuse-automations/reuse-workflows, quoted in
 * https://github.com/NVIDIA-AI-Blueprints/nemotron-voice-agent/pull/123). The file is moved forward by the release
 * job of ci.yml (`scripts/pin-self.ts`: the tested main commit, then regenerate, commit, and semantic-release tags
 * that commit), so a release's workflows pin the actions of the release itself. Reusable workflows calling each
 * other use `./.github/workflows/…`, which GitHub takes "from the same commit as the caller workflow" (same source).
 */
export const SLIPWAY_PIN: { sha: string; version: string } = JSON.parse(
  readFileSync(path.join(REPO_ROOT, 'workflows-src/slipway-pin.json'), 'utf8')
) as { sha: string; version: string };
if (!/^[0-9a-f]{40}$/.test(SLIPWAY_PIN.sha)) {
  throw new Error(`workflows-src/slipway-pin.json: sha '${SLIPWAY_PIN.sha}' is not a full commit SHA`);
}

export interface Pin {
  sha: string;
  version: string;
}

/**
 * owner/repo[/path] → pinned commit. Update a pin by changing both fields together.
 *
 * Every pin is a release whose action.yml runs on `node24`: the runner moves JavaScript actions from Node 20 to
 * Node 24 in phases, the last with "All actions use Node 24, no opt-out" (https://github.com/actions/runner/pull/3948);
 * Node 24 default from 2026-06-02, Node 20 removed from the runner 2026-09-16 (the runner's own deprecation warning,
 * citing https://github.blog/changelog/2025-09-19-deprecation-of-node-20-on-github-actions-runners/).
 * Each SHA is the commit its tag points to (`git rev-parse <tag>^{commit}` in a mirror of the action's repository,
 * with `using: node24` read from action.yml at that commit — for codeql-action from upload-sarif/action.yml), checked
 * 2026-11-30; `scripts/check-pins.ts` re-checks the tags on GitHub.
 */
export const PINS = {
  'actions/checkout': { sha: '3d3c42e5aac5ba805825da76410c181273ba90b1', version: 'v7.0.1' },
  'actions/setup-node': { sha: '820762786026740c76f36085b0efc47a31fe5020', version: 'v7.0.0' },
  'actions/upload-artifact': { sha: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f', version: 'v7.0.0' },
  'actions/download-artifact': { sha: '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c', version: 'v8.0.1' },
  'docker/login-action': { sha: '4907a6ddec9925e35a0a9e82d7399ccc52663121', version: 'v4.1.0' },
  'docker/setup-buildx-action': { sha: '37fe631027851001ddb9b187196cc803df7f5f0e', version: 'v4.3.0' },
  // v4.2.0 runs on node24 (its action.yml `using: 'node24'`); the SHA is the tag's commit in docker/setup-qemu-action
  'docker/setup-qemu-action': { sha: '96fe6ef7f33517b61c61be40b68a1882f3264fb8', version: 'v4.2.0' },
  'github/codeql-action/upload-sarif': { sha: '8aad20d150bbac5944a9f9d289da16a4b0d87c1e', version: 'v4.36.2' }
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
  if (uses.startsWith(`${SLIPWAY_REPO}/`) && uses.slice(at + 1) === SLIPWAY_PIN.sha)
    return SLIPWAY_PIN.version;
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
  return { ...step, uses: `${SLIPWAY_REPO}/actions/${name}@${SLIPWAY_PIN.sha}` };
}

/** `steps.<id>.outputs.<name>` checked against the action's declared outputs. */
export function stepOutput(action: string, stepId: string, output: string): string {
  if (!(output in actionMeta(action).outputs)) {
    throw new Error(`workflows-src: actions/${action} has no output '${output}'`);
  }
  return `steps.${stepId}.outputs.${output}`;
}

/** A reusable workflow of Slipway's called from a consumer (the example callers): by the pinned commit. */
export function reusable(file: string): string {
  return `${SLIPWAY_REPO}/.github/workflows/${file}@${SLIPWAY_PIN.sha}`;
}

/**
 * A reusable workflow of Slipway's called from another of Slipway's reusable workflows: `./`, which GitHub resolves
 * in the repository and commit of the calling workflow file ("When you reference a reusable workflow in the same
 * repository using … ./ …, the called workflow is from the same commit as the caller workflow",
 * https://docs.github.com/en/actions/how-tos/reuse-automations/reuse-workflows, quoted in
 * https://github.com/rodri-oliveira-dev/.github/pull/48; nested calls resolve in the reusable workflow's own
 * repository, https://github.com/nektos/act/pull/5888). So a caller pinning release.yml by SHA gets build.yml of
 * that same commit — no SHA can name the commit that contains it.
 */
export function sibling(file: string): string {
  return `./.github/workflows/${file}`;
}

export const expr = (inner: string): string => `\${{ ${inner} }}`;
