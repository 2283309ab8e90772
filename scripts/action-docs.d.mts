// Types of scripts/action-docs.mjs (plain JS so that scripts/build.mjs runs on node without a TS loader).
interface ActionMeta {
  name?: string;
  description?: string;
  inputs?: Record<
    string,
    { description?: string; required?: boolean; default?: unknown; deprecationMessage?: string }
  > | null;
  outputs?: Record<string, { description?: string; value?: string }> | null;
}
export function cell(text: unknown): string;
export function inputsOutputsTables(meta: ActionMeta): string[];
export function actionHead(name: string, meta: ActionMeta, withLines?: string[]): string[];
