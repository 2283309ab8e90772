/** The plan as JSON (the `plan` output) and as the job summary, identical in dry-run and real runs. */
import * as core from '@actions/core';
import type { ProtectedDeployment } from './deployments.js';
import type { ExecutionResult } from './execute.js';
import type { PackagePlan, PlannedVersion } from './plan.js';

export type EntryStatus = 'deleted' | 'failed' | 'not attempted';

export const PLAN_SCHEMA = 'slipway.cleanup-plan/v1';

export interface CleanupReport {
  schema: typeof PLAN_SCHEMA;
  owner: string;
  registry: string;
  dryRun: boolean;
  deployments: { environment: string; deploymentId: number; role: string; digests: string[] }[];
  /** in a real run each planned deletion carries its `status` */
  packages: (Omit<PackagePlan, 'delete'> & { delete: (PlannedVersion & { status?: EntryStatus })[] })[];
  result?: ExecutionResult;
}

export function makeReport(
  base: { owner: string; registry: string; dryRun: boolean },
  deployments: ProtectedDeployment[],
  plans: PackagePlan[],
  result?: ExecutionResult
): CleanupReport {
  return {
    schema: PLAN_SCHEMA,
    ...base,
    deployments: deployments.map((d) => ({
      environment: d.environment,
      deploymentId: d.deploymentId,
      role: d.role,
      digests: d.images.map((i) => i.digest)
    })),
    packages: result ? plans.map((p) => withStatus(p, result)) : plans,
    ...(result ? { result } : {})
  };
}

function withStatus(plan: PackagePlan, result: ExecutionResult): CleanupReport['packages'][number] {
  const key = (pkg: string, id: number): string => `${pkg}@${id}`;
  const status = new Map<string, EntryStatus>();
  for (const v of result.deleted) status.set(key(v.package, v.id), 'deleted');
  for (const v of result.failed) status.set(key(v.package, v.id), 'failed');
  return {
    ...plan,
    delete: plan.delete.map((v) => ({
      ...v,
      status: status.get(key(plan.package, v.id)) ?? 'not attempted'
    }))
  };
}

const MAX_ROWS = 300;
const esc = (s: string): string => s.replace(/\|/g, '\\|');
const tagList = (tags: string[]): string =>
  tags.length ? tags.map((t) => `\`${t}\``).join(' ') : '_untagged_';

export function summaryMarkdown(report: CleanupReport): string {
  const lines: string[] = [];
  const mode = report.dryRun ? ' (dry run: nothing deleted)' : '';
  lines.push(`### Slipway cleanup of ${report.registry}/${report.owner.toLowerCase()}${mode}`, '');
  lines.push('| package | versions | keep | delete |', '| --- | ---: | ---: | ---: |');
  for (const p of report.packages)
    lines.push(`| ${p.image} | ${p.keep.length + p.delete.length} | ${p.keep.length} | ${p.delete.length} |`);
  if (report.result) {
    const r = report.result;
    lines.push(
      '',
      `**Deleted ${r.deleted.length}**` +
        (r.failed.length ? `, **failed ${r.failed.length}**` : '') +
        (r.notAttempted.length ? `, **not attempted ${r.notAttempted.length}** (a re-run deletes them)` : '')
    );
    if (r.stopped) lines.push('', `> ⚠️ Stopped early (${r.stopped.reason}): ${esc(r.stopped.detail)}`);
    for (const f of r.failed.slice(0, 20))
      lines.push('', `> ❌ version ${f.id} of ${f.package}: ${esc(f.error)}`);
  }
  if (report.deployments.length) {
    lines.push(
      '',
      '#### Deployed (never deleted)',
      '',
      '| environment | deployment | role | digests |',
      '| --- | --- | --- | --- |'
    );
    for (const d of report.deployments)
      lines.push(
        `| ${esc(d.environment)} | ${d.deploymentId} | ${d.role} | ${d.digests.map((x) => `\`${x.slice(0, 19)}\``).join(' ')} |`
      );
  }
  for (const p of report.packages) {
    for (const [title, list] of [
      [report.dryRun ? 'would delete' : 'delete', p.delete],
      ['keep', p.keep]
    ] as const) {
      if (list.length === 0) continue;
      lines.push(
        '',
        `#### ${p.package}: ${title} (${list.length})`,
        '',
        '| version | digest | tags | updated | why | status |',
        '| --- | --- | --- | --- | --- | --- |'
      );
      for (const v of list.slice(0, MAX_ROWS) as (PlannedVersion & { status?: EntryStatus })[])
        lines.push(
          `| ${v.id} | \`${v.digest.slice(0, 19)}\` | ${tagList(v.tags)} | ${v.updatedAt} | ${esc(v.reason)} | ${v.status ?? ''} |`
        );
      if (list.length > MAX_ROWS)
        lines.push('', `… and ${list.length - MAX_ROWS} more (see the \`plan\` output)`);
    }
    for (const w of p.warnings) lines.push('', `> ⚠️ ${esc(w)}`);
  }
  return lines.join('\n') + '\n';
}

export async function writeSummary(report: CleanupReport): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(summaryMarkdown(report), true).write();
}
