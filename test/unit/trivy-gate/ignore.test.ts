import {
  isExpired,
  matchIgnore,
  parseIgnoreFile,
  partitionIgnores
} from '../../../actions/trivy-gate/ignore.js';

const subject = {
  id: 'CVE-2099-1003',
  target: 'ghcr.io/acme/api@sha256:abc (debian 12.5)',
  pkgName: 'zlib1g',
  installed: '1:1.2.13.dfsg-1'
};

describe('parseIgnoreFile', () => {
  it('reads a list or an `ignores:` mapping', () => {
    const text = `ignores:
  - id: CVE-2099-1003
    reason: not reachable
    expires: 2099-01-31
    paths: ["ghcr.io/acme/**"]
  - id: CVE-2099-1004
    reason: won't fix upstream
`;
    const entries = parseIgnoreFile(text, 'ign.yml');
    expect(entries).toEqual([
      {
        id: 'CVE-2099-1003',
        reason: 'not reachable',
        expires: '2099-01-31',
        paths: ['ghcr.io/acme/**'],
        purls: undefined,
        line: 2
      },
      {
        id: 'CVE-2099-1004',
        reason: "won't fix upstream",
        expires: undefined,
        paths: undefined,
        purls: undefined,
        line: 6
      }
    ]);
    expect(parseIgnoreFile('- {id: X, reason: y}', 'f')).toHaveLength(1);
    expect(parseIgnoreFile('', 'f')).toEqual([]);
  });

  it('names the file, the line and the reason of every mistake', () => {
    expect(() => parseIgnoreFile('- id: A\n', 'ign.yml')).toThrow(
      "Ignore file ign.yml:1: entry 'A': 'reason' is required"
    );
    expect(() => parseIgnoreFile('- id: A\n  reason: r\n  expires: 2024-02-30\n', 'ign.yml')).toThrow(
      "'expires' must be a date YYYY-MM-DD, got '2024-02-30'"
    );
    expect(() => parseIgnoreFile('- id: A\n  reason: r\n  until: 2024-02-01\n', 'ign.yml')).toThrow(
      "unknown key 'until'"
    );
    expect(() => parseIgnoreFile('vulnerabilities: []\nignores: []', 'ign.yml')).toThrow(
      "unknown top-level key 'ignores'"
    );
    expect(() => parseIgnoreFile('vulns: []', 'ign.yml')).toThrow(
      "unknown top-level key 'vulns' (only 'ignores', or trivy's vulnerabilities, misconfigurations, secrets, licenses)"
    );
    expect(() => parseIgnoreFile('ignores: [', 'ign.yml')).toThrow(/^Ignore file ign.yml:\d+: invalid YAML/);
    expect(() => parseIgnoreFile('- id: A\n  reason: r\n  paths: x\n', 'ign.yml')).toThrow(
      "'paths' must be a list of strings"
    );
    expect(() => parseIgnoreFile('just text', 'ign.yml')).toThrow('the top level must be a list');
  });
});

describe('expiry', () => {
  const entry = { id: 'A', reason: 'r', expires: '2026-11-23' };
  it('applies through the whole expiry day (UTC), then stops', () => {
    expect(isExpired(entry, new Date('2026-11-23T23:59:59Z'))).toBe(false);
    expect(isExpired(entry, new Date('2026-11-24T00:00:00Z'))).toBe(true);
    expect(isExpired({ id: 'B', reason: 'r' }, new Date('2999-01-01T00:00:00Z'))).toBe(false);
    expect(partitionIgnores([entry, { id: 'B', reason: 'r' }], new Date('2027-01-01T00:00:00Z'))).toEqual({
      active: [{ id: 'B', reason: 'r' }],
      expired: [entry]
    });
  });
});

describe('matchIgnore', () => {
  it('matches by id, and by path glob and purl when given', () => {
    expect(matchIgnore(subject, [{ id: 'CVE-2099-1003', reason: 'r' }])?.reason).toBe('r');
    expect(matchIgnore(subject, [{ id: 'CVE-2099-9999', reason: 'r' }])).toBeUndefined();
    expect(matchIgnore(subject, [{ id: subject.id, reason: 'r', paths: ['ghcr.io/acme/**'] }])).toBeDefined();
    expect(
      matchIgnore(subject, [{ id: subject.id, reason: 'r', paths: ['ghcr.io/other/**'] }])
    ).toBeUndefined();
    expect(
      matchIgnore(subject, [{ id: subject.id, reason: 'r', purls: ['pkg:deb/debian/zlib1g'] }])
    ).toBeDefined();
    expect(
      matchIgnore(subject, [
        { id: subject.id, reason: 'r', purls: ['pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64'] }
      ])
    ).toBeDefined();
    expect(
      matchIgnore(subject, [{ id: subject.id, reason: 'r', purls: ['pkg:deb/debian/zlib1g@9'] }])
    ).toBeUndefined();
    const withPurl = { ...subject, purl: 'pkg:deb/debian/zlib1g@1.2?arch=amd64&distro=debian-12.5' };
    expect(
      matchIgnore(withPurl, [{ id: subject.id, reason: 'r', purls: ['pkg:deb/debian/zlib1g'] }])
    ).toBeDefined();
    expect(
      matchIgnore(withPurl, [{ id: subject.id, reason: 'r', purls: ['pkg:deb/debian/zlib1g@1.2'] }])
    ).toBeDefined();
    expect(
      matchIgnore(withPurl, [{ id: subject.id, reason: 'r', purls: ['pkg:deb/debian/libz'] }])
    ).toBeUndefined();
  });
});
