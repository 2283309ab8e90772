import { cacheFlags, getBuildArgs } from '../../actions/build/args.js';
import { checkBudget, parseSize } from '../../actions/build/budget.js';

const service = {
  name: 'api',
  context: '.',
  dockerfile: 'services/api/Dockerfile',
  target: 'runtime',
  platforms: ['linux/amd64'],
  buildArgs: {},
  paths: []
};

describe('getBuildArgs', () => {
  it('builds the buildx command line in a stable order', () => {
    expect(
      getBuildArgs({
        repoRoot: '/repo',
        service,
        context: 'services/api',
        dockerfile: 'services/api/Dockerfile',
        target: 'runtime',
        secrets: ['id=npm_token,env=SLIPWAY_BUILD_SECRET_0', 'id=netrc,src=/repo/.netrc'],
        ssh: ['default'],
        tags: ['ghcr.io/acme/api:main', 'ghcr.io/acme/api:sha-abc1234'],
        labels: { 'org.opencontainers.image.title': 'api' },
        annotations: ['manifest:org.opencontainers.image.title=api'],
        buildArgs: { VERSION: '1.2.3' },
        platforms: ['linux/amd64'],
        push: true,
        load: false,
        cacheFrom: ['type=gha,scope=api'],
        cacheTo: ['type=gha,scope=api,mode=max'],
        network: 'host',
        provenance: 'false',
        metadataFile: '/tmp/meta.json',
        supportsAnnotations: true,
        noCache: false,
        pull: false
      })
    ).toEqual([
      'buildx',
      'build',
      '--file',
      'services/api/Dockerfile',
      '--target',
      'runtime',
      '--platform',
      'linux/amd64',
      '--build-arg',
      'VERSION=1.2.3',
      '--label',
      'org.opencontainers.image.title=api',
      '--annotation',
      'manifest:org.opencontainers.image.title=api',
      '--tag',
      'ghcr.io/acme/api:main',
      '--tag',
      'ghcr.io/acme/api:sha-abc1234',
      '--cache-from',
      'type=gha,scope=api',
      '--cache-to',
      'type=gha,scope=api,mode=max',
      '--secret',
      'id=npm_token,env=SLIPWAY_BUILD_SECRET_0',
      '--secret',
      'id=netrc,src=/repo/.netrc',
      '--ssh',
      'default',
      '--network',
      'host',
      '--provenance=false',
      '--push',
      '--metadata-file',
      '/tmp/meta.json',
      'services/api'
    ]);
  });

  it('leaves annotations out where the driver cannot write them', () => {
    const args = getBuildArgs({
      repoRoot: '/r',
      service,
      context: '.',
      dockerfile: 'Dockerfile',
      secrets: [],
      ssh: [],
      tags: ['x/y:1'],
      labels: {},
      annotations: ['a=b'],
      buildArgs: {},
      platforms: [],
      push: false,
      load: true,
      cacheFrom: [],
      cacheTo: [],
      metadataFile: 'm',
      supportsAnnotations: false,
      noCache: true,
      pull: true
    });
    expect(args).not.toContain('--annotation');
    expect(args).not.toContain('--target');
    expect(args).not.toContain('--secret');
    expect(args).toEqual(expect.arrayContaining(['--load', '--no-cache', '--pull']));
  });
});

describe('cacheFlags', () => {
  it('auto picks gha on GitHub with an exporting builder', () => {
    expect(
      cacheFlags('auto', {
        service: 'api',
        driver: 'docker-container',
        onGitHub: true,
        cacheRef: 'r:buildcache'
      }).to
    ).toEqual(['type=gha,scope=api,mode=max']);
  });
  it('auto falls back to inline on the docker driver', () => {
    expect(
      cacheFlags('auto', { service: 'api', driver: 'docker', onGitHub: true, cacheRef: 'r:buildcache' })
    ).toEqual({
      from: ['type=registry,ref=r:buildcache'],
      to: ['type=inline']
    });
  });
  it('none is empty', () => {
    expect(cacheFlags('none', { service: 'api', driver: 'docker', onGitHub: false })).toEqual({
      from: [],
      to: []
    });
  });
});

describe('size budget', () => {
  it('parses units', () => {
    expect(parseSize('200MB', 'size-budget')).toBe(200_000_000);
    expect(parseSize('1.5 GiB', 'size-budget')).toBe(1610612736);
    expect(parseSize('1234', 'size-budget')).toBe(1234);
    expect(parseSize('', 'size-budget')).toBeUndefined();
  });
  it('names the input on a bad size', () => {
    expect(() => parseSize('big', 'size-budget')).toThrow("Input 'size-budget': 'big' is not a size");
  });
  it('judges against the budget', () => {
    expect(checkBudget('api', 2_000_000, 1_000_000)).toEqual({
      ok: false,
      message: 'api: 2.00 MB compressed EXCEEDS the budget of 1.00 MB'
    });
    expect(checkBudget('api', 2_000_000, 3_000_000).ok).toBe(true);
  });
});
