#!/usr/bin/env bash
# The long fuzz run: FUZZ_RUNS runs per property (default 5000) from FUZZ_SEED (default a random seed, printed per file),
# against the in-process app with in-memory SQLite. Arguments pick fuzz files; default all of test/fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_RUNS="${FUZZ_RUNS:-5000}"
if [ "$#" -gt 0 ]; then files=("$@"); else mapfile -t files < <(find test/fuzz -name '*.test.ts' | sort); fi
exec node --import reflect-metadata --import tsx --test --test-concurrency=1 --test-timeout=0 --test-force-exit "${files[@]}"
