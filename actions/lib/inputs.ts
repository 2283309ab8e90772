/**
 * Typed action inputs, read the way @actions/core reads them (INPUT_<NAME>, trimmed), with errors that name the
 * input and say what is allowed.
 */
import * as core from '@actions/core';
import { ConfigurationError } from './errors.js';

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

/** Optional string: empty means undefined. */
export function optionalString(name: string): string | undefined {
  const value = core.getInput(name);
  return value === '' ? undefined : value;
}

export function requiredString(name: string): string {
  const value = core.getInput(name);
  if (value === '') throw new ConfigurationError(`Input required and not supplied: ${name}`);
  return value;
}

export function stringInput(name: string, fallback: string): string {
  return optionalString(name) ?? fallback;
}

export function boolInput(name: string, fallback: boolean): boolean {
  const value = core.getInput(name);
  if (value === '') return fallback;
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new ConfigurationError(`Input '${name}' must be true or false, got '${value}'`);
}

export function intInput(name: string, fallback: number, min = Number.MIN_SAFE_INTEGER): number {
  const value = core.getInput(name);
  if (value === '') return fallback;
  if (!/^-?\d+$/.test(value) || Number(value) < min) {
    throw new ConfigurationError(`Input '${name}' must be a whole number >= ${min}, got '${value}'`);
  }
  return Number(value);
}

/** Splits on newlines and commas (like docker/actions-toolkit), drops blanks and `#` comment lines. */
export function parseList(raw: string, { comma = true }: { comma?: boolean } = {}): string[] {
  return raw
    .split(/\r?\n/)
    .flatMap((line) => (comma ? line.split(',') : [line]))
    .map((item) => item.trim())
    .filter((item) => item !== '' && !item.startsWith('#'));
}

export function listInput(name: string, options: { comma?: boolean } = {}): string[] {
  return parseList(core.getInput(name), options);
}

export function enumInput<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = core.getInput(name);
  if (value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigurationError(`Input '${name}' must be one of ${allowed.join(', ')}, got '${value}'`);
  }
  return value as T;
}

/** KEY=VALUE lines (build args, labels) into a map; a line without '=' is an error naming the input. */
export function keyValueInput(name: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const line of parseList(core.getInput(name), { comma: false })) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new ConfigurationError(`Input '${name}': expected KEY=VALUE, got '${line}'`);
    map[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return map;
}
