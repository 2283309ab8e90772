/** The sign loop with a scripted cosign: skip when already verified, fail when the fresh signature does not verify. */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KeySigning } from '../../../actions/lib/cosign.js';
import { ToolError } from '../../../actions/lib/errors.js';
import { targetsFromRefs } from '../../../actions/lib/sign-targets.js';
import { signTargets } from '../../../actions/sign/sign.js';

const D = `sha256:${'e'.repeat(64)}`;
const targets = targetsFromRefs([`ghcr.io/acme/api@${D}`], 'images');
const signing: KeySigning = {
  mode: 'key',
  keyFile: 'k',
  publicKeyFile: 'p',
  password: 'pw',
  transparencyLog: true
};

/** A fake cosign: logs its argv + COSIGN_PASSWORD, exits with the code given for its subcommand. */
function fakeCosign(codes: { verify: number; sign: number }): { bin: string; calls: () => string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-cosign-'));
  const log = path.join(dir, 'log');
  const bin = path.join(dir, 'cosign');
  writeFileSync(log, '');
  writeFileSync(
    bin,
    `#!/bin/sh\necho "$* pw=$COSIGN_PASSWORD" >> ${log}\ncase "$1" in verify) echo 'Error: no signatures found' >&2; exit ${codes.verify};; sign) exit ${codes.sign};; esac\n`
  );
  chmodSync(bin, 0o755);
  return { bin, calls: () => readFileSync(log, 'utf8').trim().split('\n') };
}

describe('signTargets', () => {
  it('does not sign a digest whose signature by this key already verifies', async () => {
    const c = fakeCosign({ verify: 0, sign: 0 });
    const r = await signTargets(c.bin, targets, signing, { log: () => undefined });
    expect(r).toEqual([
      expect.objectContaining({
        status: 'already-signed',
        signature: `ghcr.io/acme/api:sha256-${'e'.repeat(64)}.sig`
      })
    ]);
    expect(c.calls()).toEqual([`verify --key p --output json ghcr.io/acme/api@${D} pw=pw`]);
  });

  it('fails, reporting nothing as signed, when the new signature does not verify', async () => {
    const c = fakeCosign({ verify: 12, sign: 0 });
    const err = await signTargets(c.bin, targets, signing, { log: () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect((err as Error).message).toMatch(
      /cosign verify .* failed with exit code 12.*NOT reported as signed/s
    );
    expect(c.calls().map((l) => l.split(' ')[0])).toEqual(['verify', 'sign', 'verify']);
  });

  it('a failed sign says so and names the fix', async () => {
    const c = fakeCosign({ verify: 10, sign: 1 });
    const err = await signTargets(c.bin, targets, signing, { log: () => undefined }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/cosign sign .* failed with exit code 1.*nothing was signed for/s);
  });
});

describe('signTargets side by side', () => {
  const many = targetsFromRefs(
    ['a', 'b', 'c', 'd'].map((c) => `ghcr.io/acme/api@sha256:${c.repeat(64)}`),
    'images'
  );

  /**
   * A cosign whose first `sign`s wait (up to 20 s) until `width` of them are running, then record how many run:
   * signing one digest at a time can never reach that barrier, so it fails (exit 3) instead of passing by luck of
   * timing. Once the barrier opened, later signs go straight on.
   */
  function barrierCosign(width: number, failFor?: string): { bin: string; peak: () => number } {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-cosign-par-'));
    const bin = path.join(dir, 'cosign');
    writeFileSync(
      bin,
      `#!/bin/sh
d=${dir}
case "$1" in
  verify) [ -e "$d/signed-$(echo "$*" | md5sum | cut -c1-8)" ] && exit 0; echo 'Error: no signatures found' >&2; exit 10;;
  sign)
    ref=$(for a; do last=$a; done; echo "$last")
    ${failFor ? `case "$ref" in *${failFor}*) echo 'Error: PUT denied' >&2; exit 1;; esac` : ''}
    touch "$d/running-$$"
    i=0; while [ ! -e "$d/open" ] && [ "$(ls "$d" | grep -c '^running-')" -lt ${width} ]; do i=$((i+1)); [ $i -gt 200 ] && exit 3; sleep 0.1; done
    touch "$d/open"; ls "$d" | grep -c '^running-' >> "$d/peaks"
    sleep 0.2; rm -f "$d/running-$$"
    # the verify after signing passes: remember this digest as signed
    touch "$d/signed-$(echo "verify --key p --output json $ref" | md5sum | cut -c1-8)"
    exit 0;;
esac
`
    );
    chmodSync(bin, 0o755);
    return {
      bin,
      peak: () => Math.max(...readFileSync(path.join(dir, 'peaks'), 'utf8').trim().split('\n').map(Number))
    };
  }

  it('signs up to `concurrency` digests at once and returns the results in the targets order', async () => {
    const c = barrierCosign(2);
    const r = await signTargets(c.bin, many, signing, { log: () => undefined }, 2);
    expect(r.map((x) => [x.digest.slice(7, 8), x.status])).toEqual([
      ['a', 'signed'],
      ['b', 'signed'],
      ['c', 'signed'],
      ['d', 'signed']
    ]);
    expect(c.peak()).toBe(2);
  }, 60_000);

  it('one failed digest fails the step, names it, and says which were signed anyway', async () => {
    const c = barrierCosign(2, 'c'.repeat(64));
    const err = await signTargets(c.bin, many, signing, { log: () => undefined }, 2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolError);
    const message = (err as Error).message;
    expect(message).toContain(
      `cosign sign ghcr.io/acme/api@sha256:${'c'.repeat(64)} failed with exit code 1`
    );
    expect(message).toContain('nothing was signed for');
    expect(message).toMatch(/done anyway: .*a{64} signed.*b{64} signed.*d{64} signed/);
  }, 60_000);
});
