import { parse } from 'yaml';
import { cell, inputsOutputsTables } from '../../../scripts/action-docs.mjs';

// A fixture action.yml as scripts/build.mjs reads it: a required input, a multi-line description, a default holding
// a pipe, two deprecated inputs (one whose description says so itself), and outputs.
const fixture = `
name: Fixture
description: An action for the renderer's test.
inputs:
  image:
    description: The image to scan, by digest.
    required: true
  severities:
    description: |
      Severities that fail the gate,
      comma-separated (a|b).
    required: false
    default: 'HIGH|CRITICAL'
  timeout-seconds:
    description: Seconds before giving up.
    deprecationMessage: Use timeout.
    default: '300'
  interval-ms:
    description: 'Deprecated: use interval (e.g. 2s). Pause between attempts, milliseconds'
    deprecationMessage: Use interval.
  timeout:
    description: How long before giving up.
    default: ''
outputs:
  report:
    description: The report's path.
`;

describe('inputsOutputsTables', () => {
  it('renders one row an input and output, marking a deprecated input once, folding lines and escaping pipes', () => {
    expect(inputsOutputsTables(parse(fixture))).toEqual([
      '## Inputs',
      '',
      '| name | required | default | description |',
      '| --- | --- | --- | --- |',
      '| `image` | yes |  | The image to scan, by digest. |',
      '| `severities` | no | `HIGH\\|CRITICAL` | Severities that fail the gate, comma-separated (a\\|b). |',
      '| `timeout-seconds` | no | `300` | **Deprecated.** Seconds before giving up. |',
      '| `interval-ms` | no |  | **Deprecated.** Use interval (e.g. 2s). Pause between attempts, milliseconds |',
      '| `timeout` | no |  | How long before giving up. |',
      '',
      '## Outputs',
      '',
      '| name | description |',
      '| --- | --- |',
      "| `report` | The report's path. |"
    ]);
  });

  it('renders empty tables for an action without inputs or outputs', () => {
    expect(inputsOutputsTables(parse('name: Bare\ndescription: Nothing to pass.\n'))).toEqual([
      '## Inputs',
      '',
      '| name | required | default | description |',
      '| --- | --- | --- | --- |',
      '',
      '## Outputs',
      '',
      '| name | description |',
      '| --- | --- |'
    ]);
  });
});

describe('cell', () => {
  it('folds CRLF and LF line breaks and trims', () => {
    expect(cell('one\r\ntwo\nthree\n')).toBe('one two three');
    expect(cell(undefined)).toBe('');
  });
});
