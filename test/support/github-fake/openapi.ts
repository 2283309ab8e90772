// Lazy loader for GitHub's official OpenAPI description (@octokit/openapi) and per-operation ajv validators.
//
// The bundled description is 13 MB (the dereferenced variant is 70 MB), so nothing is read until the first
// validator is requested, and only the operations actually used are compiled. Component schemas are converted
// (OpenAPI 3.0 `nullable` -> JSON Schema) and registered with ajv one by one, on demand, under
// `https://github-fake.invalid/components/schemas/<name>`, with `$ref`s rewritten to point at them. Everything is
// cached per process, so a second fake in the same test file costs nothing.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const COMPONENT_BASE = 'https://github-fake.invalid/components/schemas/';

export interface OpenApiSpec {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, JsonObject>>;
  components: {
    schemas: Record<string, JsonObject>;
    parameters: Record<string, JsonObject>;
    responses: Record<string, JsonObject>;
  };
}

export interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export interface ResponseSpec {
  /** undefined when the spec declares the status without a JSON body (e.g. 204) */
  validate?: Validator;
}

export interface OperationValidators {
  operationId: string;
  /** the operation's docs page (GitHub puts it in error responses' documentation_url) */
  docsUrl: string;
  method: string;
  template: string;
  /** validates (and coerces in place) the decoded path params */
  pathParams: Validator;
  /** validates (and coerces in place) the query; unknown query params are allowed */
  query: Validator;
  /** names of query params that are arrays (so repeated keys are kept as arrays) */
  queryNames: Set<string>;
  /** JSON request body validator (applies defaults), undefined when the operation takes no JSON body */
  body?: Validator;
  bodyRequired: boolean;
  /** request body media types declared by the spec */
  bodyMediaTypes: string[];
  responses: Map<number, ResponseSpec>;
}

let specCache: OpenApiSpec | undefined;
let specLoadMs = 0;
let compileMs = 0;

export function specPath(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('@octokit/openapi/generated/api.github.com.json');
}

export function loadSpec(): OpenApiSpec {
  if (!specCache) {
    const t0 = performance.now();
    specCache = JSON.parse(readFileSync(specPath(), 'utf8')) as OpenApiSpec;
    specLoadMs = performance.now() - t0;
  }
  return specCache;
}

/** Timing of the lazy work done so far in this process (for the startup budget). */
export function openApiTimings(): { specLoadMs: number; compileMs: number; compiledOperations: number } {
  return { specLoadMs, compileMs, compiledOperations: operationCache.size };
}

// ---------------------------------------------------------------------------------------------------------------
// Schema conversion: OpenAPI 3.0 -> JSON Schema draft-07 as understood by ajv.

function componentName(ref: string): string {
  const prefix = '#/components/schemas/';
  if (!ref.startsWith(prefix)) throw new Error(`unsupported $ref ${ref}`);
  return decodeURIComponent(ref.slice(prefix.length));
}

/** Deep-copies `schema`, converting `nullable` and rewriting component refs; collects referenced names. */
function convert(schema: Json, refs: Set<string>): Json {
  if (Array.isArray(schema)) return schema.map((s) => convert(s, refs));
  if (schema === null || typeof schema !== 'object') return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable' || key === 'discriminator' || key === 'example' || key === 'examples') continue;
    if (key === 'description' || key.startsWith('x-')) continue;
    if (key === '$ref' && typeof value === 'string') {
      const name = componentName(value);
      refs.add(name);
      out.$ref = COMPONENT_BASE + encodeURIComponent(name);
      continue;
    }
    // Property names are data, not schemas: copy the keys, convert the values.
    if ((key === 'properties' || key === 'patternProperties') && value && typeof value === 'object') {
      const props: JsonObject = {};
      for (const [p, s] of Object.entries(value as JsonObject)) props[p] = convert(s, refs);
      out[key] = props;
      continue;
    }
    if (key === 'enum' || key === 'const' || key === 'default' || key === 'required') {
      out[key] = value;
      continue;
    }
    out[key] = convert(value, refs);
  }
  if ((schema as JsonObject).nullable === true) {
    const type = out.type;
    const combined = ['$ref', 'allOf', 'anyOf', 'oneOf', 'not'].some((k) => k in out);
    if (typeof type === 'string' && !combined) {
      out.type = [type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      return out;
    }
    return { anyOf: [{ type: 'null' }, out] };
  }
  return out;
}

