/**
 * The shared cosign runner of the sign and sbom actions: which binary (a pinned, SHA-256-verified release on GitHub,
 * the local one elsewhere), the command lines of key and keyless mode, the environment they run with, and the key
 * material on disk (a 0600 temp file removed afterwards). Command construction is pure so unit tests can pin the
 * exact command lines and environment, including keyless mode whose services (Fulcio, Rekor, GitHub OIDC) are only
 * reachable on GitHub.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { ConfigurationError } from './errors.js';
import { type ExecResult, execTool, lastLines } from './exec.js';
import { DIGEST_RE, isInsecureRegistry, parseImageRef } from './image-ref.js';
import { boolInput, enumInput, optionalString } from './inputs.js';
import { type PinnedTool, resolveTool } from './tool-install.js';

/** cosign's release asset platform names (cosign-<platform>, a bare binary). */
export type CosignPlatform = 'linux-amd64' | 'linux-arm64' | 'darwin-amd64' | 'darwin-arm64';

/**
 * SHA-256 of the cosign 2.5.0 release binaries, as published in cosign_checksums.txt of the release (the same
 * values are pinned by several public build files, e.g. a Bazel http_file for cosign-linux-amd64). linux-arm64 is
 * not pinned here: set `cosign-sha256` for it, or another version.
 */
export const COSIGN_RELEASES: Record<string, Partial<Record<CosignPlatform, string>>> = {
  '2.5.0': {
    'linux-amd64': '1f6c194dd0891eb345b436bb71ff9f996768355f5e0ce02dde88567029ac2188',
    'darwin-amd64': 'd61cc50f6f32c2b63cb81cd8a935e5dd1be8520d639242031a1102092bee44d4',
    'darwin-arm64': '780da3654d9601367b0d54686ac65cb9716578610cabe292d725c7008de4db85'
  }
};
export const DEFAULT_COSIGN_VERSION = '2.5.0';

export const COSIGN: PinnedTool<CosignPlatform> = {
  name: 'cosign',
  releases: COSIGN_RELEASES,
  defaultVersion: DEFAULT_COSIGN_VERSION,
  example: '2.5.0',
  url: (v, platform) => `https://github.com/sigstore/cosign/releases/download/v${v}/cosign-${platform}`
};

/** GitHub Actions' OIDC issuer: what a keyless certificate made on a GitHub runner names as its issuer. */
export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

export function cosignPlatform(osName = process.platform, arch = process.arch): CosignPlatform {
  const o = osName === 'linux' ? 'linux' : osName === 'darwin' ? 'darwin' : undefined;
  const a = arch === 'x64' ? 'amd64' : arch === 'arm64' ? 'arm64' : undefined;
  if (!o || !a) {
    throw new ConfigurationError(
      `Slipway installs cosign for Linux/macOS x64/arm64 only (runner ${osName}/${arch}): set input 'cosign-path'`
    );
  }
  return `${o}-${a}` as CosignPlatform;
}

export interface CosignInstallInputs {
  path?: string;
  version?: string;
  sha256?: string;
}

/** Input `cosign-path`, else cosign on PATH, else the pinned release (cosign ships a bare binary, not an archive). */
export async function resolveCosign(inputs: CosignInstallInputs): Promise<string> {
  return resolveTool(COSIGN, () => cosignPlatform(), inputs, 'binary');
}

// ---------------------------------------------------------------------------------------------------------------
// signing configuration

/** Raw signing inputs, read by each action's main.ts (the action contract test reads input names there). */
export interface SigningInputs {
  mode: 'key' | 'keyless';
  privateKey?: string;
  password?: string;
  publicKey?: string;
  transparencyLog: boolean;
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
}

/** The signing inputs sign and sbom share (same names, same defaults in both action.yml files). */
export function readSigningInputs(): SigningInputs {
  return {
    mode: enumInput('mode', ['key', 'keyless'] as const, 'key'),
    privateKey: optionalString('private-key'),
    password: optionalString('private-key-password'),
    publicKey: optionalString('public-key'),
    transparencyLog: boolInput('transparency-log', true),
    certificateIdentity: optionalString('certificate-identity'),
    certificateIdentityRegexp: optionalString('certificate-identity-regexp'),
    certificateOidcIssuer: optionalString('certificate-oidc-issuer')
  };
}

