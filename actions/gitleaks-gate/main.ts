import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { ToolError } from '../lib/errors.js';
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
