import { parseImageRef, requireDigestRef, isInsecureRegistry } from '../../actions/lib/image-ref.js';
import { parseImageRecord } from '../../actions/lib/image-record.js';

const D = 'sha256:' + 'a'.repeat(64);

describe('image references', () => {
  it('parses registry, repository, tag and digest', () => {
    expect(parseImageRef('ghcr.io/acme/api:1.2.3')).toEqual({
      registry: 'ghcr.io',
      repository: 'acme/api',
      tag: '1.2.3',
      digest: undefined
    });
    expect(parseImageRef(`localhost:5000/x/y@${D}`)).toEqual({
      registry: 'localhost:5000',
      repository: 'x/y',
      tag: undefined,
      digest: D
    });
    expect(parseImageRef('alpine')).toMatchObject({ registry: 'docker.io', repository: 'library/alpine' });
  });
  it('rejects upper case repositories and bad digests', () => {
    expect(() => parseImageRef('ghcr.io/Acme/api:1')).toThrow(/not a valid OCI name/);
    expect(() => parseImageRef('ghcr.io/acme/api@sha256:abc')).toThrow(/not a sha256 digest/);
  });
  it('refuses a tag where a digest is needed, saying why', () => {
    expect(() => requireDigestRef('ghcr.io/acme/api:latest', 'image')).toThrow(
      /Input 'image': 'ghcr.io\/acme\/api:latest' has no digest.*a tag can be moved/
    );
    expect(requireDigestRef(`ghcr.io/acme/api@${D}`, 'image').digest).toBe(D);
  });
  it('treats only loopback registries as plain http', () => {
    expect(isInsecureRegistry('localhost:5000')).toBe(true);
    expect(isInsecureRegistry('127.0.0.1:5000')).toBe(true);
    expect(isInsecureRegistry('ghcr.io')).toBe(false);
  });
});

describe('image records', () => {
  const record = {
    schema: 'slipway.image-record/v1',
    service: 'api',
    image: 'ghcr.io/acme/api',
    digest: D,
    ref: '',
    tags: [],
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    platforms: [{ platform: 'linux/amd64', digest: D, compressedSize: 10 }],
    compressedSize: 10,
    createdAt: '2026-01-01T00:00:00Z'
  };
  it('round-trips and derives ref', () => {
    expect(parseImageRecord(JSON.stringify(record)).ref).toBe(`ghcr.io/acme/api@${D}`);
  });
  it('names the input and the fix', () => {
    expect(() => parseImageRecord('{', 'image-record')).toThrow(/Input 'image-record' is not JSON/);
    expect(() => parseImageRecord({ ...record, digest: 'latest' })).toThrow(/'digest' must be sha256/);
  });
});
