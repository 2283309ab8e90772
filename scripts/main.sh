#!/usr/bin/env bash
# The main job: the generated workflows of examples/monorepo run by the local executor against the local registry —
# push to main (plan → build → Trivy/gitleaks gates → cosign sign → SBOM attestations → semantic-release → semver
# images), then a workflow_dispatch deploy to the local `dev` environment. `--keep` leaves dev running.
source "$(dirname "$0")/env.sh"
npx tsx scripts/local-pipeline.ts "$@"
