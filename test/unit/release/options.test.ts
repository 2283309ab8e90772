import { parseBranches, planTargets } from '../../../actions/release/options.js';
import { combinedNotes, nonConventionalMessage, releasesOutput } from '../../../actions/release/report.js';
import { ConfigurationError } from '../../../actions/lib/errors.js';

describe('parseBranches', () => {
  it('names, one per line or comma separated; empty is main', () => {
    expect(parseBranches('main')).toEqual(['main']);
    expect(parseBranches('main, next\nrelease/*')).toEqual(['main', 'next', 'release/*']);
    expect(parseBranches('  ')).toEqual(['main']);
  });

  it('a JSON array in semantic-release syntax for prerelease branches', () => {
    expect(parseBranches('["main", {"name": "beta", "prerelease": true}]')).toEqual([
      'main',
      { name: 'beta', prerelease: true }
    ]);
  });

  it.each(['[main]', '[]', '[{"prerelease": true}]', '[1]'])('rejects %s naming the input', (raw) => {
    expect(() => parseBranches(raw)).toThrow(ConfigurationError);
    expect(() => parseBranches(raw)).toThrow(/Input 'branches'/);
  });
});

describe('planTargets', () => {
  it('repo mode: one target, v${version} by default', () => {
    expect(planTargets({ mode: 'repo', services: ['api'] })).toEqual([{ tagFormat: 'v${version}' }]);
    expect(
      planTargets({
        mode: 'repo',
        services: [],
        tagFormat: 'release-${version}',
        changelogFile: 'CHANGELOG.md'
      })
    ).toEqual([{ tagFormat: 'release-${version}', changelogFile: 'CHANGELOG.md' }]);
  });

  it('per-service mode: one target per service with its own tag format and changelog', () => {
    expect(
      planTargets({
        mode: 'per-service',
        services: ['api', 'cli'],
        changelogFile: 'services/${service}/CHANGELOG.md'
      })
    ).toEqual([
      { service: 'api', tagFormat: 'api-v${version}', changelogFile: 'services/api/CHANGELOG.md' },
      { service: 'cli', tagFormat: 'cli-v${version}', changelogFile: 'services/cli/CHANGELOG.md' }
    ]);
    expect(
      planTargets({ mode: 'per-service', services: ['api'], tagFormat: '${service}@${version}' })[0]!
        .tagFormat
    ).toBe('api@${version}');
  });

  it.each([
    [{ mode: 'repo', tagFormat: 'v1' }, /must contain \$\{version\} exactly once/],
    [{ mode: 'repo', tagFormat: '${version}-${version}' }, /exactly once/],
    [{ mode: 'repo', tagFormat: '${service}-${version}' }, /only exists with mode per-service/],
    [{ mode: 'per-service', tagFormat: 'v${version}' }, /must contain \$\{service\} with mode per-service/],
    [{ mode: 'per-service', changelogFile: 'CHANGELOG.md' }, /'changelog-file' must contain \$\{service\}/],
    // semantic-release runs tagFormat as a lodash template: anything but the placeholders we fill is code
    [
      { mode: 'repo', tagFormat: 'v${version}${process.exit(1)}' },
      /may only use the placeholder \$\{version\}/
    ],
    [
      { mode: 'repo', tagFormat: "v<% require('child_process').execSync('id') %>${version}" },
      /'<%…' as JavaScript/
    ],
    [{ mode: 'repo', tagFormat: 'v<%= version %>${version}' }, /'<%…' as JavaScript/],
    [{ mode: 'repo', tagFormat: '${ version }-${version}' }, /'\$\{…' as JavaScript/],
    [
      { mode: 'per-service', tagFormat: '${service}-${name}-${version}' },
      /placeholders \$\{version\} and \$\{service\}/
    ],
    [{ mode: 'repo', tagFormat: 'v ${version}' }, /not give a valid git tag name \('v 1\.0\.0'/],
    [{ mode: 'per-service', tagFormat: '${service}..${version}' }, /valid git tag name/]
  ] as const)('%j is an error', (opts, message) => {
    expect(() => planTargets({ services: ['api'], ...opts })).toThrow(message);
  });
});

describe('tag-format is code to semantic-release (control for the refusals above)', () => {
  it('lodash template, as semantic-release calls it, runs ${…} and <% %>', async () => {
    // semantic-release's own lodash (untyped here): the module name through a variable keeps tsc from resolving it
    const lodash = 'lodash-es';
    const { template } = (await import(lodash)) as {
      template: (text: string) => (data: object) => string;
    };
    const g = globalThis as { slipwayTagFormatRan?: number };
    expect(template('v${version}${(globalThis.slipwayTagFormatRan = 1, "")}')({ version: '1.0.0' })).toBe(
      'v1.0.0'
    );
    expect(g.slipwayTagFormatRan).toBe(1);
    expect(template('<% globalThis.slipwayTagFormatRan = 2 %>v${version}')({ version: '1.0.0' })).toBe(
      'v1.0.0'
    );
    expect(g.slipwayTagFormatRan).toBe(2);
    delete g.slipwayTagFormatRan;
  });
});

describe('report', () => {
  const stats = {
    considered: 2,
    attributed: 2,
    conventional: 0,
    examples: ['Update x', 'wip'],
    lastTag: 'v1.2.0'
  };

  it('explains a history without Conventional Commits', () => {
    expect(nonConventionalMessage({ target: { tagFormat: 'v${version}' }, version: '', stats })).toBe(
      "No release for the repository: none of the 2 commit(s) since v1.2.0 follow Conventional Commits (e.g. 'Update x', 'wip'). semantic-release versions from commit messages like 'fix: …' (patch), 'feat: …' (minor) or a 'BREAKING CHANGE:' footer / 'feat!: …' (major); see docs/releases.md."
    );
    expect(
      nonConventionalMessage({
        target: { service: 'api', tagFormat: 'x' },
        version: '',
        stats: { ...stats, lastTag: undefined }
      })
    ).toMatch(/^No release for service 'api': none of the 2 commit\(s\) in the history/);
  });

  it('says nothing when a commit was conventional, nothing touched the target, or there is a release', () => {
    const target = { tagFormat: 'v${version}' };
    expect(
      nonConventionalMessage({ target, version: '', stats: { ...stats, conventional: 1 } })
    ).toBeUndefined();
    expect(
      nonConventionalMessage({ target, version: '', stats: { ...stats, attributed: 0 } })
    ).toBeUndefined();
    expect(nonConventionalMessage({ target, version: '1.0.0', stats })).toBeUndefined();
  });

  it('releases output lists services only; notes are headed by tag', () => {
    const results = [
      {
        target: { service: 'api', tagFormat: '' },
        version: '1.1.0',
        tag: 'api-v1.1.0',
        published: true,
        notes: '## 1.1.0\n'
      },
      { target: { service: 'cli', tagFormat: '' }, version: '', tag: '', published: false, notes: '' }
    ];
    expect(releasesOutput(results)).toEqual([
      { service: 'api', version: '1.1.0', tag: 'api-v1.1.0', published: true },
      { service: 'cli', version: '', tag: '', published: false }
    ]);
    expect(
      releasesOutput([{ target: { tagFormat: '' }, version: '1.0.0', tag: 'v1.0.0', published: true }])
    ).toEqual([]);
    expect(combinedNotes(results)).toBe('# api-v1.1.0\n\n## 1.1.0\n');
  });
});
