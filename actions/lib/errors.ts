/**
 * Errors that separate a user's mistake (fix your input/config) from a tool failure (the real tool said no)
 * from a Slipway bug (anything else). The action runner prints each differently.
 */

/** Where in a file a configuration mistake is (file relative to the workspace, 1-based line). */
export interface ConfigLocation {
  file: string;
  line?: number;
}

/**
 * The user's configuration or input is wrong; the message names the input/file and the fix. With a `location`, the
 * failure becomes an annotation on that file and line (lib/run.ts).
 */
export class ConfigurationError extends Error {
  override readonly name: string = 'ConfigurationError';
  constructor(
    message: string,
    readonly location?: ConfigLocation
  ) {
    super(message);
  }
}

/** A real tool (docker, git, cosign, …) exited non-zero; carries the command and the tail of its stderr. */
export class ToolError extends Error {
  override readonly name: string = 'ToolError';
  constructor(
    readonly command: string,
    readonly exitCode: number,
    readonly stderrTail: string,
    readonly hint?: string
  ) {
    super(
      `${command} failed with exit code ${exitCode}` +
        (stderrTail ? `: ${stderrTail}` : '') +
        (hint ? `\nHint: ${hint}` : '')
    );
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * What an action uses the GitHub API for, and the `permissions:` its job must grant GITHUB_TOKEN for it.
 * Each action names its operation when it creates its client (lib/github.ts), so a 401/403/404/422/429/5xx from
 * GitHub becomes a message naming `github-token`, the permission and the fix instead of "Resource not accessible by
 * integration".
 *
 * Permission scopes of GITHUB_TOKEN (contents, deployments, packages, security-events; "write includes read"):
 *   https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token
 * The permission each REST endpoint needs (repos.get/getCommit: contents read; deployments + statuses: deployments;
 * releases + release assets: contents write; code-scanning SARIF upload: security-events write; package versions:
 * packages):
 *   https://docs.github.com/en/rest/authentication/permissions-required-for-github-apps
 *   https://docs.github.com/en/rest/authentication/permissions-required-for-fine-grained-personal-access-tokens
 */
export const GITHUB_OPERATIONS = {
  'read-repository': { what: 'read the repository and its commits', permissions: ['contents: read'] },
  'record-deployments': {
    what: 'record deployments and their statuses',
    permissions: ['deployments: write', 'packages: read']
  },
  'publish-release-assets': {
    what: 'create the release and upload its assets',
    permissions: ['contents: write']
  },
  'upload-code-scanning': { what: 'upload SARIF to code scanning', permissions: ['security-events: write'] },
  'delete-package-versions': {
    what: 'list and delete package versions',
    permissions: ['packages: write', 'deployments: read']
  },
  release: { what: 'create tags and releases', permissions: ['contents: write'] }
} as const satisfies Record<string, { what: string; permissions: readonly string[] }>;

export type GitHubOperation = keyof typeof GITHUB_OPERATIONS;

/** GitHub's REST API refused or failed a request; the message names the input, the permission and the fix. */
export class GitHubApiError extends Error {
  override readonly name: string = 'GitHubApiError';
  constructor(
    message: string,
    /** the HTTP status GitHub answered, kept so callers can still treat a 404 as "absent" */
    readonly status: number,
    readonly response?: unknown
  ) {
    super(message);
  }
}

/** What an HTTP error of Octokit (RequestError), of our registry client or of @actions/http-client carries. */
export interface HttpErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

/**
 * The one way to read an HTTP status from an error: `status` (Octokit's RequestError, GitHubApiError,
 * RegistryError) or `httpStatusCode` (@actions/http-client's HttpClientError, @actions/tool-cache's HTTPError).
 * Undefined for anything else (a network error, a timeout).
 */
export function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { status?: unknown; httpStatusCode?: unknown };
  const status = typeof e.status === 'number' ? e.status : e.httpStatusCode;
  return typeof status === 'number' && Number.isInteger(status) ? status : undefined;
}

interface RequestErrorLike {
  status?: unknown;
  message?: unknown;
  request?: { method?: string; url?: string };
  response?: { headers?: Record<string, unknown>; data?: unknown };
}

/** An error thrown by @octokit/request (a RequestError): numeric status plus the request it answered. */
export function isGitHubRequestError(error: unknown): error is RequestErrorLike & { status: number } {
  const e = error as RequestErrorLike | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.status === 'number' &&
    typeof e.request === 'object' &&
    e.request !== null &&
    !(error instanceof GitHubApiError)
  );
}

/** GitHub's own words, first line only and without the docs URL Octokit appends ("… - https://docs.github.com/…"). */
function githubSays(e: RequestErrorLike): string {
  const data = e.response?.data as { message?: unknown } | undefined;
  const raw =
    typeof data?.message === 'string' ? data.message : typeof e.message === 'string' ? e.message : '';
  return raw
    .split('\n')[0]!
    .replace(/\s+-\s+https:\/\/docs\.github\.com\S*$/, '')
    .trim();
}

/**
 * Maps a GitHub API failure to a message we wrote. `operation` is what the action's client is for (undefined: the
 * message names `github-token` and the re-run, without a specific permission).
 */
export function githubApiError(error: unknown, operation?: GitHubOperation): GitHubApiError {
  const e = error as RequestErrorLike;
  const status = typeof e.status === 'number' ? e.status : 0;
  const method = e.request?.method ?? 'request';
  // the URL without its query string (it may carry per_page etc.; tokens never travel in the URL)
  const url = (e.request?.url ?? '').split('?')[0];
  const op = operation ? GITHUB_OPERATIONS[operation] : undefined;
  const needs = op
    ? `\`permissions: ${op.permissions.join(', ')}\``
    : 'the permissions this action documents';
  const said = githubSays(e);
  const head = `GitHub answered HTTP ${status} to ${method} ${url}${said ? ` ("${said}")` : ''}`;
  let fix: string;
  if (status === 401) {
    fix =
      "the token in input 'github-token' is invalid or expired: pass `github-token: ${{ secrets.GITHUB_TOKEN }}` " +
      '(or a current token), then re-run the job';
  } else if (status === 403 || status === 404) {
    // GitHub names the permissions an endpoint accepts in x-accepted-github-permissions (GitHub App tokens such as
    // GITHUB_TOKEN, fine-grained PATs): https://github.blog/changelog/2023-08-10-x-accepted-github-permissions-header-for-fine-grained-permission-actors
    const accepted = e.response?.headers?.['x-accepted-github-permissions'];
    fix =
      `the token in input 'github-token' may not ${op?.what ?? 'do this'}: give the job ${needs}` +
      (typeof accepted === 'string' && accepted ? ` (GitHub accepts: ${accepted})` : '') +
      (status === 404 ? ' and check the repository/package name' : '') +
      ', or pass a token that has it, then re-run the job';
  } else if (status === 422) {
    fix =
      'GitHub refused the request as invalid (see its message above); fix the named value and re-run the job';
  } else if (status === 429) {
    fix = 'GitHub rate limit still exceeded after waiting and retrying; re-run the job later';
  } else if (status >= 500) {
    fix =
      'GitHub failed on its side after 3 retries. ' + 'Check https://www.githubstatus.com and re-run the job';
  } else {
    fix = `check input 'github-token' and ${needs}, then re-run the job`;
  }
  return new GitHubApiError(`${head}: ${fix}`, status, e.response);
}
