/**
 * Static checks of the local workflow executor: everything detectable before the first step runs — unsupported
 * features, called workflows' inputs, secrets and permissions, runs-on labels, actions' metadata.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isBoolean, isMapping, isSequence, isString } from '@actions/workflow-parser';
import type { Job, ReusableWorkflowJob } from '@actions/workflow-parser/model/workflow-template';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { parseRemoteUses, readActionMetadata, resolveUses } from './actions.js';
import { UnsupportedFeatureError, WorkflowError, where } from './errors.js';
import { orderJobs } from './graph.js';
import { secretNameProblem } from './inputs.js';
import {
  isReusableJob,
  literalString,
  loadWorkflow,
  mapGet,
  triggerInputs,
  rawJob,
  rawSteps,
  stepName,
  type LoadedWorkflow
} from './load.js';
import {
  callMaximum,
  parsePermissions,
  violations,
  type DefaultPermissions,
  type Permissions
} from './permissions.js';
import { mappedRoot } from './refs.js';
import type { RunState } from './state.js';

interface StaticContext {
  state: RunState;
  /** secret names a workflow at this level can see */
  secretNames: Set<string>;
  /** `permissions:` that apply to this workflow's jobs without their own (workflow level, or the caller's) */
  inherited: Permissions | undefined;
  seen: Set<string>;
}

export const UNSUPPORTED_SHELLS = ['pwsh', 'powershell', 'cmd'];

export async function checkWorkflow(wf: LoadedWorkflow, ctx: StaticContext): Promise<void> {
  // the same file called with other permissions is another check
  const seenKey = `${wf.file}\0${JSON.stringify(ctx.inherited ?? null)}`;
  if (ctx.seen.has(seenKey)) return;
  ctx.seen.add(seenKey);
  orderJobs(
    wf.template.jobs.map((j) => ({ id: j.id.value, needs: (j.needs ?? []).map((n) => n.value) })),
    wf.display
  );
  for (const job of wf.template.jobs) {
    const jobId = job.id.value;
    const raw = rawJob(wf, jobId);
    const at = where(wf.display, jobId);
    if (job.snapshot)
      throw new UnsupportedFeatureError(`${at}: \`snapshot:\` is not supported by the local executor`);
    if (isReusableJob(job)) {
      const callee = await loadCallee(wf, job, ctx.state, at);
      const call = triggerInputs(callee, 'workflow_call');
      const withToken = mapGet(raw, 'with');
      const given = new Set<string>();
      if (withToken && isMapping(withToken))
        for (const { key } of withToken) if (isString(key)) given.add(key.value);
      const defs = call?.inputs ?? {};
      for (const name of given) {
        if (!(name in defs)) {
          throw new WorkflowError(
            `${at}: input '${name}' is not defined by ${callee.display} (its inputs: ${Object.keys(defs).join(', ') || 'none'})`
          );
        }
      }
      for (const [name, def] of Object.entries(defs)) {
        if (def.required && !given.has(name)) {
          throw new WorkflowError(
            `${at}: ${callee.display} requires input '${name}': add it under \`with:\``
          );
        }
      }
      const passed = new Set<string>();
      if (job['inherit-secrets']) {
        for (const s of ctx.secretNames) passed.add(s);
        for (const name of Object.keys(call?.secrets ?? {})) {
          const invalid = secretNameProblem(name);
          if (invalid) {
            throw new WorkflowError(
              `${at}: ${callee.display} declares secret '${name}', which \`secrets: inherit\` can never fill: ${invalid}, so GitHub has no repository, organization or environment secret of that name and the called workflow always sees it empty. Map it explicitly under \`secrets:\` (\`${name}: \${{ secrets.<VALID_NAME> }}\`) or rename it in ${callee.display}`
            );
          }
        }
      } else if (job['secret-values'])
        for (const { key } of job['secret-values']) if (isString(key)) passed.add(key.value);
      for (const [name, def] of Object.entries(call?.secrets ?? {})) {
        if (def?.required && !passed.has(name)) {
          throw new WorkflowError(
            `${at}: ${callee.display} requires secret '${name}', but it is not provided` +
              (job['inherit-secrets']
                ? ` (secrets: inherit, and the run has no secret ${name}: pass --secret ${name}=<value>)`
                : `: map it under \`secrets:\` (or use \`secrets: inherit\`)`)
          );
        }
      }
      const callerPermissions = parsePermissions(mapGet(raw, 'permissions'), at) ?? ctx.inherited;
      const calleeInherited = checkCalleePermissions(
        callee,
        job.ref.value,
        callerPermissions,
        ctx.state.defaultPermissions,
        isTrusted(job.ref.value, String(ctx.state.github.repository_owner)),
        at
      );
      await checkWorkflow(callee, {
        ...ctx,
        secretNames: new Set([...passed, 'GITHUB_TOKEN']),
        inherited: calleeInherited
      });
      continue;
    }
    for (const key of ['container', 'services']) {
      if (mapGet(raw, key)) {
        throw new UnsupportedFeatureError(
          `${at}: \`${key}:\` is not supported by the local executor (steps run on this machine); run the containers from run: steps instead`
        );
      }
    }
    checkRunsOn(mapGet(raw, 'runs-on'), at);
    const environment = mapGet(raw, 'environment');
    const noDeployment =
      literalBoolean(
        environment && isMapping(environment) ? mapGet(environment, 'deployment') : undefined
      ) === false;
    if (environment && !noDeployment && ctx.state.options.apiUrl && !ctx.state.github.token) {
      throw new WorkflowError(
        `${at}: \`environment:\` makes GitHub create a deployment for this job; to create it through --api-url ${ctx.state.options.apiUrl} the executor needs --token (or set \`deployment: false\`)`
      );
    }
    const raws = rawSteps(wf, jobId);
    (job as Job).steps.forEach((step, index) => {
      const rawStep = raws[index];
      const stepAt = where(wf.display, jobId, { index, name: stepName(step, rawStep) });
      for (const feature of ['wait', 'wait-all', 'cancel', 'parallel', 'background']) {
        if (feature in step && (step as unknown as Record<string, unknown>)[feature] !== undefined) {
          throw new UnsupportedFeatureError(
            `${stepAt}: \`${feature}:\` steps are not supported by the local executor`
          );
        }
      }
      const shell = literalString(mapGet(rawStep, 'shell'));
      if (shell && UNSUPPORTED_SHELLS.includes(shell)) {
        throw new UnsupportedFeatureError(
          `${stepAt}: shell '${shell}' is not supported by the local executor (bash, sh, python)`
        );
      }
      if ('uses' in step) {
        const ref = resolveUses(
          step.uses.value,
          {
            workspace: '/nonexistent',
            actionsDir: ctx.state.options.actionsDir,
            actionRepos: ctx.state.actionRepos
          },
          stepAt
        );
        if (ref.kind === 'node' && (ctx.state.options.actionsDir || !step.uses.value.startsWith('./'))) {
          readActionMetadata(ref.dir, stepAt);
        }
      }
    });
  }
}

