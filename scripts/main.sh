#!/usr/bin/env bash
# The main job: the push-to-main pipeline (plan → tags → build → push) of examples/monorepo into the local registry.
source "$(dirname "$0")/env.sh"
npx tsx scripts/pipeline.ts "$@"
