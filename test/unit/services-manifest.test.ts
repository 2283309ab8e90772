import { parseServicesManifest } from '../../actions/lib/services-manifest.js';
import { ConfigurationError } from '../../actions/lib/errors.js';

const valid = `version: 1
image-prefix: demo-
shared-paths: [.slipway/services.yml]
services:
  - name: api
    dockerfile: services/api/Dockerfile
    paths: [services/api/**, libs/shared/**]
    build-args: { NODE_ENV: production, WORKERS: 4 }
  - name: cli
    context: tools/cli
`;

function errorOf(text: string): string {
  try {
    parseServicesManifest(text, '.slipway/services.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('parseServicesManifest', () => {
  it('parses services with defaults', () => {
    const m = parseServicesManifest(valid, 'f.yml');
    expect(m.imagePrefix).toBe('demo-');
    expect(m.registry).toBe('ghcr.io');
    expect(m.services[0]).toEqual({
      name: 'api',
      context: '.',
      dockerfile: 'services/api/Dockerfile',
      image: undefined,
      target: undefined,
      platforms: ['linux/amd64'],
      buildArgs: { NODE_ENV: 'production', WORKERS: '4' },
      paths: ['services/api/**', 'libs/shared/**']
    });
    expect(m.services[1]).toMatchObject({
      context: 'tools/cli',
      dockerfile: 'tools/cli/Dockerfile',
      paths: ['tools/cli/**', 'tools/cli/Dockerfile']
    });
  });

  it('names file and line of invalid YAML', () => {
    expect(errorOf('version: 1\nservices:\n  - name: api\n   bad: [\n')).toMatch(
      /^\.slipway\/services\.yml:\d+: invalid YAML/
    );
  });

  it('names unknown keys with their line', () => {
    const msg = errorOf('version: 1\nservices:\n  - name: api\n    dockerfil: x/Dockerfile\n');
    expect(msg).toContain(".slipway/services.yml:3: /services/0: unknown key 'dockerfil'");
  });

  it('rejects duplicate service names with both lines', () => {
    const msg = errorOf('version: 1\nservices:\n  - name: api\n  - name: web\n  - name: api\n');
    expect(msg).toBe(
      ".slipway/services.yml:5: duplicate service name 'api' (first defined at line 3); service names must be unique"
    );
  });

  it('rejects a wrong version, missing services, bad names and platforms', () => {
    expect(errorOf('version: 2\nservices: []\n')).toMatch(/\/version: must be 1/);
    expect(errorOf('version: 1\n')).toMatch(/missing required key 'services'/);
    expect(errorOf('version: 1\nservices:\n  - name: Api_\n')).toMatch(
      /:3: \/services\/0\/name: 'Api_' does not match/
    );
    expect(errorOf('version: 1\nservices:\n  - name: a\n    platforms: [amd64]\n')).toMatch(
      /:4: \/services\/0\/platforms\/0/
    );
  });

  it('rejects paths that escape the repository', () => {
    expect(errorOf('version: 1\nservices:\n  - name: a\n    context: ../other\n')).toMatch(
      /context '..\/other' must stay inside the repository/
    );
  });

  it('rejects duplicate YAML keys', () => {
    expect(errorOf('version: 1\nversion: 1\nservices: []\n')).toMatch(
      /:2: invalid YAML: Map keys must be unique/
    );
  });
});
