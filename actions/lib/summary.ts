import * as core from '@actions/core';

/** Writes a titled markdown table to the job summary (no-op when GITHUB_STEP_SUMMARY is not set). */
export async function writeTableSummary(
  title: string,
  header: string[],
  rows: string[][],
  note?: string
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const summary = core.summary
    .addHeading(title, 3)
    .addTable([header.map((data) => ({ data, header: true })), ...rows]);
  if (note) summary.addRaw(`\n${note}\n`, true);
  await summary.write();
}
