/**
 * Build secrets and SSH mounts, read as docker/build-push-action reads its `secrets`, `secret-files`, `secret-envs`
 * and `ssh` inputs, and turned into `docker buildx build --secret/--ssh` values. Pure: the environment and the
 * filesystem checks are passed in, so every value is validated before anything is built or pushed.
 *
 * build-push-action's inputs (https://github.com/docker/build-push-action#inputs, and
 * https://docs.docker.com/build/ci/github-actions/secrets/):
 *   secrets       "List of secrets to expose to the build (e.g., key=string, GIT_AUTH_TOKEN=mytoken)": one
 *                 `id=value` a line; a line holding a multi-line value is put in double quotes ("MYSECRET=line1
 *                 line2"), a quote inside doubled; the value may contain `=` and `,`.
 *   secret-files  "List of secret files to expose to the build (e.g., key=filename, MY_SECRET=./secret.txt)"
 *   secret-envs   "List of secret env vars to expose to the build (e.g., key=envname, MY_SECRET=MY_ENV_VAR)"
 *   ssh           "List of SSH agent socket or keys to expose to the build": `default`, `default=$SSH_AUTH_SOCK`
 *                 or `id=path[,path]` (buildx --ssh, https://docs.docker.com/reference/cli/docker/buildx/build/#ssh)
 * buildx --secret takes `id=<id>,src=<file>` or `id=<id>,env=<variable>`
 * (https://docs.docker.com/reference/cli/docker/buildx/build/#secret). A `secrets` value is handed to buildx in an
 * environment variable of the buildx process (env=), never on the command line and never in a file.
 */
import { parse } from 'csv-parse/sync';
import { ConfigurationError } from '../lib/errors.js';

/** buildx secret/ssh ids: the id is also the default file name under /run/secrets, so no '/' or ',' */
const ID_RE = /^[A-Za-z0-9_.-]+$/;

export interface BuildSecrets {
  /** values for `--secret` */
  flags: string[];
  /** environment of the buildx process that carries the `secrets` values (names SLIPWAY_BUILD_SECRET_<n>) */
  env: Record<string, string>;
  /** the secret values, to be masked in the log */
  values: string[];
}

/**
 * A list input as build-push-action reads `secrets` (actions-toolkit Util.getInputList with ignoreComma): CSV
 * records, one a line (a quoted field may span lines), `#` comment lines skipped, a record's fields joined back
 * with ','.
 */
export function secretLines(text: string, input: string): string[] {
  if (text.trim() === '') return [];
  let records: string[][];
  try {
    records = parse(text, {
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      comment: '#',
      comment_no_infix: true,
      trim: true
    }) as string[][];
  } catch (error) {
    throw new ConfigurationError(
      `Input '${input}': not readable as one entry a line (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); ` +
        'put an entry holding a newline or a quote in double quotes, a quote inside it doubled ("")'
    );
  }
  return records.map((r) => r.join(',')).filter((line) => line !== '');
}

function splitEntry(line: string, input: string, what: string): [string, string] {
  const eq = line.indexOf('=');
  const id = eq > 0 ? line.slice(0, eq).trim() : '';
  const value = eq > 0 ? line.slice(eq + 1) : '';
  if (!id || value === '') {
    // never echo the line of `secrets`: it holds the secret
    const shown = input === 'secrets' ? `entry ${id ? `'${id}'` : 'without id'}` : `'${line}'`;
    throw new ConfigurationError(`Input '${input}': ${shown} is not id=${what}; write one id=${what} a line`);
  }
  if (!ID_RE.test(id)) {
    throw new ConfigurationError(
      `Input '${input}': secret id '${id}' may hold only letters, digits, '.', '_' and '-' (it names /run/secrets/<id>)`
    );
  }
  return [id, value];
}

export interface SecretSources {
  secrets: string;
  secretFiles: string;
  secretEnvs: string;
  /** the action's environment (for secret-envs) */
  env: NodeJS.ProcessEnv;
  /** resolves a secret-files path (relative to the working directory) to an absolute path, or undefined if no file */
  resolveFile: (file: string) => string | undefined;
}