class Registry {
  readonly ajv: Ajv;
  private readonly added = new Set<string>();
  constructor(options: Options) {
    this.ajv = new Ajv({ strict: false, allErrors: true, logger: false, ...options });
    addFormats(this.ajv);
    // formats GitHub uses that ajv-formats does not know: annotations only
    for (const f of ['repo.nwo', 'timestamp', 'uri-template']) {
      if (!this.ajv.formats[f]) this.ajv.addFormat(f, true);
    }
  }

  /** Converts a schema and registers every component it (transitively) references. */
  prepare(schema: Json): Json {
    const refs = new Set<string>();
    const converted = convert(schema, refs);
    this.register(refs);
    return converted;
  }

  private register(names: Set<string>): void {
    const spec = loadSpec();
    const queue = [...names];
    while (queue.length > 0) {
      const name = queue.pop()!;
      if (this.added.has(name)) continue;
      this.added.add(name);
      const raw = spec.components.schemas[name];
      if (!raw) throw new Error(`OpenAPI component schema ${name} not found`);
      const refs = new Set<string>();
      const converted = convert(raw, refs) as JsonObject;
      this.ajv.addSchema({ ...converted, $id: COMPONENT_BASE + encodeURIComponent(name) });
      for (const r of refs) if (!this.added.has(r)) queue.push(r);
    }
  }

  compile(schema: Json): ValidateFunction {
    return this.ajv.compile(this.prepare(schema) as JsonObject);
  }
}

let registries: { params: Registry; body: Registry; response: Registry } | undefined;
function getRegistries(): { params: Registry; body: Registry; response: Registry } {
  registries ??= {
    // query/path values arrive as strings: coerce them (arrays too); defaults are left to the handlers
    params: new Registry({ coerceTypes: 'array' }),
    // request bodies: fill defaults (e.g. deployment environment "production") for the handlers
    body: new Registry({ useDefaults: true }),
    // responses: validate as-is
    response: new Registry({})
  };
  return registries;
}

function deref<T extends JsonObject>(obj: T, section: 'parameters' | 'responses'): T {
  const ref = obj.$ref;
  if (typeof ref !== 'string') return obj;
  const name = ref.split('/').pop()!;
  const target = loadSpec().components[section][name];
  if (!target) throw new Error(`OpenAPI ${section} ${ref} not found`);
  return deref(target as T, section);
}

const operationCache = new Map<string, OperationValidators>();

/** True when the spec has `method` on the exact path template. */
export function specHasOperation(method: string, template: string): string | undefined {
  const op = loadSpec().paths[template]?.[method.toLowerCase()];
  return op ? String(op.operationId) : undefined;
}

/** Finds the spec path template (and operationId, if the method exists) that matches a concrete path. */
export function findSpecOperation(
  method: string,
  path: string
): { template: string; operationId?: string; methods: string[] } | undefined {
  const spec = loadSpec();
  const segments = path.split('/');
  let best: { template: string; score: number } | undefined;
  for (const template of Object.keys(spec.paths)) {
    const t = template.split('/');
    if (t.length !== segments.length) continue;
    let score = 0;
    let ok = true;
    for (let i = 0; i < t.length; i++) {
      const seg = t[i]!;
      if (seg.startsWith('{') && seg.endsWith('}')) continue;
      if (seg !== segments[i]) {
        ok = false;
        break;
      }
      score++;
    }
    if (ok && (!best || score > best.score)) best = { template, score };
  }
  if (!best) return undefined;
  const item = spec.paths[best.template]!;
  const methods = Object.keys(item).filter((m) => m !== 'parameters');
  const op = item[method.toLowerCase()];
  return { template: best.template, operationId: op ? String(op.operationId) : undefined, methods };
}

