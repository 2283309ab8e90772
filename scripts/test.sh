#!/usr/bin/env bash
# All checks and tests: lint, types, generated files current, unit and integration tests against the real tools.
source "$(dirname "$0")/env.sh"
npm run -s lint
npm run -s typecheck
if [ "${CI:-}" = "true" ]; then bash scripts/check-generated.sh; fi
npm test -- --ci "$@"
