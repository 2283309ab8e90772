import * as core from '@actions/core';
import { ConfigurationError } from '../lib/errors.js';
import { eventContext } from '../lib/event.js';
import { listInput, optionalString, stringInput } from '../lib/inputs.js';
import { setOutputs } from '../lib/outputs.js';
import { DEFAULT_MANIFEST_PATH, loadServicesManifest } from '../lib/services-manifest.js';
import { writeTableSummary } from '../lib/summary.js';
import { type FetchRecord, Git } from '../lib/git.js';
import { rangeEventOf, resolveRange } from '../lib/change-range.js';
import { buildMatrix, selectAll, selectChangedServices, selectExplicit } from './select.js';

export async function run(): Promise<void> {
  const root = stringInput('working-directory', process.env.GITHUB_WORKSPACE || process.cwd());
  const manifest = loadServicesManifest(root, stringInput('manifest', DEFAULT_MANIFEST_PATH));
  const explicit = listInput('services');
  const context = eventContext();

  let decisions;
  let range: { base?: string; head?: string; reason: string };
  let fetches: FetchRecord[] = [];
  if (explicit.length > 0) {
    const names = explicit.includes('all') ? manifest.services.map((s) => s.name) : explicit;
    const unknown = names.filter((n) => !manifest.services.some((s) => s.name === n));
    if (unknown.length) {
      throw new ConfigurationError(
        `Input 'services': unknown service(s) ${unknown.join(', ')}; ${manifest.file} defines ${manifest.services.map((s) => s.name).join(', ')}`
      );
    }
    decisions = selectExplicit(manifest, names);
    range = { reason: "explicit list in input 'services'" };
  } else {
    const rangeEvent = rangeEventOf(context, optionalString('default-branch'));
    const git = new Git(root, 'origin', (f) =>
      core.info(`${f.ok ? 'fetched' : 'fetch failed'} (${f.purpose}): ${f.args.join(' ')}`)
    );
    const resolved = await core.group('Resolve the commit range', () => resolveRange(git, rangeEvent));
    fetches = git.fetches;
    core.info(resolved.reason);
    if (resolved.warning) core.warning(resolved.warning);
    if (resolved.kind === 'all') {
      decisions = selectAll(manifest, resolved.reason);
      range = { reason: resolved.reason };
    } else {
      const changed = await git.changedFiles(resolved.base, resolved.head);
      core.info(`${changed.length} changed file(s)`);
      decisions = selectChangedServices(manifest, changed);
      range = resolved;
    }
  }

  const matrix = buildMatrix(manifest, decisions);
  const services = matrix.include.map((m) => m.service);
  setOutputs({
    matrix,
    services,
    'has-changes': services.length > 0,
    base: range.base ?? '',
    head: range.head ?? '',
    reason: range.reason,
    decisions,
    fetches: fetches.map((f) => f.args.join(' '))
  });
  core.info(services.length ? `to build: ${services.join(', ')}` : 'nothing to build');
  await writeTableSummary(
    'Slipway plan',
    ['Service', 'Build', 'Why'],
    decisions.map((d) => [d.service, d.build ? 'yes' : 'no', d.reason]),
    `Range: ${range.reason}`
  );
}
