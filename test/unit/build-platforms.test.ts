import { describe, expect, test } from '@jest/globals';
import {
  buildStrategy,
  KNOWN_PLATFORMS,
  normalizePlatform,
  platformMismatch,
  platformTag,
  validatePlatforms
} from '../../actions/build/platforms.js';

describe('validatePlatforms', () => {
  test('known platforms pass, trimmed', () => {
    expect(validatePlatforms([' linux/amd64', 'linux/arm64 ', 'linux/arm/v7'], "Input 'platforms'")).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/arm/v7'
    ]);
    expect(KNOWN_PLATFORMS).toEqual(expect.arrayContaining(['linux/386', 'linux/s390x', 'linux/amd64/v2']));
  });
  test.each([
    ['linux/amd65'],
    ['linux/arm64/v7'],
    ['darwin/arm64'],
    ['Linux/amd64'],
    ['linux'],
    ['linux/arm/v9']
  ])('%s is refused naming the source and the valid values', (bad) => {
    expect(() => validatePlatforms(['linux/amd64', bad], "Input 'platforms'")).toThrow(
      new RegExp(`^Input 'platforms': '${bad.replace(/\//g, '\\/')}' is not a known platform .*linux/arm64`)
    );
  });
  test('the same platform twice (also spelled differently) and an empty list are refused', () => {
    expect(() => validatePlatforms(['linux/arm64', 'linux/arm64/v8'], 'Service x')).toThrow(
      /'linux\/arm64' and 'linux\/arm64\/v8' are the same platform/
    );
    expect(() => validatePlatforms([], "Input 'platforms'")).toThrow(/no platform given/);
  });
});

describe('building several platforms', () => {
  test('the docker driver builds one platform per call; other drivers all at once', () => {
    expect(buildStrategy(['linux/amd64', 'linux/arm64'], 'docker')).toBe('per-platform');
    expect(buildStrategy(['linux/amd64'], 'docker')).toBe('one-call');
    expect(buildStrategy(['linux/amd64', 'linux/arm64'], 'docker-container')).toBe('one-call');
  });
  test('per-platform tags; one longer than 128 characters is refused naming tags', () => {
    expect(platformTag('ghcr.io/acme/api', 'main', 'linux/arm/v7')).toBe(
      'ghcr.io/acme/api:main-linux-arm-v7'
    );
    expect(() => platformTag('ghcr.io/acme/api', 'x'.repeat(120), 'linux/arm64')).toThrow(
      /Input 'tags': the per-platform tag .* longer than the 128 characters/
    );
  });
  test('what the registry holds is compared in normal form', () => {
    expect(normalizePlatform('linux/arm64/v8')).toBe('linux/arm64');
    expect(normalizePlatform('linux/arm')).toBe('linux/arm/v7');
    expect(platformMismatch(['linux/amd64', 'linux/arm64/v8'], ['linux/arm64', 'linux/amd64'])).toEqual({
      missing: [],
      unexpected: []
    });
    expect(platformMismatch(['linux/amd64', 'linux/arm64'], ['linux/amd64', 'linux/386'])).toEqual({
      missing: ['linux/arm64'],
      unexpected: ['linux/386']
    });
  });
});
