import { isExpired, matchIgnore, parseIgnoreFile } from '../../../actions/trivy-gate/ignore.js';
import { ConfigurationError } from '../../../actions/lib/errors.js';

describe("trivy's .trivyignore.yaml", () => {
  const text = [
    'vulnerabilities:',
    '  - id: CVE-2022-40897',
    '    paths:',
    '      - "usr/local/lib/python3.9/site-packages/setuptools-58.1.0.dist-info/METADATA"',
    '    statement: Accept the risk',
    '  - id: CVE-2023-2650',
    '  - id: CVE-2023-3446',
    '    purls:',
    '      - "pkg:deb/debian/libssl1.1"',
    '  - id: CVE-2023-3817',
    '    expired_at: 2023-09-01',
    'misconfigurations:',
    '  - id: AVD-DS-0001',
    '  - id: AVD-DS-0002',
    '    paths:',
    '      - "docs/Dockerfile"',
    '    statement: The image needs root privileges',
    'secrets:',
    '  - id: aws-access-key-id',
    '  - id: aws-secret-access-key',
    '    paths:',
    '      - "foo/bar/aws.secret"',
    'licenses:',
    ''
  ].join('\n');

  it('reads every section with its line, paths, purls and statement', () => {
    const entries = parseIgnoreFile(text, '.trivyignore.yaml');
    expect(entries.map((e) => e.id)).toEqual([
      'CVE-2022-40897',
      'CVE-2023-2650',
      'CVE-2023-3446',
      'CVE-2023-3817',
      'AVD-DS-0001',
      'AVD-DS-0002',
      'aws-access-key-id',
      'aws-secret-access-key'
    ]);
    expect(entries[0]).toMatchObject({ reason: 'Accept the risk', line: 2 });
    expect(entries[1]!.reason).toBe('listed in .trivyignore.yaml (vulnerabilities, no statement)');
    expect(entries[2]!.purls).toEqual(['pkg:deb/debian/libssl1.1']);
    expect(entries[7]!.paths).toEqual(['foo/bar/aws.secret']);
    expect(matchIgnore({ id: 'AVD-DS-0002', target: 'docs/Dockerfile' }, entries)?.reason).toBe(
      'The image needs root privileges'
    );
    expect(matchIgnore({ id: 'AVD-DS-0002', target: 'other/Dockerfile' }, entries)).toBeUndefined();
  });

  it('expired_at is the first day the entry no longer applies, as trivy compares it', () => {
    const entry = parseIgnoreFile(text, '.trivyignore.yaml').find((e) => e.id === 'CVE-2023-3817')!;
    expect(entry.expires).toBe('2023-08-31');
    expect(isExpired(entry, new Date('2023-08-31T23:59:00Z'))).toBe(false);
    expect(isExpired(entry, new Date('2023-09-01T00:01:00Z'))).toBe(true);
  });

  it.each([
    ['vulnerabilities:\n  - id: CVE-1\n    reason: x\n', /.trivyignore.yaml:2: unknown key 'reason'/],
    [
      'vulnerabilities:\n  - id: CVE-1\n    expired_at: soon\n',
      /:2: entry 'CVE-1': 'expired_at' must be a date/
    ],
    ['vulnerabilities: CVE-1\n', /'vulnerabilities' must be a list/],
    ['vulnerabilities: []\nlicences: []\n', /unknown top-level key 'licences'/]
  ])('refuses %p with file:line', (bad, message) => {
    expect(() => parseIgnoreFile(bad, '.trivyignore.yaml')).toThrow(ConfigurationError);
    expect(() => parseIgnoreFile(bad, '.trivyignore.yaml')).toThrow(message);
  });
});

describe("trivy's plain .trivyignore", () => {
  it('reads IDs, comments and exp: dates', () => {
    const entries = parseIgnoreFile(
      '# Accept the risk\nCVE-2018-14618\n\n# No impact in our settings\nCVE-2019-1543 exp:2023-01-01 # until the upgrade\nAVD-DS-0002\n',
      '.trivyignore'
    );
    expect(entries).toEqual([
      { id: 'CVE-2018-14618', reason: 'listed in .trivyignore', expires: undefined, line: 2 },
      { id: 'CVE-2019-1543', reason: 'until the upgrade', expires: '2022-12-31', line: 5 },
      { id: 'AVD-DS-0002', reason: 'listed in .trivyignore', expires: undefined, line: 6 }
    ]);
  });

  it('refuses a bad exp: naming file and line', () => {
    expect(() => parseIgnoreFile('CVE-1 exp:tomorrow\n', '.trivyignore')).toThrow(
      /Ignore file .trivyignore:1: 'exp:tomorrow' is not exp:YYYY-MM-DD/
    );
  });
});
