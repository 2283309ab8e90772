/**
 * Generates .github/workflows/*.yml (and the example monorepo's caller workflows) from workflows-src/. Stale
 * generated files (a source removed) are deleted; hand-written files without the header are left alone.
 *   npx tsx scripts/gen-workflows.ts           write
 *   npx tsx scripts/gen-workflows.ts --check   exit 1 when a file would change
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WORKFLOWS } from '../workflows-src/index.js';
import { REPO_ROOT } from '../workflows-src/lib/actions.js';
import { checkWorkflowPolicy, formatViolations } from '../workflows-src/lib/policy.js';
import { renderWorkflow } from '../workflows-src/lib/render.js';

const check = process.argv.includes('--check');
const GENERATED_DIRS = ['.github/workflows', 'examples/monorepo/.github/workflows'];
let drift = 0;

const wanted = new Map(WORKFLOWS.map((w) => [w.path, renderWorkflow(w.workflow, w.source)]));
const violations = [...wanted]
  .map(([rel, text]) => formatViolations(rel, checkWorkflowPolicy(text)))
  .filter(Boolean);
if (violations.length > 0) {
  console.error(
    `The generated workflows break the security policy (workflows-src/lib/policy.ts):\n${violations.join('\n')}`
  );
  process.exit(1);
}
for (const [rel, text] of wanted) {
  const file = path.join(REPO_ROOT, rel);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current === text) continue;
  drift++;
  if (check) console.error(`out of date: ${rel}`);
  else {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${rel}`);
  }
}
for (const dir of GENERATED_DIRS) {
  const abs = path.join(REPO_ROOT, dir);
  if (!existsSync(abs)) continue;
  for (const name of readdirSync(abs)) {
    const rel = `${dir}/${name}`;
    if (wanted.has(rel) || !/\.ya?ml$/.test(name)) continue;
    if (!readFileSync(path.join(abs, name), 'utf8').startsWith('# generated from workflows-src/')) continue;
    drift++;
    if (check) console.error(`stale generated file: ${rel}`);
    else {
      rmSync(path.join(abs, name));
      console.log(`removed ${rel}`);
    }
  }
}
if (check && drift > 0) {
  console.error('Fix: npx tsx scripts/gen-workflows.ts, then commit the result.');
  process.exit(1);
}
