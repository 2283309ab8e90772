#!/usr/bin/env bash
# Rebuilds everything generated (dist bundles, the standalone schema validators in actions/lib/generated, action reference and READMEs, workflows) and fails if the tree differs.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s build
if [ -f scripts/gen-workflows.ts ]; then npx tsx scripts/gen-workflows.ts; fi
changes=$(git status --porcelain -- dist docs/reference actions/*/README.md actions/lib/generated .github/workflows examples/monorepo/.github/workflows)
if [ -n "$changes" ]; then
  echo "Generated files are out of date:" >&2
  echo "$changes" >&2
  git --no-pager diff --stat -- dist docs/reference actions/*/README.md actions/lib/generated .github/workflows examples/monorepo/.github/workflows >&2 || true
  echo "Fix: run 'npm run check-generated' (or 'npm run build') and commit the result." >&2
  exit 1
fi
echo "generated files are current"
