import { describe, expect, test } from '@jest/globals';
import {
  DEFAULT_PRIORITIES,
  GLOBAL_EXPRESSIONS,
  SEMVER_EXPRESSIONS,
  isRawStatement,
  parseCsvFields,
  parseDateFormat,
  parseFlavor,
  parseImages,
  parseTagRule,
  parseTagRules,
  parseTemplate,
  splitInputLines,
  TagRuleError,
  type TagRule
} from '../../../actions/tags/rules.js';

const summary = (rule: TagRule) => `${rule.type}@${rule.priority}`;

describe('parseTagRule', () => {
  test('defaults of each type follow metadata-action (README "Extended attributes and default values")', () => {
    const schedule = parseTagRule('type=schedule');
    expect(schedule).toMatchObject({
      type: 'schedule',
      priority: 1000,
      prefix: undefined,
      suffix: undefined
    });
    expect(schedule.type === 'schedule' && schedule.pattern.source).toBe('nightly');

    const sha = parseTagRule('type=sha');
    expect(sha).toMatchObject({ type: 'sha', priority: 100, format: 'short' });
    expect(sha.prefix?.source).toBe('sha-');

    const pr = parseTagRule('type=ref,event=pr');
    expect(pr).toMatchObject({ type: 'ref', event: 'pr', priority: 600 });
    expect(pr.prefix?.source).toBe('pr-');
    expect(parseTagRule('type=ref,event=branch').prefix).toBeUndefined();

    const match = parseTagRule('type=match,pattern=v(.*)');
    expect(match).toMatchObject({ type: 'match', group: 0, priority: 800, pattern: 'v(.*)' });
    expect(parseTagRule('type=edge')).toMatchObject({ type: 'edge', branch: '', priority: 700 });
    expect(parseTagRule('type=semver,pattern={{version}}')).toMatchObject({ type: 'semver', priority: 900 });
    expect(parseTagRule('type=raw,value=x')).toMatchObject({ type: 'raw', priority: 200 });
    expect(parseTagRule('type=raw,value=x').enable.source).toBe('true');
  });

  test('the documented priority table', () => {
    expect(DEFAULT_PRIORITIES).toEqual({
      schedule: 1000,
      semver: 900,
      pep440: 900,
      match: 800,
      edge: 700,
      ref: 600,
      raw: 200,
      sha: 100
    });
  });

  test('a bare value is a raw rule, with or without type=raw', () => {
    const bare = parseTagRule('foo');
    expect(bare.type === 'raw' && bare.value.source).toBe('foo');
    const typed = parseTagRule('type=raw,bar');
    expect(typed.type === 'raw' && typed.value.source).toBe('bar');
  });

  test('keys are case-insensitive and trimmed; values split at the first =', () => {
    const rule = parseTagRule(' TYPE = raw , Value=a=b ,priority= 5');
    expect(rule.type === 'raw' && rule.value.source).toBe('a=b');
    expect(rule.priority).toBe(5);
  });

  test('explicit empty prefix/suffix are kept (they override the flavor)', () => {
    const rule = parseTagRule('type=sha,prefix=,suffix=');
    expect(rule.prefix?.source).toBe('');
    expect(rule.suffix?.source).toBe('');
  });

  test('a quoted field may hold commas', () => {
    const rule = parseTagRule('type=match,"pattern=\\d{1,3}",group=0');
    expect(rule.type === 'match' && rule.pattern).toBe('\\d{1,3}');
  });

  test('a /regex/flags pattern becomes a RegExp', () => {
    const rule = parseTagRule('type=match,pattern=/^v(\\d+)$/i,group=1');
    expect(rule.type === 'match' && rule.pattern).toEqual(/^v(\d+)$/i);
  });

  test('negative and large priorities are accepted', () => {
    expect(parseTagRule('type=raw,value=a,priority=-1').priority).toBe(-1);
    expect(parseTagRule('type=raw,value=a,priority=5000').priority).toBe(5000);
  });

  test('enable takes true, false or an expression', () => {
    expect(parseTagRule('type=raw,value=a,enable=false').enable.source).toBe('false');
    expect(parseTagRule('type=raw,value=a,enable={{is_default_branch}}').enable.segments).toEqual([
      { kind: 'expr', name: 'is_default_branch' }
    ]);
  });
});

