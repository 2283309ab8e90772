import { parseWorkflow, NoOperationTraceWriter } from '@actions/workflow-parser';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import { mapGet } from '../../../scripts/executor/load.js';
import {
  callMaximum,
  defaultPermissions,
  granted,
  parsePermissions,
  permissionsText,
  violations
} from '../../../scripts/executor/permissions.js';

/** The `permissions:` token of a tiny workflow whose top level sets `yaml`. */
function token(yaml: string) {
  const content = `on: push\npermissions: ${yaml}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: 'true'\n`;
  const parsed = parseWorkflow({ name: 'w.yml', content }, new NoOperationTraceWriter());
  expect(parsed.context.errors.getErrors()).toEqual([]);
  return mapGet(parsed.value as MappingToken, 'permissions');
}

describe('GITHUB_TOKEN permissions', () => {
  test('the two repository defaults', () => {
    expect(granted(defaultPermissions('restricted'))).toEqual({ contents: 'read', packages: 'read' });
    const permissive = granted(defaultPermissions('permissive'));
    // the docs' table: read/write, but id-token none and models read
    expect(permissive).toMatchObject({
      contents: 'write',
      packages: 'write',
      deployments: 'write',
      models: 'read'
    });
    expect(permissive['id-token']).toBeUndefined();
  });

  test('what a call may ask for without caller permissions: id-token only within the trust boundary', () => {
    expect(granted(callMaximum('restricted', true))).toEqual({ contents: 'read', packages: 'read' });
    expect(callMaximum('permissive', true)['id-token']).toBe('write');
    expect(callMaximum('permissive', false)['id-token']).toBe('none');
    expect(callMaximum('permissive', false).contents).toBe('write');
  });

  test('a mapping sets every unnamed scope to none; read-all / write-all set all', () => {
    expect(granted(parsePermissions(token('{ contents: write, id-token: write }'), 'w') ?? {})).toEqual({
      contents: 'write',
      'id-token': 'write'
    });
    expect(granted(parsePermissions(token('{}'), 'w') ?? {})).toEqual({});
    expect(parsePermissions(token('read-all'), 'w')).toMatchObject({ contents: 'read', actions: 'read' });
    expect(parsePermissions(token('write-all'), 'w')).toMatchObject({ packages: 'write', models: 'read' });
    expect(parsePermissions(undefined, 'w')).toBeUndefined();
  });

  test("violations list GitHub's requested/allowed texts in its scope order", () => {
    const requested = parsePermissions(token('{ packages: write, contents: write, issues: read }'), 'w')!;
    const allowed = parsePermissions(token('{ contents: read, issues: write }'), 'w')!;
    expect(violations(requested, allowed)).toEqual([
      'contents: write, packages: write',
      'contents: read, packages: none'
    ]);
    expect(violations(allowed, parsePermissions(token('write-all'), 'w')!)).toBeUndefined();
    expect(permissionsText(requested)).toBe('contents: write, issues: read, packages: write');
    expect(permissionsText(parsePermissions(token('{}'), 'w')!)).toBe('none');
  });
});
