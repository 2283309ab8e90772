/**
 * sign: cosign signatures for the digests of image records (never tags). Key mode (a private key + password from
 * secrets) or keyless (GitHub OIDC → Fulcio → Rekor). Each digest is first verified: a valid signature by this
 * signer is kept and not signed again (a re-run does not pile up signatures); otherwise it is signed and verified
 * right after, and the step fails if the verification fails.
 */
import * as core from '@actions/core';
import {
  type KeyMaterial,
  type Signing,
  readSigningInputs,
  checkSigningInputs,
  copyableVerifyCommand,
  keylessSigning,
  prepareKeyMaterial,
  resolveCosign
} from '../lib/cosign.js';
import { boolInput, listInput, optionalString } from '../lib/inputs.js';
import { setOutputs } from '../lib/outputs.js';
import {
  checkTargetsExist,
  expandIndexes,
  registryDigestProbe,
  registryManifestReader,
  resolveTargets
} from '../lib/sign-targets.js';
import { errorMessage } from '../lib/errors.js';
import { writeTableSummary } from '../lib/summary.js';
import { type SignResult, signTargets } from './sign.js';

export async function run(): Promise<void> {
  // every input is checked before anything runs
  const refs = listInput('images');
  const signPlatforms = boolInput('sign-platforms', false);
  let targets = resolveTargets({
    recordInput: optionalString('image-record'),
    refs,
    withPlatforms: signPlatforms
  });
  const inputs = readSigningInputs();
  checkSigningInputs(inputs);
  const cosign = await resolveCosign({
    path: optionalString('cosign-path'),
    version: optionalString('cosign-version'),
    sha256: optionalString('cosign-sha256')
  });

  if (refs.length && signPlatforms) {
    // no image record to tell which digests are indexes: ask the registry
    targets = await expandIndexes(targets, registryManifestReader(), true, (t, error) =>
      core.warning(
        `Could not read ${t.ref} to find platform manifests (${errorMessage(error)}); signing the digest only`
      )
    );
  }
  // a missing digest is refused before any key is unpacked or anything is pushed
  await checkTargetsExist(targets, registryDigestProbe(), refs.length ? 'images' : 'image-record');
  let material: KeyMaterial | undefined;
  let signing: Signing;
  if (inputs.mode === 'key') {
    material = await prepareKeyMaterial(cosign, inputs);
    signing = material.signing;
  } else {
    signing = keylessSigning(inputs);
  }
  let results: SignResult[];
  try {
    results = await signTargets(cosign, targets, signing, {
      log: (m) => core.info(m)
    });
  } finally {
    material?.cleanup();
  }

  const verifyCommand = copyableVerifyCommand(
    results.map((r) => r.ref),
    signing
  );
  setOutputs({
    signatures: results.map((r) => ({
      ref: r.ref,
      digest: r.digest,
      platform: r.platform,
      signature: r.signature,
      status: r.status
    })),
    'verify-command': verifyCommand,
    'public-key': material?.publicKeyPem
  });
  const kept = results.filter((r) => r.status === 'already-signed').length;
  await writeTableSummary(
    'Slipway sign',
    ['image', 'status', 'signature'],
    results.map((r) => [
      r.ref,
      r.status === 'signed' ? 'signed, verified' : 'already signed by this signer: not signed again',
      r.signature
    ]),
    `${signing.mode === 'key' ? 'Key' : 'Keyless'} signing` +
      (signing.transparencyLog
        ? ', recorded in Rekor'
        : ', **not** recorded in a transparency log (transparency-log: false)') +
      `. ${kept ? `${kept} digest(s) already carried a valid signature and were skipped. ` : ''}Verify with:\n\n\`\`\`\n${verifyCommand}\n\`\`\``
  );
  core.info(
    `${results.length} digest(s): ${results.length - kept} signed, ${kept} already signed. Verify with: ${verifyCommand}`
  );
}
