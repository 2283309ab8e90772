import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { IMAGE_RECORD_SCHEMA, type ImageRecord } from '../../../actions/lib/image-record.js';
import { type ManifestStore, promote, promotionTargets } from '../../../actions/promote/promote.js';

const body = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}');
const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
const record: ImageRecord = {
  schema: IMAGE_RECORD_SCHEMA,
  service: 'api',
  image: 'ghcr.io/acme/api',
  digest,
  ref: `ghcr.io/acme/api@${digest}`,
  tags: ['ghcr.io/acme/api:candidate-1-1'],
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  platforms: [],
  compressedSize: 1,
  createdAt: '2026-11-23T00:00:00Z'
};

/** An in-memory registry repository; `failOn` makes one tag's PUT fail. */
function store(failOn?: string): ManifestStore & { tags: Map<string, string> } {
  const tags = new Map<string, string>();
  return {
    tags,
    async getManifestBytes(_repo, ref) {
      if (ref !== digest) throw new Error('manifest unknown');
      return { body, mediaType: 'application/vnd.oci.image.manifest.v1+json', digest };
    },
    async putManifest(_repo, tag, bytes) {
      if (tag === failOn) throw new Error('HTTP 500');
      const d = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      tags.set(tag, d);
      return d;
    },
    async resolve(_repo, ref) {
      return tags.get(ref);
    }
  };
}

describe('promotionTargets', () => {
  test('tags in the record repository', () => {
    expect(promotionTargets(record, ['ghcr.io/acme/api:main', 'ghcr.io/acme/api:1.2.3'])).toEqual([
      { ref: 'ghcr.io/acme/api:main', tag: 'main' },
      { ref: 'ghcr.io/acme/api:1.2.3', tag: '1.2.3' }
    ]);
  });
  test('another repository, a digest reference, an untagged name, nothing — errors naming the input', () => {
    expect(() => promotionTargets(record, ['ghcr.io/acme/web:main'])).toThrow(
      /Input 'tags': 'ghcr.io\/acme\/web:main' is not in ghcr.io\/acme\/api/
    );
    expect(() => promotionTargets(record, [`ghcr.io/acme/api@${digest}`])).toThrow(/is not a tag reference/);
    expect(() => promotionTargets(record, ['ghcr.io/acme/api'])).toThrow(/is not a tag reference/);
    expect(() => promotionTargets(record, [])).toThrow(/Input 'tags' is empty/);
  });
});

describe('promote', () => {
  test('writes every tag to the record digest; a re-run is harmless', async () => {
    const s = store();
    const targets = promotionTargets(record, ['ghcr.io/acme/api:main', 'ghcr.io/acme/api:latest']);
    expect(await promote(s, record, targets)).toEqual(['ghcr.io/acme/api:main', 'ghcr.io/acme/api:latest']);
    expect(await promote(s, record, targets)).toHaveLength(2);
    expect([...s.tags.values()]).toEqual([digest, digest]);
  });
  test('a failed write says what was and was not promoted', async () => {
    const s = store('latest');
    const targets = promotionTargets(record, [
      'ghcr.io/acme/api:main',
      'ghcr.io/acme/api:latest',
      'ghcr.io/acme/api:1.0.0'
    ]);
    await expect(promote(s, record, targets)).rejects.toThrow(
      /promoting ghcr.io\/acme\/api:latest failed: HTTP 500\. Promoted: ghcr.io\/acme\/api:main; not promoted: ghcr.io\/acme\/api:latest, ghcr.io\/acme\/api:1.0.0/
    );
  });
  test('a digest the registry does not have stops before any tag is written', async () => {
    const s = store();
    const other = { ...record, digest: `sha256:${'0'.repeat(64)}` };
    await expect(promote(s, other, promotionTargets(other, ['ghcr.io/acme/api:main']))).rejects.toThrow(
      /manifest unknown/
    );
    expect(s.tags.size).toBe(0);
  });
  test('an index is promoted only when every platform manifest it lists is in the repository', async () => {
    const child = `sha256:${'a'.repeat(64)}`;
    const missing = `sha256:${'b'.repeat(64)}`;
    const indexBody = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [{ digest: child }, { digest: missing }]
      })
    );
    const indexDigest = `sha256:${createHash('sha256').update(indexBody).digest('hex')}`;
    const indexRecord = {
      ...record,
      digest: indexDigest,
      mediaType: 'application/vnd.oci.image.index.v1+json'
    };
    const tags = new Map<string, string>([[child, child]]);
    const s: ManifestStore = {
      async getManifestBytes() {
        return { body: indexBody, mediaType: 'application/vnd.oci.image.index.v1+json', digest: indexDigest };
      },
      async putManifest(_repo, tag, bytes) {
        const d = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
        tags.set(tag, d);
        return d;
      },
      async resolve(_repo, ref) {
        return tags.get(ref);
      }
    };
    const targets = promotionTargets(indexRecord, ['ghcr.io/acme/api:main']);
    await expect(promote(s, indexRecord, targets)).rejects.toThrow(
      new RegExp(`lists ${missing}, which is not in ghcr.io/acme/api; not promoting \\(no tag written\\)`)
    );
    expect(tags.has('main')).toBe(false);
    tags.set(missing, missing);
    expect(await promote(s, indexRecord, targets)).toEqual(['ghcr.io/acme/api:main']);
    expect(tags.get('main')).toBe(indexDigest);
  });
});
