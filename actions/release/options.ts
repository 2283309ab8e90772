/** What the release action runs semantic-release for: the targets (the repo, or one per service) and their options. Pure. */
import { ConfigurationError } from '../lib/errors.js';
import { isValidRefName } from '../lib/git.js';
import { parseList } from '../lib/inputs.js';

export const MODES = ['repo', 'per-service'] as const;
export type Mode = (typeof MODES)[number];

export const REPO_TAG_FORMAT = 'v${version}';
export const SERVICE_TAG_FORMAT = '${service}-v${version}';

export interface ReleaseTarget {
  /** the service of a per-service release; undefined for the repo-wide release */
  service?: string;
  /** semantic-release tagFormat (lodash template with `${version}`) */
  tagFormat: string;
  /** CHANGELOG file to prepend the notes to (relative to the repository root); undefined: none */
  changelogFile?: string;
}

export type BranchSpec =
  string | { name: string; prerelease?: boolean | string; channel?: string | false; range?: string };

/**
 * The `branches` input: branch names (newline or comma separated), or a JSON array in semantic-release's own
 * branches syntax for prerelease/maintenance branches (e.g. `["main", {"name": "beta", "prerelease": true}]`).
 */
export function parseBranches(raw: string): BranchSpec[] {
  const text = raw.trim();
  if (text === '') return ['main'];
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ConfigurationError(
        `Input 'branches' starts with '[' but is not valid JSON (${(error as Error).message}); give branch names, one per line, or a JSON array like ["main", {"name": "beta", "prerelease": true}]`
      );
    }
    const ok =
      Array.isArray(parsed) &&
      parsed.length > 0 &&
      parsed.every(
        (b) =>
          (typeof b === 'string' && b !== '') ||
          (typeof b === 'object' && b !== null && typeof (b as { name?: unknown }).name === 'string')
      );
    if (!ok) {
      throw new ConfigurationError(
        `Input 'branches': the JSON array must hold branch names or objects with a "name", got ${text}`
      );
    }
    return parsed as BranchSpec[];
  }
  return parseList(text);
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** Replaces every `${service}` placeholder. */
export function fillService(format: string, service: string): string {
  return format.split('${service}').join(service);
}

/**
 * semantic-release compiles tagFormat as a lodash template and runs it (`template(tagFormat)({ version })`,
 * https://github.com/semantic-release/semantic-release/blob/v24.2.9/lib/utils.js#L77-L79), so any `<% … %>` or
 * `${…}` in it is JavaScript executed in the release job. Only the placeholders Slipway fills are accepted:
 * `${version}` and, per service, `${service}`; and the tag they give must be a valid git tag name.
 */
function checkTagFormat(tagFormat: string, mode: Mode): void {
  const allowed = mode === 'per-service' ? ['${version}', '${service}'] : ['${version}'];
  let rest = tagFormat;
  for (const placeholder of allowed) rest = rest.split(placeholder).join('');
  const code = /\$\{|<%/.exec(rest);
  if (code) {
    throw new ConfigurationError(
      `Input 'tag-format' may only use the placeholder${allowed.length > 1 ? 's' : ''} ${allowed.join(' and ')}, got '${tagFormat}': ` +
        `semantic-release would run any other '${code[0]}…' as JavaScript; write the rest of the tag literally (e.g. '${mode === 'repo' ? REPO_TAG_FORMAT : SERVICE_TAG_FORMAT}')`
    );
  }
  const example = fillService(tagFormat, 'service').split('${version}').join('1.0.0');
  if (!isValidRefName(`refs/tags/${example}`)) {
    throw new ConfigurationError(
      `Input 'tag-format' does not give a valid git tag name ('${example}' for version 1.0.0; git check-ref-format): ` +
        `remove spaces, '..', '~^:?*[\\' and leading dashes or dots, got '${tagFormat}'`
    );
  }
}

export function planTargets(options: {
  mode: Mode;
  services: string[];
  tagFormat?: string;
  changelogFile?: string;
}): ReleaseTarget[] {
  const { mode } = options;
  const tagFormat = options.tagFormat ?? (mode === 'repo' ? REPO_TAG_FORMAT : SERVICE_TAG_FORMAT);
  if (count(tagFormat, '${version}') !== 1) {
    throw new ConfigurationError(
      `Input 'tag-format' must contain \${version} exactly once, got '${tagFormat}' (e.g. 'v\${version}', or '\${service}-v\${version}' with mode per-service)`
    );
  }
  if (mode === 'repo') {
    if (tagFormat.includes('${service}')) {
      throw new ConfigurationError(
        `Input 'tag-format': \${service} only exists with mode per-service, got '${tagFormat}'`
      );
    }
    checkTagFormat(tagFormat, mode);
    return [{ tagFormat, changelogFile: options.changelogFile }];
  }
  if (!tagFormat.includes('${service}')) {
    throw new ConfigurationError(
      `Input 'tag-format' must contain \${service} with mode per-service (each service has its own tags), got '${tagFormat}'; the default is '${SERVICE_TAG_FORMAT}'`
    );
  }
  checkTagFormat(tagFormat, mode);
  if (options.changelogFile && !options.changelogFile.includes('${service}')) {
    throw new ConfigurationError(
      `Input 'changelog-file' must contain \${service} with mode per-service (one changelog per service, e.g. 'services/\${service}/CHANGELOG.md'), got '${options.changelogFile}'`
    );
  }
  return options.services.map((service) => ({
    service,
    tagFormat: fillService(tagFormat, service),
    changelogFile: options.changelogFile ? fillService(options.changelogFile, service) : undefined
  }));
}
