import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Generator, generatorSpawn, runGenerator } from '../../../actions/sbom/generate.js';
import { ToolError } from '../../../actions/lib/errors.js';
import { deadlineMs } from '../../../actions/lib/trivy.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('sbom: a generator run has a hard deadline', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sbom-deadline-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * Runs `generator` as a real process that would sleep for 60 s (one that ignores any timeout of its own) with the
   * `timeout` input `timeout` (`timeoutMs`); the failure and how long it took.
   */
  async function stuck(
    generator: Generator,
    timeout: string,
    timeoutMs: number
  ): Promise<{ failure: unknown; ms: number }> {
    const tool = path.join(dir, generator);
    writeFileSync(tool, '#!/bin/sh\nexec sleep 60\n');
    chmodSync(tool, 0o755);
    const started = Date.now();
    const options = {
      ref: `127.0.0.1:5000/x/api@${D}`,
      format: 'cyclonedx' as const,
      output: path.join(dir, 'api.cdx.json'),
      cacheDir: path.join(dir, 'cache'),
      timeout
    };
    const failure = await runGenerator(
      tool,
      generator,
      options,
      generatorSpawn(generator, timeoutMs, () => undefined)
    ).catch((error: unknown) => error);
    return { failure, ms: Date.now() - started };
  }

  it("kills a trivy that runs past timeout + grace and fails naming the 'timeout' input", async () => {
    const timeoutMs = 10; // the deadline is 10 ms + the 1 s minimum grace of deadlineMs
    expect(deadlineMs(timeoutMs)).toBe(1010);
    const { failure, ms } = await stuck('trivy', '10ms', timeoutMs);
    // killed at the deadline, long before the 60 s sleep ends (the margin is for a busy machine)
    expect(ms).toBeLessThan(30_000);
    expect(failure).toBeInstanceOf(ToolError);
    expect((failure as ToolError).message).toMatch(/killed: no SBOM within the 10ms timeout/);
    expect((failure as ToolError).message).toMatch(/Hint: raise 'timeout'/);
  });

  it("kills a syft (no timeout of its own) at the 'timeout' input and fails naming it", async () => {
    // SIGTERM at 1 s ends `sleep` at once (SIGKILL would follow 5 s later); the margin is for a busy machine
    const { failure, ms } = await stuck('syft', '1s', 1_000);
    expect(ms).toBeLessThan(30_000);
    expect(failure).toBeInstanceOf(ToolError);
    expect((failure as ToolError).message).toMatch(/killed: no SBOM within the 1s timeout/);
    expect((failure as ToolError).message).toMatch(/Hint: raise 'timeout'/);
  });
});
