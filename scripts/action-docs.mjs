// The one renderer of an action's inputs and outputs tables (from its parsed action.yml), used by scripts/build.mjs
// for both docs/reference/<name>.md and the generated block of actions/<name>/README.md.

/** A Markdown table cell: pipes escaped, line breaks folded into spaces. */
export function cell(text) {
  return String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ')
    .trim();
}

/** An input's description cell: a deprecated input is marked once, its own leading "Deprecated:" folded into it. */
function inputDescription(spec) {
  const text = cell(spec.description);
  if (!spec.deprecationMessage) return text;
  const rest = text.replace(/^deprecated\s*[:.]\s*/i, '');
  return `**Deprecated.** ${rest.charAt(0).toUpperCase()}${rest.slice(1)}`;
}

/**
 * The `## Inputs` and `## Outputs` sections: one row an input (required, default, description; an input with a
 * `deprecationMessage` is marked **Deprecated.**) and one row an output, in action.yml's order.
 */
export function inputsOutputsTables(meta) {
  return [
    '## Inputs',
    '',
    '| name | required | default | description |',
    '| --- | --- | --- | --- |',
    ...Object.entries(meta.inputs ?? {}).map(
      ([input, spec]) =>
        `| \`${input}\` | ${spec.required ? 'yes' : 'no'} | ${spec.default === undefined || spec.default === '' ? '' : `\`${cell(spec.default)}\``} | ${inputDescription(spec)} |`
    ),
    '',
    '## Outputs',
    '',
    '| name | description |',
    '| --- | --- |',
    ...Object.entries(meta.outputs ?? {}).map(
      ([output, spec]) => `| \`${output}\` | ${cell(spec.description)} |`
    )
  ];
}

/** The page head: title, description and a `uses:` example (`withLines`: its `with:` block, if any). */
export function actionHead(name, meta, withLines = []) {
  return [
    `# ${meta.name}`,
    '',
    meta.description,
    '',
    '```yaml',
    `- uses: slipway/slipway/actions/${name}@v1`,
    ...withLines,
    '```',
    ''
  ];
}
