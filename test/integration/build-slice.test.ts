/**
 * The build slice end to end with the bundled actions and the real tools: plan → tags → build → push into the
 * local registry, on a real git repository of the example monorepo.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runAction, failureMessage, type ActionRun } from '../support/run-action.js';
import { pushEvent, pullRequestEvent, ZERO_SHA } from '../support/events.js';
import { TestRepo } from '../support/git-repo.js';
import { BASE_IMAGE } from '../support/images.js';
import { RegistryClient } from '../../actions/lib/registry.js';
import { parseImageRef } from '../../actions/lib/image-ref.js';
import { parseImageRecord } from '../../actions/lib/image-record.js';

const REGISTRY = 'localhost:5000';
const owner = `it${Date.now().toString(36)}`;
const repoInfo = { owner, name: 'monorepo', defaultBranch: 'main' };

function ctx(repo: TestRepo, before: string, after: string, ref = 'refs/heads/main') {
  return {
    workspace: repo.dir,
    event: pushEvent({ repo: repoInfo, ref, before, after }),
    ref,
    sha: after,
    repository: `${owner}/monorepo`
  };
}

function ok(run: ActionRun): ActionRun {
  if (run.exitCode !== 0)
    throw new Error(`action failed (${run.exitCode}): ${failureMessage(run)}\n${run.stdout}\n${run.stderr}`);
  return run;
}

describe('plan → tags → build on the example monorepo', () => {
  it('builds exactly the services a change to one service and the shared library affects, and every tag resolves to the digest', async () => {
    const repo = TestRepo.fromExample();
    const before = repo.head();
    const after = repo.change(['services/cli/src/CHANGES.txt', 'libs/shared/log.sh'], 'feat: cli and shared');
    repo.push();
    const common = ctx(repo, before, after);

    const plan = ok(await runAction('plan', common));
    expect(JSON.parse(plan.outputs.services!)).toEqual(['api', 'runner', 'daemon', 'proxy', 'cli']);
    expect(plan.outputs['has-changes']).toBe('true');
    expect(plan.summary).toContain('<td>dashboard</td><td>no</td><td>no matching change</td>');
    const matrix = JSON.parse(plan.outputs.matrix!) as { include: Array<{ service: string }> };

    for (const { service } of matrix.include) {
      const tags = ok(await runAction('tags', { ...common, inputs: { service, registry: REGISTRY } }));
      expect(tags.outputs.tags!.split('\n')).toEqual([
        `${REGISTRY}/${owner}/${service}:main`,
        `${REGISTRY}/${owner}/${service}:latest`,
        `${REGISTRY}/${owner}/${service}:main-${after.slice(0, 7)}`
      ]);
      const build = ok(
        await runAction('build', {
          ...common,
          inputs: {
            service,
            tags: tags.outputs.tags!,
            labels: tags.outputs.labels!,
            network: 'host',
            'build-args': `BASE=${BASE_IMAGE}`,
            'size-budget': '200MB'
          }
        })
      );
      const record = parseImageRecord(build.outputs['image-record']!);
      expect(record).toMatchObject({
        service,
        image: `${REGISTRY}/${owner}/${service}`,
        digest: build.outputs.digest
      });
      if (service === 'api') {
        expect(record.platforms).toEqual([
          { platform: 'linux/amd64', digest: record.digest, compressedSize: record.compressedSize }
        ]);
      } else {
        // the Go-like services are cross-built for two platforms: one index, every platform digest recorded
        expect(record.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
        expect(record.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
        expect(record.platforms.map((p) => p.digest)).not.toContain(record.digest);
      }
      expect(record.compressedSize).toBeGreaterThan(100_000);
      for (const tag of record.tags) {
        const ref = parseImageRef(tag);
        expect(await new RegistryClient(ref.registry).resolve(ref.repository, ref.tag!)).toBe(record.digest);
      }
      // the labels computed by tags are on every pushed platform's image config, which is of that platform
      for (const p of record.platforms) {
        const manifest = await new RegistryClient(REGISTRY).getManifest(`${owner}/${service}`, p.digest);
        const config = (await (
          await fetch(`http://${REGISTRY}/v2/${owner}/${service}/blobs/${manifest.manifest.config!.digest}`)
        ).json()) as {
          os: string;
          architecture: string;
          config: { Labels: Record<string, string>; User: string };
        };
        expect(`${config.os}/${config.architecture}`).toBe(p.platform);
        expect(config.config.Labels['org.opencontainers.image.revision']).toBe(after);
        expect(config.config.User).toBe('1001:1001');
      }
    }
    // five services, four of them cross-built for two platforms: nine docker-driver builds (one per platform) on a
    // shared 2-core machine
  }, 900_000);

  it('a pull request builds what the PR changed relative to its merge-base, tagged pr-N', async () => {
    const repo = TestRepo.fromExample();
    const base = repo.head();
    repo.git('checkout', '-q', '-b', 'feature/dash');
    const head = repo.change(['services/dashboard/src/public/CHANGES.txt'], 'feat: dashboard');
    repo.push('feature/dash');
    const event = pullRequestEvent({
      repo: repoInfo,
      number: 42,
      baseRef: 'main',
      baseSha: base,
      headRef: 'feature/dash',
      headSha: head
    });
    const common = {
      workspace: repo.dir,
      event,
      ref: 'refs/pull/42/merge',
      sha: head,
      repository: `${owner}/monorepo`
    };
    const plan = ok(await runAction('plan', common));
    expect(JSON.parse(plan.outputs.services!)).toEqual(['dashboard']);
    const tags = ok(
      await runAction('tags', { ...common, inputs: { service: 'dashboard', registry: REGISTRY } })
    );
    expect(tags.outputs.tags).toBe(
      `${REGISTRY}/${owner}/dashboard:pr-42\n${REGISTRY}/${owner}/dashboard:sha-${head.slice(0, 7)}`
    );
  });

  it('a no-change push plans nothing and says so', async () => {
    const repo = TestRepo.fromExample();
    const before = repo.head();
    const after = repo.change(['docs/notes.md'], 'docs: notes');
    const plan = ok(await runAction('plan', ctx(repo, before, after)));
    expect(plan.outputs['has-changes']).toBe('false');
    expect(plan.outputs.matrix).toBe('{"include":[]}');
  });

  it('the first push of the default branch builds everything', async () => {
    const repo = TestRepo.fromExample();
    const plan = ok(await runAction('plan', ctx(repo, ZERO_SHA, repo.head())));
    expect(JSON.parse(plan.outputs.services!)).toHaveLength(6);
  });
});

describe('bad input: a clear error, a non-zero exit, no outputs', () => {
  const expectFailure = (run: ActionRun, message: RegExp): void => {
    expect(run.exitCode).not.toBe(0);
    expect(failureMessage(run)).toMatch(message);
    expect(run.outputs).toEqual({});
  };

  it('missing manifest', async () => {
    const repo = TestRepo.fromExample();
    const run = await runAction('plan', {
      ...ctx(repo, repo.head(), repo.head()),
      inputs: { manifest: 'nope.yml' }
    });
    expectFailure(run, /Services manifest not found: nope.yml/);
  });

  it('malformed manifest: file and line', async () => {
    const repo = TestRepo.fromExample();
    repo.write(
      '.slipway/services.yml',
      'version: 1\nservices:\n  - name: api\n    dockerfil: services/api/Dockerfile\n'
    );
    const run = await runAction('plan', ctx(repo, repo.head(), repo.head()));
    expectFailure(run, /\.slipway\/services\.yml:3: \/services\/0: unknown key 'dockerfil'/);
  });

  it('duplicate service names', async () => {
    const repo = TestRepo.fromExample();
    repo.write(
      '.slipway/services.yml',
      'version: 1\nservices:\n  - name: cli\n    dockerfile: services/cli/Dockerfile\n  - name: cli\n    dockerfile: services/cli/Dockerfile\n'
    );
    expectFailure(
      await runAction('plan', ctx(repo, repo.head(), repo.head())),
      /:5: duplicate service name 'cli'/
    );
  });

  it('missing Dockerfile', async () => {
    const repo = TestRepo.fromExample();
    repo.write(
      '.slipway/services.yml',
      'version: 1\nservices:\n  - name: web\n    dockerfile: services/web/Dockerfile\n'
    );
    expectFailure(
      await runAction('plan', ctx(repo, repo.head(), repo.head())),
      /service 'web': Dockerfile 'services\/web\/Dockerfile' does not exist/
    );
  });

  it('invalid tag rule', async () => {
    const repo = TestRepo.fromExample();
    const run = await runAction('tags', {
      ...ctx(repo, repo.head(), repo.head()),
      inputs: { service: 'api', tags: 'type=bogus,value=x' }
    });
    expectFailure(run, /bogus/);
  });

  it('unreachable registry: the push fails naming the cause, no record', async () => {
    const repo = TestRepo.fromExample();
    const run = await runAction('build', {
      ...ctx(repo, repo.head(), repo.head()),
      inputs: {
        service: 'cli',
        tags: '127.0.0.1:5999/acme/cli:main',
        network: 'host',
        'build-args': `BASE=${BASE_IMAGE}`
      }
    });
    expectFailure(
      run,
      /docker buildx build .* failed with exit code 1[\s\S]*(connection refused|unreachable)/
    );
  });

  it('a registry answering 500 to the push: the push fails naming the status, no record', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"UNKNOWN","message":"storage backend down"}]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const repo = TestRepo.fromExample();
      const run = await runAction('build', {
        ...ctx(repo, repo.head(), repo.head()),
        inputs: {
          service: 'cli',
          tags: `127.0.0.1:${port}/acme/cli:main`,
          network: 'host',
          'build-args': `BASE=${BASE_IMAGE}`
        }
      });
      expectFailure(run, /docker buildx build .* failed with exit code 1[\s\S]*500/);
    } finally {
      server.close();
    }
  });

  it('an image over the size budget fails and emits no record', async () => {
    const repo = TestRepo.fromExample();
    const run = await runAction('build', {
      ...ctx(repo, repo.head(), repo.head()),
      inputs: {
        service: 'cli',
        tags: `${REGISTRY}/${owner}/cli:budget`,
        network: 'host',
        'build-args': `BASE=${BASE_IMAGE}`,
        'size-budget': '10kB'
      }
    });
    expectFailure(run, /cli: .* compressed EXCEEDS the budget of 10\.0 kB.*no image record is emitted/);
  });

  it('an unknown platform is refused before anything is built or pushed, naming platforms and the valid values', async () => {
    const repo = TestRepo.fromExample();
    const run = await runAction('build', {
      ...ctx(repo, repo.head(), repo.head()),
      inputs: {
        service: 'cli',
        tags: `${REGISTRY}/${owner}/amd65:multi`,
        platforms: 'linux/amd64,linux/amd65'
      }
    });
    expectFailure(
      run,
      /Input 'platforms': 'linux\/amd65' is not a known platform .*Common ones: linux\/amd64, linux\/arm64/
    );
    expect(await new RegistryClient(REGISTRY).listTags(`${owner}/amd65`)).toEqual([]);
  });

  it('load with several platforms: a clear error before building', async () => {
    const repo = TestRepo.fromExample();
    const run = await runAction('build', {
      ...ctx(repo, repo.head(), repo.head()),
      inputs: { service: 'cli', tags: `${REGISTRY}/${owner}/cli:load`, load: 'true' }
    });
    expectFailure(
      run,
      /Input 'load' is true but cli targets linux\/amd64, linux\/arm64: only one platform can be loaded/
    );
  });

  it('unknown service', async () => {
    const repo = TestRepo.fromExample();
    expectFailure(
      await runAction('plan', { ...ctx(repo, repo.head(), repo.head()), inputs: { services: 'api,web' } }),
      /Input 'services': unknown service\(s\) web/
    );
  });
});
