import { buildMatrix, selectAll, selectChangedServices, selectExplicit } from '../../actions/plan/select.js';
import { parseServicesManifest } from '../../actions/lib/services-manifest.js';

const manifest = parseServicesManifest(
  `version: 1
shared-paths: [.slipway/services.yml]
services:
  - name: api
    dockerfile: services/api/Dockerfile
    paths: [services/api/**, libs/shared/**]
  - name: dashboard
    dockerfile: services/dashboard/Dockerfile
    paths: [services/dashboard/**]
  - name: runner
    dockerfile: services/runner/Dockerfile
    paths: [services/runner/**, libs/shared/**]
`,
  'm.yml'
);

const built = (files: string[]): string[] =>
  selectChangedServices(manifest, files)
    .filter((d) => d.build)
    .map((d) => d.service);

describe('selectChangedServices', () => {
  it('builds exactly the services whose globs match', () => {
    expect(built(['services/api/src/main.sh'])).toEqual(['api']);
    expect(built(['libs/shared/health.sh'])).toEqual(['api', 'runner']);
    expect(built(['README.md'])).toEqual([]);
  });
  it('matches dotfiles', () => {
    expect(built(['services/dashboard/.env.example'])).toEqual(['dashboard']);
  });
  it('a shared path rebuilds everything, with the reason', () => {
    const decisions = selectChangedServices(manifest, ['.slipway/services.yml']);
    expect(decisions.every((d) => d.build && d.reason === 'shared path changed: .slipway/services.yml')).toBe(
      true
    );
  });
  it('summarises many matches', () => {
    const [api] = selectChangedServices(manifest, [
      'services/api/1',
      'services/api/2',
      'services/api/3',
      'services/api/4'
    ]);
    expect(api!.reason).toBe('changed: services/api/1, services/api/2, services/api/3 (+1 more)');
  });
});

describe('matrix', () => {
  it('is strategy.matrix-shaped and in manifest order', () => {
    expect(
      buildMatrix(manifest, selectChangedServices(manifest, ['services/runner/x', 'services/api/y']))
    ).toEqual({
      include: [
        { service: 'api', context: '.', dockerfile: 'services/api/Dockerfile', platforms: 'linux/amd64' },
        {
          service: 'runner',
          context: '.',
          dockerfile: 'services/runner/Dockerfile',
          platforms: 'linux/amd64'
        }
      ]
    });
  });
  it('explicit and all selections', () => {
    expect(
      buildMatrix(manifest, selectExplicit(manifest, ['dashboard'])).include.map((m) => m.service)
    ).toEqual(['dashboard']);
    expect(buildMatrix(manifest, selectAll(manifest, 'tag')).include).toHaveLength(3);
  });
});
