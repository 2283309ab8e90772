/**
 * Bad inputs that used to crash with a raw JavaScript error now fail with a message naming the input, the cause
 * and the fix: a registry answering 200 with HTML, and image records with `platforms: [null]` or a platform entry
 * without `platform`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { RegistryClient, RegistryError } from '../../../actions/lib/registry.js';
import { parseImageRecord, parseImageRecords } from '../../../actions/lib/image-record.js';
import { ConfigurationError } from '../../../actions/lib/errors.js';
import { failureMessage } from '../../../actions/lib/run.js';

const noStack = (text: string): void => expect(text).not.toMatch(/^\s+at /m);

describe('a registry answering 200 with HTML', () => {
  let server: http.Server;
  let host: string;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end('<html><body>Sign in</body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  for (const method of ['getManifest', 'getManifestBytes'] as const) {
    test(`${method} names the URL, the content-type and the 'registry' input`, async () => {
      const client = new RegistryClient(host);
      const error = await client[method]('acme/api', 'v1').then(
        () => undefined,
        (e: unknown) => e
      );
      expect(error).toBeInstanceOf(RegistryError);
      const text = failureMessage(error);
      expect(text).toContain(`http://${host}/v2/acme/api/manifests/v1`);
      expect(text).toContain('text/html');
      expect(text).toContain("input 'registry'");
      expect(text).toMatch(/proxy/);
      expect(text).not.toMatch(/SyntaxError|Unexpected token/);
      noStack(text);
    });
  }
});

describe('image record platform entries', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const record = (platforms: unknown): string =>
    JSON.stringify({
      schema: 'slipway.image-record/v1',
      service: 'api',
      image: '127.0.0.1:5000/acme/api',
      digest,
      tags: [],
      mediaType: 'application/vnd.oci.image.index.v1+json',
      platforms,
      compressedSize: 1,
      createdAt: '2026-01-01T00:00:00Z'
    });

  test.each([
    ['[null]', [null], /platforms\[0\] must be an object/],
    ['a string entry', ['linux/amd64'], /platforms\[0\] must be an object/],
    [
      'an entry without platform',
      [{ digest, compressedSize: 1 }],
      /platforms\[0\]\.platform must be 'os\/arch\[\/variant\]', got null/
    ],
    ['a malformed platform', [{ platform: 'linux', digest }], /platforms\[0\]\.platform .* got "linux"/],
    [
      'an entry without digest',
      [{ platform: 'linux/amd64' }],
      /platform linux\/amd64 has an invalid digest 'undefined'/
    ]
  ])('%s is refused naming the input and the fix', (_name, platforms, cause) => {
    let error: unknown;
    try {
      parseImageRecord(record(platforms));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const text = failureMessage(error);
    expect(text).toContain("Input 'image-record'");
    expect(text).toMatch(cause);
    expect(text).toContain("pass the 'image-record' output of the build action");
    expect(text).not.toMatch(/TypeError|Cannot read/);
    noStack(text);
  });

  test('the aggregated records input names its own input', () => {
    expect(() => parseImageRecords(`[${record([null])}]`)).toThrow(/Input 'image-records': platforms\[0\]/);
  });

  test('a valid record still parses', () => {
    const r = parseImageRecord(record([{ platform: 'linux/arm64/v8', digest, compressedSize: 1 }]));
    expect(r.ref).toBe(`127.0.0.1:5000/acme/api@${digest}`);
  });
});
