/** The plan as an output stays under GitHub's 1 MB cap; the summary carries the reasons. */
import { outputPlan } from '../../../actions/cleanup/main.js';
import { makeReport, summaryMarkdown } from '../../../actions/cleanup/report.js';
import type { PlannedVersion } from '../../../actions/cleanup/plan.js';

const version = (id: number, reason: string): PlannedVersion => ({
  id,
  digest: `sha256:${String(id).padStart(64, '0')}`,
  tags: id % 10 ? [] : [`pr-${id}`],
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  kind: id % 10 ? 'untagged' : 'tagged',
  reason
});

function report(count: number) {
  const versions = Array.from({ length: count }, (_, i) => version(i, `reason ${i} | with a pipe`));
  return makeReport(
    { owner: 'Acme', registry: 'ghcr.io', dryRun: true },
    [],
    [
      {
        package: 'api',
        image: 'ghcr.io/acme/api',
        keep: versions.slice(0, count / 2),
        delete: versions.slice(count / 2),
        fetched: 1,
        warnings: []
      }
    ]
  );
}

it('a small plan is output whole', () => {
  const r = report(10);
  expect(outputPlan(r)).toBe(r);
});

it('a 10,000-version plan is cut to fit, with its counts', () => {
  const out = outputPlan(report(10_000)) as ReturnType<typeof report> & {
    truncated?: boolean;
    packages: { keepCount?: number; deleteCount?: number }[];
  };
  expect(JSON.stringify(out).length).toBeLessThan(1_000_000);
  expect(out.truncated).toBe(true);
  expect(out.packages[0]).toMatchObject({ keepCount: 5000, deleteCount: 5000 });
});

it('the summary escapes table cells and caps its rows', () => {
  const md = summaryMarkdown(report(1000));
  expect(md).toMatch(/dry run: nothing deleted/);
  expect(md).toContain('reason 500 \\| with a pipe');
  expect(md).toMatch(/… and 200 more/);
});
