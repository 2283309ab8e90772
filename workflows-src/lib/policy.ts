/**
 * The security properties every generated workflow must have, checked on the YAML text (what GitHub runs):
 * - third-party actions pinned by a full commit SHA with the release as a comment; Slipway's own actions and
 *   workflows only at the pinned commit (SLIPWAY_PIN, workflows-src/slipway-pin.json); local `./` references allowed;
 * - `permissions: {}` at the top and explicit, minimal permissions on every job: `packages: write` only where a
 *   step pushes or deletes images, `id-token: write` only where a step signs keyless, `security-events: write` only
 *   where a step uploads SARIF, `contents: write` only where a step creates releases/tags/assets, `deployments:
 *   write` only where a step records deployments;
 * - no `${{ … }}` inside `run:` (values reach scripts through `env:`);
 * - no `pull_request_target`; checkout never persists credentials.
 */
import { parseDocument } from 'yaml';
import { SLIPWAY_PIN, SLIPWAY_REPO } from './actions.js';

export interface Violation {
  job?: string;
  step?: string;
  rule: string;
  message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Which step (by its `uses:` action and `with:`) justifies which write permission. */
export const WRITE_JUSTIFICATIONS: Record<string, (uses: string, withs: Obj) => boolean> = {
  packages: (uses) =>
    /\/actions\/(build|promote|sign|sbom|cleanup)@/.test(uses) || uses.startsWith('docker/login-action@'),
  'id-token': (uses, withs) =>
    (/\/actions\/(sign|sbom)@/.test(uses) && String(withs.mode ?? '') === 'keyless') ||
    (/\/actions\/sbom@/.test(uses) && String(withs['github-attestation'] ?? 'false') !== 'false'),
  'security-events': (uses, withs) =>
    uses.startsWith('github/codeql-action/upload-sarif@') ||
    (/\/actions\/trivy-gate@/.test(uses) && String(withs['upload-sarif'] ?? 'false') !== 'false'),
  contents: (uses) => /\/actions\/(release|sbom)@/.test(uses),
  deployments: (uses) => /\/actions\/(deploy|rollback)@/.test(uses),
  attestations: (uses, withs) =>
    /\/actions\/sbom@/.test(uses) && String(withs['github-attestation'] ?? 'false') !== 'false',
  actions: () => false,
  checks: () => false,
  issues: (uses) => /\/actions\/release@/.test(uses),
  'pull-requests': (uses) => /\/actions\/release@/.test(uses),
  statuses: () => false
};

/** `run:` scripts that justify a write permission (Slipway's own release runs the semantic-release CLI). */
export const RUN_JUSTIFICATIONS: Partial<Record<string, RegExp>> = {
  contents: /\bnpx semantic-release\b/
};

const PINNED = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/;

export function checkWorkflowPolicy(text: string): Violation[] {
  const violations: Violation[] = [];
  const doc = parseDocument(text);
  const root = doc.toJS() as Obj;
  const lines = text.split('\n');
  const on = root.on;
  if (isObj(on) && 'pull_request_target' in on) {
    violations.push({
      rule: 'no-pull-request-target',
      message: 'pull_request_target runs with a write token on untrusted code'
    });
  }
  if (!isObj(root.permissions) || Object.keys(root.permissions).length > 0) {
    violations.push({
      rule: 'top-permissions',
      message: 'the workflow must set `permissions: {}` so every job states its own'
    });
  }
  const checkUses = (uses: string, where: { job: string; step?: string }): void => {
    if (uses.startsWith('./')) return;
    if (uses.startsWith(`${SLIPWAY_REPO}/`)) {
      if (!uses.endsWith(`@${SLIPWAY_PIN.sha}`))
        violations.push({
          ...where,
          rule: 'slipway-ref',
          message: `${uses}: Slipway's own references use the pinned commit @${SLIPWAY_PIN.sha} (workflows-src/slipway-pin.json)`
        });
      return;
    }
    if (!PINNED.test(uses)) {
      violations.push({ ...where, rule: 'pin-sha', message: `${uses} is not pinned to a full commit SHA` });
      return;
    }
    const line = lines.find((l) => l.includes(`uses: ${uses}`));
    if (!line || !/ # v\d/.test(line))
      violations.push({
        ...where,
        rule: 'pin-comment',
        message: `${uses} has no '# vX.Y.Z' comment naming the release`
      });
  };
  const jobs = isObj(root.jobs) ? root.jobs : {};
  for (const [jobId, rawJob] of Object.entries(jobs)) {
    if (!isObj(rawJob)) continue;
    const where = { job: jobId };
    if (!isObj(rawJob.permissions)) {
      violations.push({ ...where, rule: 'job-permissions', message: 'every job states its permissions' });
    }
    const perms = isObj(rawJob.permissions) ? rawJob.permissions : {};
    if (typeof rawJob.uses === 'string') {
      checkUses(rawJob.uses, where);
      continue;
    }
    const steps = Array.isArray(rawJob.steps) ? (rawJob.steps as Obj[]) : [];
    for (const [i, step] of steps.entries()) {
      const stepName = String(step.id ?? step.name ?? `#${i + 1}`);
      const at = { job: jobId, step: stepName };
      if (typeof step.uses === 'string') {
        checkUses(step.uses, at);
        const withs = isObj(step.with) ? step.with : {};
        if (step.uses.startsWith('actions/checkout@') && withs['persist-credentials'] !== false) {
          violations.push({
            ...at,
            rule: 'checkout-credentials',
            message: 'actions/checkout must set persist-credentials: false'
          });
        }
      }
      if (typeof step.run === 'string' && step.run.includes('${{')) {
        violations.push({
          ...at,
          rule: 'run-expression',
          message: 'an expression inside run: — pass it through env: instead'
        });
      }
    }
    for (const [scope, level] of Object.entries(perms)) {
      if (level !== 'write') continue;
      const justify = WRITE_JUSTIFICATIONS[scope];
      const justified = steps.some(
        (s) =>
          (typeof s.uses === 'string' && justify?.(s.uses, isObj(s.with) ? s.with : {})) ||
          (typeof s.run === 'string' && RUN_JUSTIFICATIONS[scope]?.test(s.run) === true)
      );
      if (!justified) {
        violations.push({
          ...where,
          rule: 'least-privilege',
          message: `${scope}: write without a step that needs it`
        });
      }
    }
  }
  return violations;
}

export function formatViolations(file: string, violations: Violation[]): string {
  return violations
    .map(
      (v) =>
        `${file}${v.job ? ` job ${v.job}` : ''}${v.step ? ` step ${v.step}` : ''}: [${v.rule}] ${v.message}`
    )
    .join('\n');
}
