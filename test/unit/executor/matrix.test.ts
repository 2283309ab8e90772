import { expandMatrix, legName } from '../../../scripts/executor/matrix.js';

describe('strategy.matrix expansion', () => {
  test('cartesian product, first key varies slowest', () => {
    expect(expandMatrix({ os: ['linux', 'bsd'], node: [20, 22] })).toEqual([
      { os: 'linux', node: 20 },
      { os: 'linux', node: 22 },
      { os: 'bsd', node: 20 },
      { os: 'bsd', node: 22 }
    ]);
  });

  test('exclude removes partial matches', () => {
    expect(expandMatrix({ os: ['linux', 'bsd'], node: [20, 22], exclude: [{ os: 'bsd' }] })).toEqual([
      { os: 'linux', node: 20 },
      { os: 'linux', node: 22 }
    ]);
  });

  test("include: GitHub's documented example", () => {
    // docs.github.com "Expanding or adding matrix configurations"
    const combos = expandMatrix({
      fruit: ['apple', 'pear'],
      animal: ['cat', 'dog'],
      include: [
        { color: 'green' },
        { color: 'pink', animal: 'cat' },
        { fruit: 'apple', shape: 'circle' },
        { fruit: 'banana' },
        { fruit: 'banana', animal: 'cat' }
      ]
    });
    expect(combos).toEqual([
      { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
      { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
      { fruit: 'pear', animal: 'cat', color: 'pink' },
      { fruit: 'pear', animal: 'dog', color: 'green' },
      { fruit: 'banana' },
      { fruit: 'banana', animal: 'cat' }
    ]);
  });

  test('include only (a dynamic matrix from plan)', () => {
    expect(expandMatrix({ include: [{ service: 'api' }, { service: 'web' }] })).toEqual([
      { service: 'api' },
      { service: 'web' }
    ]);
  });

  test('errors: empty vector, nothing left, not a mapping, too many', () => {
    expect(() => expandMatrix({ os: [] })).toThrow(/vector 'os' does not contain any values/);
    expect(() => expandMatrix({ include: [] })).toThrow(/no jobs/);
    expect(() => expandMatrix({ os: ['a'], exclude: [{ os: 'a' }] })).toThrow(/no jobs/);
    expect(() => expandMatrix('{"include":[]}')).toThrow(/must be a mapping/);
    expect(() =>
      expandMatrix({ a: Array.from({ length: 17 }, (_, i) => i), b: Array.from({ length: 17 }, (_, i) => i) })
    ).toThrow(/289 jobs; GitHub allows at most 256/);
  });

  test('no matrix is one leg', () => {
    expect(expandMatrix(null)).toEqual([{}]);
  });

  test('leg names list the values in key order', () => {
    expect(legName('build', { service: 'api', platforms: ['linux/amd64'] })).toBe(
      'build (api, ["linux/amd64"])'
    );
    expect(legName('build', {})).toBe('build');
  });
});
