#!/usr/bin/env bash
# CI check (DESIGN "Layout"): protos pass `buf lint` (STANDARD) and the committed gen/ equals `buf generate` output.
set -euo pipefail
cd "$(dirname "$0")/.."
npx buf lint
npx buf generate
changes="$(git status --porcelain -- gen/)"
if [[ -n "$changes" ]]; then
  echo "gen/ is out of date with proto/; run 'npx buf generate' and commit the result:" >&2
  echo "$changes" >&2
  exit 1
fi
echo "generated code: ok"
