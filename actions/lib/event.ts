/**
 * The workflow run's event, read the way @actions/github's `context` reads it (its lib/context.js: the payload is
 * the JSON file at GITHUB_EVENT_PATH, `{}` when the variable is unset or the file is missing; name, ref and sha from
 * GITHUB_EVENT_NAME, GITHUB_REF, GITHUB_SHA), without loading @actions/github: importing it evaluates Octokit and
 * its plugins on every start, which an action that never calls the API (plan, gitleaks-gate) need not pay.
 * Variables: https://docs.github.com/en/actions/reference/workflows-and-actions/variables#default-environment-variables
 * ("GITHUB_EVENT_PATH: The path to the file on the runner that contains the full event webhook payload").
 */
import { existsSync, readFileSync } from 'node:fs';
import * as core from '@actions/core';

export interface EventContext {
  eventName: string;
  ref: string;
  sha: string;
  payload: Record<string, unknown>;
}

/** The parsed event payload (GITHUB_EVENT_PATH) and the fields Slipway reads from the environment. */
export function eventContext(): EventContext {
  const file = process.env.GITHUB_EVENT_PATH;
  let payload: Record<string, unknown> = {};
  if (file) {
    if (existsSync(file)) payload = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    else core.info(`GITHUB_EVENT_PATH ${file} does not exist`);
  }
  return {
    eventName: process.env.GITHUB_EVENT_NAME ?? '',
    ref: process.env.GITHUB_REF ?? '',
    sha: process.env.GITHUB_SHA ?? '',
    payload
  };
}
