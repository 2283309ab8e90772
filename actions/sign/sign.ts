/** The sign loop: verify (skip if already signed) → sign → verify again. No outputs until every digest is done. */
import { ToolError } from '../lib/errors.js';
import { type Signing, cosignReason, runCosign, signArgs, signatureRef, verifyArgs } from '../lib/cosign.js';
import { defaultConcurrency, fulfilledOrThrow, settleBounded } from '../lib/parallel.js';
import type { Target } from '../lib/sign-targets.js';

export interface SignResult {
  ref: string;
  digest: string;
  platform?: string;
  /** image:sha256-<hex>.sig */
  signature: string;
  status: 'signed' | 'already-signed';
}

export interface SignDeps {
  log(message: string): void;
}

/**
 * What to do about a failed `cosign sign`. The transparency log and Fulcio are checked first: their failures carry
 * the same "no such host" / "connection refused" as an unreachable registry (cosign 2.5 against an unreachable
 * Rekor: `signing digest: Post "https://rekor.sigstore.dev/api/v1/log/entries": … dial tcp: lookup
 * rekor.sigstore.dev …: no such host`), and blaming the registry sends the user to the wrong place.
 */
export function signHint(reason: string, s: Signing): string {
  const tlog = /https?:\/\/([^/\s"]+)\/api\/v1\/log\b/.exec(reason)?.[1];
  if (tlog || /rekor|tlog|transparency/i.test(reason)) {
    return (
      `the transparency log (Rekor${tlog ? ` at ${tlog}` : ''}) could not be reached or refused the entry, ` +
      'the registry is not the problem: retry later, or set transparency-log: false (mode: key) for a private ' +
      'registry whose users verify with --insecure-ignore-tlog=true'
    );
  }
  if (s.mode === 'keyless' && /fulcio|oidc|id-token/i.test(reason)) {
    return 'keyless signing needs `permissions: id-token: write` on the job and GitHub-hosted OIDC (it runs on GitHub only)';
  }
  if (/connection refused|no such host|dial tcp|i\/o timeout/i.test(reason)) {
    return 'the registry could not be reached: check the image reference and that the registry is up';
  }
  if (/unauthorized|denied|forbidden|401|403/i.test(reason)) {
    return 'the registry refused the signature push: log in with push rights first (docker/login-action; on GHCR `permissions: packages: write`)';
  }
  if (/MANIFEST_UNKNOWN|manifest unknown|not found|404/i.test(reason)) {
    return 'the digest does not exist in that repository: sign the digest the build step pushed (its image-record output)';
  }
  if (s.mode === 'keyless' && /token/i.test(reason)) {
    return 'keyless signing needs `permissions: id-token: write` on the job and GitHub-hosted OIDC (it runs on GitHub only)';
  }
  return 'see the cosign message above';
}

/**
 * Signs every target, up to `concurrency` digests at once (cosign is network-bound; each digest's signature is its
 * own `.sig` tag, so signers do not meet). Every digest is tried; when one fails, the error names it and says which
 * digests were signed anyway (those are valid signatures, verified like the rest).
 */
export async function signTargets(
  cosign: string,
  targets: Target[],
  signing: Signing,
  deps: SignDeps,
  concurrency = defaultConcurrency()
): Promise<SignResult[]> {
  const settled = await settleBounded(targets, (t) => signOne(cosign, t, signing, deps), concurrency);
  return fulfilledOrThrow(settled, (error, done) => {
    if (!(error instanceof ToolError) || done.length === 0) return error as Error;
    const also = ` (done anyway: ${done.map((r) => `${r.ref} ${r.status}`).join(', ')})`;
    return new ToolError(error.command, error.exitCode, error.stderrTail, `${error.hint ?? ''}${also}`);
  });
}

async function signOne(cosign: string, t: Target, signing: Signing, deps: SignDeps): Promise<SignResult> {
  const signature = signatureRef(t.ref);
  const before = await runCosign(cosign, verifyArgs(t.ref, signing), signing);
  if (before.exitCode === 0) {
    deps.log(`${t.ref}: a valid signature by this signer exists (${signature}); not signing again`);
    return { ref: t.ref, digest: t.digest, platform: t.platform, signature, status: 'already-signed' };
  }
  deps.log(`${t.ref}: no valid signature by this signer yet (${cosignReason(before)}); signing`);
  const signed = await runCosign(cosign, signArgs(t.ref, signing), signing);
  if (signed.exitCode !== 0) {
    const reason = cosignReason(signed);
    throw new ToolError(
      `cosign sign ${t.ref}`,
      signed.exitCode,
      reason,
      `${signHint(reason, signing)}; nothing was signed for ${t.ref}`
    );
  }
  const after = await runCosign(cosign, verifyArgs(t.ref, signing), signing);
  if (after.exitCode !== 0) {
    throw new ToolError(
      `cosign verify ${t.ref}`,
      after.exitCode,
      cosignReason(after),
      `the signature was pushed but does not verify with the configured verifier (public key / certificate identity + issuer), so ${t.ref} is NOT reported as signed`
    );
  }
  deps.log(`${t.ref}: signed and verified (${signature})`);
  return { ref: t.ref, digest: t.digest, platform: t.platform, signature, status: 'signed' };
}
