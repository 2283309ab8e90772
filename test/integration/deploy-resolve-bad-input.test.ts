/**
 * The bundled deploy action refuses a version it must not deploy before anything is touched: an image record of
 * another repository (unless 'allow-foreign-images: true'), a record of a service the environment does not have, a
 * reference of another repository, a digest the registry lacks, malformed records and inputs. Each case asserts a
 * non-zero exit, the `::error::` naming the input and the fix, and that nothing changed: no deployment record in the
 * API fake (no POST at all) and the target's command never ran (its marker file is absent).
 * The environment uses the `command` target, so the refusal is checked without any Docker work on the target.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GitHubFake } from '../support/github-fake/index.js';
import { pushTestImage } from '../support/images.js';
import { expectCleanFailure } from '../support/bad-input.js';
import { startCommandTarget, type CommandTarget } from '../support/command-target.js';
import { failureMessage, type ActionRun } from '../support/run-action.js';

const TOKEN = 'ghs_deploy_resolve';
const base = `127.0.0.1:5000/deploy-resolve-${process.pid}-${Date.now()}`;
const own = `${base}/api`;
const foreign = `${base}-other/api`;
const MISSING = `sha256:${'e'.repeat(64)}`;
let target: CommandTarget;
let fake: GitHubFake;
let marker: string;
let ownDigest: string;
let foreignDigest: string;

const record = (service: string, image: string, digest: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    schema: 'slipway.image-record/v1',
    service,
    image,
    digest,
    tags: [],
    platforms: [],
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    compressedSize: 1,
    createdAt: '2026-01-01T00:00:00Z',
    ...extra
  });

beforeAll(async () => {
  // one image per repository, pushed once: the same bytes under the environment's repository and another one
  ownDigest = pushTestImage(`${own}:1.0.0`, { version: `resolve ${process.pid}` });
  foreignDigest = pushTestImage(`${foreign}:1.0.0`, { version: `resolve ${process.pid}` });
  target = await startCommandTarget({
    token: TOKEN,
    workspacePrefix: 'slipway-resolve-ws-',
    image: own,
    replicas: 1,
    command: (workspace) => {
      marker = path.join(workspace, 'deployed');
      return `echo "$SLIPWAY_IMAGE_API" >> ${marker}`;
    },
    app: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'healthy', version: 'x' }));
    }
  });
  fake = target.fake;
}, 180_000);

afterAll(() => target.close());

function deploy(inputs: Record<string, string>): Promise<ActionRun> {
  return target.deploy(inputs, 60_000);
}

describe('deploy refuses a version it must not deploy, before anything is recorded or run', () => {
  // [case, inputs (a function: the digests exist only after beforeAll), what the ::error:: must say]
  const cases: [string, () => Record<string, string>, string[]][] = [
    [
      'an image record of another repository',
      () => ({ version: record('api', foreign, foreignDigest) }),
      [
        "Input 'version'",
        `is of repository ${foreign}`,
        `deploys 'api' from ${own}`,
        'nothing was deployed',
        'allow-foreign-images: true'
      ]
    ],
    [
      'an image record of another repository, allow-foreign-images false',
      () => ({ version: record('api', foreign, foreignDigest), 'allow-foreign-images': 'false' }),
      [`is of repository ${foreign}`, "fix 'services.api.image'"]
    ],
    [
      'an image record of another registry with the same path',
      () => ({ version: record('api', own.replace('127.0.0.1:5000', 'ghcr.io'), ownDigest) }),
      [`is of repository ghcr.io/`, `deploys 'api' from ${own}`]
    ],
    [
      'one of two records of another repository',
      () => ({ version: `[${record('api', own, ownDigest)},${record('api', foreign, foreignDigest)}]` }),
      [`is of repository ${foreign}`]
    ],
    [
      'a record of a service the environment does not have',
      () => ({ version: record('web', own, ownDigest) }),
      ["the image record of service 'web'", 'names no service of the environment config (api)']
    ],
    [
      'allow-foreign-images that is not a boolean',
      () => ({ version: record('api', foreign, foreignDigest), 'allow-foreign-images': 'yes' }),
      ["Input 'allow-foreign-images' must be true or false, got 'yes'"]
    ],
    [
      'a reference of another repository',
      () => ({ version: `${foreign}@${foreignDigest}` }),
      ["Input 'version'", 'is not the image of any service in the environment config (api)']
    ],
    [
      'a digest the registry does not have',
      () => ({ version: MISSING }),
      ["Input 'version'", `${own}@${MISSING} does not exist in the registry`]
    ],
    [
      'a record whose digest the registry does not have',
      () => ({ version: record('api', own, MISSING) }),
      [`${own}@${MISSING} does not exist in the registry`]
    ],
    ['a record that is not JSON', () => ({ version: '{"schema": ' }), ["Input 'version' is not JSON"]],
    [
      'a record of another schema',
      () => ({ version: record('api', own, ownDigest, { schema: 'other/v9' }) }),
      [
        "Input 'version': schema must be 'slipway.image-record/v1'",
        "'image-record' output of the build action"
      ]
    ],
    [
      'a record with a short digest',
      () => ({ version: record('api', own, 'sha256:abc') }),
      ["'digest' must be sha256:<64 hex>, got 'sha256:abc'"]
    ],
    [
      'a record whose platforms holds null',
      () => ({ version: record('api', own, ownDigest, { platforms: [null] }) }),
      ['platforms[0] must be an object {platform, digest, compressedSize}, got null']
    ],
    [
      'a record whose platform entry has no platform',
      () => ({ version: record('api', own, ownDigest, { platforms: [{ digest: ownDigest }] }) }),
      ["platforms[0].platform must be 'os/arch[/variant]', got null"]
    ],
    [
      'a record whose image is no OCI name',
      () => ({ version: record('api', `${base}/API`, ownDigest) }),
      ['is not a valid OCI name']
    ],
    [
      'a version that is a branch name',
      () => ({ version: 'main' }),
      ["Input 'version': 'main' is not a version Slipway can deploy", "Use 'latest'"]
    ],
    [
      'a version that is not a full semver',
      () => ({ version: '1.2' }),
      ["Input 'version': '1.2' is not a version Slipway can deploy"]
    ],
    [
      'a semver the registry does not have',
      () => ({ version: '9.9.9' }),
      ['Version 9.9.9 does not exist for every service', 'newest versions there: 1.0.0']
    ],
    [
      'an environment outside the list',
      () => ({ environment: 'prod', version: '1.0.0' }),
      ["Input 'environment': unknown environment 'prod'; allowed: qa", "set the 'environments' input"]
    ],
    [
      'a config-dir without the environment file',
      () => ({ version: '1.0.0', 'config-dir': 'nowhere' }),
      ['qa.json']
    ],
    [
      'a health timeout that is not a duration',
      () => ({ version: '1.0.0', 'health-timeout': 'soon' }),
      ["Input 'health-timeout': 'soon' is not a duration; write a whole number with a unit"]
    ],
    [
      'a retired health timeout input next to its new spelling',
      () => ({ version: '1.0.0', 'health-timeout-seconds': '30' }),
      ["Inputs 'health-timeout-seconds' and 'health-timeout' are both set", "keep only 'health-timeout'"]
    ],
    [
      'an unknown webhook format',
      () => ({ version: '1.0.0', 'webhook-format': 'xml' }),
      ["Input 'webhook-format' must be one of slack, json, got 'xml'"]
    ]
  ];

  it.each(cases)(
    '%s',
    async (_name, inputs, expected) => {
      const before = fake.requests.length;
      const run = await deploy(inputs());
      const message = expectCleanFailure(run);
      for (const text of expected) expect(message).toContain(text);
      // nothing changed: no write to the API fake, no deployment record, the target's command never ran
      expect(fake.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
      expect(fake.state.deployments).toEqual([]);
      expect(existsSync(marker)).toBe(false);
    },
    60_000
  );

  it('control: allow-foreign-images: true deploys the record of the other repository (the refusal is the input)', async () => {
    const run = await deploy({
      version: record('api', foreign, foreignDigest),
      'allow-foreign-images': 'true'
    });
    expect(failureMessage(run)).toBe('');
    expect(run.outputs.status).toBe('success');
    expect(existsSync(marker)).toBe(true);
    expect(fake.state.deployments).toHaveLength(1);
    fake.assertNoViolations();
  }, 60_000);
});
