/**
 * The error-path walk: every action's BUNDLE that talks to a registry or to GitHub's API, run against a registry
 * that answers 404 / 500 / HTML with 200 (a small HTTP server here, one per behaviour) and an API that answers
 * 401 / 403 / 404 / 429 / 500 to every request (one API fake per status, every request failing). Each run must end
 * with a non-zero exit and an `::error::` we wrote that names the cause and what to do — no stack trace, no
 * `node:internal`, no raw library message on its own ("Bad credentials", "Unexpected token <", "HttpError").
 * Every server here fails every request, so nothing can change in them; the local registry is only read.
 * The cases run concurrently (each has its own servers' behaviour; the retries' waits overlap).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addRepo, startGitHubFake, type GitHubFake } from '../support/github-fake/index.js';
import { expectCleanFailure } from '../support/bad-input.js';
import { runAction, type RunActionOptions } from '../support/run-action.js';
import { TRIVY_PATH } from '../support/trivy-db.js';

const TOKEN = 'ghs_error_paths';
const DIGEST = `sha256:${'c'.repeat(64)}`;
type RegistryMode = '404' | '500' | 'html';
const REGISTRY_MODES: RegistryMode[] = ['404', '500', 'html'];
const API_STATUSES = [401, 403, 404, 429, 500] as const;
type ApiStatus = (typeof API_STATUSES)[number];

const registries = new Map<RegistryMode, { server: http.Server; host: string }>();
const apis = new Map<ApiStatus, GitHubFake>();
let work: string;
let privateKey: string;

/** A "registry" that answers every request the same broken way. */
function brokenRegistry(mode: RegistryMode): http.Server {
  return http.createServer((req, res) => {
    req.resume();
    if (mode === '404') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known' }] }));
    } else if (mode === '500') {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal server error');
    } else {
      // a proxy or web server answering with its login page
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : '<!DOCTYPE html><html><body>Sign in</body></html>');
    }
  });
}

beforeAll(async () => {
  for (const mode of REGISTRY_MODES) {
    const server = brokenRegistry(mode);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    registries.set(mode, { server, host: `127.0.0.1:${(server.address() as AddressInfo).port}` });
  }
  for (const status of API_STATUSES) {
    const fake = await startGitHubFake({ token: TOKEN });
    // every request fails with this status; a 429 says when to come back (1 s), as GitHub's secondary limit does
    fake.failNext({
      status,
      count: Number.MAX_SAFE_INTEGER,
      ...(status === 401
        ? { body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } }
        : {}),
      ...(status === 403
        ? {
            body: {
              message: 'Resource not accessible by integration',
              documentation_url: 'https://docs.github.com/rest'
            }
          }
        : {}),
      ...(status === 404
        ? { body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } }
        : {}),
      ...(status === 429 ? { headers: { 'retry-after': '1' } } : {})
    });
    apis.set(status, fake);
  }
  work = mkdtempSync(path.join(os.tmpdir(), 'slipway-error-paths-'));
  execFileSync('cosign', ['generate-key-pair', '--output-key-prefix', path.join(work, 'cosign')], {
    env: { ...process.env, COSIGN_PASSWORD: 'walk' },
    stdio: 'pipe'
  });
  privateKey = readFileSync(path.join(work, 'cosign.key'), 'utf8');
  // a deploy environment whose one service lives in `image` (command target: no Docker work on the target)
  for (const [name, image] of [
    ['local', '127.0.0.1:5000/slipway-error-paths/api'],
    ...REGISTRY_MODES.map((m) => [m, `${registries.get(m)!.host}/acme/api`])
  ] as const) {
    mkdirSync(path.join(work, name, 'deploy'), { recursive: true });
    writeFileSync(
      path.join(work, name, 'deploy', 'qa.json'),
      JSON.stringify({
        url: 'http://127.0.0.1:9',
        replicas: 1,
        resources: { cpu: '0.5', memory: '256Mi' },
        config: { logLevel: 'info', maxConcurrent: 5 },
        services: { api: { image, healthPath: '/health' } },
        target: { type: 'command', command: `touch ${path.join(work, name, 'deployed')}` }
      })
    );
  }
  mkdirSync(path.join(work, 'config-scan'));
  writeFileSync(path.join(work, 'config-scan', 'Dockerfile'), 'FROM scratch\nUSER root\nCOPY a /a\n');
}, 60_000);

