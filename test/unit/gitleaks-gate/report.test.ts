import {
  indexPatch,
  locatePatchFindings,
  parseReport,
  redact,
  summaryRows,
  toSarif
} from '../../../actions/gitleaks-gate/report.js';

// a gitleaks 8.16 report entry, with the secret built at run time (this file holds no secret)
const SECRET = ['AK', 'IA', 'Q'.repeat(16)].join('');
const COMMIT = '86698c65d275cf1dbcc409052f90a14c24d545c6';
const entry = {
  Description: 'AWS',
  StartLine: 2,
  EndLine: 2,
  StartColumn: 11,
  EndColumn: 30,
  Match: `key = ${SECRET}`,
  Secret: SECRET,
  File: 'config/<prod>.env',
  SymlinkFile: '',
  Commit: COMMIT,
  Entropy: 3.6464393,
  Author: 't',
  Email: 't@e',
  Date: '2026-11-23T16:29:22Z',
  Message: 'leak',
  Tags: [],
  RuleID: 'aws-access-token',
  Fingerprint: `${COMMIT}:config/<prod>.env:aws-access-token:2`
};

describe('gitleaks-gate report', () => {
  it('parses a report and redacts secret and match whatever gitleaks wrote', () => {
    const [finding] = redact(parseReport(JSON.stringify([{ ...entry, Line: `key = ${SECRET}` }])));
    expect(finding).toMatchObject({
      RuleID: 'aws-access-token',
      File: 'config/<prod>.env',
      StartLine: 2,
      Commit: COMMIT
    });
    expect(JSON.stringify(finding)).not.toContain(SECRET);
    expect(finding!.Entropy).toBe(3.6464393); // kept as is, so the report works as a --baseline-path
  });

  it('treats an empty array as no findings and anything unreadable as an error, never as clean', () => {
    expect(parseReport('[]')).toEqual([]);
    expect(() => parseReport('')).toThrow(/not a JSON array/);
    expect(() => parseReport('{"a":1}')).toThrow(/not a JSON array/);
    expect(() => parseReport('[1]')).toThrow(/finding 0 is not an object/);
    expect(() => parseReport('[{')).toThrow(/not JSON/);
  });

  it('summary rows: file, line, short commit, rule (as text: writeTableSummary escapes HTML)', () => {
    expect(summaryRows(parseReport(JSON.stringify([entry])))).toEqual([
      ['config/<prod>.env', '2', '86698c6', 'aws-access-token']
    ]);
  });

  it('SARIF 2.1.0 with one rule per RuleID and no secret', () => {
    const sarif = toSarif(
      redact(parseReport(JSON.stringify([entry, { ...entry, StartLine: 9, EndLine: 9 }])))
    );
    const text = JSON.stringify(sarif);
    expect(text).not.toContain(SECRET);
    const run = (sarif.runs as Array<Record<string, any>>)[0]!; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(run.tool.driver.rules).toEqual([
      { id: 'aws-access-token', name: 'aws-access-token', shortDescription: { text: 'AWS' } }
    ]);
    expect(run.results).toHaveLength(2);
    expect(run.results[1].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'config/<prod>.env' },
      region: { startLine: 9, endLine: 9, startColumn: 11, endColumn: 31 }
    });
  });

  const patch = [
    'diff --git a/y.txt b/y.txt', // 0
    'new file mode 100644',
    'index 0000000..e814e33',
    '--- /dev/null',
    '+++ b/y.txt',
    '@@ -0,0 +1,3 @@', // 5
    '+x',
    '+y',
    '+key=…', // 8 → y.txt:3
    'diff --git a/z.txt b/z.txt',
    'index 1111111..2222222 100644', // 10
    '--- a/z.txt',
    '+++ b/z.txt',
    '@@ -3 +3,2 @@',
    '-old',
    '+new1', // 15 → z.txt:3
    '+new2', // 16 → z.txt:4
    '@@ -40,0 +41 @@',
    '+late', // 18 → z.txt:41
    'diff --git a/gone.txt b/gone.txt',
    'deleted file mode 100644',
    '--- a/gone.txt',
    '+++ /dev/null',
    '@@ -1 +0,0 @@',
    '-bye',
    ''
  ].join('\n');

  it('indexes the added lines of a -U0 patch by their 0-based line in the patch', () => {
    const index = indexPatch(patch);
    expect(index.get(8)).toEqual({ file: 'y.txt', line: 3 });
    expect(index.get(15)).toEqual({ file: 'z.txt', line: 3 });
    expect(index.get(16)).toEqual({ file: 'z.txt', line: 4 });
    expect(index.get(18)).toEqual({ file: 'z.txt', line: 41 });
    expect(index.get(24)).toBeUndefined();
    expect(index.size).toBe(6);
  });

  it('maps diff-mode findings (gitleaks --pipe: no file, 0-based line) back to file, line and the range head', () => {
    const head = 'f'.repeat(40);
    const piped = parseReport(
      JSON.stringify([{ ...entry, File: '', Commit: '', StartLine: 16, EndLine: 16 }])
    );
    expect(locatePatchFindings(piped, patch, head)[0]).toMatchObject({
      File: 'z.txt',
      StartLine: 4,
      EndLine: 4,
      Commit: head,
      Fingerprint: `${head}:z.txt:aws-access-token:4`
    });
  });
});
