import { IMAGE_RECORD_SCHEMA, type ImageRecord } from '../../../actions/lib/image-record.js';
import {
  expandIndexes,
  requireDigest,
  resolveTargets,
  targetsFromRecords
} from '../../../actions/lib/sign-targets.js';

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const base: ImageRecord = {
  schema: IMAGE_RECORD_SCHEMA,
  service: 'api',
  image: 'ghcr.io/acme/api',
  digest: d('a'),
  ref: `ghcr.io/acme/api@${d('a')}`,
  tags: ['ghcr.io/acme/api:main'],
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  platforms: [{ platform: 'linux/amd64', digest: d('a'), compressedSize: 1 }],
  compressedSize: 1,
  createdAt: '2026-01-01T00:00:00Z'
};
const index: ImageRecord = {
  ...base,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  platforms: [
    { platform: 'linux/amd64', digest: d('b'), compressedSize: 1 },
    { platform: 'linux/arm64/v8', digest: d('c'), compressedSize: 1 }
  ]
};

describe('sign targets', () => {
  it('a single-platform record is its digest', () => {
    expect(targetsFromRecords([base], true)).toEqual([
      {
        ref: `ghcr.io/acme/api@${d('a')}`,
        image: 'ghcr.io/acme/api',
        digest: d('a'),
        name: 'api',
        kind: 'image',
        platform: 'linux/amd64'
      }
    ]);
  });

  it('an index is signed as the index, and optionally each platform manifest', () => {
    expect(targetsFromRecords([index], false).map((t) => [t.kind, t.digest])).toEqual([['index', d('a')]]);
    expect(targetsFromRecords([index], true).map((t) => [t.kind, t.name, t.digest])).toEqual([
      ['index', 'api', d('a')],
      ['platform', 'api-linux-amd64', d('b')],
      ['platform', 'api-linux-arm64-v8', d('c')]
    ]);
  });

  it('accepts one record or a JSON array; duplicates are signed once', () => {
    expect(
      resolveTargets({ recordInput: JSON.stringify(base), refs: [], withPlatforms: false })
    ).toHaveLength(1);
    expect(
      resolveTargets({ recordInput: JSON.stringify([base, base]), refs: [], withPlatforms: false })
    ).toHaveLength(1);
  });

  it('refuses a tag with the reason (cosign#2313) and the fix', () => {
    expect(() => requireDigest('ghcr.io/acme/api:main', 'images')).toThrow(
      /Input 'images': 'ghcr.io\/acme\/api:main' is a tag, not a digest.*sigstore\/cosign#2313.*image@sha256:<digest>/
    );
    expect(() =>
      resolveTargets({ recordInput: undefined, refs: ['ghcr.io/acme/api'], withPlatforms: false })
    ).toThrow(/is a tag, not a digest/);
  });

  it('needs exactly one of image-record and images', () => {
    expect(() => resolveTargets({ recordInput: undefined, refs: [], withPlatforms: false })).toThrow(
      /Nothing to act on/
    );
    expect(() =>
      resolveTargets({
        recordInput: JSON.stringify(base),
        refs: [`ghcr.io/acme/api@${d('a')}`],
        withPlatforms: false
      })
    ).toThrow(/either 'image-record' or 'images'/);
    expect(() => resolveTargets({ recordInput: '{', refs: [], withPlatforms: false })).toThrow(
      /image-record' is not JSON/
    );
  });
});

describe('expandIndexes', () => {
  const ref = `ghcr.io/acme/api@${d('a')}`;
  const targets = () => resolveTargets({ recordInput: undefined, refs: [ref], withPlatforms: false });
  const indexManifest = {
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifest: {
      schemaVersion: 2,
      manifests: [
        { mediaType: 'm', digest: d('b'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
        {
          mediaType: 'm',
          digest: d('c'),
          size: 1,
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest' }
        }
      ]
    }
  };

  it('adds the platform manifests of an index, not buildx attestation manifests', async () => {
    const out = await expandIndexes(targets(), async () => indexManifest, true);
    expect(out.map((t) => [t.kind, t.name, t.digest, t.platform])).toEqual([
      ['index', 'api', d('a'), undefined],
      ['platform', 'api-linux-amd64', d('b'), 'linux/amd64']
    ]);
    expect((await expandIndexes(targets(), async () => indexManifest, false)).map((t) => t.kind)).toEqual([
      'index'
    ]);
  });

  it('keeps an image as is, and a digest the registry cannot answer for (reporting it)', async () => {
    const image = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      manifest: { schemaVersion: 2, layers: [] }
    };
    expect((await expandIndexes(targets(), async () => image, true)).map((t) => t.kind)).toEqual(['image']);
    const errors: string[] = [];
    const out = await expandIndexes(
      targets(),
      async () => {
        throw new Error('connection refused');
      },
      true,
      (t, e) => errors.push(`${t.ref}: ${(e as Error).message}`)
    );
    expect(out.map((t) => t.kind)).toEqual(['image']);
    expect(errors).toEqual([`${ref}: connection refused`]);
  });
});
