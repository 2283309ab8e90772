import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generatorSpawn, runGenerator } from '../../../actions/sbom/generate.js';
import { ToolError } from '../../../actions/lib/errors.js';
import { deadlineMs } from '../../../actions/lib/trivy.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('sbom: a generator run has a hard deadline', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sbom-deadline-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("kills a trivy that runs past timeout + grace and fails naming the 'timeout' input", async () => {
    // a trivy that ignores its own --timeout: a real process that would run for 60 s
    const trivy = path.join(dir, 'trivy');
    writeFileSync(trivy, '#!/bin/sh\nexec sleep 60\n');
    chmodSync(trivy, 0o755);
    const timeoutMs = 10; // the deadline is 10 ms + the 1 s minimum grace of deadlineMs
    expect(deadlineMs(timeoutMs)).toBe(1010);
    const lines: string[] = [];
    const started = Date.now();
    const failure = await runGenerator(
      trivy,
      'trivy',
      {
        ref: `127.0.0.1:5000/x/api@${D}`,
        format: 'cyclonedx',
        output: path.join(dir, 'api.cdx.json'),
        cacheDir: path.join(dir, 'cache'),
        timeout: '10ms'
      },
      generatorSpawn('trivy', timeoutMs, (line) => lines.push(line))
    ).catch((error: unknown) => error);
    // killed at the deadline, long before the 60 s sleep ends (the margin is for a busy machine)
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(failure).toBeInstanceOf(ToolError);
    expect((failure as ToolError).message).toMatch(/killed: no SBOM within the 10ms timeout/);
    expect((failure as ToolError).message).toMatch(/Hint: raise 'timeout'/);
  });

  it("kills a syft (no timeout of its own) at the 'timeout' input and fails naming it", async () => {
    const syft = path.join(dir, 'syft');
    writeFileSync(syft, '#!/bin/sh\nexec sleep 60\n');
    chmodSync(syft, 0o755);
    const started = Date.now();
    const failure = await runGenerator(
      syft,
      'syft',
      {
        ref: `127.0.0.1:5000/x/api@${D}`,
        format: 'cyclonedx',
        output: path.join(dir, 'api.cdx.json'),
        cacheDir: path.join(dir, 'cache'),
        timeout: '1s'
      },
      generatorSpawn('syft', 1_000, () => undefined)
    ).catch((error: unknown) => error);
    // SIGTERM at 1 s ends `sleep` at once (SIGKILL would follow 5 s later); the margin is for a busy machine
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(failure).toBeInstanceOf(ToolError);
    expect((failure as ToolError).message).toMatch(/killed: no SBOM within the 1s timeout/);
    expect((failure as ToolError).message).toMatch(/Hint: raise 'timeout'/);
  });
});
