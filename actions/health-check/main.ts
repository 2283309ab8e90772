import * as core from '@actions/core';
import { ConfigurationError } from '../lib/errors.js';
import {
  checkAll,
  DEGRADED_POLICIES,
  HEALTH_TABLE_HEADER,
  healthRows,
  type HealthOptions
} from '../lib/health.js';
import { durationInput } from '../lib/duration.js';
import { boolInput, enumInput, intInput, listInput } from '../lib/inputs.js';
import { setOutputs } from '../lib/outputs.js';
import { writeTableSummary } from '../lib/summary.js';

export function readHealthOptions(): HealthOptions {
  return {
    timeoutMs: durationInput('timeout', '60s', {
      min: 1000,
      legacy: { input: 'timeout-seconds', unit: 's' }
    }),
    intervalMs: durationInput('interval', '2s', { min: 10, legacy: { input: 'interval-ms', unit: 'ms' } }),
    retries: intInput('retries', 0, 0),
    requestTimeoutMs: durationInput('request-timeout', '5s', {
      min: 10,
      legacy: { input: 'request-timeout-ms', unit: 'ms' }
    }),
    unhealthyThreshold: intInput('unhealthy-threshold', 0, 0),
    degraded: enumInput('degraded', DEGRADED_POLICIES, 'accept')
  };
}

/** WHATWG URL parsing, as fetch() does it: an unparseable URL is refused at once instead of polled until timeout. */
function parsesAsUrl(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

export async function run(): Promise<void> {
  const urls = listInput('urls');
  if (urls.length === 0) throw new ConfigurationError('Input required and not supplied: urls');
  for (const url of urls) {
    if (!/^https?:\/\//.test(url) || !parsesAsUrl(url)) {
      throw new ConfigurationError(
        `Input 'urls': '${url}' is not an http(s) URL; give full URLs like https://host/health`
      );
    }
  }
  const options = readHealthOptions();
  const failOnUnhealthy = boolInput('fail-on-unhealthy', true);
  const result = await checkAll(urls, {
    ...options,
    onAttempt: (url, attempt, r) =>
      core.info(`${url}: attempt ${attempt}: ${r.status}${r.error ? ` (${r.error})` : ''}`)
  });
  for (const r of result.results) {
    if (r.passed && r.status === 'degraded')
      core.warning(`${r.url} is degraded (accepted by degraded: accept)`);
  }
  setOutputs({ status: result.status, passed: result.passed, details: result.results });
  await writeTableSummary(`Health: ${result.status}`, HEALTH_TABLE_HEADER, healthRows(result.results));
  if (!result.passed && failOnUnhealthy) {
    const bad = result.results.filter((r) => !r.passed);
    throw new Error(
      `Health check failed: ${bad.map((r) => `${r.url} is ${r.status} after ${r.attempts} attempt(s) (${r.error ?? 'no detail'})`).join('; ')}`
    );
  }
}
