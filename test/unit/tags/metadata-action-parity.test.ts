/**
 * Parity with docker/metadata-action: every case of its own test suite (__tests__/meta.test.ts at
 * dc802804100637a589fabce1cb79ff13a1411302, Apache-2.0, see test/fixtures/metadata-action/README.md) run against
 * computeTags in 'metadata-action' mode (the `images:` interface), expecting exactly its version, tags, labels,
 * annotations, JSON, bake definitions and separators.
 *
 * Made deterministic the way that suite does it: its Date.prototype.toISOString mock and its moment-timezone
 * mock both return 2020-01-10T00:30:00.000Z whatever the input, so here the clock (`now`) and the commit date are
 * both that instant; the repository is its repo.json (its GitHub.repoData mock); the event is its .env file plus
 * the payload file it names (none → {}), as its GitHub.context mock reads them.
 *
 * Its parsing suites (__tests__/tag.test.ts, flavor.test.ts, image.test.ts) run against rules.ts the same way; a
 * case it marks invalid must throw here (its own test also accepts a wrong result for those).
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import {
  annotationsBake,
  computeTags,
  isRawStatement,
  type EventPayload,
  type TagsContext,
  type TagsOptions
} from '../../../actions/tags/compute.js';
import { formatDate } from '../../../actions/tags/dates.js';
import {
  METADATA_ACTION_DEFAULT_TAG_RULES,
  parseFlavor,
  parseImages,
  parseTagRule,
  parseTagRules
} from '../../../actions/tags/rules.js';

const FIXTURES = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../../fixtures/metadata-action'
);
const MOCKED_DATE = new Date('2020-01-10T00:30:00.000Z');

interface Inputs {
  images?: string[];
  tags?: string[];
  flavor?: string[];
  labels?: string[];
  annotations?: string[];
  sepTags?: string;
  bakeTarget?: string;
}
interface Case {
  suite: string;
  name: string;
  env: string;
  inputs: Inputs;
  expected: unknown[];
}
interface RawCase {
  suite: 'isRawStatement';
  pattern: string;
  expected: boolean;
}
interface ExpectedVersion {
  main?: string | null;
  partial: string[];
  latest: boolean;
}

const all = JSON.parse(readFileSync(path.join(FIXTURES, 'meta-cases.json'), 'utf8')) as Array<Case | RawCase>;
const rawCases = all.filter((c): c is RawCase => c.suite === 'isRawStatement');
const cases = all.filter((c): c is Case => c.suite !== 'isRawStatement');

const repoFixture = JSON.parse(readFileSync(path.join(FIXTURES, 'repo.json'), 'utf8')) as {
  name: string;
  description: string;
  html_url: string;
  default_branch: string;
  license: { spdx_id: string };
};

/** The event of an .env fixture, as metadata-action's GitHub.context mock builds it. */
export function fixtureContext(envFile: string): TagsContext {
  const env = parseEnv(readFileSync(path.join(FIXTURES, envFile), 'utf8')) as Record<
    string,
    string | undefined
  >;
  const eventPath = env['GITHUB_EVENT_PATH']
    ? path.join(FIXTURES, path.basename(env['GITHUB_EVENT_PATH']))
    : '';
  const payload = (
    eventPath && existsSync(eventPath) ? JSON.parse(readFileSync(eventPath, 'utf8')) : {}
  ) as EventPayload;
  return {
    eventName: env['GITHUB_EVENT_NAME'] || '',
    ref: env['GITHUB_REF'] || '',
    sha: env['GITHUB_SHA'] || '',
    payload,
    repo: {
      name: repoFixture.name,
      description: repoFixture.description,
      htmlUrl: repoFixture.html_url,
      license: repoFixture.license.spdx_id,
      defaultBranch: repoFixture.default_branch
    },
    commitDate: MOCKED_DATE,
    now: MOCKED_DATE
  };
}

function run(c: Case, extra: Partial<TagsOptions> = {}) {
  return computeTags(fixtureContext(c.env), {
    mode: 'metadata-action',
    images: c.inputs.images ?? [],
    tags: c.inputs.tags ?? [],
    flavor: c.inputs.flavor ?? [],
    labels: c.inputs.labels ?? [],
    annotations: c.inputs.annotations ?? [],
    sepTags: c.inputs.sepTags,
    bakeTarget: c.inputs.bakeTarget,
    formatDate,
    ...extra
  });
}

const versionOf = (v: ExpectedVersion) => ({
  main: v.main ?? undefined,
  partial: v.partial,
  latest: v.latest
});
const of = (suite: string) => cases.filter((c) => c.suite === suite).map((c) => [c.name, c.env, c] as const);

