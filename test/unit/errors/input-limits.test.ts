/**
 * Inputs refused before anything runs, naming the input, the line or limit, and the fix: a label line without '=',
 * over-long tags and image names (OCI distribution spec limits), an unparseable health URL.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { ConfigurationError } from '../../../actions/lib/errors.js';
import { failureMessage } from '../../../actions/lib/run.js';
import { keyValueLines } from '../../../actions/tags/main.js';
import { checkRefLimits } from '../../../actions/build/main.js';
import { run as healthCheck } from '../../../actions/health-check/main.js';

const noStack = (text: string): void => expect(text).not.toMatch(/^\s+at /m);

function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    const text = failureMessage(error);
    noStack(text);
    return text;
  }
  throw new Error('nothing was thrown');
}

describe('tags: labels/annotations lines', () => {
  test('a label line without = is refused, naming the input and the line', () => {
    const text = thrown(() => keyValueLines(['a=1', 'org.opencontainers.image.vendor'], 'labels'));
    expect(text).toContain("Input 'labels', line 2");
    expect(text).toContain("'org.opencontainers.image.vendor'");
    expect(text).toContain('KEY=VALUE');
  });
  test('a line starting with = (no key) is refused', () => {
    expect(thrown(() => keyValueLines(['=x'], 'annotations'))).toContain("Input 'annotations', line 1");
  });
  test('KEY=VALUE lines pass unchanged, values may hold =', () => {
    expect(keyValueLines(['a=1', 'b=x=y', 'c='], 'labels')).toEqual(['a=1', 'b=x=y', 'c=']);
  });
});

describe('build: image reference limits', () => {
  test('a 129-character tag names tags and the 128 limit', () => {
    const text = thrown(() => checkRefLimits(`ghcr.io/acme/api:${'v'.repeat(129)}`, 'tags'));
    expect(text).toContain("Input 'tags'");
    expect(text).toContain('129 characters');
    expect(text).toContain('at most 128 characters');
    expect(text).toContain('OCI distribution spec');
  });
  test('a 128-character tag is accepted', () => {
    expect(() => checkRefLimits(`ghcr.io/acme/api:${'v'.repeat(128)}`, 'tags')).not.toThrow();
  });
  test('a 600-character image name is refused naming the 255 limit', () => {
    const image = `ghcr.io/acme/${'a'.repeat(600 - 'ghcr.io/acme/'.length)}`;
    const text = thrown(() => checkRefLimits(`${image}:v1`, 'tags'));
    expect(text).toContain("Input 'tags'");
    expect(text).toContain('600 characters');
    expect(text).toContain('at most 255 characters');
    expect(thrown(() => checkRefLimits(image, 'image'))).toContain("Input 'image'");
  });
  test('a registry port is not taken for a tag', () => {
    expect(() => checkRefLimits(`127.0.0.1:5000/${'a'.repeat(200)}`, 'image')).not.toThrow();
  });
});

describe('health-check: urls', () => {
  afterEach(() => {
    delete process.env.INPUT_URLS;
  });
  test.each(['http://exa mple.com/health', 'http://[::1/health', 'https://host:99999/'])(
    '%s is refused at once, naming urls',
    async (url) => {
      process.env.INPUT_URLS = url;
      const error = await healthCheck().then(
        () => undefined,
        (e: unknown) => e
      );
      expect(error).toBeInstanceOf(ConfigurationError);
      const text = failureMessage(error);
      expect(text).toContain(`Input 'urls': '${url}' is not an http(s) URL`);
      expect(text).toContain('https://host/health');
      noStack(text);
    }
  );
});
