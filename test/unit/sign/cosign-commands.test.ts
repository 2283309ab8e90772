/**
 * The exact cosign command lines and environment of key and keyless mode. Keyless (GitHub OIDC → Fulcio → Rekor)
 * cannot run here, so these lines are what the end-to-end path on GitHub executes.
 */
import {
  attestArgs,
  checkSigningInputs,
  copyableVerifyCommand,
  COSIGN,
  cosignEnv,
  cosignPlatform,
  GITHUB_OIDC_ISSUER,
  type KeySigning,
  keylessSigning,
  publicKeyArgs,
  registryFlags,
  signArgs,
  signatureRef,
  type SigningInputs,
  verifyArgs,
  verifyAttestationArgs
} from '../../../actions/lib/cosign.js';
import { ConfigurationError } from '../../../actions/lib/errors.js';
import { pinnedAsset } from '../../../actions/lib/tool-install.js';

const D = `sha256:${'a'.repeat(64)}`;
const GHCR = `ghcr.io/acme/api@${D}`;
const LOCAL = `127.0.0.1:5000/acme/api@${D}`;
const KEY: KeySigning = {
  mode: 'key',
  keyFile: '/tmp/k/cosign.key',
  publicKeyFile: '/tmp/k/cosign.pub',
  password: 'pw',
  transparencyLog: true
};
const GITHUB_ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.actions.githubusercontent.com/token',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_WORKFLOW_REF: 'acme/monorepo/.github/workflows/ci.yml@refs/tags/v1.2.3',
  GITHUB_REPOSITORY: 'acme/monorepo',
  GITHUB_REF: 'refs/tags/v1.2.3',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_SHA: 'b'.repeat(40)
};
const CLAIMS = [
  '--certificate-github-workflow-repository',
  'acme/monorepo',
  '--certificate-github-workflow-ref',
  'refs/tags/v1.2.3',
  '--certificate-github-workflow-trigger',
  'push'
];
const keylessInputs: SigningInputs = { mode: 'keyless', transparencyLog: true };

describe('key mode', () => {
  it('signs and verifies against Rekor by default (GHCR, no insecure flags)', () => {
    expect(signArgs(GHCR, KEY)).toEqual(['sign', '--yes', '--key', '/tmp/k/cosign.key', GHCR]);
    expect(verifyArgs(GHCR, KEY)).toEqual(['verify', '--key', '/tmp/k/cosign.pub', '--output', 'json', GHCR]);
  });

  it('transparency-log false: --tlog-upload=false to sign, --insecure-ignore-tlog=true to verify; plain-http registry flags', () => {
    const s = { ...KEY, transparencyLog: false };
    expect(signArgs(LOCAL, s)).toEqual([
      'sign',
      '--yes',
      '--key',
      '/tmp/k/cosign.key',
      '--tlog-upload=false',
      '--allow-insecure-registry',
      '--allow-http-registry',
      LOCAL
    ]);
    expect(verifyArgs(LOCAL, s)).toEqual([
      'verify',
      '--key',
      '/tmp/k/cosign.pub',
      '--insecure-ignore-tlog=true',
      '--output',
      'json',
      '--allow-insecure-registry',
      '--allow-http-registry',
      LOCAL
    ]);
  });

  it('the password goes through COSIGN_PASSWORD, never the command line', () => {
    expect(cosignEnv(KEY)).toEqual({ COSIGN_PASSWORD: 'pw', COSIGN_YES: 'true' });
    for (const args of [
      signArgs(GHCR, KEY),
      verifyArgs(GHCR, KEY),
      attestArgs(GHCR, 'f.json', 'cyclonedx', KEY)
    ])
      expect(args.join(' ')).not.toContain('pw ');
    expect(publicKeyArgs('/tmp/k/cosign.key')).toEqual(['public-key', '--key', '/tmp/k/cosign.key']);
  });

  it('attests with --replace (a re-run does not pile up attestations) and verifies by predicate type', () => {
    expect(attestArgs(GHCR, '/o/api.cdx.json', 'cyclonedx', KEY)).toEqual([
      'attest',
      '--yes',
      '--replace',
      '--type',
      'cyclonedx',
      '--predicate',
      '/o/api.cdx.json',
      '--key',
      '/tmp/k/cosign.key',
      GHCR
    ]);
    expect(verifyAttestationArgs(GHCR, 'spdxjson', KEY)).toEqual([
      'verify-attestation',
      '--type',
      'spdxjson',
      '--key',
      '/tmp/k/cosign.pub',
      '--output',
      'json',
      GHCR
    ]);
  });

  it('the copyable verify command names cosign.pub and every ref', () => {
    const other = `ghcr.io/acme/web@sha256:${'b'.repeat(64)}`;
    expect(copyableVerifyCommand([GHCR, other], KEY)).toBe(`cosign verify --key cosign.pub ${GHCR} ${other}`);
    expect(copyableVerifyCommand([LOCAL], { ...KEY, transparencyLog: false }, 'cyclonedx')).toBe(
      `cosign verify-attestation --type cyclonedx --key cosign.pub --insecure-ignore-tlog=true --allow-insecure-registry --allow-http-registry ${LOCAL}`
    );
  });

  it('refuses a missing key, a key path instead of content', () => {
    expect(() => checkSigningInputs({ mode: 'key', transparencyLog: true })).toThrow(
      /Input 'private-key' is empty but mode is key/
    );
    expect(() =>
      checkSigningInputs({ mode: 'key', privateKey: './cosign.key', transparencyLog: true })
    ).toThrow(/not a PEM private key .*not its path/);
    expect(() =>
      checkSigningInputs({
        mode: 'key',
        privateKey:
          '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nx\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----',
        transparencyLog: false
      })
    ).not.toThrow();
  });
});

