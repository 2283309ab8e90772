/**
 * Summary tables are HTML (core.summary.addTable), where Markdown code spans are not rendered: a code value becomes
 * <code>…</code>, every value is HTML-escaped, and what lands in GITHUB_STEP_SUMMARY has no backtick in a cell.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import * as core from '@actions/core';
import { cellHtml, code, escapeHtml, tableRows, writeTableSummary } from '../../../actions/lib/summary.js';

describe('cells', () => {
  test('text is HTML-escaped', () => {
    expect(escapeHtml(`<a href="x">&'</a>`)).toBe(`&lt;a href="x"&gt;&amp;'&lt;/a&gt;`);
    expect(cellHtml('config/<prod>.env')).toBe('config/&lt;prod&gt;.env');
  });
  test('code is <code>, escaped inside; a run of parts is joined by a space', () => {
    expect(cellHtml(code('sha256:ab<c'))).toBe('<code>sha256:ab&lt;c</code>');
    expect(cellHtml([code(':1.2.3'), code(':latest'), 'and more'])).toBe(
      '<code>:1.2.3</code> <code>:latest</code> and more'
    );
  });
  test('a backtick in a value stays a literal character, never markup', () => {
    expect(cellHtml('a `b`')).toBe('a `b`');
  });
  test('tableRows: escaped header cells, then rows', () => {
    expect(tableRows(['a<b', 'c'], [['x', code('y')]])).toEqual([
      [
        { data: 'a&lt;b', header: true },
        { data: 'c', header: true }
      ],
      ['x', '<code>y</code>']
    ]);
  });
});

describe('writeTableSummary', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'summary-'));
    file = path.join(dir, 'summary.md');
    writeFileSync(file, '');
    process.env.GITHUB_STEP_SUMMARY = file;
  });
  afterEach(async () => {
    await core.summary.clear();
    delete process.env.GITHUB_STEP_SUMMARY;
    rmSync(dir, { recursive: true, force: true });
  });

  test('writes an HTML table with <code> cells and no backticks, then the Markdown note after a blank line', async () => {
    await writeTableSummary(
      'Slipway build: api',
      ['Image', 'Digest', 'Tags'],
      [['ghcr.io/o/api', code('sha256:0123'), [code(':1.2.3'), code(':latest')]]],
      'Version: `1.2.3`'
    );
    const text = readFileSync(file, 'utf8');
    const table = text.slice(text.indexOf('<table>'), text.indexOf('</table>'));
    expect(table).toContain('<td><code>sha256:0123</code></td>');
    expect(table).toContain('<td><code>:1.2.3</code> <code>:latest</code></td>');
    expect(table).not.toContain('`');
    expect(text).toMatch(/<\/table>\n\nVersion: `1\.2\.3`\n/);
  });
});
