/**
 * The action runner: every action's entry calls runAction(main). User mistakes, tool failures and bugs are
 * reported differently; all of them fail the step with a non-zero exit.
 */
import * as core from '@actions/core';
import { ConfigurationError, ToolError } from './errors.js';

export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      core.setFailed(error.message);
    } else if (error instanceof ToolError) {
      core.setFailed(error.message);
    } else {
      const err = error instanceof Error ? error : new Error(String(error));
      if (err.stack) core.debug(err.stack);
      core.setFailed(`${err.message}`);
    }
  }
}
