/**
 * The job summary's tables. `core.summary.addTable` writes an HTML <table> and puts each cell's text in it as is
 * (@actions/core summary.ts: `<td>${data}</td>`, no escaping), and GitHub does not render Markdown inside an HTML
 * block, so a Markdown code span (`x`) shows its backticks and a value with `<` breaks the table. Cells are therefore
 * built here: text is HTML-escaped, and a value meant as code is given as `code(value)` and becomes <code>…</code>.
 * GitHub renders the summary as GitHub Flavored Markdown, where an HTML block ends at a blank line and Markdown inside
 * it is not processed: https://github.github.com/gfm/#html-blocks ;
 * the summary file and its Markdown: https://docs.github.com/en/actions/using-workflows/workflow-commands-for-github-actions#adding-a-job-summary
 */
import * as core from '@actions/core';

/** A value shown as code (monospace) in a summary table. */
export interface Code {
  code: string;
}
/** A table cell: text, code, or a run of both (joined by a space). */
export type Cell = string | Code | (string | Code)[];

export const code = (value: string): Code => ({ code: value });

/** Escapes text for element content (cells and headings carry no attributes, so quotes stay as they are). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The HTML of one cell for core.summary.addTable. */
export function cellHtml(cell: Cell): string {
  if (Array.isArray(cell)) return cell.map(cellHtml).join(' ');
  return typeof cell === 'string' ? escapeHtml(cell) : `<code>${escapeHtml(cell.code)}</code>`;
}

/** The rows of core.summary.addTable: a header row, then every cell through cellHtml. */
export function tableRows(header: string[], rows: Cell[][]): Parameters<typeof core.summary.addTable>[0] {
  return [
    header.map((data) => ({ data: escapeHtml(data), header: true })),
    ...rows.map((row) => row.map(cellHtml))
  ];
}

/** Writes a titled table to the job summary (no-op when GITHUB_STEP_SUMMARY is not set); `note` is Markdown. */
export async function writeTableSummary(
  title: string,
  header: string[],
  rows: Cell[][],
  note?: string
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const summary = core.summary.addHeading(escapeHtml(title), 3).addTable(tableRows(header, rows));
  if (note) summary.addRaw(`\n${note}\n`, true);
  await summary.write();
}
