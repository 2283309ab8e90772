/**
 * GitHub expressions over our own context data: `@actions/expressions` parses and evaluates, we supply the contexts,
 * the status functions (success/failure/always/cancelled, which depend on where they are evaluated) and hashFiles.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { TokenType } from '@actions/expressions/lexer';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';
import {
  isBasicExpression,
  isBoolean,
  isMapping,
  isNumber,
  isSequence,
  isString
} from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import picomatch from 'picomatch';
import { parse as parseYaml } from 'yaml';
import { WorkflowError } from './errors.js';

/** Plain JSON-like values: what contexts hold and what expressions produce. */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

export interface StatusFunctions {
  success(): boolean;
  failure(): boolean;
  cancelled(): boolean;
}

export interface Scope {
  /** github, env, vars, secrets, inputs, matrix, strategy, needs, steps, job, jobs, runner */
  contexts: Record<string, Value | undefined>;
  status?: StatusFunctions;
  /** hashFiles() root (GITHUB_WORKSPACE) */
  workspace?: string;
}

const ALWAYS_OK: StatusFunctions = { success: () => true, failure: () => false, cancelled: () => false };

export function toData(value: Value | undefined): data.ExpressionData {
  if (value === undefined || value === null) return new data.Null();
  if (typeof value === 'string') return new data.StringData(value);
  if (typeof value === 'number') return new data.NumberData(value);
  if (typeof value === 'boolean') return new data.BooleanData(value);
  if (Array.isArray(value)) return new data.Array(...value.map(toData));
  return new data.Dictionary(...Object.entries(value).map(([key, v]) => ({ key, value: toData(v) })));
}

export function fromData(d: data.ExpressionData): Value {
  switch (d.kind) {
    case data.Kind.Null:
      return null;
    case data.Kind.String:
      return (d as data.StringData).value;
    case data.Kind.Number:
      return (d as data.NumberData).value;
    case data.Kind.Boolean:
      return (d as data.BooleanData).value;
    case data.Kind.Array:
      return (d as data.Array).values().map(fromData);
    default: {
      const out: { [key: string]: Value } = {};
      for (const pair of (d as data.Dictionary).pairs()) out[pair.key] = fromData(pair.value);
      return out;
    }
  }
}

/** The string an expression result becomes in env/with/run (GitHub: null → '', objects/arrays → JSON-ish names). */
export function coerceString(value: Value): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return toData(value).coerceString();
  return toData(value).coerceString();
}

/** hashFiles(patterns…): sha256 over the sha256 of each matching file under the workspace, sorted by path. */
function hashFiles(workspace: string, patterns: string[]): string {
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const isIncluded = picomatch(include.length ? include : ['**'], { dot: true });
  const isExcluded = exclude.length ? picomatch(exclude, { dot: true }) : () => false;
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(abs);
      else if (entry.isFile()) {
        const rel = path.relative(workspace, abs).split(path.sep).join('/');
        if (isIncluded(rel) && !isExcluded(rel)) files.push(abs);
      }
    }
  };
  if (statSync(workspace, { throwIfNoEntry: false })?.isDirectory()) walk(workspace);
  if (files.length === 0) return '';
  const outer = createHash('sha256');
  for (const file of files.sort()) outer.update(createHash('sha256').update(readFileSync(file)).digest());
  return outer.digest('hex');
}

function functionsFor(scope: Scope): Map<string, FunctionDefinition> {
  const status = scope.status ?? ALWAYS_OK;
  const bool = (f: () => boolean) => () => new data.BooleanData(f());
  const defs: FunctionDefinition[] = [
    { name: 'success', minArgs: 0, maxArgs: 0, call: bool(() => status.success()) },
    { name: 'failure', minArgs: 0, maxArgs: 0, call: bool(() => status.failure()) },
    { name: 'cancelled', minArgs: 0, maxArgs: 0, call: bool(() => status.cancelled()) },
    { name: 'always', minArgs: 0, maxArgs: 0, call: bool(() => true) },
    {
      name: 'hashFiles',
      minArgs: 1,
      maxArgs: 255,
      call: (...args) =>
        new data.StringData(
          hashFiles(
            scope.workspace ?? process.cwd(),
            args.map((a) => a.coerceString())
          )
        )
    }
  ];
  return new Map(defs.map((d) => [d.name.toLowerCase(), d]));
}

const CONTEXT_NAMES = [
  'github',
  'env',
  'vars',
  'secrets',
  'inputs',
  'matrix',
  'strategy',
  'needs',
  'steps',
  'job',
  'jobs',
  'runner'
];

