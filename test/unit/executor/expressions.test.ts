import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import {
  evaluateCondition,
  evaluateString,
  evaluateTemplateString,
  evaluateToken,
  evaluateValue,
  type Scope
} from '../../../scripts/executor/expressions.js';
import { mapGet } from '../../../scripts/executor/load.js';
import { parse as parseYaml } from 'yaml';

const scope: Scope = {
  contexts: {
    github: {
      sha: 'abc123',
      ref: 'refs/heads/main',
      event_name: 'push',
      event: { head_commit: { id: 'abc123' } }
    },
    env: { LEVEL: 'job' },
    inputs: { 'dry-run': true, environment: 'staging' },
    needs: {
      plan: {
        result: 'success',
        outputs: { matrix: '{"include":[{"service":"api"}]}', 'has-changes': 'true' }
      }
    },
    steps: { build: { outputs: { digest: 'sha256:1' }, outcome: 'failure', conclusion: 'success' } },
    matrix: { service: 'api', platforms: ['linux/amd64'] },
    secrets: { TOKEN: 's3cret' },
    vars: { COLOR: 'blue' },
    runner: { os: 'Linux' }
  }
};

/** Parses `steps[0].run` of a one-step workflow, as the executor receives it from the workflow parser. */
function runToken(run: string): TemplateToken {
  const content = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${run}\n`;
  const parsed = parseWorkflow({ name: 'w.yml', content }, new NoOperationTraceWriter());
  expect(parsed.context.errors.getErrors()).toEqual([]);
  const steps = mapGet(mapGet(mapGet(parsed.value, 'jobs'), 'a'), 'steps') as unknown as {
    get(i: number): TemplateToken;
  };
  return mapGet(steps.get(0), 'run') as TemplateToken;
}

describe('expression contexts', () => {
  test('reads every context, case-insensitively', () => {
    expect(evaluateValue('github.sha', scope)).toBe('abc123');
    expect(evaluateValue('GITHUB.event.head_commit.id', scope)).toBe('abc123');
    expect(evaluateValue("needs.plan.outputs['has-changes']", scope)).toBe('true');
    expect(evaluateValue('steps.build.outputs.digest', scope)).toBe('sha256:1');
    expect(evaluateValue('matrix.platforms[0]', scope)).toBe('linux/amd64');
    expect(evaluateValue('inputs.dry-run', scope)).toBe(true);
    expect(evaluateValue('vars.COLOR', scope)).toBe('blue');
    expect(evaluateValue('env.LEVEL', scope)).toBe('job');
    expect(evaluateValue('runner.os', scope)).toBe('Linux');
    expect(evaluateValue('secrets.TOKEN', scope)).toBe('s3cret');
    expect(evaluateValue('secrets.MISSING', scope)).toBeNull();
  });

  test('fromJSON of a previous job output gives a matrix object', () => {
    expect(evaluateValue('fromJSON(needs.plan.outputs.matrix)', scope)).toEqual({
      include: [{ service: 'api' }]
    });
    expect(evaluateValue('toJSON(matrix)', scope)).toContain('"service": "api"');
  });

  test('status functions come from the scope; always() is always true', () => {
    const failed: Scope = {
      ...scope,
      status: { success: () => false, failure: () => true, cancelled: () => false }
    };
    expect(evaluateCondition('success()', scope)).toBe(true);
    expect(evaluateCondition('failure()', scope)).toBe(false);
    expect(evaluateCondition('success()', failed)).toBe(false);
    expect(evaluateCondition('failure()', failed)).toBe(true);
    expect(evaluateCondition('always()', failed)).toBe(true);
    expect(evaluateCondition('cancelled()', failed)).toBe(false);
    expect(evaluateCondition("success() && (github.ref == 'refs/heads/main')", scope)).toBe(true);
  });

  test('a parse error names the expression', () => {
    expect(() => evaluateValue('github.sha ==', scope)).toThrow(/github\.sha ==/);
    expect(() => evaluateValue('nosuchfn(1)', scope)).toThrow(/nosuchfn/);
  });

  test('string literals with several escaped quotes', () => {
    expect(evaluateValue("format('{0} ''a'' ''b'' ''c''', 'x')", scope)).toBe("x 'a' 'b' 'c'");
  });
});

describe('template tokens from the workflow parser', () => {
  test('a block scalar keeps YAML semantics (no indentation, braces and quotes intact)', () => {
    const token = runToken(
      "|\n          echo \"${{ github.sha }}\" '{x}' 'y'\n          cat <<EOF\n          ${{ matrix.service }}\n          EOF\n"
    );
    expect(evaluateString(token, scope)).toBe("echo \"abc123\" '{x}' 'y'\ncat <<EOF\napi\nEOF\n");
  });

  test.each([
    ['|2\n            indented ${{ github.sha }}\n          next\n'],
    ['|+\n          a ${{ github.sha }}\n\n'],
    ['|-\n          a ${{ github.sha }}\n          b\n'],
    ['>\n          folded ${{ github.sha }}\n          on\n\n          para\n'],
    ['"dq ${{ github.sha }}\n          next\\tline"'],
    ["'sq ${{ github.sha }} it''s\n          next'"]
  ])('the value of %j is the YAML value with its expressions evaluated', (run) => {
    const content = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${run}\n`;
    const yamlValue = (parseYaml(content) as { jobs: { a: { steps: Array<{ run: string }> } } }).jobs.a
      .steps[0]?.run;
    expect(evaluateString(runToken(run), scope)).toBe(yamlValue?.replace('${{ github.sha }}', 'abc123'));
  });

  test('a multi-line double-quoted string keeps its escapes', () => {
    expect(evaluateString(runToken('"dq ${{ github.sha }}\n          next\\tline"'), scope)).toBe(
      'dq abc123 next\tline'
    );
  });

  test('a folded scalar is folded', () => {
    expect(evaluateString(runToken('>-\n          one ${{ github.sha }}\n          two\n'), scope)).toBe(
      'one abc123 two'
    );
  });

  test('a single-line string with expressions and quotes', () => {
    expect(
      evaluateString(runToken("echo '${{ matrix.service }}' 'q' \"${{ inputs.environment }}\""), scope)
    ).toBe("echo 'api' 'q' \"staging\"");
  });

  test('a whole-value expression keeps its type', () => {
    expect(evaluateToken(runToken("${{ fromJSON('[1,2]') }}"), scope)).toEqual([1, 2]);
  });

  test('plain template strings (action.yml defaults)', () => {
    expect(evaluateTemplateString('${{ github.sha }}-${{ matrix.service }}', scope)).toBe('abc123-api');
    expect(evaluateTemplateString("${{ '}}' }}", scope)).toBe('}}');
  });
});

describe('hashFiles', () => {
  test('hashes matching files of the workspace; empty when nothing matches', () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), 'exec-hash-'));
    mkdirSync(path.join(ws, 'a'));
    writeFileSync(path.join(ws, 'a', 'package-lock.json'), '{}');
    const s: Scope = { ...scope, workspace: ws };
    const first = evaluateValue("hashFiles('**/package-lock.json')", s);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(evaluateValue("hashFiles('**/nothing.txt')", s)).toBe('');
    writeFileSync(path.join(ws, 'a', 'package-lock.json'), '{"x":1}');
    expect(evaluateValue("hashFiles('**/package-lock.json')", s)).not.toBe(first);
  });
});
