/**
 * Event payloads in the shapes GitHub sends them (webhook payloads as written to GITHUB_EVENT_PATH), trimmed to
 * the fields a workflow run actually receives for these events.
 */
import type { GitHubEvent } from './run-action.js';

export const ZERO_SHA = '0000000000000000000000000000000000000000';

export interface RepoInfo {
  owner: string;
  name: string;
  defaultBranch?: string;
}

export function repositoryPayload(repo: RepoInfo): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`;
  return {
    id: 123456,
    node_id: 'R_kgDOAAAAAA',
    name: repo.name,
    full_name: full,
    private: false,
    owner: { login: repo.owner, id: 1, type: 'Organization', html_url: `https://github.com/${repo.owner}` },
    html_url: `https://github.com/${full}`,
    description: 'Example monorepo',
    fork: false,
    url: `https://api.github.com/repos/${full}`,
    clone_url: `https://github.com/${full}.git`,
    default_branch: repo.defaultBranch ?? 'main',
    master_branch: repo.defaultBranch ?? 'main',
    license: { key: 'mit', name: 'MIT License', spdx_id: 'MIT' },
    topics: [],
    visibility: 'public'
  };
}

const sender = { login: 'octocat', id: 583231, type: 'User' };

export function pushEvent(opts: {
  repo: RepoInfo;
  ref: string;
  before: string;
  after: string;
  forced?: boolean;
  baseRef?: string | null;
}): GitHubEvent {
  const created = opts.before === ZERO_SHA;
  return {
    name: 'push',
    payload: {
      ref: opts.ref,
      before: opts.before,
      after: opts.after,
      created,
      deleted: false,
      forced: opts.forced ?? false,
      base_ref: opts.baseRef ?? null,
      compare: `https://github.com/${opts.repo.owner}/${opts.repo.name}/compare/${opts.before.slice(0, 12)}...${opts.after.slice(0, 12)}`,
      commits: [],
      head_commit: {
        id: opts.after,
        tree_id: opts.after,
        distinct: true,
        message: 'commit',
        timestamp: new Date().toISOString()
      },
      repository: repositoryPayload(opts.repo),
      pusher: { name: 'octocat', email: 'octocat@example.com' },
      sender
    }
  };
}

export function pullRequestEvent(opts: {
  repo: RepoInfo;
  number: number;
  baseRef: string;
  baseSha: string;
  headRef: string;
  headSha: string;
  action?: string;
}): GitHubEvent {
  const repository = repositoryPayload(opts.repo);
  return {
    name: 'pull_request',
    payload: {
      action: opts.action ?? 'synchronize',
      number: opts.number,
      pull_request: {
        number: opts.number,
        state: 'open',
        title: 'Change',
        html_url: `https://github.com/${opts.repo.owner}/${opts.repo.name}/pull/${opts.number}`,
        head: {
          label: `${opts.repo.owner}:${opts.headRef}`,
          ref: opts.headRef,
          sha: opts.headSha,
          repo: repository
        },
        base: {
          label: `${opts.repo.owner}:${opts.baseRef}`,
          ref: opts.baseRef,
          sha: opts.baseSha,
          repo: repository
        },
        merged: false,
        draft: false
      },
      repository,
      sender
    }
  };
}

export function scheduleEvent(repo: RepoInfo, cron = '0 3 * * 1'): GitHubEvent {
  return { name: 'schedule', payload: { schedule: cron, repository: repositoryPayload(repo) } };
}
