/**
 * The line of a JSON-pointer path, or of the first syntax error, in JSON text (config-location.ts does YAML): from
 * jsonc-parser's node offsets, since JSON.parse gives none (V8's message quotes a snippet, not always an offset).
 */
import { findNodeAtLocation, parseTree, type ParseError } from 'jsonc-parser';
import { pointerSegments } from './config-location.js';

const lineAtOffset = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;

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