/** Evaluates one expression (without `${{ }}`), e.g. `needs.plan.outputs.matrix`. */
export function evaluateExpression(expression: string, scope: Scope): data.ExpressionData {
  const functions = functionsFor(scope);
  const names = [...new Set([...CONTEXT_NAMES, ...Object.keys(scope.contexts)])];
  let parsed;
  try {
    const { tokens } = new Lexer(expression).lex();
    // the lexer unescapes only the first '' of a string literal: take every string's value from its lexeme
    for (const t of tokens)
      if (t.type === TokenType.STRING) t.value = t.lexeme.slice(1, -1).replace(/''/g, "'");
    parsed = new Parser(tokens, names, [...functions.values()]).parse();
  } catch (error) {
    throw new WorkflowError(
      `invalid expression \${{ ${expression} }}: ${error instanceof Error ? error.message : String(error)}`
    );
  }
  if (!parsed) return new data.Null();
  const context = new data.Dictionary(...names.map((key) => ({ key, value: toData(scope.contexts[key]) })));
  try {
    return new Evaluator(parsed, context, functions).evaluate();
  } catch (error) {
    throw new WorkflowError(
      `cannot evaluate \${{ ${expression} }}: ${error instanceof Error ? error.message : String(error)}`
    );
  }
}

export function evaluateValue(expression: string, scope: Scope): Value {
  return fromData(evaluateExpression(expression, scope));
}

/** An `if:` condition (already a bare expression: the parser adds `success() && (…)` when no status function is used). */
export function evaluateCondition(expression: string, scope: Scope): boolean {
  return truthy(evaluateExpression(expression, scope));
}

/** Evaluates a template token (literal, `${{ }}` expression, mapping or sequence) into a plain value. */
export function evaluateToken(token: TemplateToken | undefined, scope: Scope): Value {
  if (token === undefined) return null;
  if (isBasicExpression(token)) {
    // A string with embedded ${{ }}: the parser's format(…) is built from the raw YAML text of multi-line scalars
    // (indentation, folding and escapes not applied), so evaluate the real YAML value's segments instead.
    if (
      token.originalExpressions?.length &&
      token.source !== undefined &&
      token.expression.startsWith('format(')
    ) {
      return evaluateTemplateString(scalarValue(token.source, token.blockScalarHeader), scope);
    }
    return evaluateValue(token.expression, scope);
  }
  if (isString(token)) return token.value;
  if (isNumber(token)) return token.value;
  if (isBoolean(token)) return token.value;
  if (isSequence(token)) {
    const out: Value[] = [];
    for (let i = 0; i < token.count; i++) out.push(evaluateToken(token.get(i), scope));
    return out;
  }
  if (isMapping(token)) {
    const out: { [key: string]: Value } = {};
    for (const { key, value } of token)
      out[coerceString(evaluateToken(key, scope))] = evaluateToken(value, scope);
    return out;
  }
  if (token.isExpression) {
    throw new WorkflowError(`unsupported template directive at line ${token.line ?? '?'}`);
  }
  return null; // NullToken
}

export function evaluateString(token: TemplateToken | undefined, scope: Scope): string {
  return coerceString(evaluateToken(token, scope));
}

/** A mapping token evaluated into string values (env:, with:, outputs:). */
export function evaluateStringMap(token: TemplateToken | undefined, scope: Scope): Record<string, string> {
  const out: Record<string, string> = {};
  if (token === undefined || !isMapping(token)) return out;
  for (const { key, value } of token)
    out[coerceString(evaluateToken(key, scope))] = evaluateString(value, scope);
  return out;
}

/**
 * The YAML value of a scalar from its source text. Block scalars (`|`, `>-`, `|2`, …) are re-indented under a
 * synthetic key with an explicit indentation indicator, so the result does not depend on the original nesting.
 */
function scalarValue(source: string, header: string | undefined): string {
  if (!source.includes('\n')) return source;
  let doc: string;
  if (header) {
    const style = header.replace(/[^|>]/g, '');
    const chomp = header.replace(/[^+-]/g, '');
    const lines = source.split('\n');
    const indents = lines
      .filter((l) => l.trim() !== '')
      .map((l) => (/^ */.exec(l) as RegExpExecArray)[0].length);
    const min = indents.length ? Math.min(...indents) : 0;
    const body = lines.map((l) => (l.trim() === '' ? '' : `  ${l.slice(min)}`)).join('\n');
    doc = `v: ${style}2${chomp}\n${body}`;
  } else {
    doc = `v: ${source}`;
  }
  const value: unknown = parseYaml(doc).v;
  return typeof value === 'string' ? value : String(value ?? '');
}

/** A plain string with `${{ }}` parts (e.g. an action.yml input default) evaluated into a string. */
export function evaluateTemplateString(text: string, scope: Scope): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${{', i);
    if (start < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, start);
    let inString = false;
    let end = -1;
    for (let j = start + 3; j < text.length; j++) {
      if (text[j] === "'") inString = !inString;
      else if (!inString && text[j] === '}' && text[j - 1] === '}') {
        end = j;
        break;
      }
    }
    if (end < 0) throw new WorkflowError(`unclosed \${{ in: ${text.slice(start, start + 60)}`);
    out += coerceString(evaluateValue(text.slice(start + 3, end - 1).trim(), scope));
    i = end + 1;
  }
  return out;
}
