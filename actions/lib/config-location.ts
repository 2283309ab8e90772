/**
 * Where in a config file a mistake is: the line of a JSON-pointer path (ajv's instancePath) in YAML or JSON text, so a
 * ConfigurationError can carry file:line and become an inline annotation (lib/run.ts). YAML positions come from the
 * `yaml` library's node ranges and LineCounter; JSON positions (json-location.ts) from jsonc-parser, in a module of
 * its own so the actions that read only YAML (plan: its start is measured) do not load it.
 */
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

/** ajv's instancePath (a JSON pointer) as path segments; numeric ones as array indexes. */
export const pointerSegments = (instancePath: string): Array<string | number> =>
  instancePath
    .split('/')
    .slice(1)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