/** Whether a called workflow is in the run's trust boundary: the same repository, or the same owner. */
function isTrusted(ref: string, owner: string): boolean {
  if (ref.startsWith('./')) return true;
  return parseRemoteUses(ref)?.owner.toLowerCase() === owner.toLowerCase();
}

/**
 * GitHub's check of a called workflow's permissions against the calling job (see permissions.ts for the sources):
 * its top-level `permissions:` and every job's own `permissions:` may not exceed what the caller grants — the
 * caller job's (or its workflow's) `permissions:`, else the repository default. Returns what the called jobs
 * without `permissions:` get.
 */
function checkCalleePermissions(
  callee: LoadedWorkflow,
  ref: string,
  callerPermissions: Permissions | undefined,
  policy: DefaultPermissions,
  trusted: boolean,
  at: string
): Permissions | undefined {
  const max = callerPermissions ?? callMaximum(policy, trusted);
  const allowedBy = callerPermissions
    ? 'the calling job grants'
    : `the calling job sets no permissions, so the repository default (${policy}) applies`;
  const root = parsePermissions(mapGet(callee.raw, 'permissions'), callee.display);
  if (root) {
    const over = violations(root, max);
    if (over) {
      throw new WorkflowError(
        `${at}: Error calling workflow '${ref}'. The workflow is requesting '${over[0]}', but is only allowed '${over[1]}'. (${allowedBy}; raise the caller's permissions or lower ${callee.display}'s)`
      );
    }
  }
  for (const job of callee.template.jobs) {
    const own = parsePermissions(mapGet(rawJob(callee, job.id.value), 'permissions'), callee.display);
    if (!own) continue;
    const over = violations(own, max);
    if (over) {
      throw new WorkflowError(
        `${at}: Error calling workflow '${ref}'. The nested job '${job.id.value}' is requesting '${over[0]}', but is only allowed '${over[1]}'. (${allowedBy}; raise the caller's permissions or lower the nested job's)`
      );
    }
  }
  return root ?? callerPermissions;
}

function literalBoolean(token: TemplateToken | undefined): boolean | undefined {
  return token && isBoolean(token) ? token.value : undefined;
}

function checkRunsOn(token: TemplateToken | undefined, at: string): void {
  if (!token) return;
  const labels: string[] = [];
  if (isString(token)) labels.push(token.value);
  if (isSequence(token))
    for (let i = 0; i < token.count; i++) {
      const t = token.get(i);
      if (isString(t)) labels.push(t.value);
    }
  const foreign = labels.find((l) => /windows|macos/i.test(l));
  if (foreign) {
    throw new UnsupportedFeatureError(
      `${at}: runs-on '${foreign}' is not supported by the local executor (it runs Linux jobs only)`
    );
  }
}

function calleePath(wf: LoadedWorkflow, job: ReusableWorkflowJob, state: RunState, at: string): string {
  const ref = job.ref.value;
  if (ref.startsWith('./')) return path.resolve(wf.root, ref);
  const remote = parseRemoteUses(ref);
  const mapped = remote && mappedRoot(state.actionRepos, remote, 'workflow', at);
  if (remote && mapped) return path.resolve(mapped, remote.subpath);
  throw new UnsupportedFeatureError(
    `${at}: the reusable workflow ${ref} is in another repository; map it to a local checkout with --action-repo ${remote ? `${remote.owner}/${remote.repo}` : '<owner/name>'}=<dir>`
  );
}

export async function loadCallee(
  wf: LoadedWorkflow,
  job: ReusableWorkflowJob,
  state: RunState,
  at: string
): Promise<LoadedWorkflow> {
  const file = calleePath(wf, job, state, at);
  if (!existsSync(file))
    throw new WorkflowError(`${at}: the called workflow ${job.ref.value} does not exist (${file})`);
  const callee = await loadWorkflow(file);
  if (!callee.template.events.workflow_call) {
    throw new WorkflowError(
      `${at}: ${callee.display} is not a reusable workflow (it has no \`on: workflow_call\`)`
    );
  }
  return callee;
}
