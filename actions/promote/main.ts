import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { registryCredentials } from '../lib/docker-auth.js';
import { parseImageRecord } from '../lib/image-record.js';
import { parseImageRef } from '../lib/image-ref.js';
import { listInput, optionalString, requiredString } from '../lib/inputs.js';
import { setOutputs } from '../lib/outputs.js';
import { RegistryClient } from '../lib/registry.js';
import { code, writeTableSummary } from '../lib/summary.js';
import { promote, promotionTargets } from './promote.js';

export async function run(): Promise<void> {
  const record = parseImageRecord(requiredString('image-record'));
  const targets = promotionTargets(record, listInput('tags', { comma: false }));
  const { registry } = parseImageRef(record.image);
  const token = optionalString('github-token');
  const promoted = await promote(
    new RegistryClient(registry, registryCredentials(registry, token)),
    record,
    targets
  );
  for (const ref of promoted) core.info(`${ref} → ${record.digest}`);
  const updated = { ...record, tags: promoted };
  const dir = path.join(process.env.RUNNER_TEMP || process.cwd(), 'slipway');
  mkdirSync(dir, { recursive: true });
  const recordPath = path.join(dir, `${record.service}.image-record.json`);
  writeFileSync(recordPath, JSON.stringify(updated, null, 2));
  setOutputs({
    'image-record': JSON.stringify(updated),
    'record-path': recordPath,
    tags: promoted.join('\n')
  });
  await writeTableSummary(
    `Slipway promote: ${record.service}`,
    ['tag', 'digest'],
    promoted.map((ref) => [code(ref), code(record.digest)])
  );
}
