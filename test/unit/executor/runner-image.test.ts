/**
 * Hosted-runner mode: which `runs-on` values are GitHub-hosted, and the bin dir of an image — this machine's
 * binaries for exactly the tools the image ships (base system, the README's apt table and tools), nothing else.
 */
import { existsSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCli } from '../../../scripts/executor/cli.js';
import {
  HOSTED_IMAGES,
  hostedImage,
  prepareRunnerBin,
  runsOnLabels
} from '../../../scripts/executor/runner-image.js';

describe('runs-on labels', () => {
  it('reads a label, a list and a {group, labels} mapping', () => {
    expect(runsOnLabels('ubuntu-24.04')).toEqual(['ubuntu-24.04']);
    expect(runsOnLabels(['self-hosted', 'linux'])).toEqual(['self-hosted', 'linux']);
    expect(runsOnLabels({ group: 'ci', labels: ['linux'] })).toEqual(['linux']);
    expect(runsOnLabels({ group: 'ci', labels: 'linux' })).toEqual(['linux']);
    expect(runsOnLabels(null)).toEqual([]);
  });

  it('knows the GitHub-hosted Linux labels; self-hosted, groups and custom labels keep the machine', () => {
    expect(hostedImage('ubuntu-24.04')?.image.image).toBe('Ubuntu 24.04');
    expect(hostedImage('ubuntu-latest')?.image).toBe(HOSTED_IMAGES['ubuntu-24.04']);
    expect(hostedImage(['ubuntu-22.04'])?.image.image).toBe('Ubuntu 22.04');
    expect(hostedImage('self-hosted')).toBeUndefined();
    expect(hostedImage(['self-hosted', 'ubuntu-24.04'])).toBeUndefined();
    expect(hostedImage({ group: 'larger', labels: ['ubuntu-24.04'] })).toBeUndefined();
    expect(hostedImage('my-custom-runner')).toBeUndefined();
    for (const image of Object.values(HOSTED_IMAGES)) {
      expect(image.source).toMatch(/^https:\/\/github\.com\/actions\/runner-images\/blob\/[0-9a-f]{40}\//);
    }
  });
});

it('hosted-runner mode is the default; --all-host-tools turns it off (debugging)', () => {
  expect(parseCli(['--workflow', 'w.yml'])).not.toHaveProperty('hostedRunners');
  expect(parseCli(['--workflow', 'w.yml', '--all-host-tools'])).toMatchObject({ hostedRunners: false });
});

describe('image bin dir', () => {
  const dirs: string[] = [];
  const newDir = (): string => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'runner-image-'));
    dirs.push(d);
    return path.join(d, 'bin');
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const hostPath = process.env.PATH ?? '';
  const onMachine = (tool: string): boolean =>
    hostPath.split(path.delimiter).some((d) => d && existsSync(path.join(d, tool)));

  it('Ubuntu 24.04: the shell, coreutils, git, docker, jq, curl, node — but not cosign, gitleaks, oras, trivy', () => {
    const bin = prepareRunnerBin(HOSTED_IMAGES['ubuntu-24.04']!, newDir(), hostPath);
    // awk is a Debian alternative (→ mawk), found through /etc/alternatives
    for (const tool of [
      'bash',
      'sh',
      'ls',
      'sha256sum',
      'tar',
      'gzip',
      'awk',
      'sed',
      'grep',
      'git',
      'jq',
      'curl',
      'node'
    ]) {
      expect(bin.commands).toContain(tool);
      expect(existsSync(path.join(bin.dir, tool))).toBe(true);
    }
    expect(readlinkSync(path.join(bin.dir, 'docker'))).toMatch(/\/docker$/);
    for (const tool of ['cosign', 'gitleaks', 'oras', 'trivy', 'syft']) {
      expect(bin.commands).not.toContain(tool);
      expect(existsSync(path.join(bin.dir, tool))).toBe(false);
    }
    // a tool the README lists but this machine lacks is reported, not faked
    expect(bin.missing.every((t) => !onMachine(t))).toBe(true);
  });

  it('Ubuntu 22.04 ships the ORAS CLI (24.04 does not)', () => {
    const bin = prepareRunnerBin(HOSTED_IMAGES['ubuntu-22.04']!, newDir(), hostPath);
    if (onMachine('oras')) expect(bin.commands).toContain('oras');
    else expect(bin.missing).toContain('oras');
    expect(bin.commands).not.toContain('cosign');
  });
});
