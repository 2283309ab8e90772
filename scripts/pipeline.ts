/**
 * The README's main job: the push-to-main pipeline of the example monorepo against the local registry, run
 * through the bundled actions exactly as GitHub would run them (plan → tags → build per changed service).
 *
 *   npx tsx scripts/pipeline.ts [--registry localhost:5000] [--owner acme] [--change path ...]
 */
import { parseArgs } from 'node:util';
import { runAction, failureMessage, type ActionRun } from '../test/support/run-action.js';
import { pushEvent } from '../test/support/events.js';
import { TestRepo } from '../test/support/git-repo.js';
import { RegistryClient } from '../actions/lib/registry.js';
import { parseImageRef } from '../actions/lib/image-ref.js';
import type { ImageRecord } from '../actions/lib/image-record.js';

const { values } = parseArgs({
  options: {
    registry: { type: 'string', default: 'localhost:5000' },
    owner: { type: 'string', default: 'acme' },
    change: { type: 'string', multiple: true, default: ['services/api/src/test.sh', 'libs/shared/log.sh'] }
  }
});

const repoInfo = { owner: values.owner!, name: 'monorepo', defaultBranch: 'main' };
const t0 = Date.now();
const elapsed = (): string => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

function check(step: string, run: ActionRun): ActionRun {
  if (run.exitCode !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    throw new Error(`${step} failed (exit ${run.exitCode}): ${failureMessage(run)}`);
  }
  return run;
}

async function main(): Promise<void> {
  const repo = TestRepo.fromExample('monorepo');
  const before = repo.head();
  const after = repo.change(values.change!, 'feat(api): change the api and the shared library');
  repo.push('main');
  console.log(
    `[${elapsed()}] example monorepo at ${repo.dir}: push ${before.slice(0, 7)}..${after.slice(0, 7)} changing ${values.change!.join(', ')}`
  );
  const common = {
    workspace: repo.dir,
    event: pushEvent({ repo: repoInfo, ref: 'refs/heads/main', before, after }),
    ref: 'refs/heads/main',
    sha: after,
    repository: `${repoInfo.owner}/${repoInfo.name}`
  };

  const plan = check('plan', await runAction('plan', common));
  const matrix = JSON.parse(plan.outputs.matrix ?? '{}') as { include: Array<{ service: string }> };
  console.log(`[${elapsed()}] plan: ${plan.outputs.reason}`);
  for (const d of JSON.parse(plan.outputs.decisions ?? '[]') as Array<{
    service: string;
    build: boolean;
    reason: string;
  }>) {
    console.log(`    ${d.build ? 'build' : 'skip '} ${d.service.padEnd(10)} ${d.reason}`);
  }

  const records: ImageRecord[] = [];
  for (const { service } of matrix.include) {
    const tags = check(
      `tags ${service}`,
      await runAction('tags', { ...common, inputs: { service, registry: values.registry! } })
    );
    const build = check(
      `build ${service}`,
      await runAction('build', {
        ...common,
        inputs: {
          service,
          tags: tags.outputs.tags!,
          labels: tags.outputs.labels!,
          annotations: tags.outputs.annotations!,
          network: 'host',
          'size-budget': '200MB',
          'build-args': `VERSION=${tags.outputs.version}\nREVISION=${after}`
        }
      })
    );
    const record = JSON.parse(build.outputs['image-record']!) as ImageRecord;
    records.push(record);
    console.log(
      `[${elapsed()}] built ${service}: ${record.ref} (${(record.compressedSize / 1e6).toFixed(2)} MB)`
    );
    for (const tag of record.tags) console.log(`    ${tag}`);
  }

  // Prove it: every pushed tag resolves to the recorded digest in the registry.
  for (const record of records) {
    for (const tag of record.tags) {
      const ref = parseImageRef(tag);
      const digest = await new RegistryClient(ref.registry).resolve(ref.repository, ref.tag!);
      if (digest !== record.digest)
        throw new Error(`${tag} resolves to ${digest}, expected ${record.digest}`);
    }
  }
  console.log(
    `[${elapsed()}] pipeline done: ${records.length} image(s) pushed to ${values.registry}, every tag verified against its digest`
  );
}

main().catch((error: unknown) => {
  console.error(`pipeline failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
