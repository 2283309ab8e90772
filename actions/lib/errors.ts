/**
 * Errors that separate a user's mistake (fix your input/config) from a tool failure (the real tool said no)
 * from a Slipway bug (anything else). The action runner prints each differently.
 */

/** The user's configuration or input is wrong; the message names the input/file and the fix. */
export class ConfigurationError extends Error {
  override readonly name: string = 'ConfigurationError';
}

/** A real tool (docker, git, cosign, …) exited non-zero; carries the command and the tail of its stderr. */
export class ToolError extends Error {
  override readonly name: string = 'ToolError';
  constructor(
    readonly command: string,
    readonly exitCode: number,
    readonly stderrTail: string,
    hint?: string
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
