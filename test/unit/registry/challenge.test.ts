/**
 * RegistryClient's bearer challenge against a small local registry+token server: a pull token for reads, a new
 * challenge with push scope answered once for a write, and a refusal that stands when the token does not change.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { RegistryClient, sha256Digest } from '../../../actions/lib/registry.js';

const manifest = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}');
let server: http.Server;
let host: string;
const tokenRequests: string[] = [];
let pushAllowed = true;
let ghcrLike = false;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (url.pathname === '/token') {
      const scope = url.searchParams.get('scope') ?? '';
      tokenRequests.push(scope);
      const token = scope.endsWith('push') && pushAllowed ? 'push-token' : 'pull-token';
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }));
      return;
    }
    const auth = req.headers.authorization ?? '';
    const write = req.method === 'PUT';
    // like GHCR: the challenge names a pull scope even for a write
    const scope = ghcrLike
      ? 'repository:acme/api:pull'
      : `repository:acme/api:${write ? 'pull,push' : 'pull'}`;
    const ok = write ? auth === 'Bearer push-token' : /^Bearer (pull|push)-token$/.test(auth);
    if (!ok) {
      res
        .writeHead(401, {
          'www-authenticate': `Bearer realm="http://${host}/token",service="test",scope="${scope}"`
        })
        .end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    if (write) {
      req.resume();
      req.on('end', () => res.writeHead(201, { 'docker-content-digest': 'sha256:written' }).end());
      return;
    }
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(manifest);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('RegistryClient bearer challenge', () => {
  test('reads with a pull token, then answers the push challenge of a write once', async () => {
    tokenRequests.length = 0;
    pushAllowed = true;
    const client = new RegistryClient(host);
    const fetched = await client.getManifestBytes('acme/api', 'latest');
    expect(fetched.digest).toBe(await sha256Digest(manifest));
    expect(await client.putManifest('acme/api', 'main', fetched.body, fetched.mediaType)).toBe(
      'sha256:written'
    );
    expect(tokenRequests).toEqual(['repository:acme/api:pull', 'repository:acme/api:pull,push']);
  });

  test("a write asks pull,push itself when the challenge names only pull (GHCR's placeholder scope)", async () => {
    tokenRequests.length = 0;
    pushAllowed = true;
    ghcrLike = true;
    try {
      const client = new RegistryClient(host);
      expect(await client.putManifest('acme/api', 'main', manifest, 'application/json')).toBe(
        'sha256:written'
      );
      expect(tokenRequests).toEqual(['repository:acme/api:pull,push']);
      // a read after it keeps using the push token (no new token request)
      await client.getManifestBytes('acme/api', 'latest');
      expect(tokenRequests).toHaveLength(1);
    } finally {
      ghcrLike = false;
    }
  });

  test('a refused write whose token does not change fails with the 401, after one token request', async () => {
    tokenRequests.length = 0;
    pushAllowed = false;
    const client = new RegistryClient(host);
    await client.getManifestBytes('acme/api', 'latest');
    await expect(client.putManifest('acme/api', 'main', manifest, 'application/json')).rejects.toThrow(
      /PUT manifest acme\/api:main on 127\.0\.0\.1:\d+: HTTP 401/
    );
    expect(tokenRequests).toEqual(['repository:acme/api:pull', 'repository:acme/api:pull,push']);
  });
});