describe('keyless mode (GitHub only)', () => {
  it('signs with the GitHub Actions OIDC provider and no key; verifies by this workflow identity + GitHub issuer', () => {
    const s = keylessSigning(keylessInputs, GITHUB_ENV);
    expect(s).toEqual({
      mode: 'keyless',
      identity: 'https://github.com/acme/monorepo/.github/workflows/ci.yml@refs/tags/v1.2.3',
      identityRegexp: undefined,
      issuer: GITHUB_OIDC_ISSUER,
      transparencyLog: true,
      claims: { repository: 'acme/monorepo', ref: 'refs/tags/v1.2.3', trigger: 'push', sha: 'b'.repeat(40) }
    });
    expect(GITHUB_OIDC_ISSUER).toBe('https://token.actions.githubusercontent.com');
    expect(signArgs(GHCR, s)).toEqual(['sign', '--yes', '--oidc-provider', 'github-actions', GHCR]);
    expect(verifyArgs(GHCR, s)).toEqual([
      'verify',
      '--certificate-identity',
      'https://github.com/acme/monorepo/.github/workflows/ci.yml@refs/tags/v1.2.3',
      '--certificate-oidc-issuer',
      'https://token.actions.githubusercontent.com',
      // the calling run: repository, ref, trigger and, right after signing, the commit
      ...CLAIMS,
      '--certificate-github-workflow-sha',
      'b'.repeat(40),
      '--output',
      'json',
      GHCR
    ]);
    expect(attestArgs(GHCR, 'p.json', 'spdxjson', s)).toEqual([
      'attest',
      '--yes',
      '--replace',
      '--type',
      'spdxjson',
      '--predicate',
      'p.json',
      '--oidc-provider',
      'github-actions',
      GHCR
    ]);
    // no password; the OIDC token comes from the runner's ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN (inherited)
    expect(cosignEnv(s)).toEqual({ COSIGN_YES: 'true' });
    expect(copyableVerifyCommand([GHCR], s)).toBe(
      `cosign verify --certificate-identity https://github.com/acme/monorepo/.github/workflows/ci.yml@refs/tags/v1.2.3 --certificate-oidc-issuer https://token.actions.githubusercontent.com ${CLAIMS.join(' ')} ${GHCR}`
    );
  });

  it('a reusable workflow signs with the caller repository, ref and trigger pinned: a fork PR or another repo calling build.yml does not verify', () => {
    const s = keylessSigning(
      {
        ...keylessInputs,
        certificateIdentityRegexp: '^https://github\\.com/slipway/slipway/\\.github/workflows/build\\.yml@'
      },
      { ...GITHUB_ENV, GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge' }
    );
    const args = verifyArgs(GHCR, s);
    expect(args).toEqual(
      expect.arrayContaining(['--certificate-github-workflow-repository', 'acme/monorepo'])
    );
    expect(args[args.indexOf('--certificate-github-workflow-ref') + 1]).toBe('refs/pull/7/merge');
    expect(args[args.indexOf('--certificate-github-workflow-trigger') + 1]).toBe('pull_request');
    expect(verifyAttestationArgs(GHCR, 'cyclonedx', s)).toEqual(
      expect.arrayContaining(['--certificate-github-workflow-sha', 'b'.repeat(40)])
    );
    // the command handed to users names the repository, ref and trigger, not the one commit
    const command = copyableVerifyCommand([GHCR], s);
    expect(command).toContain('--certificate-github-workflow-repository acme/monorepo');
    expect(command).toContain('--certificate-github-workflow-trigger pull_request');
    expect(command).not.toContain('--certificate-github-workflow-sha');
  });

  it('off GitHub (no GITHUB_REPOSITORY…) no claim flags are invented', () => {
    const s = keylessSigning({ ...keylessInputs, certificateIdentity: 'https://x/y' }, {});
    expect(verifyArgs(GHCR, s).join(' ')).not.toContain('github-workflow');
  });

  it('a reusable workflow verifies with an identity regexp (quoted in the copyable command); a GHES issuer is kept', () => {
    const s = keylessSigning(
      {
        ...keylessInputs,
        certificateIdentityRegexp: '^https://github.com/slipway/slipway/.github/workflows/.*@refs/tags/v1$',
        certificateOidcIssuer: 'https://token.actions.ghe.example/'
      },
      GITHUB_ENV
    );
    expect(verifyArgs(GHCR, s).slice(1, 5)).toEqual([
      '--certificate-identity-regexp',
      '^https://github.com/slipway/slipway/.github/workflows/.*@refs/tags/v1$',
      '--certificate-oidc-issuer',
      'https://token.actions.ghe.example/'
    ]);
    expect(copyableVerifyCommand([GHCR], s)).toContain(
      `--certificate-identity-regexp '^https://github.com/slipway/slipway/.github/workflows/.*@refs/tags/v1$'`
    );
  });

  it('refuses keyless without the runner OIDC token (no id-token: write, or not on GitHub)', () => {
    const { ACTIONS_ID_TOKEN_REQUEST_TOKEN: _t, ...noToken } = GITHUB_ENV;
    expect(() => checkSigningInputs(keylessInputs, noToken)).toThrow(
      /needs a GitHub OIDC token.*permissions: id-token: write/
    );
  });

  it('refuses keyless without a transparency log, both identity inputs, or no identity off GitHub', () => {
    expect(() => checkSigningInputs({ mode: 'keyless', transparencyLog: false }, GITHUB_ENV)).toThrow(
      /transparency-log' is false but mode is keyless/
    );
    expect(() =>
      checkSigningInputs(
        { ...keylessInputs, certificateIdentity: 'a', certificateIdentityRegexp: 'b' },
        GITHUB_ENV
      )
    ).toThrow(/either 'certificate-identity' or 'certificate-identity-regexp'/);
    const { GITHUB_WORKFLOW_REF: _ref, ...noWorkflowRef } = GITHUB_ENV;
    expect(() => checkSigningInputs(keylessInputs, noWorkflowRef)).toThrow(/needs the signer's identity/);
    expect(() => checkSigningInputs(keylessInputs, {})).toThrow(ConfigurationError);
    expect(() => checkSigningInputs(keylessInputs, GITHUB_ENV)).not.toThrow();
  });
});

describe('references and install', () => {
  it('signature and attestation refs use the sha256-<hex>.sig/.att tags', () => {
    expect(signatureRef(GHCR)).toBe(`ghcr.io/acme/api:sha256-${'a'.repeat(64)}.sig`);
    expect(signatureRef(LOCAL, 'att')).toBe(`127.0.0.1:5000/acme/api:sha256-${'a'.repeat(64)}.att`);
    expect(() => signatureRef('ghcr.io/acme/api:v1')).toThrow(/no sha256 digest/);
  });

  it('insecure flags only for loopback registries', () => {
    expect(registryFlags(`localhost:5000/a@${D}`)).toEqual([
      '--allow-insecure-registry',
      '--allow-http-registry'
    ]);
    expect(registryFlags(`registry.example.com:5000/a@${D}`)).toEqual([]);
  });

  it('pins cosign 2.5.0 binaries by SHA-256; an unpinned platform needs cosign-sha256', () => {
    expect(pinnedAsset(COSIGN, '2.5.0', cosignPlatform('linux', 'x64'))).toEqual({
      version: '2.5.0',
      platform: 'linux-amd64',
      url: 'https://github.com/sigstore/cosign/releases/download/v2.5.0/cosign-linux-amd64',
      sha256: '1f6c194dd0891eb345b436bb71ff9f996768355f5e0ce02dde88567029ac2188'
    });
    expect(() => pinnedAsset(COSIGN, '2.5.0', 'linux-arm64')).toThrow(/set input 'cosign-sha256'/);
    expect(() => cosignPlatform('win32', 'x64')).toThrow(/cosign-path/);
  });
});