export interface KeySigning {
  mode: 'key';
  /** 0600 file holding the private key */
  keyFile: string;
  /** file holding the public key used to verify */
  publicKeyFile: string;
  password: string;
  transparencyLog: boolean;
}

/**
 * The run a keyless certificate must come from, beyond its identity. Fulcio copies the OIDC token's claims into the
 * certificate; for a reusable workflow the identity (job_workflow_ref) names the called workflow — any repository
 * calling Slipway's build.yml gets the same identity — while `repository`, `ref`, `event_name` and `sha` are the
 * calling run's (https://docs.github.com/en/actions/reference/security/oidc). cosign 2.5 checks them with
 * --certificate-github-workflow-repository/-ref/-trigger/-sha (cmd/cosign/cli/options/certificate.go at v2.5.0,
 * https://github.com/sigstore/cosign/blob/v2.5.0/doc/cosign_verify.md).
 */
export interface GithubClaims {
  repository?: string;
  ref?: string;
  trigger?: string;
  sha?: string;
}

export interface KeylessSigning {
  mode: 'keyless';
  identity?: string;
  identityRegexp?: string;
  issuer: string;
  transparencyLog: true;
  /** the calling run's claims, from the runner's GITHUB_REPOSITORY/REF/EVENT_NAME/SHA */
  claims: GithubClaims;
}

export type Signing = KeySigning | KeylessSigning;

/** Checks the signing inputs before anything runs; errors name the input and the fix. */
export function checkSigningInputs(inputs: SigningInputs, env: NodeJS.ProcessEnv = process.env): void {
  if (inputs.mode === 'key') {
    if (!inputs.privateKey) {
      throw new ConfigurationError(
        "Input 'private-key' is empty but mode is key: pass `private-key: ${{ secrets.COSIGN_PRIVATE_KEY }}` " +
          '(the content of cosign.key from `cosign generate-key-pair`; an undefined secret reads as empty), ' +
          'or use mode: keyless on GitHub with `permissions: id-token: write`'
      );
    }
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(inputs.privateKey)) {
      throw new ConfigurationError(
        "Input 'private-key' is not a PEM private key (expected '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----'): " +
          'pass the content of cosign.key, not its path'
      );
    }
    return;
  }
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw new ConfigurationError(
      'Keyless signing needs a GitHub OIDC token, and ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN are not set: give the job ' +
        '`permissions: id-token: write` (keyless runs on GitHub Actions only), or use mode: key with private-key'
    );
  }
  if (!inputs.transparencyLog) {
    throw new ConfigurationError(
      "Input 'transparency-log' is false but mode is keyless: a keyless signature is only verifiable through its " +
        'Rekor entry (the Fulcio certificate lives 10 minutes). Set transparency-log: true, or use mode: key'
    );
  }
  if (inputs.certificateIdentity && inputs.certificateIdentityRegexp) {
    throw new ConfigurationError(
      "Set either 'certificate-identity' or 'certificate-identity-regexp', not both"
    );
  }
  if (!inputs.certificateIdentity && !inputs.certificateIdentityRegexp && !env.GITHUB_WORKFLOW_REF) {
    throw new ConfigurationError(
      "Keyless verification needs the signer's identity: set 'certificate-identity' (e.g. " +
        'https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/heads/main) or run on GitHub, where it ' +
        'defaults to https://github.com/$GITHUB_WORKFLOW_REF'
    );
  }
}

/** The keyless verifier: identity (default: this workflow) + issuer (default: GitHub Actions' OIDC issuer). */
export function keylessSigning(inputs: SigningInputs, env: NodeJS.ProcessEnv = process.env): KeylessSigning {
  const identity =
    inputs.certificateIdentity ??
    (inputs.certificateIdentityRegexp
      ? undefined
      : `${env.GITHUB_SERVER_URL || 'https://github.com'}/${env.GITHUB_WORKFLOW_REF ?? ''}`);
  return {
    mode: 'keyless',
    identity,
    identityRegexp: inputs.certificateIdentityRegexp,
    issuer: inputs.certificateOidcIssuer || GITHUB_OIDC_ISSUER,
    transparencyLog: true,
    claims: {
      repository: env.GITHUB_REPOSITORY || undefined,
      ref: env.GITHUB_REF || undefined,
      trigger: env.GITHUB_EVENT_NAME || undefined,
      sha: env.GITHUB_SHA || undefined
    }
  };
}

