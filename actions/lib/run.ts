/**
 * The action runner: every action's entry calls runAction(main). User mistakes, tool failures and bugs are
 * reported differently; all of them fail the step with a non-zero exit and a message we wrote (a stack trace only
 * goes to the debug log).
 */
import path from 'node:path';
import * as core from '@actions/core';
import {
  ConfigurationError,
  GitHubApiError,
  ToolError,
  githubApiError,
  isGitHubRequestError,
  type GitHubOperation
} from './errors.js';

export interface RunOptions {
  /** what the action uses the GitHub API for, for GitHub errors that did not come through lib/github.ts */
  githubOperation?: GitHubOperation;
}

/** The text the step fails with; exported for the unit tests. */
export function failureMessage(error: unknown, options: RunOptions = {}): string {
  if (error instanceof ConfigurationError || error instanceof ToolError || error instanceof GitHubApiError) {
    return error.message;
  }
  if (isGitHubRequestError(error)) return githubApiError(error, options.githubOperation).message;
  // semantic-release gathers its plugins' failures in an AggregateError whose own message is empty
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map((e: unknown) => failureMessage(e, options)).join('\n');
  }
  const err = error instanceof Error ? error : new Error(String(error));
  // a library may embed stack frames in its message: keep our lines, drop the "    at …" frames
  const text = err.message
    .split('\n')
    .filter((line) => !/^\s+at\s/.test(line))
    .join('\n')
    .trim();
  return text || err.name || 'unknown error';
}

/** Annotations name files relative to the repository root: an absolute path inside the workspace is made relative. */
export function annotationPath(file: string): string {
  const workspace = process.env.GITHUB_WORKSPACE;
  if (!workspace || !path.isAbsolute(file)) return file;
  const relative = path.relative(workspace, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

export async function runAction(main: () => Promise<void>, options: RunOptions = {}): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof Error && error.stack) core.debug(error.stack);
    const location = error instanceof ConfigurationError ? error.location : undefined;
    if (location) {
      // an error annotation on the file and line (workflow command properties `file` and `line`:
      // https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#setting-an-error-message),
      // failing the step as core.setFailed does (exit code 1 + the error)
      process.exitCode = core.ExitCode.Failure;
      core.error(failureMessage(error, options), {
        title: 'Configuration error',
        file: annotationPath(location.file),
        ...(location.line ? { startLine: location.line } : {})
      });
    } else {
      core.setFailed(failureMessage(error, options));
    }
  }
}
