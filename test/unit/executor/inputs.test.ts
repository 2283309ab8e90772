import type { TriggerInputs } from '../../../scripts/executor/load.js';
import {
  checkSecretNames,
  secretNameProblem,
  resolveCallInputs,
  resolveCallSecrets,
  resolveDispatchInputs
} from '../../../scripts/executor/inputs.js';

const dispatch = {
  inputs: {
    environment: { type: 'choice', options: ['staging', 'production'], default: 'staging' },
    'dry-run': { type: 'boolean', default: true },
    replicas: { type: 'number', default: 2 },
    version: { type: 'string', required: true },
    note: { type: 'string' }
  },
  secrets: {}
} as TriggerInputs;

describe('workflow_dispatch inputs', () => {
  test('defaults and types; github.event.inputs keeps strings', () => {
    const r = resolveDispatchInputs(dispatch, { version: '1.2.3', 'dry-run': 'false' }, 'd.yml');
    expect(r.context).toEqual({
      environment: 'staging',
      'dry-run': false,
      replicas: 2,
      version: '1.2.3',
      note: ''
    });
    expect(r.eventInputs).toEqual({
      environment: 'staging',
      'dry-run': 'false',
      replicas: '2',
      version: '1.2.3',
      note: ''
    });
  });

  test('an invalid choice names the input and the allowed options', () => {
    expect(() => resolveDispatchInputs(dispatch, { version: '1', environment: 'prod' }, 'd.yml')).toThrow(
      "d.yml: workflow_dispatch input 'environment' got 'prod', which is not one of its options: staging, production"
    );
  });

  test('a required input without default', () => {
    expect(() => resolveDispatchInputs(dispatch, {}, 'd.yml')).toThrow(
      /input 'version' is required.*--input version=/
    );
  });

  test('booleans, numbers and unknown inputs', () => {
    expect(() => resolveDispatchInputs(dispatch, { version: '1', 'dry-run': 'yes' }, 'd.yml')).toThrow(
      /boolean: pass true or false, not 'yes'/
    );
    expect(() => resolveDispatchInputs(dispatch, { version: '1', replicas: 'two' }, 'd.yml')).toThrow(
      /is a number, not 'two'/
    );
    expect(() => resolveDispatchInputs(dispatch, { version: '1', colour: 'x' }, 'd.yml')).toThrow(
      /unexpected input 'colour'.*defined inputs: environment, dry-run, replicas, version, note/
    );
  });
});

const call = {
  inputs: {
    who: { type: 'string', required: true },
    loud: { type: 'boolean', default: false },
    times: { type: 'number', default: 2 }
  },
  secrets: { 'deploy-key': { required: true }, optional: { required: false } }
} as TriggerInputs;

describe('workflow_call inputs and secrets', () => {
  const scope = { contexts: {} };
  test('defaults and types', () => {
    expect(resolveCallInputs(call, { who: 'me' }, scope, 'c')).toEqual({ who: 'me', loud: false, times: 2 });
    expect(resolveCallInputs(call, { who: 5, loud: true }, scope, 'c')).toEqual({
      who: '5',
      loud: true,
      times: 2
    });
  });

  test('type mismatch, missing required, unknown input', () => {
    expect(() => resolveCallInputs(call, { who: 'me', loud: 'true' }, scope, 'c')).toThrow(
      /input 'loud' is a boolean but got "true"/
    );
    expect(() => resolveCallInputs(call, {}, scope, 'c')).toThrow(/requires input 'who'/);
    expect(() => resolveCallInputs(call, { who: 'x', extra: 1 }, scope, 'c')).toThrow(
      /input 'extra' is not defined/
    );
  });

  test('required secrets must be passed; undeclared ones are refused unless inherited', () => {
    expect(resolveCallSecrets(call, { 'deploy-key': 'k' }, false, 'c')).toEqual({ 'deploy-key': 'k' });
    expect(() => resolveCallSecrets(call, { optional: 'x' }, false, 'c')).toThrow(
      "c: the called workflow requires secret 'deploy-key', but it was not provided: map it under `secrets:` (or use `secrets: inherit`)"
    );
    expect(() => resolveCallSecrets(call, {}, true, 'c')).toThrow(/pass --secret deploy-key=<value>/);
    expect(() => resolveCallSecrets(call, { 'deploy-key': 'k', other: 'x' }, false, 'c')).toThrow(
      /secret 'other' is not defined/
    );
    expect(resolveCallSecrets(call, { 'deploy-key': 'k', other: 'x' }, true, 'c')).toEqual({
      'deploy-key': 'k',
      other: 'x'
    });
  });
});

describe('secret names GitHub accepts', () => {
  test('letters, digits, underscores; not a leading digit; not GITHUB_ (GITHUB_TOKEN stays special)', () => {
    expect(secretNameProblem('COSIGN_PRIVATE_KEY')).toBeUndefined();
    expect(secretNameProblem('_x1')).toBeUndefined();
    expect(secretNameProblem('GITHUB_TOKEN')).toBeUndefined();
    expect(secretNameProblem('cosign-private-key')).toMatch(/only contain alphanumeric characters/);
    expect(secretNameProblem('MY KEY')).toMatch(/only contain alphanumeric characters/);
    expect(secretNameProblem('1KEY')).toBe('secret names must not start with a number');
    expect(secretNameProblem('GITHUB_PAT')).toBe('secret names must not start with the GITHUB_ prefix');
    expect(() => checkSecretNames(['OK', 'deploy-key'])).toThrow(
      '--secret deploy-key: GitHub cannot store a secret of this name'
    );
  });
});