/** Registry flags: a loopback registry is plain HTTP (docker's rule), so cosign must be allowed to use it. */
export function registryFlags(ref: string): string[] {
  return isInsecureRegistry(parseImageRef(ref).registry)
    ? ['--allow-insecure-registry', '--allow-http-registry']
    : [];
}

/**
 * Keyless verification pins the calling repository, ref and trigger (a PR build of a fork calling build.yml carries
 * the same identity as a main build of ours), and right after signing also the commit: what this run just signed.
 * The command handed to users leaves the commit out, so it verifies any build of that repository, ref and trigger.
 */
function claimFlags(claims: GithubClaims, withSha: boolean): string[] {
  const flags: Array<[string, string | undefined]> = [
    ['--certificate-github-workflow-repository', claims.repository],
    ['--certificate-github-workflow-ref', claims.ref],
    ['--certificate-github-workflow-trigger', claims.trigger],
    ['--certificate-github-workflow-sha', withSha ? claims.sha : undefined]
  ];
  return flags.flatMap(([flag, value]) => (value ? [flag, value] : []));
}

function verifierFlags(s: Signing, withSha = true): string[] {
  if (s.mode === 'key') {
    return ['--key', s.publicKeyFile, ...(s.transparencyLog ? [] : ['--insecure-ignore-tlog=true'])];
  }
  return [
    ...(s.identity
      ? ['--certificate-identity', s.identity]
      : ['--certificate-identity-regexp', s.identityRegexp ?? '']),
    '--certificate-oidc-issuer',
    s.issuer,
    ...claimFlags(s.claims, withSha)
  ];
}

function signerFlags(s: Signing): string[] {
  if (s.mode === 'key') return ['--key', s.keyFile, ...(s.transparencyLog ? [] : ['--tlog-upload=false'])];
  // keyless: an OIDC token from the runner (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN) → Fulcio certificate → Rekor entry
  return ['--oidc-provider', 'github-actions'];
}

export function signArgs(ref: string, s: Signing): string[] {
  return ['sign', '--yes', ...signerFlags(s), ...registryFlags(ref), ref];
}

export function verifyArgs(ref: string, s: Signing): string[] {
  return ['verify', ...verifierFlags(s), '--output', 'json', ...registryFlags(ref), ref];
}

/** cosign's attestation --type for an SBOM format (predicate types https://cyclonedx.org/bom, https://spdx.dev/Document). */
export type AttestationType = 'cyclonedx' | 'spdxjson';

/** `--replace` drops an earlier attestation of the same predicate type, so a re-run does not pile them up. */
export function attestArgs(ref: string, predicateFile: string, type: AttestationType, s: Signing): string[] {
  return [
    'attest',
    '--yes',
    '--replace',
    '--type',
    type,
    '--predicate',
    predicateFile,
    ...signerFlags(s),
    ...registryFlags(ref),
    ref
  ];
}

export function verifyAttestationArgs(ref: string, type: AttestationType, s: Signing): string[] {
  return [
    'verify-attestation',
    '--type',
    type,
    ...verifierFlags(s),
    '--output',
    'json',
    ...registryFlags(ref),
    ref
  ];
}

export function publicKeyArgs(keyFile: string): string[] {
  return ['public-key', '--key', keyFile];
}

/**
 * The environment cosign runs with: the key password (COSIGN_PASSWORD, never on the command line) and COSIGN_YES.
 * Keyless mode needs the runner's ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN (present with `permissions: id-token: write`),
 * inherited from the step's environment.
 */
