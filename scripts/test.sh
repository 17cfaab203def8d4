#!/usr/bin/env bash
# Runs the type check, the generated-code check (when buf is available) and every test file.
# Node 20 does not expand globs for --test, so the shell lists the files.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc --noEmit -p .
npx tsx scripts/check-deps.ts
mapfile -t files < <(find test -name '*.test.ts' | sort)
exec node --import tsx --test --test-concurrency=2 "${files[@]}"
