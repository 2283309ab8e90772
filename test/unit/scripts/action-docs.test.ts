import { parse } from 'yaml';
import { actionHead, cell, inputsOutputsTables } from '../../../scripts/action-docs.mjs';

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

const INPUTS_HEAD = [
  '## Inputs',
  '',
  '| name | required | default | description |',
  '| --- | --- | --- | --- |'
];
const OUTPUTS_HEAD = ['## Outputs', '', '| name | description |', '| --- | --- |'];

describe('inputsOutputsTables', () => {
  it('renders one row an input and output, marking a deprecated input once, folding lines and escaping pipes', () => {
    expect(inputsOutputsTables(parse(fixture))).toEqual([
      ...INPUTS_HEAD,
      '| `image` | yes |  | The image to scan, by digest. |',
      '| `severities` | no | `HIGH\\|CRITICAL` | Severities that fail the gate, comma-separated (a\\|b). |',
      '| `timeout-seconds` | no | `300` | **Deprecated.** Seconds before giving up. |',
      '| `interval-ms` | no |  | **Deprecated.** Use interval (e.g. 2s). Pause between attempts, milliseconds |',
      '| `timeout` | no |  | How long before giving up. |',
      '',
      ...OUTPUTS_HEAD,
      "| `report` | The report's path. |"
    ]);
  });

  it('renders empty tables for an action without inputs or outputs', () => {
    expect(inputsOutputsTables(parse('name: Bare\ndescription: Nothing to pass.\n'))).toEqual([
      ...INPUTS_HEAD,
      '',
      ...OUTPUTS_HEAD
    ]);
  });
});

describe('actionHead', () => {
  it('titles the page and shows a uses: example with the given with: block', () => {
    expect(actionHead('fixture', parse(fixture), ['  with:', '    image: <the image>'])).toEqual([
      '# Fixture',
      '',
      "An action for the renderer's test.",
      '',
      '```yaml',
      '- uses: slipway/slipway/actions/fixture@v1',
      '  with:',
      '    image: <the image>',
      '```',
      ''
    ]);
  });
});

describe('cell', () => {
  it('folds CRLF and LF line breaks and trims', () => {
    expect(cell('one\r\ntwo\nthree\n')).toBe('one two three');
    expect(cell(undefined)).toBe('');
  });
});
