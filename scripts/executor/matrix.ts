/**
 * strategy.matrix expansion as GitHub documents it: the cartesian product of the vectors (first key varies
 * slowest), minus `exclude` entries (partial matches), then `include`: each entry extends every combination it can
 * join without overwriting an original value (values added by an earlier include may be overwritten); an entry
 * that joins none becomes a combination of its own.
 */
import { WorkflowError } from './errors.js';
import type { Value } from './expressions.js';

export type Combination = Record<string, Value>;

const MAX_JOBS = 256;

function same(a: Value | undefined, b: Value | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isObject(v: Value | undefined): v is { [key: string]: Value } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function expandMatrix(matrix: Value, where = 'strategy.matrix'): Combination[] {
  if (matrix === null || matrix === undefined) return [{}];
  if (!isObject(matrix)) {
    throw new WorkflowError(`${where} must be a mapping, got ${JSON.stringify(matrix)}`);
  }
  const vectors = Object.entries(matrix).filter(([k]) => k !== 'include' && k !== 'exclude');
  const include = matrix.include ?? [];
  const exclude = matrix.exclude ?? [];
  if (!Array.isArray(include) || !include.every(isObject)) {
    throw new WorkflowError(`${where}.include must be a list of mappings`);
  }
  if (!Array.isArray(exclude) || !exclude.every(isObject)) {
    throw new WorkflowError(`${where}.exclude must be a list of mappings`);
  }
  let combos: Combination[] = vectors.length ? [{}] : [];
  for (const [key, values] of vectors) {
    if (!Array.isArray(values)) {
      throw new WorkflowError(`${where}.${key} must be a list, got ${JSON.stringify(values)}`);
    }
    if (values.length === 0) {
      throw new WorkflowError(`${where}: matrix vector '${key}' does not contain any values`);
    }
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  combos = combos.filter(
    (c) => !exclude.some((e) => Object.entries(e as Combination).every(([k, v]) => same(c[k], v)))
  );
  const originalKeys = new Set(vectors.map(([k]) => k));
  const originals = combos.map((c) => ({ ...c }));
  const extra: Combination[] = [];
  for (const entry of include as Combination[]) {
    let joined = false;
    originals.forEach((original, i) => {
      const conflicts = Object.entries(entry).some(
        ([k, v]) => originalKeys.has(k) && k in original && !same(original[k], v)
      );
      if (!conflicts) {
        combos[i] = { ...combos[i], ...entry };
        joined = true;
      }
    });
    if (!joined) extra.push({ ...entry });
  }
  const result = [...combos, ...extra];
  if (result.length > MAX_JOBS) {
    throw new WorkflowError(`${where} expands to ${result.length} jobs; GitHub allows at most ${MAX_JOBS}`);
  }
  if (result.length === 0) {
    throw new WorkflowError(
      `${where} expands to no jobs (every combination was excluded or the matrix is empty)`
    );
  }
  return result;
}

/** GitHub's display name of a matrix leg: `build (api, linux)`, values in matrix key order. */
export function legName(jobName: string, combo: Combination): string {
  const values = Object.values(combo).map((v) =>
    typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)
  );
  return values.length ? `${jobName} (${values.join(', ')})` : jobName;
}