describe('parseTagRule errors name the line and what is allowed', () => {
  test.each([
    ['type=foo', /unknown type 'foo'; allowed: schedule, semver, pep440, match, edge, ref, raw, sha/],
    [
      'type=sha,event=branch',
      /unknown attribute 'event' for type=sha; allowed: type, enable, priority, prefix, suffix, format/
    ],
    ['type=raw,value=a,priority=high', /priority must be a whole number, got 'high'/],
    ['type=raw,value=a,priority=1.5', /priority must be a whole number, got '1.5'/],
    ['type=raw,value=a,enable=yes', /enable must be true, false or an expression/],
    ['type=match,pattern=(unclosed', /pattern '\(unclosed' is not a valid regular expression/],
    ['type=match,pattern=/a/zz', /is not a valid regular expression/],
    ['type=match,pattern=a,group=x', /group must be a non-negative whole number, got 'x'/],
    ['type=semver', /type=semver needs a 'pattern' attribute/],
    ['type=match', /type=match needs a 'pattern' attribute/],
    ['type=raw', /type=raw needs a 'value' attribute/],
    ['type=ref', /type=ref needs a 'event' attribute/],
    ['type=ref,event=push', /unknown event 'push'; allowed: branch, tag, pr/],
    ['type=sha,format=medium', /unknown format 'medium'; allowed: short, long/],
    ['type=raw,value=a,value=b', /attribute 'value' is given twice/],
    ['type=raw,"value=a', /unclosed quote/],
    ['type=raw,value={{branch', /unclosed '\{\{'/],
    ['type=semver,pattern={{branch}}', /unknown expression '\{\{branch\}\}'; allowed here: \{\{raw\}\}/],
    ['type=schedule,pattern={{sha}}', /allowed here: \{\{date\}\}, \{\{commit_date\}\}/],
    ['type=raw,value={{sha 7}}', /'\{\{sha\}\}' takes no arguments/],
    ['type=raw,value={{date}}', /needs one quoted format/],
    ['type=raw,value={{date YYYY}}', /needs one quoted format/],
    ["type=raw,value={{date 'YYYY' zone='UTC'}}", /unknown attribute 'zone'; allowed: tz/],
    ["type=raw,value={{date 'YYYY' tz='Mars/Olympus'}}", /unknown time zone tz='Mars\/Olympus'/],
    ["type=raw,value={{date 'YYYY-Q'}}", /uses 'Q', which Slipway does not support/],
    ['type=pep440,pattern={{version}}', /type=pep440 is not supported by Slipway/]
  ])('%s', (line, message) => {
    expect(() => parseTagRules(`type=ref,event=branch\n\n${line}`)).toThrow(TagRuleError);
    expect(() => parseTagRules(`type=ref,event=branch\n\n${line}`)).toThrow(message);
    expect(() => parseTagRules(`type=ref,event=branch\n\n${line}`)).toThrow(`tags line 3 '${line}'`);
  });

  test('TagRuleError is an Error with its own name', () => {
    const error = (() => {
      try {
        parseTagRule('type=nope');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(TagRuleError);
    expect((error as Error).name).toBe('TagRuleError');
  });
});

describe('parseTagRules', () => {
  test('empty input gives the Slipway defaults sorted by priority', () => {
    expect(parseTagRules('').map(summary)).toEqual([
      'semver@900',
      'semver@900',
      'semver@900',
      'ref@600',
      'ref@600',
      'raw@200',
      'sha@100'
    ]);
    expect(parseTagRules('  \n# only a comment\n').length).toBe(7);
  });

  test('sorted by priority, highest first, equal priorities keep their order', () => {
    const rules = parseTagRules(
      'type=raw,value=a\ntype=sha\ntype=raw,value=b\ntype=raw,value=c,priority=2000'
    );
    expect(rules.map((r) => (r.type === 'raw' ? r.value.source : r.type))).toEqual(['c', 'a', 'b', 'sha']);
  });

  test('comments and blank lines are skipped, line numbers count them', () => {
    expect(splitInputLines('# c\n\n  type=sha  \r\n#x')).toEqual([{ number: 3, text: 'type=sha' }]);
    expect(() => parseTagRules('# comment\n\ntype=bad')).toThrow("tags line 3 'type=bad'");
  });
});

describe('templates', () => {
  test('text and expressions, whitespace-tolerant', () => {
    expect(
      parseTemplate('a-{{ branch }}-{{date \'YYYY\' tz="UTC"}}', GLOBAL_EXPRESSIONS, 'x').segments
    ).toEqual([
      { kind: 'text', text: 'a-' },
      { kind: 'expr', name: 'branch' },
      { kind: 'text', text: '-' },
      { kind: 'expr', name: 'date', tz: 'UTC', format: [{ kind: 'token', token: 'YYYY' }] }
    ]);
  });

  test('isRawStatement (metadata-action meta.test isRawStatement)', () => {
    const raw = (p: string) => isRawStatement(parseTemplate(p, SEMVER_EXPRESSIONS, 'x'));
    expect(raw('{{ raw }}')).toBe(true);
    expect(raw('{{ raw}}')).toBe(true);
    expect(raw('{{raw}}')).toBe(true);
    expect(raw('{{ raw }}.{{ version }}')).toBe(false);
    expect(raw('v{{raw}}')).toBe(false);
  });

  test('date formats: tokens, [escapes] and literal characters', () => {
    expect(parseDateFormat('YYYYMMDD[T]HH-Do', 'x')).toEqual([
      { kind: 'token', token: 'YYYY' },
      { kind: 'token', token: 'MM' },
      { kind: 'token', token: 'DD' },
      { kind: 'text', text: 'T' },
      { kind: 'token', token: 'HH' },
      { kind: 'text', text: '-' },
      { kind: 'token', token: 'Do' }
    ]);
    expect(() => parseDateFormat('[oops', 'x')).toThrow(/unclosed '\['/);
  });
});

describe('parseCsvFields', () => {
  test('plain, quoted, doubled quotes and empty fields', () => {
    expect(parseCsvFields('a,"b,c","say ""hi""",,d', 'x')).toEqual(['a', 'b,c', 'say "hi"', '', 'd']);
  });

  test('text after a closing quote is refused', () => {
    expect(() => parseCsvFields('"a"b', 'x')).toThrow(/unexpected text after a quoted field/);
  });
});

describe('parseFlavor', () => {
  test('defaults', () => {
    const flavor = parseFlavor('');
    expect(flavor.latest).toBe('auto');
    expect(flavor.prefix.source).toBe('');
    expect(flavor.suffix.source).toBe('');
    expect(flavor.prefixOnLatest).toBe(false);
    expect(flavor.suffixOnLatest).toBe(false);
  });

  test('latest, prefix and suffix with onlatest (README "flavor input")', () => {
    const flavor = parseFlavor('latest=false\nprefix=foo-,onlatest=true\nsuffix=-{{branch}}');
    expect(flavor.latest).toBe('false');
    expect(flavor.prefix.source).toBe('foo-');
    expect(flavor.prefixOnLatest).toBe(true);
    expect(flavor.suffix.segments).toEqual([
      { kind: 'text', text: '-' },
      { kind: 'expr', name: 'branch' }
    ]);
    expect(flavor.suffixOnLatest).toBe(false);
  });

  test.each([
    ['latest=maybe', /unknown latest 'maybe'; allowed: auto, true, false/],
    [
      'colour=red',
      /flavor line 1 'colour=red': unknown flavor entry 'colour=red'; allowed: latest, prefix, suffix, onlatest/
    ],
    ['nolatest', /unknown flavor entry 'nolatest'/],
    ['onlatest=true', /onlatest must follow prefix= or suffix=/],
    ['prefix=a,onlatest=yes', /unknown onlatest 'yes'; allowed: true, false/]
  ])('%s', (input, message) => {
    expect(() => parseFlavor(input)).toThrow(TagRuleError);
    expect(() => parseFlavor(input)).toThrow(message);
  });
});

describe('parseImages (metadata-action "images input")', () => {
  test('one per line, lower-cased', () => {
    expect(parseImages('name/foo\nghcr.io/Name/Bar\n')).toEqual(['name/foo', 'ghcr.io/name/bar']);
  });

  test('the old single-line comma format', () => {
    expect(parseImages('name/app,ghcr.io/name/app')).toEqual(['name/app', 'ghcr.io/name/app']);
  });

  test('name= and enable= attributes', () => {
    expect(parseImages('name=name/foo\nname=ghcr.io/name/bar,enable=false\nghcr.io/x/y,enable=true')).toEqual(
      ['name/foo', 'ghcr.io/x/y']
    );
  });

  test('errors', () => {
    expect(() => parseImages('name/foo,enable=maybe')).toThrow(/unknown enable 'maybe'/);
    expect(() => parseImages('name/foo,colour=red')).toThrow(
      /unknown image attribute 'colour'; allowed: name, enable/
    );
    expect(() => parseImages('enable=true')).toThrow(/image name is empty/);
  });

  test('empty input gives no images', () => {
    expect(parseImages('')).toEqual([]);
  });
});
