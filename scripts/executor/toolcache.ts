/**
 * A tool cache per job for jobs that run side by side. @actions/tool-cache's cacheDir first removes the tool's
 * directory and its `.complete` marker, then copies, then writes the marker
 * (node_modules/@actions/tool-cache/lib/tool-cache.js, _createToolPath): two jobs caching the same tool in one
 * directory at once remove each other's files, and a third job may find a tool that is being replaced. On GitHub each
 * job has its own runner and so its own tool cache (RUNNER_TOOL_CACHE,
 * https://docs.github.com/en/actions/reference/workflows-and-actions/variables#default-environment-variables).
 *
 * So a job side by side gets its own directory in which every complete tool of the shared cache is linked (found at
 * once, as in a runner image with preinstalled tools); what the job caches lands in its own directory and is moved
 * into the shared cache when the job ends, with a rename — never half there for another job.
 */
import { randomUUID } from 'node:crypto';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import path from 'node:path';

const COMPLETE = '.complete';

/** `<tool>/<version>/<arch>` entries of a tool cache that have their `.complete` marker. */
function completeEntries(root: string): string[] {
  const found: string[] = [];
  if (!existsSync(root)) return found;
  for (const tool of readdirSync(root)) {
    const toolDir = path.join(root, tool);
    if (!lstatSync(toolDir).isDirectory()) continue;
    for (const version of readdirSync(toolDir)) {
      const versionDir = path.join(toolDir, version);
      if (!lstatSync(versionDir).isDirectory()) continue;
      for (const entry of readdirSync(versionDir)) {
        if (!entry.endsWith(COMPLETE)) continue;
        const arch = entry.slice(0, -COMPLETE.length);
        if (existsSync(path.join(versionDir, arch))) found.push(path.join(tool, version, arch));
      }
    }
  }
  return found;
}

/** Creates `<jobDir>/tool-cache` with the shared cache's complete tools linked in; returns its path. */
export function jobToolCache(shared: string, jobDir: string): string {
  // not `tool-cache`: that is a hosted-runner job's own empty cache (job.ts), which must never see the shared one
  const own = path.join(jobDir, 'self-hosted-tool-cache');
  mkdirSync(own, { recursive: true });
  for (const entry of completeEntries(shared)) {
    const target = path.join(own, entry);
    mkdirSync(path.dirname(target), { recursive: true });
    symlinkSync(path.join(shared, entry), target, 'dir');
    writeFileSync(`${target}${COMPLETE}`, '');
  }
  return own;
}

/**
 * Moves the tools a job cached (real directories, not the links) into the shared cache, each with one rename; a
 * tool another job published first is kept. Returns the entries published.
 */
export function publishToolCache(own: string, shared: string): string[] {
  const published: string[] = [];
  for (const entry of completeEntries(own)) {
    const source = path.join(own, entry);
    if (lstatSync(source).isSymbolicLink()) continue;
    const target = path.join(shared, entry);
    if (existsSync(`${target}${COMPLETE}`)) continue;
    mkdirSync(path.dirname(target), { recursive: true });
    // stage next to the target (same file system), then rename: the tool appears whole or not at all
    const staging = path.join(path.dirname(target), `.staging-${randomUUID()}`);
    try {
      renameSync(source, staging);
    } catch {
      cpSync(source, staging, { recursive: true, verbatimSymlinks: true });
    }
    try {
      rmSync(target, { recursive: true, force: true });
      renameSync(staging, target);
      writeFileSync(`${target}${COMPLETE}`, '');
      published.push(entry);
    } catch {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return published;
}
