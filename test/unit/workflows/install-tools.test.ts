/**
 * scripts/install-tools.sh picks its packages by distribution: Debian 12 (this machine, the project's CI) and
 * Ubuntu 24.04 (GitHub's ubuntu-24.04 runner, where ci.yml runs). `--plan` prints the decision and changes nothing;
 * an empty PATH makes every tool look missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import { REPO_ROOT } from '../../../workflows-src/lib/actions.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'install-tools-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const script = path.join(REPO_ROOT, 'scripts/install-tools.sh');

function plan(
  osRelease: string,
  pathEnv = dir,
  extraEnv: Record<string, string> = {}
): Record<string, string[]> {
  const file = path.join(dir, `os-release-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, osRelease);
  const out = execFileSync('/bin/bash', [script, '--plan'], {
    encoding: 'utf8',
    env: { PATH: pathEnv, SLIPWAY_OS_RELEASE: file, ...extraEnv }
  });
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((line) => {
        const at = line.indexOf(':');
        return [
          line.slice(0, at),
          line
            .slice(at + 1)
            .trim()
            .split(/\s+/)
            .filter(Boolean)
        ];
      })
  );
}

test('Ubuntu 24.04: noble packages, and cosign/oras (not in noble) as checksum-verified release downloads', () => {
  const p = plan('ID=ubuntu\nVERSION_CODENAME=noble\n');
  expect(p.system).toEqual(['ubuntu:noble']);
  expect(p.apt).toEqual(
    expect.arrayContaining([
      'docker.io',
      'docker-registry',
      'gitleaks',
      'docker-buildx',
      'docker-compose-v2',
      'jq'
    ])
  );
  expect(p.apt).not.toContain('nginx-light');
  expect(p['apt (trixie, pinned low)']).toEqual([]);
  expect(p['release downloads']).toEqual(['cosign', 'oras']);
});

test('Debian 12: bookworm packages plus the trixie ones pinned low, no downloads', () => {
  const p = plan('ID=debian\nVERSION_CODENAME=bookworm\n');
  expect(p.apt).toEqual(expect.arrayContaining(['docker.io', 'docker-registry', 'jq']));
  // (the buildx/compose plugins are looked for by path, and exist on this machine)
  expect(p['apt (trixie, pinned low)']).toEqual(expect.arrayContaining(['cosign', 'gitleaks', 'oras']));
  expect(p['release downloads']).toEqual([]);
});

test('this machine (Debian 12 with every tool) installs nothing: the script is idempotent here', () => {
  const p = plan(execFileSync('cat', ['/etc/os-release'], { encoding: 'utf8' }), process.env.PATH);
  expect(p.system).toEqual(['debian:bookworm']);
  expect([...p.apt!, ...p['apt (trixie, pinned low)']!, ...p['release downloads']!]).toEqual([]);
});

test("the ssh:// deploy test's sshd and nss_wrapper: installed where missing, on both systems", () => {
  const missing = {
    SLIPWAY_SSHD: path.join(dir, 'no-sshd'),
    SLIPWAY_NSS_WRAPPER_GLOB: path.join(dir, 'no-lib*.so')
  };
  for (const release of ['ID=debian\nVERSION_CODENAME=bookworm\n', 'ID=ubuntu\nVERSION_CODENAME=noble\n']) {
    expect(plan(release, dir, missing).apt).toEqual(
      expect.arrayContaining(['openssh-server', 'libnss-wrapper'])
    );
  }
  // present (this machine): neither is planned, whatever PATH says (sshd is looked for by path)
  expect(plan('ID=debian\nVERSION_CODENAME=bookworm\n').apt).not.toEqual(
    expect.arrayContaining(['openssh-server'])
  );
  expect(plan('ID=debian\nVERSION_CODENAME=bookworm\n').apt).not.toContain('libnss-wrapper');
});

test('another system is refused with the fix', () => {
  const file = path.join(dir, 'fedora');
  writeFileSync(file, 'ID=fedora\nVERSION_CODENAME=\n');
  const r = spawnSync('/bin/bash', [script, '--plan'], {
    encoding: 'utf8',
    env: { PATH: dir, SLIPWAY_OS_RELEASE: file }
  });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/unsupported system 'fedora:unknown'.*\nFix: run on one of them/);
});
