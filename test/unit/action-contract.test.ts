/**
 * Contract of every action: node24, runs.main exists, and the inputs its code reads are exactly the inputs its
 * action.yml declares (an input read but not declared is silently empty on GitHub; one declared but unread lies).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/run-action.js';

const actionsDir = path.join(REPO_ROOT, 'actions');
const actions = readdirSync(actionsDir).filter((name) =>
  existsSync(path.join(actionsDir, name, 'action.yml'))
);
const READERS =
  /\b(?:optionalString|requiredString|stringInput|boolInput|intInput|listInput|enumInput|keyValueInput|durationInput|core\.getInput|getInput)(?:<[^>]*>)?\(\s*'([a-z0-9-]+)'|\blegacy: \{ input: '([a-z0-9-]+)'/g;
const OUTPUTS = /^\s{4}'?([a-z][a-z0-9-]*)'?:/gm;

/**
 * The action's own .ts files and every module they import from actions/ (transitively): inputs read in a shared
 * module (e.g. the signing inputs in actions/lib/cosign.ts) count for each action that uses it.
 */
function sources(name: string): string {
  const seen = new Set<string>();
  const queue = readdirSync(path.join(actionsDir, name))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(actionsDir, name, f));
  const texts: string[] = [];
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    texts.push(text);
    for (const m of text.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) {
      const target = path.resolve(path.dirname(file), `${m[1]}.ts`);
      if (target.startsWith(actionsDir)) queue.push(target);
    }
  }
  return texts.join('\n');
}

describe.each(actions)('action %s', (name) => {
  const meta = parse(readFileSync(path.join(actionsDir, name, 'action.yml'), 'utf8')) as {
    description: string;
    inputs?: Record<string, { description?: string; default?: string }>;
    outputs?: Record<string, { description?: string }>;
    runs: { using: string; main: string };
  };

  it('runs on node24 from its bundle', () => {
    expect(meta.runs.using).toBe('node24');
    expect(meta.runs.main).toBe(`../../dist/${name}/index.js`);
    expect(existsSync(path.join(actionsDir, name, meta.runs.main))).toBe(true);
  });

  it('declares exactly the inputs its code reads, each described', () => {
    const read = new Set([...sources(name).matchAll(READERS)].map((m) => m[1] ?? m[2]));
    expect([...read].sort()).toEqual(Object.keys(meta.inputs ?? {}).sort());
    for (const [input, spec] of Object.entries(meta.inputs ?? {}))
      expect(`${input}: ${spec.description ?? ''}`).toMatch(/: \S/);
  });

  it('has a Marketplace-length description and defaults github-token to the job token where it calls the API', () => {
    // GitHub Marketplace shows at most 125 characters of an action's description
    // (https://docs.github.com/en/actions/sharing-automations/creating-actions/publishing-actions-in-github-marketplace)
    expect(meta.description.length).toBeLessThanOrEqual(125);
    // an action calling the GitHub API works without configuration: `${{ github.token }}` is the job's
    // GITHUB_TOKEN (https://docs.github.com/en/actions/reference/workflows-and-actions/contexts#github-context)
    const own = readdirSync(path.join(actionsDir, name))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(path.join(actionsDir, name, f), 'utf8'))
      .join('\n');
    // the GitHub client of lib/github.ts, or semantic-release's GitHub plugin (release)
    if (/\b(?:getClient|createClient)\(|@semantic-release\/github/.test(own)) {
      expect(meta.inputs?.['github-token']?.default).toBe('${{ github.token }}');
    }
  });

  it('declares every output it sets', () => {
    const code = sources(name);
    const setBlocks = [...code.matchAll(/setOutputs\(\{([\s\S]*?)\}\);/g)].map((m) => m[1]).join('\n');
    const set = new Set([...setBlocks.matchAll(OUTPUTS)].map((m) => m[1]));
    for (const output of set) expect(Object.keys(meta.outputs ?? {})).toContain(output);
  });
});
