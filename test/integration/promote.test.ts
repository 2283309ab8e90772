/**
 * promote end to end: the bundled action copies a pushed candidate's manifest to its real tags in the local
 * registry; every tag then resolves to the gated digest; bad input writes nothing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IMAGE_RECORD_SCHEMA } from '../../actions/lib/image-record.js';
import { RegistryClient } from '../../actions/lib/registry.js';
import { failureMessage, runAction } from '../support/run-action.js';
import { pushTestImage } from '../support/images.js';

const REGISTRY = '127.0.0.1:5000';
const repo = `promote-test-${process.pid}-${Date.now()}/api`;
const image = `${REGISTRY}/${repo}`;
const client = new RegistryClient(REGISTRY);
let digest: string;

function record(d: string): string {
  return JSON.stringify({
    schema: IMAGE_RECORD_SCHEMA,
    service: 'api',
    image,
    digest: d,
    tags: [`${image}:candidate-1`],
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    platforms: [],
    compressedSize: 1,
    createdAt: new Date().toISOString()
  });
}

beforeAll(() => {
  digest = pushTestImage(`${image}:candidate-1`, { stamp: String(Date.now()) });
});

afterAll(() => {
  execFileSync('docker', ['rmi', '-f', `${image}:candidate-1`], { stdio: 'ignore' });
});

describe('promote (local registry)', () => {
  it('publishes the candidate digest under every tag, outputs the updated record; a re-run is idempotent', async () => {
    const tags = [`${image}:main`, `${image}:latest`, `${image}:1.2.3`];
    const run = () =>
      runAction('promote', { inputs: { 'image-record': record(digest), tags: tags.join('\n') } });
    const first = await run();
    expect(failureMessage(first)).toBe('');
    for (const tag of ['main', 'latest', '1.2.3']) expect(await client.resolve(repo, tag)).toBe(digest);
    const updated = JSON.parse(first.outputs['image-record']!) as { tags: string[]; digest: string };
    expect(updated).toMatchObject({ tags, digest });
    expect(JSON.parse(readFileSync(first.outputs['record-path']!, 'utf8')).tags).toEqual(tags);
    expect(first.summary).toContain('Slipway promote: api');
    const again = await run();
    expect(failureMessage(again)).toBe('');
    expect(await client.resolve(repo, 'main')).toBe(digest);
  });

  it('bad input writes nothing: a tag of another repository, a digest the registry lacks, an unreachable registry', async () => {
    const other = await runAction('promote', {
      inputs: { 'image-record': record(digest), tags: `${image}:ok\n${REGISTRY}/elsewhere/api:main` }
    });
    expect(other.exitCode).not.toBe(0);
    expect(failureMessage(other)).toMatch(/Input 'tags': '.*elsewhere\/api:main' is not in .*promote-test/);
    expect(await client.resolve(repo, 'ok')).toBeUndefined();

    const missing = await runAction('promote', {
      inputs: { 'image-record': record(`sha256:${'1'.repeat(64)}`), tags: `${image}:never` }
    });
    expect(failureMessage(missing)).toMatch(/manifest unknown/);
    expect(await client.resolve(repo, 'never')).toBeUndefined();

    const down = JSON.parse(record(digest)) as Record<string, unknown>;
    down.image = `127.0.0.1:1/${repo}`;
    const unreachable = await runAction('promote', {
      inputs: { 'image-record': JSON.stringify(down), tags: `127.0.0.1:1/${repo}:main` }
    });
    expect(failureMessage(unreachable)).toMatch(/registry 127\.0\.0\.1:1 is unreachable/);
  });
});
