import {
  imagesFromRefs,
  parseVersionSpec,
  resolveSemver,
  type TagResolver
} from '../../../actions/deploy/resolve.js';
import type { ServiceConfig } from '../../../actions/deploy/config.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const services: Record<string, ServiceConfig> = {
  api: { image: 'ghcr.io/acme/api', healthPath: '/api/health' },
  web: { image: 'ghcr.io/acme/web', healthPath: '/health' }
};

describe('parseVersionSpec', () => {
  it.each([
    ['', { kind: 'latest' }],
    ['latest', { kind: 'latest' }],
    ['previous', { kind: 'previous' }],
    ['1.2.3', { kind: 'semver', version: '1.2.3' }],
    ['v1.2.3', { kind: 'semver', version: '1.2.3' }],
    ['2.0.0-rc.1', { kind: 'semver', version: '2.0.0-rc.1' }],
    [d('a'), { kind: 'digest', digest: d('a') }],
    [
      `ghcr.io/acme/api@${d('a')}\nghcr.io/acme/web@${d('b')}`,
      { kind: 'refs', refs: [`ghcr.io/acme/api@${d('a')}`, `ghcr.io/acme/web@${d('b')}`] }
    ]
  ])('%j', (raw, expected) => expect(parseVersionSpec(raw)).toEqual(expected));

  it('anything else is a clear error listing what is accepted', () => {
    expect(() => parseVersionSpec('main')).toThrow(
      "Input 'version': 'main' is not a version Slipway can deploy. Use 'latest'"
    );
    expect(() => parseVersionSpec('1.2')).toThrow('is not a version Slipway can deploy');
  });
});

describe('imagesFromRefs', () => {
  it('matches references to services by repository', () => {
    const spec = parseVersionSpec(`ghcr.io/acme/web@${d('b')}, ghcr.io/acme/api@${d('a')}`);
    expect(imagesFromRefs(spec as never, services)).toEqual([
      { service: 'api', image: 'ghcr.io/acme/api', digest: d('a') },
      { service: 'web', image: 'ghcr.io/acme/web', digest: d('b') }
    ]);
  });

  it('refuses a bare digest with several services, a foreign image and a missing service', () => {
    expect(() => imagesFromRefs({ kind: 'digest', digest: d('a') }, services)).toThrow(
      'a bare digest is ambiguous with 2 services'
    );
    expect(() => imagesFromRefs({ kind: 'refs', refs: [`ghcr.io/other/x@${d('a')}`] }, services)).toThrow(
      'is not the image of any service'
    );
    expect(() => imagesFromRefs({ kind: 'refs', refs: [`ghcr.io/acme/api@${d('a')}`] }, services)).toThrow(
      'names no image for service(s) web'
    );
  });

  it('accepts the image records of the build action', () => {
    const record = (service: string, c: string) => ({
      schema: 'slipway.image-record/v1',
      service,
      image: `ghcr.io/acme/${service}`,
      digest: d(c),
      tags: [],
      platforms: [],
      mediaType: 'application/vnd.oci.image.index.v1+json',
      compressedSize: 1,
      createdAt: '2026-01-01T00:00:00Z'
    });
    const spec = parseVersionSpec(JSON.stringify([record('web', 'b'), record('api', 'a')]));
    expect(imagesFromRefs(spec as never, services).map((i) => i.digest)).toEqual([d('a'), d('b')]);
  });
});

describe('resolveSemver', () => {
  const registry = (tags: Record<string, Record<string, string>>): TagResolver => ({
    resolve: async (image, tag) => tags[image]?.[tag],
    listTags: async (image) => Object.keys(tags[image] ?? {})
  });

  it('resolves the tag of every service to its digest', async () => {
    const r = registry({ 'ghcr.io/acme/api': { '1.0.0': d('a') }, 'ghcr.io/acme/web': { '1.0.0': d('b') } });
    expect(await resolveSemver('1.0.0', services, r)).toEqual([
      { service: 'api', image: 'ghcr.io/acme/api', digest: d('a') },
      { service: 'web', image: 'ghcr.io/acme/web', digest: d('b') }
    ]);
  });

  it('a version missing for one service names it and the newest versions there', async () => {
    const r = registry({
      'ghcr.io/acme/api': { '1.0.0': d('a') },
      'ghcr.io/acme/web': { '0.9.0': d('b'), '0.10.0': d('c'), main: d('d') }
    });
    await expect(resolveSemver('1.0.0', services, r)).rejects.toThrow(
      'Version 1.0.0 does not exist for every service: ghcr.io/acme/web:1.0.0 (web; newest versions there: 0.10.0, 0.9.0)'
    );
  });
});