describe('transcription', () => {
  test('holds every case of meta.test.ts (136 at the pinned commit)', () => {
    expect(all).toHaveLength(136);
    const suites = new Set(all.map((c) => c.suite));
    expect([...suites]).toEqual([
      'isRawStatement',
      'null',
      'push',
      'tag',
      'latest',
      'pr',
      'pr-head-sha',
      'schedule',
      'release',
      'raw',
      'json',
      'bakeFile',
      'bakeFileTagsLabels',
      'sepTags'
    ]);
  });
});

describe('isRawStatement', () => {
  test.each(rawCases.map((c) => [c.pattern, c.expected] as const))('%p → %p', (pattern, expected) => {
    expect(isRawStatement(pattern)).toBe(expected);
  });
});

describe.each(['null', 'push', 'tag', 'latest', 'pr', 'schedule', 'release', 'raw'])('%s', (suite) => {
  test.each(of(suite))('%s (%s)', (_name, _env, c) => {
    const [version, tags, labels, annotations] = c.expected as [
      ExpectedVersion,
      string[],
      string[],
      string[] | null
    ];
    const result = run(c);
    expect(result.version).toEqual(versionOf(version));
    expect(result.tags).toEqual(tags);
    expect(result.labels).toEqual(labels);
    expect(result.annotationValues).toEqual(annotations ?? labels);
  });
});

describe('pr-head-sha (DOCKER_METADATA_PR_HEAD_SHA=true)', () => {
  test.each(of('pr-head-sha'))('%s (%s)', (_name, _env, c) => {
    const [version, tags, labelsAnnotations] = c.expected as [ExpectedVersion, string[], string[]];
    const result = run(c, { prHeadSha: true });
    expect(result.version).toEqual(versionOf(version));
    expect(result.tags).toEqual(tags);
    expect(result.labels).toEqual(labelsAnnotations);
    expect(result.annotationValues).toEqual(labelsAnnotations);
  });
});

describe('json', () => {
  test.each(of('json'))('%s (%s)', (_name, _env, c) => {
    const result = run(c);
    expect(result.json).toEqual(c.expected[0]);
    expect(JSON.parse(result.outputs.json)).toEqual(c.expected[0]);
  });
});

describe('bakeFile', () => {
  test.each(of('bakeFile'))('%s (%s)', (_name, _env, c) => {
    const [tags, labels, annotations] = c.expected;
    const result = run(c);
    // metadata-action writes these with JSON.stringify: compare what a reader of the file gets.
    expect(JSON.parse(JSON.stringify(result.bake.tags))).toEqual(tags);
    expect(JSON.parse(JSON.stringify(result.bake.labels))).toEqual(labels);
    expect(annotationsBake(result, ['index', 'manifest-descriptor'], c.inputs.bakeTarget)).toEqual(
      annotations
    );
  });
});

describe('bakeFileTagsLabels', () => {
  test.each(of('bakeFileTagsLabels'))('%s (%s)', (_name, _env, c) => {
    expect(JSON.parse(JSON.stringify(run(c).bake.all))).toEqual(c.expected[0]);
  });
});

describe('sepTags', () => {
  test.each(of('sepTags'))('%s (%s)', (_name, _env, c) => {
    expect(run(c).outputs.tags).toEqual(c.expected[0]);
  });
});

interface ParseCase {
  file: 'tag.test.ts' | 'flavor.test.ts' | 'image.test.ts';
  suite: 'transform' | 'parse';
  input: string | string[];
  expected: unknown;
  invalid: boolean;
}
const parseCases = JSON.parse(readFileSync(path.join(FIXTURES, 'parse-cases.json'), 'utf8')) as ParseCase[];
const rule = (r: { type: string; attrs: Record<string, string> }) => ({ type: r.type, attrs: r.attrs });

describe('parsing suites (tag.test.ts, flavor.test.ts, image.test.ts)', () => {
  test('hold 55 cases at the pinned commit', () => {
    expect(parseCases).toHaveLength(55);
  });
  test.each(parseCases.map((c) => [c.file, c.suite, JSON.stringify(c.input), c] as const))(
    '%s %s %s',
    (file, suite, _input, c) => {
      const parse = (): unknown => {
        if (file === 'flavor.test.ts') return parseFlavor(c.input as string[]);
        if (file === 'image.test.ts') return parseImages(c.input as string[]);
        if (suite === 'parse') return rule(parseTagRule(c.input as string));
        return parseTagRules(c.input as string[], METADATA_ACTION_DEFAULT_TAG_RULES).rules.map(rule);
      };
      if (c.invalid) expect(parse).toThrow();
      else expect(parse()).toEqual(c.expected);
    }
  );
});
