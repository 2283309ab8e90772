import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { ConfigurationError, ToolError } from '../lib/errors.js';
import { execTool, lastLines } from '../lib/exec.js';
import { Git } from '../lib/git.js';
import { boolInput, optionalString, stringInput } from '../lib/inputs.js';
import { setOutputs } from '../lib/outputs.js';
import { writeTableSummary } from '../lib/summary.js';
import { buildDetectArgs, classifyExit, parseScanMode, patchArgs, stripAnsi } from './args.js';
import { resolveGitleaks } from './install.js';
import { chooseTarget, FETCH_HINT, requireRepository } from './range.js';
import {
  type Finding,
  locatePatchFindings,
  missingFileError,
  parseReport,
  redact,
  SUMMARY_HEADER,
  summaryRows,
  toSarif
} from './report.js';

function inputFile(input: string, value: string | undefined, root: string): string | undefined {
  if (!value) return undefined;
  const file = path.resolve(root, value);
  if (!existsSync(file)) throw missingFileError(input, file);
  return file;
}

const BASELINE_FIX =
  "pass a report of an earlier gitleaks run in its JSON format (the gate's 'report-path' output, or " +
  "`gitleaks detect --report-format=json --report-path=baseline.json`), or leave 'baseline' empty";

/**
 * A baseline must be a gitleaks JSON report (an array of findings): gitleaks itself only logs an ERR for anything
 * else and scans without it, so every finding the baseline was meant to accept would fail the gate unexplained.
 */
function checkBaseline(file: string): void {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(
      `Input 'baseline': ${file} is not JSON (${(error as Error).message}); ${BASELINE_FIX}`
    );
  }
  if (!Array.isArray(value) || value.some((f) => typeof f !== 'object' || f === null || !('RuleID' in f))) {
    throw new ConfigurationError(
      `Input 'baseline': ${file} is not a gitleaks report (expected a JSON array of findings with RuleID, File, ` +
        `StartLine…); ${BASELINE_FIX}`
    );
  }
}

/** Runs the gate; any failure before gitleaks has given a verdict sets result=error (fail closed). */
export async function run(): Promise<void> {
  const verdict = { written: false };
  try {
    await scan(verdict);
  } catch (error) {
    if (!verdict.written) setOutputs({ result: 'error' });
    throw error;
  }
}

