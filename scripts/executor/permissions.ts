/**
 * GITHUB_TOKEN permissions as GitHub computes them: `permissions:` of the workflow and of its jobs, the repository's
 * default (restricted or permissive) when nothing is set, and the limit a calling job puts on every job of the
 * reusable workflow it calls — checked when the workflow loads, whatever the called jobs' `if:` say.
 *
 * Encodes GitHub's own workflow parser (actions/runner, src/Sdk/WorkflowParser):
 *  - https://github.com/actions/runner/blob/main/src/Sdk/WorkflowParser/Conversion/PermissionsHelper.cs
 *    (ValidateEmbeddedPermissions: the error texts; CreatePermissionsFromPolicy: the two defaults)
 *  - https://github.com/actions/runner/blob/main/src/Sdk/WorkflowParser/Conversion/WorkflowTemplateConverter.cs
 *    (ConvertToReferencedWorkflow: the caller job's permissions are the explicit maximum; a called workflow's
 *    top-level permissions are checked against it and then propagate to its jobs without permissions; jobs with
 *    their own permissions are checked against the caller's maximum; ConvertToPermissions: read-all/write-all)
 *  - https://github.com/actions/runner/blob/main/src/Sdk/WorkflowParser/Permissions.cs (scope order of messages)
 * Docs: https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#permissions ("If you
 * specify the access for any of these permissions, all of those that are not specified are set to none") and the
 * default table in https://docs.github.com/en/actions/reference/github_token-reference (restricted: contents and
 * packages read, everything else none; permissive: read/write, id-token none).
 * Known failure on GitHub: https://github.com/actions/runner/issues/4151 (the check ignores `if:`).
 */
import { isMapping, isString } from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { WorkflowError } from './errors.js';

export type PermissionLevel = 'none' | 'read' | 'write';
export type Permissions = Record<string, PermissionLevel>;
export type DefaultPermissions = 'restricted' | 'permissive';

/** The scopes GitHub compares, in the order its messages list them (Permissions.cs ComparisonKeyMapping). */
export const SCOPES = [
  'actions',
  'artifact-metadata',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'issues',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'statuses',
  'security-events',
  'id-token',
  'models',
  'vulnerability-alerts'
] as const;

/** Scopes that cannot be `write` (models, vulnerability-alerts: write is read) — ConvertToPermissions. */
const READ_CAPPED = new Set(['models', 'vulnerability-alerts']);

const RANK: Record<PermissionLevel, number> = { none: 0, read: 1, write: 2 };

function all(level: PermissionLevel): Permissions {
  const p: Permissions = {};
  for (const s of SCOPES) p[s] = level === 'write' && READ_CAPPED.has(s) ? 'read' : level;
  return p;
}

/**
 * The token a job gets when no `permissions:` applies (the repository/organization setting), per the table in
 * https://docs.github.com/en/actions/reference/github_token-reference: permissive — read/write, but `id-token`
 * none and `models` read; restricted — `contents` and `packages` read, everything else none.
 */
export function defaultPermissions(policy: DefaultPermissions): Permissions {
  if (policy === 'permissive') return { ...all('write'), 'id-token': 'none', 'vulnerability-alerts': 'none' };
  return { ...all('none'), contents: 'read', packages: 'read' };
}

/**
 * The most a called workflow may ask for when its caller sets no permissions (PermissionsHelper
 * CreatePermissionsFromPolicy): restricted — `contents`/`packages` read; permissive — write everywhere, `id-token`
 * only when the called workflow is in the caller's trust boundary (same organization/enterprise; locally: a `./`
 * workflow or the same owner as github.repository).
 */
export function callMaximum(policy: DefaultPermissions, trusted: boolean): Permissions {
  if (policy === 'restricted') return defaultPermissions('restricted');
  return trusted ? all('write') : { ...all('write'), 'id-token': 'none' };
}

/** A `permissions:` token (literal only: the schema allows no expressions) → every scope's level. */
export function parsePermissions(token: TemplateToken | undefined, at: string): Permissions | undefined {
  if (!token) return undefined;
  if (isString(token)) {
    if (token.value === 'read-all') return all('read');
    if (token.value === 'write-all') return all('write');
    throw new WorkflowError(`${at}: permissions '${token.value}' is not read-all, write-all or a mapping`);
  }
  if (!isMapping(token))
    throw new WorkflowError(`${at}: permissions must be read-all, write-all or a mapping`);
  const p = all('none');
  for (const { key, value } of token) {
    if (!isString(key) || !isString(value)) continue;
    const level = value.value as PermissionLevel;
    if (!(level in RANK)) throw new WorkflowError(`${at}: permissions.${key.value}: '${value.value}'`);
    p[key.value] = level === 'write' && READ_CAPPED.has(key.value) ? 'read' : level;
  }
  return p;
}

/** The scopes where `requested` exceeds `allowed`, formatted as GitHub does: [requested, allowed]. */
export function violations(requested: Permissions, allowed: Permissions): [string, string] | undefined {
  const over = SCOPES.filter((s) => RANK[requested[s] ?? 'none'] > RANK[allowed[s] ?? 'none']);
  if (!over.length) return undefined;
  return [
    over.map((s) => `${s}: ${requested[s] ?? 'none'}`).join(', '),
    over.map((s) => `${s}: ${allowed[s] ?? 'none'}`).join(', ')
  ];
}

/** Only the scopes that are not `none`, for messages and results (`{}` when nothing is granted). */
export function granted(p: Permissions): Record<string, 'read' | 'write'> {
  const out: Record<string, 'read' | 'write'> = {};
  for (const [k, v] of Object.entries(p)) if (v !== 'none') out[k] = v;
  return out;
}

export function permissionsText(p: Permissions): string {
  const g = granted(p);
  return (
    Object.entries(g)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ') || 'none'
  );
}
