import {
  ATTESTATION_TYPE,
  predicateLimit,
  PREDICATE_LIMIT_BYTES,
  syftArgs,
  trivyArgs
} from '../../../actions/sbom/generate.js';
import { componentNames, trimCycloneDx, trimSpdx } from '../../../actions/sbom/trim.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('generator command lines', () => {
  it('trivy: offline SBOM, no DB download, --insecure only for a plain-http registry', () => {
    const o = {
      ref: `ghcr.io/acme/api@${D}`,
      format: 'cyclonedx' as const,
      output: '/o/api.cdx.json',
      cacheDir: '/c',
      timeout: '10m'
    };
    expect(trivyArgs(o)).toEqual([
      'image',
      '--format',
      'cyclonedx',
      '--output',
      '/o/api.cdx.json',
      '--cache-dir',
      '/c',
      '--timeout',
      '10m',
      '--no-progress',
      '--skip-db-update',
      '--skip-java-db-update',
      '--offline-scan',
      `ghcr.io/acme/api@${D}`
    ]);
    expect(trivyArgs({ ...o, ref: `127.0.0.1:5000/a@${D}`, format: 'spdx-json' })).toEqual(
      expect.arrayContaining(['spdx-json', '--insecure'])
    );
  });

  it('syft: registry source, format=file, http through its env', () => {
    expect(
      syftArgs({
        ref: `localhost:5000/a@${D}`,
        format: 'spdx-json',
        output: '/o/a.spdx.json',
        cacheDir: '/c',
        timeout: '1m'
      })
    ).toEqual({
      args: ['scan', `registry:localhost:5000/a@${D}`, '-o', 'spdx-json=/o/a.spdx.json'],
      env: { SYFT_REGISTRY_INSECURE_USE_HTTP: 'true', SYFT_CHECK_FOR_APP_UPDATE: 'false' }
    });
  });

  it('formats map to cosign attestation types', () => {
    expect(ATTESTATION_TYPE).toEqual({ cyclonedx: 'cyclonedx', 'spdx-json': 'spdxjson' });
  });

  it('the predicate limit is 16 MiB unless a test lowers it', () => {
    expect(PREDICATE_LIMIT_BYTES).toBe(16 * 1024 * 1024);
    expect(predicateLimit({})).toBe(16 * 1024 * 1024);
    expect(predicateLimit({ SLIPWAY_SBOM_PREDICATE_LIMIT: '1000' })).toBe(1000);
  });
});

describe('trim', () => {
  it('CycloneDX: drops file components, properties and evidence; keeps identities and dependencies between kept components', () => {
    const doc = {
      bomFormat: 'CycloneDX',
      metadata: { component: { 'bom-ref': 'img', name: 'img', properties: [{ name: 'x', value: 'y' }] } },
      components: [
        {
          'bom-ref': 'a',
          type: 'library',
          name: 'left-pad',
          version: '1.3.0',
          purl: 'pkg:npm/left-pad@1.3.0',
          properties: [{ name: 'p' }],
          evidence: { occurrences: [] }
        },
        { 'bom-ref': 'f', type: 'file', name: '/app/x.js' },
        {
          'bom-ref': 'o',
          type: 'operating-system',
          name: 'debian',
          components: [{ 'bom-ref': 'n', type: 'library', name: 'nested', properties: [] }]
        }
      ],
      dependencies: [
        { ref: 'img', dependsOn: ['a', 'f', 'o'] },
        { ref: 'f', dependsOn: [] }
      ]
    };
    const t = trimCycloneDx(doc);
    expect(t.components).toEqual([
      { 'bom-ref': 'a', type: 'library', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0' },
      {
        'bom-ref': 'o',
        type: 'operating-system',
        name: 'debian',
        components: [{ 'bom-ref': 'n', type: 'library', name: 'nested' }]
      }
    ]);
    expect(t.dependencies).toEqual([{ ref: 'img', dependsOn: ['a', 'o'] }]);
    expect(t.metadata).toEqual({ component: { 'bom-ref': 'img', name: 'img' } });
    expect(componentNames(t, 'cyclonedx')).toEqual(['left-pad', 'debian', 'nested']);
    // the input is not changed
    expect(doc.components).toHaveLength(3);
  });

  it('SPDX: drops files, relationships to files, hasFiles and attribution texts', () => {
    const doc = {
      spdxVersion: 'SPDX-2.3',
      packages: [
        { SPDXID: 'SPDXRef-P', name: 'left-pad', hasFiles: ['SPDXRef-File-1'], attributionTexts: ['x'] }
      ],
      files: [{ SPDXID: 'SPDXRef-File-1', fileName: 'a' }],
      relationships: [
        { spdxElementId: 'SPDXRef-DOCUMENT', relatedSpdxElement: 'SPDXRef-P', relationshipType: 'DESCRIBES' },
        { spdxElementId: 'SPDXRef-P', relatedSpdxElement: 'SPDXRef-File-1', relationshipType: 'CONTAINS' }
      ]
    };
    const t = trimSpdx(doc);
    expect(t).toEqual({
      spdxVersion: 'SPDX-2.3',
      packages: [{ SPDXID: 'SPDXRef-P', name: 'left-pad' }],
      relationships: [
        { spdxElementId: 'SPDXRef-DOCUMENT', relatedSpdxElement: 'SPDXRef-P', relationshipType: 'DESCRIBES' }
      ]
    });
    expect(componentNames(t, 'spdx-json')).toEqual(['left-pad']);
  });
});