async function scan(state: { written: boolean }): Promise<void> {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const root = path.resolve(workspace, stringInput('working-directory', workspace));
  const mode = parseScanMode(core.getInput('scan-mode'));
  const failOnLeak = boolInput('fail-on-leak', true);
  const defaultConfig = path.join(root, '.gitleaks.toml');
  const config =
    inputFile('config', optionalString('config'), root) ??
    (existsSync(defaultConfig) ? defaultConfig : undefined);
  const baseline = inputFile('baseline', optionalString('baseline'), root);
  if (baseline) checkBaseline(baseline);

  const git = new Git(root);
  await requireRepository(git);
  const { target, label, reason } = await chooseTarget(git, mode);
  core.info(`Scanning ${label}: ${reason}`);
  if (config) core.info(`Config: ${path.relative(root, config) || config}`);

  const gitleaks = await resolveGitleaks({
    gitleaksPath: optionalString('gitleaks-path'),
    version: optionalString('gitleaks-version'),
    sha256: optionalString('gitleaks-sha256')
  });

  const outDir = path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'slipway-gitleaks-gate');
  mkdirSync(outDir, { recursive: true });
  const reportPath = path.join(outDir, 'gitleaks-report.json');
  const sarifPath = path.join(outDir, 'gitleaks-report.sarif');
  rmSync(reportPath, { force: true });
  rmSync(sarifPath, { force: true });

  const patch =
    target.kind === 'patch'
      ? (await execTool('git', patchArgs(target.base, target.head), { cwd: root })).stdout
      : undefined;
  const args = buildDetectArgs({ source: root, target, reportPath, config, baseline });
  const result = await core.group(`gitleaks ${args.join(' ')}`, async () => {
    // gitleaks logs its progress and verdict as it goes; the findings come from the report file
    const res = await execTool(gitleaks, args, {
      cwd: root,
      input: patch,
      ignoreReturnCode: true,
      stream: 'all'
    });
    const log = stripAnsi(`${res.stdout}\n${res.stderr}`).trim();
    return { exitCode: res.exitCode, log };
  });

  // gitleaks 8 exits without a report on a config it cannot parse ("FTL unable to load gitleaks config, err: …"):
  // name the file, not the missing report
  const configError = /unable to load gitleaks config,? err: (.*)/.exec(result.log)?.[1];
  if (configError) {
    throw new ConfigurationError(
      `${config ? `The gitleaks config ${config}` : 'The gitleaks config'} (input 'config', default ` +
        `<working-directory>/.gitleaks.toml) is not valid: gitleaks says "${configError.trim()}". Fix the TOML ` +
        "(https://github.com/gitleaks/gitleaks#configuration) or point 'config' at a valid file; nothing was scanned"
    );
  }
  // a baseline gitleaks could not load is otherwise only an ERR line, and the scan goes on without it
  const baselineError = /Could not load baseline\.? ?(.*)/.exec(result.log)?.[1];
  if (baseline && baselineError !== undefined) {
    throw new ConfigurationError(
      `Input 'baseline': gitleaks could not load ${baseline} (${baselineError.trim()}); ${BASELINE_FIX}`
    );
  }

  let findings: Finding[] = [];
  let reportError: string | undefined;
  try {
    findings = redact(parseReport(readFileSync(reportPath, 'utf8')));
  } catch (error) {
    reportError = error instanceof Error ? error.message : String(error);
  }
  if (patch !== undefined && target.kind === 'patch')
    findings = locatePatchFindings(findings, patch, target.head);
  const outcome = reportError ? 'error' : classifyExit(result.exitCode, findings.length, result.log);

  if (!reportError) {
    writeFileSync(reportPath, JSON.stringify(findings, null, 1) + '\n');
    writeFileSync(sarifPath, JSON.stringify(toSarif(findings), null, 1) + '\n');
  }
  setOutputs({
    result: outcome,
    count: findings.length,
    'report-path': reportError ? undefined : reportPath,
    'sarif-path': reportError ? undefined : sarifPath,
    range: label
  });
  state.written = true;
  for (const f of findings) {
    core.error(
      `gitleaks ${f.RuleID}: a secret in ${f.File}:${f.StartLine} (commit ${f.Commit.slice(0, 7)})`,
      {
        title: 'Secret detected',
        file: f.File,
        startLine: f.StartLine || undefined
      }
    );
  }
  const verdict =
    outcome === 'clean'
      ? 'No leaks found.'
      : outcome === 'leaks'
        ? `${findings.length} leak(s) found (secrets redacted). Rotate them: removing a commit does not un-leak a secret.`
        : 'gitleaks failed: the scan is incomplete, nothing is known to be clean.';
  await writeTableSummary(
    'Slipway gitleaks gate',
    SUMMARY_HEADER,
    summaryRows(findings),
    `Scanned ${label} (${reason}). ${verdict}`
  );

  if (outcome === 'error') {
    throw new ToolError(
      `gitleaks ${args[0]}`,
      result.exitCode,
      reportError ?? lastLines(result.log),
      `the scan did not complete, so it fails closed; ${FETCH_HINT} if git could not read the range`
    );
  }
  if (outcome === 'leaks') {
    const message = `gitleaks found ${findings.length} leak(s) in ${label}; see the job summary and ${reportPath}`;
    if (failOnLeak) throw new Error(message);
    core.warning(`${message} (fail-on-leak is false)`);
  } else {
    core.info(`No leaks in ${label}`);
  }
}
