/**
 * Where in a config file a mistake is: the line of a JSON-pointer path (ajv's instancePath) in YAML or JSON text, so a
 * ConfigurationError can carry file:line and become an inline annotation (lib/run.ts). YAML positions come from the
 * `yaml` library's node ranges and LineCounter; JSON positions from jsonc-parser (JSON.parse gives none: V8's message
 * quotes a snippet, not always an offset).
 */
import { findNodeAtLocation, parseTree, type ParseError } from 'jsonc-parser';
import { isNode, type LineCounter, type Document } from 'yaml';

/** The line (1-based) of the deepest node of `instancePath` that exists in the document. */
export function lineOfPath(doc: Document, counter: LineCounter, instancePath: string): number | undefined {
  const segments = pointerSegments(instancePath);
  for (let n = segments.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(segments.slice(0, n), true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

const lineAtOffset = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;

const pointerSegments = (instancePath: string): Array<string | number> =>
  instancePath
    .split('/')
    .slice(1)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));

/** The line of `instancePath` in JSON text: the deepest node of the path that exists (jsonc-parser's node offsets). */
export function jsonLineOfPath(text: string, instancePath: string): number | undefined {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (!tree || errors.length > 0) return undefined;
  const segments = pointerSegments(instancePath);
  for (let n = segments.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, segments.slice(0, n));
    // a property's value node: report the line of its key (the property node)
    if (node) return lineAtOffset(text, node.parent?.type === 'property' ? node.parent.offset : node.offset);
  }
  return undefined;
}

/** The line of the first syntax error of JSON text (jsonc-parser, strict JSON: no comments, no trailing commas). */
export function jsonErrorLine(text: string): number | undefined {
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  return errors.length > 0 ? lineAtOffset(text, errors[0]!.offset) : undefined;
}