afterAll(async () => {
  for (const { server } of registries.values()) await new Promise((resolve) => server.close(resolve));
  for (const fake of apis.values()) await fake.close();
});

const signing = () => ({
  'private-key': privateKey,
  'private-key-password': 'walk',
  'transparency-log': 'false'
});

/** The registry walk: [action, run options for a registry host, what the message must say per mode]. */
const registryCases: [string, (host: string, mode: RegistryMode) => RunActionOptions][] = [
  [
    'promote',
    (host) => ({
      inputs: {
        'image-record': JSON.stringify({
          schema: 'slipway.image-record/v1',
          service: 'api',
          image: `${host}/acme/api`,
          digest: DIGEST,
          tags: [],
          platforms: [],
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          compressedSize: 1,
          createdAt: '2026-01-01T00:00:00Z'
        }),
        tags: `${host}/acme/api:latest`
      }
    })
  ],
  ['sign', (host) => ({ inputs: { images: `${host}/acme/api@${DIGEST}`, ...signing() } })],
  [
    'sbom',
    (host) => ({
      inputs: {
        images: `${host}/acme/api@${DIGEST}`,
        attest: 'false',
        'trivy-path': TRIVY_PATH,
        timeout: '60s'
      }
    })
  ],
  [
    'deploy',
    (_host, mode) => ({
      workspace: path.join(work, mode),
      inputs: { environment: 'qa', environments: 'qa', version: '1.0.0', 'github-token': TOKEN },
      env: { GITHUB_API_URL: apiUrlOk() }
    })
  ],
  [
    'trivy-gate',
    (host) => ({
      inputs: {
        image: `${host}/acme/api@${DIGEST}`,
        'trivy-path': TRIVY_PATH,
        'db-repository': `${host}/aquasecurity/trivy-db`,
        'db-retries': '0',
        'cache-dir': mkdtempSync(path.join(work, 'cache-'))
      }
    })
  ]
];

/** What each registry behaviour must be explained as (besides naming the host). */
const REGISTRY_SAYS: Record<RegistryMode, RegExp> = {
  '404': /404|does not exist|manifest unknown|not found/i,
  '500': /500|failed on its side|internal server error/i,
  html: /not JSON|HTML|html|not .*registry/i
};

let okApi: GitHubFake | undefined;
/** An API fake that works (for the registry walk of deploy, which reads its deployments first). */
function apiUrlOk(): string {
  return okApi!.url;
}

describe('a registry answering 404 / 500 / HTML: our message, no stack', () => {
  beforeAll(async () => {
    okApi = await startGitHubFake({ token: TOKEN });
    addRepo(okApi.state, 'acme', 'monorepo');
  });
  afterAll(async () => okApi?.close());

  const table = registryCases.flatMap(([action, options]) =>
    REGISTRY_MODES.map((mode) => [action, mode, options] as const)
  );
  it.concurrent.each(table)(
    '%s against a registry answering %s',
    async (action, mode, options) => {
      const host = registries.get(mode)!.host;
      const run = await runAction(action, {
        repository: 'acme/monorepo',
        timeoutMs: 120_000,
        ...options(host, mode)
      });
      const message = expectCleanFailure(run);
      expect(message).toContain(host);
      expect(message).toMatch(REGISTRY_SAYS[mode]);
      expectAdvice(message);
    },
    150_000
  );
});

