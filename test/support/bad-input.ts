/**
 * Shared checks of the bad-input tests: a bundled action that met bad input fails with a non-zero exit and one
 * `::error::` we wrote, and shows the user no stack trace and no raw library message on its own. `::debug::` lines
 * are left out: they carry the stack on purpose and are shown only with ACTIONS_STEP_DEBUG.
 */
import { expect } from '@jest/globals';
import { failureMessage, type ActionRun } from './run-action.js';

/** stdout and stderr without the `::debug::` lines (what the user sees in a log without step debugging). */
export function visibleLog(run: ActionRun): string {
  return (run.stdout + run.stderr)
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('::debug::'))
    .join('\n');
}

/** Library messages that must never be the whole story (each must come with our words around it). */
export const RAW_MESSAGES: RegExp[] = [
  /^Bad credentials$/,
  /^Unexpected token/,
  /^HttpError/,
  /^Server Error$/,
  /^Not Found$/,
  /^Resource not accessible by integration$/,
  /^fetch failed$/,
  /^Request failed/,
  /is not valid JSON$/
];

/** Asserts the clean failure and returns the `::error::` message. */
export function expectCleanFailure(run: ActionRun): string {
  expect(run.exitCode).not.toBe(0);
  const errors = run.annotations.filter((a) => a.level === 'error');
  expect(errors.length).toBeGreaterThanOrEqual(1);
  const message = failureMessage(run);
  const log = visibleLog(run);
  expect(log).not.toMatch(/^\s+at \S/m);
  expect(log).not.toMatch(/node:internal/);
  for (const raw of RAW_MESSAGES) expect(message.trim()).not.toMatch(raw);
  return message;
}