export function buildSecrets(sources: SecretSources): BuildSecrets {
  const flags: string[] = [];
  const env: Record<string, string> = {};
  const values: string[] = [];
  const seen = new Set<string>();
  const once = (id: string, input: string): void => {
    if (seen.has(id)) {
      throw new ConfigurationError(
        `Input '${input}': secret id '${id}' is given twice (secrets, secret-files and secret-envs share one id space)`
      );
    }
    seen.add(id);
  };
  for (const line of secretLines(sources.secrets, 'secrets')) {
    const [id, value] = splitEntry(line, 'secrets', 'value');
    once(id, 'secrets');
    const name = `SLIPWAY_BUILD_SECRET_${flags.length}`;
    env[name] = value;
    values.push(value);
    flags.push(`id=${id},env=${name}`);
  }
  for (const line of secretLines(sources.secretFiles, 'secret-files')) {
    const [id, file] = splitEntry(line, 'secret-files', 'path');
    once(id, 'secret-files');
    const resolved = sources.resolveFile(file);
    if (!resolved) {
      throw new ConfigurationError(
        `Input 'secret-files': '${file}' (secret '${id}') is not a file; give a path relative to working-directory`
      );
    }
    flags.push(`id=${id},src=${resolved}`);
  }
  for (const line of secretLines(sources.secretEnvs, 'secret-envs')) {
    const [id, variable] = splitEntry(line, 'secret-envs', 'ENV_NAME');
    once(id, 'secret-envs');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
      throw new ConfigurationError(
        `Input 'secret-envs': '${variable}' (secret '${id}') is not a variable name`
      );
    }
    const value = sources.env[variable];
    if (value === undefined || value === '') {
      throw new ConfigurationError(
        `Input 'secret-envs': environment variable ${variable} (secret '${id}') is not set; set it in the step's env:`
      );
    }
    values.push(value);
    flags.push(`id=${id},env=${variable}`);
  }
  return { flags, env, values };
}

/**
 * `ssh` lines: `default` (the runner's SSH agent, SSH_AUTH_SOCK), `default=<socket or key>` or `<id>=<path>[,<path>]`.
 * Every path must exist: buildx would otherwise fail after the build started.
 */
export function sshFlags(
  lines: string[],
  opts: { env: NodeJS.ProcessEnv; resolvePath: (p: string) => string | undefined }
): string[] {
  return lines.map((line) => {
    const eq = line.indexOf('=');
    const id = (eq >= 0 ? line.slice(0, eq) : line).trim();
    if (!ID_RE.test(id)) {
      throw new ConfigurationError(
        `Input 'ssh': '${line}' is not 'default' or id=path; an id holds only letters, digits, '.', '_' and '-'`
      );
    }
    if (eq < 0) {
      if (id === 'default' && !opts.env.SSH_AUTH_SOCK) {
        throw new ConfigurationError(
          "Input 'ssh': 'default' forwards the SSH agent, but SSH_AUTH_SOCK is not set; start an agent first " +
            '(e.g. webfactory/ssh-agent) or give a key: default=/path/to/key'
        );
      }
      if (id !== 'default') {
        throw new ConfigurationError(
          `Input 'ssh': '${line}' names no socket or key; write ${id}=/path/to/key`
        );
      }
      return id;
    }
    const paths = line
      .slice(eq + 1)
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (paths.length === 0)
      throw new ConfigurationError(`Input 'ssh': '${line}' names no socket or key path`);
    const resolved = paths.map((p) => {
      const abs = opts.resolvePath(p);
      if (!abs) {
        throw new ConfigurationError(
          `Input 'ssh': '${p}' (ssh id '${id}') does not exist; give an agent socket or key file`
        );
      }
      return abs;
    });
    return `${id}=${resolved.join(',')}`;
  });
}