export function cosignEnv(s: Signing): Record<string, string> {
  return s.mode === 'key' ? { COSIGN_PASSWORD: s.password, COSIGN_YES: 'true' } : { COSIGN_YES: 'true' };
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * A command a user can copy: `cosign <verify|verify-attestation> … ref…`, with `cosign.pub` standing for the
 * public key (the action's public-key output) instead of a temp file of this job.
 */
export function copyableVerifyCommand(refs: string[], s: Signing, attestationType?: AttestationType): string {
  const verifier = s.mode === 'key' ? { ...s, publicKeyFile: 'cosign.pub' } : s;
  const head = attestationType ? ['verify-attestation', '--type', attestationType] : ['verify'];
  const flags = [...new Set(refs.flatMap((r) => registryFlags(r)))];
  return ['cosign', ...head, ...verifierFlags(verifier, false), ...flags, ...refs].map(shellQuote).join(' ');
}

/** Where cosign stores the signature of a digest (the legacy tag scheme): image:sha256-<hex>.sig */
export function signatureRef(ref: string, suffix: 'sig' | 'att' = 'sig'): string {
  const parsed = parseImageRef(ref);
  if (!parsed.digest || !DIGEST_RE.test(parsed.digest)) {
    throw new ConfigurationError(`'${ref}' has no sha256 digest`);
  }
  return `${parsed.registry}/${parsed.repository}:${parsed.digest.replace(':', '-')}.${suffix}`;
}

// ---------------------------------------------------------------------------------------------------------------
// key material

export interface KeyMaterial {
  signing: KeySigning;
  /** the public key PEM (given, or derived from the private key) */
  publicKeyPem: string;
  cleanup(): void;
}

function normalizePem(pem: string): string {
  return pem.replace(/\r/g, '').trim();
}

/**
 * Writes the private key to a 0600 file in a fresh temp dir, derives the public key with `cosign public-key` (which
 * also checks the password before anything is signed), and compares it with a given public key. Masks the secrets.
 */
export async function prepareKeyMaterial(
  cosign: string,
  inputs: SigningInputs,
  tempRoot = process.env.RUNNER_TEMP || os.tmpdir()
): Promise<KeyMaterial> {
  const privateKey = inputs.privateKey ?? '';
  const password = inputs.password ?? '';
  core.setSecret(privateKey);
  for (const line of privateKey.split(/\r?\n/))
    if (line.length > 8 && !line.startsWith('-----')) core.setSecret(line);
  if (password) core.setSecret(password);
  const dir = mkdtempSync(path.join(tempRoot, 'slipway-cosign-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    const keyFile = path.join(dir, 'cosign.key');
    writeFileSync(keyFile, privateKey.endsWith('\n') ? privateKey : `${privateKey}\n`, { mode: 0o600 });
    chmodSync(keyFile, 0o600);
    const derived = await execTool(cosign, publicKeyArgs(keyFile), {
      env: { COSIGN_PASSWORD: password },
      hint: (r: ExecResult) =>
        /decrypt|password/i.test(r.stderr)
          ? "the private key could not be decrypted: check that input 'private-key-password' is the password the key was generated with (COSIGN_PASSWORD of `cosign generate-key-pair`)"
          : "check that input 'private-key' holds the whole cosign.key"
    });
    const publicKeyPem = normalizePem(derived.stdout);
    if (inputs.publicKey && normalizePem(inputs.publicKey) !== publicKeyPem) {
      throw new ConfigurationError(
        "Input 'public-key' does not belong to input 'private-key' (cosign public-key derives a different key): " +
          'pass the cosign.pub generated together with the private key, or leave public-key empty to derive it'
      );
    }
    const publicKeyFile = path.join(dir, 'cosign.pub');
    writeFileSync(publicKeyFile, `${publicKeyPem}\n`);
    return {
      signing: { mode: 'key', keyFile, publicKeyFile, password, transparencyLog: inputs.transparencyLog },
      publicKeyPem,
      cleanup
    };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/**
 * Runs cosign, returning the result (exit code included) without throwing. Its progress and verdict (stderr) show
 * live in a group of their own; stdout (verify's JSON) stays captured.
 */
export async function runCosign(cosign: string, args: string[], s: Signing): Promise<ExecResult> {
  return core.group(`cosign ${args[0]} ${args[args.length - 1]}`, () =>
    execTool(cosign, args, { env: cosignEnv(s), ignoreReturnCode: true, stream: 'stderr' })
  );
}

/** A short reason from cosign's stderr for messages. */
export function cosignReason(r: ExecResult): string {
  const text = (r.stderr || r.stdout)
    .replace(/^Error: .*$/m, '')
    .replace(/^error during command execution: /m, '');
  return lastLines(text, 2) || lastLines(r.stderr || r.stdout, 1);
}
