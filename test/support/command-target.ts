/**
 * A deploy environment `qa` with the `command` target (what kubectl/helm users configure), as the deploy tests that
 * need no Docker work on a target use it: a GitHub API fake holding acme/monorepo, a workspace whose deploy/qa.json
 * has one service `api` (`image`) and runs `command`, and an HTTP server on 127.0.0.1 playing the deployed
 * application at the environment's URL.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { addRepo, startGitHubFake, type GitHubFake } from './github-fake/index.js';
import { runAction, type ActionRun } from './run-action.js';

export interface CommandTargetOptions {
  /** the token the API fake accepts, passed as `github-token` */
  token: string;
  /** mkdtemp prefix of the workspace */
  workspacePrefix: string;
  /** the repository of service `api` */
  image: string;
  replicas: number;
  /** the target's shell command, given the workspace (created before the command is written) */
  command: (workspace: string) => string;
  /** the deployed application's answers */
  app: http.RequestListener;
}

export interface CommandTarget {
  fake: GitHubFake;
  workspace: string;
  /** runs the bundled deploy action on `qa` (health polled every 100ms, 5s per request), `inputs` added */
  deploy(inputs: Record<string, string>, timeoutMs?: number): Promise<ActionRun>;
  close(): Promise<void>;
}

export async function startCommandTarget(o: CommandTargetOptions): Promise<CommandTarget> {
  const fake = await startGitHubFake({ token: o.token });
  addRepo(fake.state, 'acme', 'monorepo');
  const workspace = mkdtempSync(path.join(os.tmpdir(), o.workspacePrefix));
  const command = o.command(workspace);
  const server = http.createServer(o.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  mkdirSync(path.join(workspace, 'deploy'));
  writeFileSync(
    path.join(workspace, 'deploy/qa.json'),
    JSON.stringify({
      url: `http://127.0.0.1:${port}`,
      replicas: o.replicas,
      resources: { cpu: '0.5', memory: '256Mi' },
      config: { logLevel: 'info', maxConcurrent: 5 },
      healthPath: '/health',
      services: { api: { image: o.image, healthPath: '/health' } },
      target: { type: 'command', command }
    })
  );
  return {
    fake,
    workspace,
    deploy: (inputs, timeoutMs) =>
      runAction('deploy', {
        workspace,
        repository: 'acme/monorepo',
        inputs: {
          environment: 'qa',
          environments: 'qa',
          'github-token': o.token,
          'health-interval': '100ms',
          'health-timeout': '5s',
          ...inputs
        },
        env: { GITHUB_API_URL: fake.url },
        ...(timeoutMs === undefined ? {} : { timeoutMs })
      }),
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await fake.close();
    }
  };
}
