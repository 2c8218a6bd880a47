#!/usr/bin/env bash
# `npm test`: type check and lint, make sure the stores are up (scripts/services.sh), then run the
# whole vitest suite once. Arguments go to vitest: `npm test -- platform/config.test.ts` or `npm test -- -t "name"`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# The project's Node 24 and vitest first, also when this script is run directly instead of by npm.
export PATH="$root/node_modules/.bin:$PATH"

# The type check and the linter first: a change that breaks either fails the run.
echo "test: tsc --noEmit" && npx tsc -p tsconfig.json && npx tsc -p web/tsconfig.json
echo "test: eslint" && npx eslint .
scripts/services.sh
# The review page's browser tests (web/) drive Debian's chromium through the page as built.
scripts/browser.sh
echo "test: build the review page" && npm run --silent build:web
# Under CI=true vitest prints no interactive output and never waits for input.
exec npx vitest run "$@"
