/**
 * Notifications: the job summary always, a webhook when configured (Slack-compatible `{text}` or a generic JSON
 * body). The webhook URL is a secret (it authorises posting): it is masked and never printed; a failed post is a
 * warning, never a failed deploy.
 */
import * as core from '@actions/core';
import type { DeployedImage } from '../lib/deployments.js';
import { code, tableRows } from '../lib/summary.js';

export type DeployStatus = 'success' | 'failure' | 'rolled_back';
export type WebhookFormat = 'slack' | 'json';
export const WEBHOOK_FORMATS: readonly WebhookFormat[] = ['slack', 'json'];

export interface DeployReport {
  environment: string;
  version: string;
  status: DeployStatus;
  url: string;
  actor: string;
  repository: string;
  runUrl: string;
  images: DeployedImage[];
  deploymentId?: number;
  /** the version traffic went back to (rolled_back) */
  rolledBackTo?: string;
  rollbackDeploymentId?: number;
  rollbackMs?: number;
  /** why it failed */
  reason?: string;
  /** what serves after the run, read back from the target (or why that cannot be told) */
  serving?: string;
  /** what was left on the host that needs a person */
  warnings?: string[];
}

const ICON: Record<DeployStatus, string> = { success: '✅', failure: '❌', rolled_back: '↩️' };

export function headline(r: DeployReport): string {
  if (r.status === 'success') return `${r.environment}: deployed ${r.version}`;
  if (r.status === 'rolled_back')
    return `${r.environment}: ${r.version} failed, rolled back to ${r.rolledBackTo ?? 'the last good version'}`;
  return `${r.environment}: deploy of ${r.version} failed`;
}

/** The webhook body (pure). Contains no token, no webhook URL, no environment variables. */
export function webhookBody(format: WebhookFormat, r: DeployReport): Record<string, unknown> {
  if (format === 'slack') {
    const text =
      `${ICON[r.status]} *${headline(r)}* (${r.status}) — <${r.url}|${r.url}> — ` +
      `${r.repository} by ${r.actor} — <${r.runUrl}|run>` +
      (r.reason ? `\n> ${r.reason.split('\n')[0]}` : '');
    return { text };
  }
  return {
    environment: r.environment,
    version: r.version,
    status: r.status,
    url: r.url,
    actor: r.actor,
    repository: r.repository,
    run_url: r.runUrl,
    deployment_id: r.deploymentId ?? null,
    rolled_back_to: r.rolledBackTo ?? null,
    reason: r.reason ?? null,
    serving: r.serving ?? null,
    images: r.images.map((i) => ({ service: i.service, image: i.image, digest: i.digest }))
  };
}

export async function sendWebhook(
  url: string,
  format: WebhookFormat,
  report: DeployReport
): Promise<boolean> {
  core.setSecret(url);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(webhookBody(format, report)),
      signal: AbortSignal.timeout(10_000)
    });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) {
      core.warning(
        `Deploy notification webhook answered HTTP ${res.status}; the deploy result is unaffected`
      );
      return false;
    }
    return true;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    core.warning(
      `Deploy notification webhook could not be reached (${cause}); the deploy result is unaffected`
    );
    return false;
  }
}

export async function writeDeploySummary(r: DeployReport, healthRows: string[][]): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const summary = core.summary
    .addHeading(`${ICON[r.status]} ${headline(r)}`, 3)
    .addTable(
      tableRows(
        ['environment', 'version', 'status', 'URL', 'deployment', 'actor'],
        [[r.environment, r.version, r.status, r.url, r.deploymentId ? `#${r.deploymentId}` : '–', r.actor]]
      )
    );
  summary.addTable(
    tableRows(
      ['service', 'image@digest'],
      r.images.map((i) => [i.service, code(`${i.image}@${i.digest}`)])
    )
  );
  if (r.reason) summary.addRaw(`\n**Why:** ${r.reason}\n`, true);
  if (r.status === 'rolled_back') {
    summary.addRaw(
      `\nTraffic is on ${r.rolledBackTo ?? 'the last good version'}` +
        (r.rollbackDeploymentId ? ` (deployment #${r.rollbackDeploymentId})` : '') +
        (r.rollbackMs !== undefined
          ? `, restored ${(r.rollbackMs / 1000).toFixed(1)} s after the failed check`
          : '') +
        '.\n',
      true
    );
  }
  if (r.serving) summary.addRaw(`\n**Serving now:** ${r.serving}\n`, true);
  if (r.warnings?.length)
    summary.addRaw(`\n**Left on the host:**\n${r.warnings.map((w) => `- ${w}`).join('\n')}\n`, true);
  if (healthRows.length > 0) {
    summary
      .addHeading('Health checks', 4)
      .addTable(tableRows(['URL', 'component', 'status', 'HTTP', 'attempts', 'detail'], healthRows));
  }
  await summary.write();
}
