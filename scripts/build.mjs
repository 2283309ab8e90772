#!/usr/bin/env node
// Builds every action: tsc (ESM JS) → ncc bundle in dist/<name>/index.js, and writes the generated reference
// docs/reference/<name>.md and the generated part of actions/<name>/README.md from each action.yml. `npm run build [-- name ...]` builds only the named actions.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import { actionHead, cell, inputsOutputsTables } from './action-docs.mjs';
import { generateValidators } from './gen-validators.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const only = process.argv.slice(2);
const README_START =
  '<!-- generated from action.yml by scripts/build.mjs: edit action.yml, not this block -->';
const README_END = '<!-- end of generated block -->';

const actions = readdirSync(path.join(root, 'actions'))
  .filter((name) => existsSync(path.join(root, 'actions', name, 'action.yml')))
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();

// Builds of different actions may be started side by side (one per helper or terminal): they take turns through a
// lock (a folder holding the owner's pid; a dead owner's lock is taken over), and a build of named actions compiles
// only them and the shared toolkit. The output folder keeps one fixed name: ncc writes its path into the bundle.
const tmp = '.tmp/build';
const lock = path.join(root, '.tmp/build.lock');
mkdirSync(path.join(root, '.tmp'), { recursive: true });
await takeLock();
const tsconfig = path.join(root, '.tmp/tsconfig.build.json');
try {
  rmSync(path.join(root, tmp), { recursive: true, force: true });
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: '../tsconfig.build.json',
      compilerOptions: { outDir: `../${tmp}`, rootDir: '..' },
      include:
        only.length === 0
          ? ['../actions/**/*.ts']
          : ['../actions/lib/**/*.ts', ...actions.map((n) => `../actions/${n}/**/*.ts`)]
    })
  );
  await generateSources();
  execFileSync(bin('tsc'), ['-p', tsconfig], { cwd: root, stdio: 'inherit' });
  bundle();
} finally {
  rmSync(lock, { recursive: true, force: true });
}

/** Sources generated before compiling: the standalone JSON-schema validators (scripts/gen-validators.mjs). */
async function generateSources() {
  await generateValidators(root);
}

async function takeLock() {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      return;
    } catch {
      let owner = NaN;
      try {
        owner = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        /* being written or removed */
      }
      if (Number.isInteger(owner) && owner > 0 && !alive(owner))
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`build: ${lock} held for 15 minutes by pid ${owner}`);
      await sleep(250);
    }
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function bundle() {
  for (const name of actions) {
    const out = path.join(root, 'dist', name);
    rmSync(out, { recursive: true, force: true });
    execFileSync(
      bin('ncc'),
      [
        'build',
        `${tmp}/actions/${name}/index.js`,
        '-o',
        `dist/${name}`,
        '--target',
        'es2022',
        '--license',
        'licenses.txt',
        '-q'
      ],
      { cwd: root, stdio: 'inherit' }
    );
    writeReference(name);
    writeActionReadme(name);
    console.log(`built dist/${name}/index.js`);
  }
  writeReferenceIndex();
}

function writeReference(name) {
  const meta = parse(readFileSync(path.join(root, 'actions', name, 'action.yml'), 'utf8'));
  const lines = [
    `<!-- generated from actions/${name}/action.yml by scripts/build.mjs — do not edit -->`,
    ...actionHead(name, meta),
    ...inputsOutputsTables(meta),
    ''
  ];
  mkdirSync(path.join(root, 'docs/reference'), { recursive: true });
  writeFileSync(path.join(root, 'docs/reference', `${name}.md`), lines.join('\n'));
}

/** A `with:` example: every required input (a placeholder naming what to pass), then the optional ones commented. */
function withExample(meta) {
  const entries = Object.entries(meta.inputs ?? {});
  const required = entries.filter(([, spec]) => spec.required);
  const optional = entries.filter(([, spec]) => !spec.required && !spec.deprecationMessage).slice(0, 4);
  const short = (text) =>
    String(text ?? '')
      .split(/[;(]/)[0]
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 70);
  return [
    ...required.map(([input, spec]) => `    ${input}: <${short(spec.description).toLowerCase()}>`),
    ...optional.map(
      ([input, spec]) =>
        `    # ${input}: ${spec.default === undefined || spec.default === '' ? `<${short(spec.description).toLowerCase()}>` : spec.default}`
    )
  ];
}

/**
 * actions/<name>/README.md: what the action does, a `with:` example, the inputs and outputs, generated from
 * action.yml between two markers; anything the README holds outside the markers (hand-written guides) is kept.
 */
function writeActionReadme(name) {
  const meta = parse(readFileSync(path.join(root, 'actions', name, 'action.yml'), 'utf8'));
  const inputs = Object.entries(meta.inputs ?? {});
  const block = [
    README_START,
    ...actionHead(name, meta, inputs.length ? ['  with:', ...withExample(meta)] : []),
    ...inputsOutputsTables(meta),
    '',
    `More: [docs/reference/${name}.md](../../docs/reference/${name}.md).`,
    README_END
  ].join('\n');
  const file = path.join(root, 'actions', name, 'README.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const start = old.indexOf(README_START);
  const end = old.indexOf(README_END);
  const text =
    start >= 0 && end > start
      ? old.slice(0, start) + block + old.slice(end + README_END.length)
      : `${block}\n${old ? `\n${old}` : ''}`;
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}

function writeReferenceIndex() {
  const all = readdirSync(path.join(root, 'actions'))
    .filter((name) => existsSync(path.join(root, 'actions', name, 'action.yml')))
    .sort();
  const rows = all.map((name) => {
    const meta = parse(readFileSync(path.join(root, 'actions', name, 'action.yml'), 'utf8'));
    return `| [${name}](${name}.md) | ${cell(meta.description)} |`;
  });
  writeFileSync(
    path.join(root, 'docs/reference/README.md'),
    [
      '<!-- generated by scripts/build.mjs — do not edit -->',
      '# Action reference',
      '',
      '| action | what it does |',
      '| --- | --- |',
      ...rows,
      ''
    ].join('\n')
  );
}
