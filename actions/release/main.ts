import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import { ConfigurationError } from '../lib/errors.js';
import { currentRepo } from '../lib/github.js';
import { boolInput, enumInput, optionalString, stringInput } from '../lib/inputs.js';
import { setOutputs } from '../lib/outputs.js';
import {
  DEFAULT_MANIFEST_PATH,
  loadServicesManifest,
  type ServicesManifest
} from '../lib/services-manifest.js';
import { writeTableSummary } from '../lib/summary.js';
import { installPackageJsonShim } from './package-json-shim.js';
import { MODES, parseBranches, planTargets } from './options.js';
import { nonConventionalMessage, releasesOutput, combinedNotes } from './report.js';

export async function run(): Promise<void> {
  const mode = enumInput('mode', MODES, 'repo');
  const token = optionalString('github-token');
  if (!token) {
    throw new ConfigurationError(
      "Input 'github-token' is empty: the release is created through the GitHub API and the tag pushed with it. Pass `github-token: ${{ secrets.GITHUB_TOKEN }}` and give the job `permissions: contents: write`."
    );
  }
  const root = stringInput('working-directory', process.env.GITHUB_WORKSPACE || process.cwd());
  const branches = parseBranches(stringInput('branches', 'main'));
  const dryRun = boolInput('dry-run', false);
  let manifest: ServicesManifest | undefined;
  if (mode === 'per-service')
    manifest = loadServicesManifest(root, stringInput('manifest', DEFAULT_MANIFEST_PATH));
  const targets = planTargets({
    mode,
    services: manifest?.services.map((s) => s.name) ?? [],
    tagFormat: optionalString('tag-format'),
    changelogFile: optionalString('changelog-file')
  });
  const { owner, repo } = currentRepo();
  const server = (process.env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/$/, '');
  // The GitHub repository, not the checkout's remote: the GitHub plugin and the notes' links read owner/repo from
  // it. actions/checkout's credentials (http.<server>.extraheader) let semantic-release push tags to it; without
  // them semantic-release puts the token into the URL itself.
  const repositoryUrl = `${server}/${owner}/${repo}.git`;
  core.setSecret(token);

  installPackageJsonShim(path.dirname(fileURLToPath(import.meta.url)));
  const { releaseTargets } = await import('./engine.js');
  const results = await releaseTargets(
    {
      cwd: root,
      env: { ...(process.env as Record<string, string>), GITHUB_TOKEN: token, GH_TOKEN: token },
      branches,
      repositoryUrl,
      dryRun,
      manifest
    },
    targets
  );

  for (const r of results) {
    const message = nonConventionalMessage(r);
    if (message) core.warning(message);
  }
  const single = mode === 'repo' ? results[0] : undefined;
  setOutputs({
    published: results.some((r) => r.published),
    version: single?.version ?? '',
    tag: single?.tag ?? '',
    notes: single ? single.notes : combinedNotes(results),
    releases: releasesOutput(results)
  });
  await writeTableSummary(
    dryRun ? 'Release (dry run)' : 'Release',
    ['target', 'last version', 'next version', 'type', 'published', 'GitHub release'],
    results.map((r) => [
      r.target.service ?? owner + '/' + repo,
      r.lastVersion || '—',
      r.version || '—',
      r.releaseType || 'none',
      r.published ? 'yes' : 'no',
      r.releaseUrl
    ]),
    dryRun ? 'Dry run: nothing was tagged or published.' : undefined
  );
}
