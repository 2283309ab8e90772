/**
 * GitHub client and event context. @actions/github reads GITHUB_API_URL for the base URL, which is how GHES and
 * the tests' local API fake are reached.
 */
import * as github from '@actions/github';
import { ConfigurationError } from './errors.js';

export type Octokit = ReturnType<typeof github.getOctokit>;

export function getClient(token: string | undefined): Octokit {
  if (!token) {
    throw new ConfigurationError(
      "Input 'github-token' is empty: pass `github-token: ${{ secrets.GITHUB_TOKEN }}` (or a token with the needed permissions)"
    );
  }
  return github.getOctokit(token, { baseUrl: process.env.GITHUB_API_URL || 'https://api.github.com' });
}

export interface RepoRef {
  owner: string;
  repo: string;
}

export function currentRepo(): RepoRef {
  const full = process.env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = full.split('/');
  if (!owner || !repo) {
    throw new ConfigurationError(`GITHUB_REPOSITORY must be "owner/repo", got '${full}'`);
  }
  return { owner, repo };
}

/** The parsed event payload (GITHUB_EVENT_PATH) and the fields Slipway reads from the environment. */
export function eventContext(): {
  eventName: string;
  ref: string;
  sha: string;
  payload: Record<string, unknown>;
} {
  const ctx = github.context;
  return {
    eventName: ctx.eventName,
    ref: ctx.ref,
    sha: ctx.sha,
    payload: ctx.payload as Record<string, unknown>
  };
}
