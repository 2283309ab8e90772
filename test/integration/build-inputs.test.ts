/**
 * The build action's build-push-action inputs (context, file, target, secrets, secret-files) and its imageid output,
 * through the bundled action against the real buildx and the local registry; and a bad input refused before
 * anything is pushed (issue 17), checked in the registry.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAction, failureMessage } from '../support/run-action.js';
import { BASE_IMAGE } from '../support/images.js';
import { RegistryClient } from '../../actions/lib/registry.js';

const REGISTRY = 'localhost:5000';
const owner = `itux${process.pid}${Date.now().toString(36)}`;
const SECRET = `s3cr3t-${Date.now().toString(36)}-value`;
const FILE_SECRET = `f1le-${Date.now().toString(36)}-value`;
// the Dockerfile compares digests, so the RUN line recorded in the image history does not hold the value itself
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function workspace(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-build-inputs-'));
  mkdirSync(path.join(dir, '.slipway'));
  mkdirSync(path.join(dir, 'svc'));
  mkdirSync(path.join(dir, 'other/ctx'), { recursive: true });
  mkdirSync(path.join(dir, 'docker'));
  // the manifest points at svc/ (whose Dockerfile would fail): the inputs must win
  writeFileSync(
    path.join(dir, '.slipway/services.yml'),
    'version: 1\nregistry: localhost:5000\nservices:\n  - name: app\n    context: svc\n'
  );
  writeFileSync(path.join(dir, 'svc/Dockerfile'), `FROM ${BASE_IMAGE}\nRUN false\n`);
  writeFileSync(path.join(dir, 'other/ctx/from-context.txt'), 'context-input-used\n');
  writeFileSync(path.join(dir, 'file-secret.txt'), FILE_SECRET);
  // the last stage fails: only `target: final` builds; both secrets are checked inside RUN (by digest) and leave only
  // a marker
  writeFileSync(
    path.join(dir, 'docker/app.Dockerfile'),
    [
      `FROM ${BASE_IMAGE} AS final`,
      'COPY from-context.txt /from-context.txt',
      `RUN --mount=type=secret,id=token,required=true test "$(sha256sum < /run/secrets/token | cut -d' ' -f1)" = "${sha256(SECRET)}" && echo token-arrived > /proof-token`,
      `RUN --mount=type=secret,id=filesec,required=true test "$(sha256sum < /run/secrets/filesec | cut -d' ' -f1)" = "${sha256(FILE_SECRET)}" && echo file-arrived > /proof-file`,
      `FROM ${BASE_IMAGE} AS broken`,
      'RUN false',
      ''
    ].join('\n')
  );
  return dir;
}

describe('build: build-push-action inputs through the bundled action', () => {
  it('builds the target stage of the given file and context with both secrets, which never land in the image', async () => {
    const dir = workspace();
    const repo = `${owner}/app`;
    const run = await runAction('build', {
      workspace: dir,
      inputs: {
        service: 'app',
        tags: `${REGISTRY}/${repo}:inputs`,
        context: 'other/ctx',
        file: 'docker/app.Dockerfile',
        target: 'final',
        secrets: `token=${SECRET}`,
        'secret-files': 'filesec=file-secret.txt',
        network: 'host',
        cache: 'none'
      }
    });
    if (run.exitCode !== 0) throw new Error(`build failed: ${failureMessage(run)}\n${run.stdout}`);
    const ref = `${REGISTRY}/${repo}@${run.outputs.digest}`;
    // the secrets arrived (the RUN steps test their values) and the context and stage are the inputs'
    const read = (file: string): string =>
      execFileSync('docker', ['run', '--rm', '--network', 'host', ref, 'cat', file], {
        encoding: 'utf8'
      }).trim();
    execFileSync('docker', ['pull', '-q', ref], { stdio: 'pipe' });
    expect(read('/proof-token')).toBe('token-arrived');
    expect(read('/proof-file')).toBe('file-arrived');
    expect(read('/from-context.txt')).toBe('context-input-used');
    // neither secret is in any layer or in the config (docker save: uncompressed layers + config JSON)
    const saved = execFileSync('docker', ['save', ref], { maxBuffer: 256 * 1024 * 1024 });
    expect(saved.includes(Buffer.from(SECRET))).toBe(false);
    expect(saved.includes(Buffer.from(FILE_SECRET))).toBe(false);
    expect(saved.includes(Buffer.from('token-arrived'))).toBe(true);
    // the value is masked and never printed on its own
    expect(run.masks).toContain(SECRET);
    expect(run.stdout.split('\n').filter((l) => l.includes(SECRET) && !l.startsWith('::add-mask::'))).toEqual(
      []
    );
    // imageid: the config digest of the pushed manifest
    const manifest = await new RegistryClient(REGISTRY).getManifest(repo, run.outputs.digest!);
    const config = (manifest.manifest as { config?: { digest?: string } }).config?.digest;
    expect(run.outputs.imageid).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(run.outputs.imageid).toBe(config);
    // the docker driver also loads the pushed tag into the image store: remove what this test created
    execFileSync('docker', ['image', 'rm', ref, `${REGISTRY}/${repo}:inputs`], { stdio: 'pipe' });
  });

  it.each([
    [{ image: 'Not A Repo!' }, /Input 'image'/],
    [{ image: `${REGISTRY}/${owner}/bad:tagged` }, /Input 'image': .* has a tag/],
    [{ secrets: 'no-equals-sign' }, /Input 'secrets'/],
    [{ 'secret-files': 'x=missing.txt' }, /Input 'secret-files'/],
    [{ file: 'docker/missing.Dockerfile' }, /Input 'file'/],
    [{ context: 'nowhere' }, /Input 'context'/],
    [{ ssh: 'default' }, /Input 'ssh'/]
  ])('refuses %p before building or pushing anything', async (bad, message) => {
    const dir = workspace();
    const repo = `${owner}/refused`;
    const run = await runAction('build', {
      workspace: dir,
      env: { SSH_AUTH_SOCK: '' },
      inputs: {
        service: 'app',
        tags: `${REGISTRY}/${repo}:bad`,
        context: 'other/ctx',
        file: 'docker/app.Dockerfile',
        target: 'final',
        secrets: `token=${SECRET}`,
        'secret-files': 'filesec=file-secret.txt',
        network: 'host',
        cache: 'none',
        ...bad
      }
    });
    expect(run.exitCode).not.toBe(0);
    expect(failureMessage(run)).toMatch(message);
    expect(run.stdout).not.toContain('docker buildx build');
    // nothing reached the registry
    expect(await new RegistryClient(REGISTRY).resolve(repo, 'bad')).toBeUndefined();
  });

  it('a services manifest error is an annotation on the file and line', async () => {
    const dir = workspace();
    writeFileSync(
      path.join(dir, '.slipway/services.yml'),
      'version: 1\nservices:\n  - name: app\n    context: svc\n  - name: app\n    context: svc\n'
    );
    const run = await runAction('build', {
      workspace: dir,
      inputs: { service: 'app', tags: `${REGISTRY}/${owner}/annotated:x` }
    });
    expect(run.exitCode).not.toBe(0);
    const error = run.annotations.find((a) => a.level === 'error');
    expect(error?.message).toMatch(/duplicate service name 'app'/);
    expect(error?.properties).toMatchObject({
      file: '.slipway/services.yml',
      line: '5',
      title: 'Configuration error'
    });
    expect(run.annotations.filter((a) => a.level === 'error')).toHaveLength(1);
  });
});
