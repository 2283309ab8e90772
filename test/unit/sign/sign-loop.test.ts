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