/** The API walk: [action, run options for an API URL]. */
const apiCases: [string, (api: string) => RunActionOptions][] = [
  [
    'tags',
    (api) => ({
      event: { name: 'schedule', payload: { schedule: '0 3 * * 1' } },
      inputs: { images: 'ghcr.io/acme/monorepo', 'github-token': TOKEN },
      env: { GITHUB_API_URL: api }
    })
  ],
  [
    'deploy',
    (api) => ({
      workspace: path.join(work, 'local'),
      inputs: { environment: 'qa', environments: 'qa', version: '1.0.0', 'github-token': TOKEN },
      env: { GITHUB_API_URL: api }
    })
  ],
  [
    'sbom',
    (api) => ({
      inputs: {
        images: `127.0.0.1:5000/slipway-error-paths/none@${DIGEST}`,
        attest: 'false',
        'release-tag': 'v1.0.0',
        'github-token': TOKEN,
        'output-dir': mkdtempSync(path.join(work, 'sbom-'))
      },
      env: { GITHUB_API_URL: api }
    })
  ],
  [
    'trivy-gate',
    (api) => ({
      workspace: path.join(work, 'config-scan'),
      inputs: {
        'scan-type': 'config',
        'scan-ref': '.',
        'trivy-path': TRIVY_PATH,
        'cache-dir': mkdtempSync(path.join(work, 'cache-')),
        'upload-sarif': 'true',
        'fail-on-vulnerable': 'false',
        'github-token': TOKEN
      },
      env: { GITHUB_API_URL: api }
    })
  ],
  [
    'cleanup',
    (api) => ({
      inputs: { packages: 'api', owner: 'acme', registry: '127.0.0.1:5000', 'github-token': TOKEN },
      env: { GITHUB_API_URL: api }
    })
  ]
];

const API_SAYS: Record<ApiStatus, RegExp> = {
  401: /HTTP 401[\s\S]*input 'github-token'[\s\S]*secrets\.GITHUB_TOKEN/,
  403: /HTTP 403[\s\S]*input 'github-token'[\s\S]*permissions: /,
  404: /HTTP 404[\s\S]*(input 'github-token'|release-tag)/,
  429: /HTTP 429[\s\S]*rate limit/,
  500: /HTTP 500[\s\S]*githubstatus\.com/
};

describe('an API answering 401 / 403 / 404 / 429 / 500: our message, no stack', () => {
  // trivy-gate reaches the API only after a real scan (about 40 s on a busy 2-core host): it is walked with the
  // status that names its own permission (security-events: write); the other statuses take the same shared path
  // (lib/errors.ts githubApiError), walked through the other actions
  const table = apiCases.flatMap(([action, options]) =>
    API_STATUSES.filter((status) => action !== 'trivy-gate' || status === 403).map(
      (status) => [action, status, options] as const
    )
  );
  it.concurrent.each(table)(
    '%s against an API answering %s',
    async (action, status, options) => {
      const run = await runAction(action, {
        repository: 'acme/monorepo',
        timeoutMs: 120_000,
        ...options(apis.get(status)!.url)
      });
      if (process.env.WALK_DEBUG) console.log(run.exitCode, run.stdout.slice(-3000), run.stderr.slice(-2000));
      const message = expectCleanFailure(run);
      if (action === 'sbom' && status === 404) {
        // a release GitHub does not have is the user's input, named as such
        expect(message).toContain("Input 'release-tag'");
      } else if (action === 'cleanup' && status === 404) {
        // GET /users/{owner} answering 404: the owner is named as the input to fix
        expect(message).toContain("Input 'owner': 'acme' is neither a GitHub user nor an organisation");
      } else {
        expect(message).toMatch(API_SAYS[status]);
      }
      expectAdvice(message);
    },
    150_000
  );
});

/** Every message says what to do: a fix, a check or a re-run. */
function expectAdvice(message: string): void {
  expect(message).toMatch(
    /check|re-run|retry|set |pass |fix|log in|give the job|publish|run this step|name a|Sign the|wait/i
  );
}
