import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jsonErrorLine, jsonLineOfPath } from '../../../actions/lib/json-location.js';
import { ConfigurationError } from '../../../actions/lib/errors.js';
import { loadEnvironmentConfig } from '../../../actions/deploy/config.js';
import { parseServicesManifest } from '../../../actions/lib/services-manifest.js';
import { parseIgnoreFile } from '../../../actions/trivy-gate/ignore.js';

const locationOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigurationError) return error.location;
    throw error;
  }
  throw new Error('did not throw');
};

describe('config locations', () => {
  it('finds the line of a JSON pointer in JSON text, and of a JSON.parse error', () => {
    const text = '{\n  "url": "http://x",\n  "services": {\n    "api": { "ports": { "blue": 1 } }\n  }\n}\n';
    expect(jsonLineOfPath(text, '/services/api/ports/blue')).toBe(4);
    expect(jsonLineOfPath(text, '/services/missing')).toBe(3);
    const bad = '{\n  "a": 1,\n  "b": ,\n}\n';
    expect(jsonErrorLine(bad)).toBe(3);
  });

  it('the services manifest, the ignore file and the deploy config carry file and line', () => {
    expect(
      locationOf(() =>
        parseServicesManifest(
          'version: 1\nservices:\n  - name: api\n  - name: api\n',
          '.slipway/services.yml'
        )
      )
    ).toEqual({ file: '.slipway/services.yml', line: 4 });
    expect(
      locationOf(() =>
        parseServicesManifest('version: 1\nservices:\n  - name: API\n', '.slipway/services.yml')
      )
    ).toEqual({ file: '.slipway/services.yml', line: 3 });
    expect(locationOf(() => parseIgnoreFile('- id: A\n  reason: r\n- id: B\n', 'ign.yml'))).toEqual({
      file: 'ign.yml',
      line: 3
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-loc-'));
    writeFileSync(path.join(dir, 'dev.json'), '{\n  "url": "http://x",\n  "target": 5\n}\n');
    expect(locationOf(() => loadEnvironmentConfig(dir, 'dev'))).toMatchObject({
      file: path.join(dir, 'dev.json'),
      line: expect.any(Number)
    });
    writeFileSync(path.join(dir, 'test.json'), '{\n  "url": "http://x",\n  oops\n}\n');
    expect(locationOf(() => loadEnvironmentConfig(dir, 'test'))).toEqual({
      file: path.join(dir, 'test.json'),
      line: 3
    });
  });
});
