/**
 * sbom's `output-dir` naming an existing file is refused before any SBOM is generated or pushed, naming the input
 * (it used to crash in mkdirSync with a raw EEXIST/ENOTDIR error).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from '@jest/globals';
import { ConfigurationError } from '../../../actions/lib/errors.js';
import { failureMessage } from '../../../actions/lib/run.js';
import { run } from '../../../actions/sbom/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-sbom-outdir-'));
const set: string[] = [];
const input = (name: string, value: string): void => {
  const key = `INPUT_${name.toUpperCase()}`;
  process.env[key] = value;
  set.push(key);
};
afterEach(() => {
  for (const key of set.splice(0)) delete process.env[key];
  rmSync(dir, { recursive: true, force: true });
});

test('output-dir naming a file names the input and the fix', async () => {
  const file = path.join(dir, 'not-a-dir');
  writeFileSync(file, 'x');
  input('images', `127.0.0.1:5000/acme/api@sha256:${'a'.repeat(64)}`);
  input('attest', 'false');
  input('output-dir', file);
  const error = await run().then(
    () => undefined,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(ConfigurationError);
  const text = failureMessage(error);
  expect(text).toBe(
    `Input 'output-dir': ${file} exists and is not a directory; name a directory (it is created if missing)`
  );
});