export function getOperation(method: string, template: string): OperationValidators {
  const key = `${method.toUpperCase()} ${template}`;
  const cached = operationCache.get(key);
  if (cached) return cached;
  const spec = loadSpec();
  const t0 = performance.now();
  const item = spec.paths[template];
  const op = item?.[method.toLowerCase()];
  if (!item || !op) throw new Error(`OpenAPI description has no operation ${key}`);
  const regs = getRegistries();

  const declared = [item.parameters, op.parameters].flatMap(
    (list) => (list ?? []) as unknown as JsonObject[]
  );
  const params = declared.map((p) => deref(p, 'parameters'));
  const objectSchema = (where: string): JsonObject => {
    const properties: JsonObject = {};
    const required: string[] = [];
    for (const p of params.filter((x) => x.in === where)) {
      const name = String(p.name);
      properties[name] = (p.schema as Json) ?? {};
      if (p.required === true) required.push(name);
    }
    return { type: 'object', properties, required };
  };
  const querySchema = objectSchema('query');
  const queryNames = new Set(
    Object.entries(querySchema.properties as JsonObject)
      .filter(([, s]) => (s as JsonObject).type === 'array')
      .map(([n]) => n)
  );

  let body: ValidateFunction | undefined;
  let bodyRequired = false;
  let bodyMediaTypes: string[] = [];
  const requestBody = op.requestBody as JsonObject | undefined;
  if (requestBody) {
    const content = (requestBody.content ?? {}) as Record<string, JsonObject>;
    bodyMediaTypes = Object.keys(content);
    bodyRequired = requestBody.required === true;
    const jsonSchema = content['application/json']?.schema;
    if (jsonSchema) body = regs.body.compile(jsonSchema);
  }

  const responses = new Map<number, ResponseSpec>();
  for (const [code, r] of Object.entries(op.responses as Record<string, JsonObject>)) {
    const status = Number(code);
    if (!Number.isInteger(status)) continue;
    const resolved = deref(r, 'responses');
    const content = (resolved.content ?? {}) as Record<string, JsonObject>;
    const schema =
      content['application/json']?.schema ??
      Object.entries(content).find(([type]) => type.includes('json'))?.[1].schema;
    responses.set(status, schema ? { validate: regs.response.compile(schema) } : {});
  }

  const result: OperationValidators = {
    operationId: String(op.operationId),
    docsUrl: String((op.externalDocs as JsonObject | undefined)?.url ?? 'https://docs.github.com/rest'),
    method: method.toUpperCase(),
    template,
    pathParams: regs.params.compile(objectSchema('path')),
    query: regs.params.compile(querySchema),
    queryNames,
    body,
    bodyRequired,
    bodyMediaTypes,
    responses
  };
  operationCache.set(key, result);
  compileMs += performance.now() - t0;
  return result;
}

const componentValidators = new Map<string, ValidateFunction>();
/** Response-side validator for one component schema, e.g. GitHub's generic `basic-error` / `validation-error`. */
export function getComponentValidator(name: string): Validator {
  let v = componentValidators.get(name);
  if (!v) {
    v = getRegistries().response.compile({ $ref: `#/components/schemas/${name}` });
    componentValidators.set(name, v);
  }
  return v;
}

export function formatErrors(errors: ErrorObject[] | null | undefined, root = ''): string[] {
  return (errors ?? []).map((e) => {
    const where = `${root}${e.instancePath || ''}` || '(root)';
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
        : e.keyword === 'enum'
          ? ` (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})`
          : '';
    return `${where} ${e.message ?? e.keyword}${extra}`;
  });
}
