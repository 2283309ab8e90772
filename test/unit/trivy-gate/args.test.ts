import {
  dbDownloadArgs,
  FINDINGS_EXIT_CODE,
  isLoopback,
  parseDbRepositories,
  scanArgs,
  scanCompleted,
  parseScanners
} from '../../../actions/trivy-gate/args.js';

describe('scanArgs', () => {
  const base = { cacheDir: '/c', jsonPath: '/o/r.json', timeout: '5m', scanners: ['vuln'] };

  it('asks for JSON with every severity, a distinct findings exit code and no DB update', () => {
    const args = scanArgs({
      ...base,
      scanType: 'image',
      target: 'ghcr.io/acme/api@sha256:' + 'a'.repeat(64)
    });
    expect(args).toEqual([
      'image',
      '--cache-dir',
      '/c',
      '--format',
      'json',
      '--output',
      '/o/r.json',
      '--exit-code',
      '5',
      '--timeout',
      '5m',
      '--no-progress',
      '--skip-db-update',
      '--scanners',
      'vuln',
      'ghcr.io/acme/api@sha256:' + 'a'.repeat(64)
    ]);
    expect(args).not.toContain('--severity');
    expect(args).not.toContain('--ignore-unfixed');
    expect(args).not.toContain('--ignorefile');
  });

  it('adds --insecure for a loopback registry and --platform when asked', () => {
    const args = scanArgs({
      ...base,
      scanType: 'image',
      target: 'localhost:5000/x@sha256:' + 'b'.repeat(64),
      platform: 'linux/arm64'
    });
    expect(args).toEqual(expect.arrayContaining(['--insecure', '--platform', 'linux/arm64']));
  });

  it('config scans need no vulnerability DB', () => {
    const args = scanArgs({ ...base, scanType: 'config', target: '/repo', scanners: [] });
    expect(args[0]).toBe('config');
    expect(args).not.toContain('--skip-db-update');
    expect(args).toContain('--skip-policy-update');
    expect(args).not.toContain('--no-progress');
    expect(args.at(-1)).toBe('/repo');
  });
});

describe('dbDownloadArgs', () => {
  it('downloads only the DB from one repository', () => {
    expect(
      dbDownloadArgs({ cacheDir: '/c', repository: 'ghcr.io/aquasecurity/trivy-db', timeout: '2m' })
    ).toEqual([
      'image',
      '--download-db-only',
      '--cache-dir',
      '/c',
      '--db-repository',
      'ghcr.io/aquasecurity/trivy-db',
      '--timeout',
      '2m',
      '--no-progress'
    ]);
    expect(
      dbDownloadArgs({ cacheDir: '/c', repository: '127.0.0.1:5000/m/trivy-db', timeout: '2m' })
    ).toContain('--insecure');
  });
});

describe('exit codes', () => {
  it('only 0 and the findings code are a completed scan; 1 (a silent crash) never is', () => {
    expect(scanCompleted(0)).toBe(true);
    expect(scanCompleted(FINDINGS_EXIT_CODE)).toBe(true);
    expect(FINDINGS_EXIT_CODE).not.toBe(1);
    expect(scanCompleted(1)).toBe(false);
    expect(scanCompleted(137)).toBe(false);
  });
});

describe('inputs', () => {
  it('checks DB repositories', () => {
    expect(parseDbRepositories(['ghcr.io/aquasecurity/trivy-db', 'localhost:5000/m/trivy-db'])).toHaveLength(
      2
    );
    expect(() => parseDbRepositories([])).toThrow("Input 'db-repository' is empty");
    expect(() => parseDbRepositories(['ghcr.io/aquasecurity/trivy-db:2'])).toThrow(
      'without scheme, tag or digest'
    );
    expect(() => parseDbRepositories(['https://ghcr.io/x'])).toThrow('without scheme, tag or digest');
  });

  it('knows loopback registries', () => {
    expect(isLoopback('127.0.0.1:5000/x')).toBe(true);
    expect(isLoopback('localhost:5000/x')).toBe(true);
    expect(isLoopback('ghcr.io/localhost')).toBe(false);
  });
});

describe('runWithDeadline', () => {
  it('kills a process that outlives the deadline and reports it as failed', async () => {
    const { runWithDeadline, deadlineMs, TIMEOUT_EXIT_CODE } = await import('../../../actions/lib/trivy.js');
    const killed = await runWithDeadline('sleep', ['5'], 100);
    expect(killed).toMatchObject({ timedOut: true, exitCode: TIMEOUT_EXIT_CODE });
    expect(await runWithDeadline('sh', ['-c', 'echo hi; exit 5'], 5000)).toMatchObject({
      exitCode: 5,
      stdout: 'hi\n',
      timedOut: false
    });
    expect((await runWithDeadline('/no/such/trivy', [], 1000)).exitCode).toBe(127);
    expect(deadlineMs(300_000)).toBe(330_000);
    expect(deadlineMs(1)).toBe(1001);
  });
});

describe('parseScanners', () => {
  it('accepts trivy scanners and names the input on an unknown one', () => {
    expect(parseScanners(['vuln', 'secret'])).toEqual(['vuln', 'secret']);
    expect(() => parseScanners(['vuln', 'malware'])).toThrow(
      "Input 'scanners': unknown scanner(s) malware; allowed: vuln, misconfig, secret, license"
    );
  });
});
