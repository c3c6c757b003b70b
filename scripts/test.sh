#!/usr/bin/env bash
# The whole test suite, as README.md and .ci/run run it: installs what the tests need
# (skipping what is there), then vet, gofmt and every test with the race detector.
# The MinIO, Mailpit, OCR and browser tests start their own servers on loopback and,
# with PORTDOCS_REQUIRE_ALL=1 (set here), fail instead of skipping when a tool is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test
export PATH="$(go env GOPATH | cut -d: -f1)/bin:$PATH"
export PORTDOCS_REQUIRE_ALL=1
# Tesseract: one OpenMP thread per page; the OCR pool gives the parallelism.
export OMP_THREAD_LIMIT=1

echo "== go vet" >&2
go vet ./...
echo "== gofmt" >&2
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [[ -n "$unformatted" ]]; then
  echo "gofmt would change:" >&2; echo "$unformatted" >&2; exit 1
fi
echo "== go test -race" >&2
go test -race -count=1 -timeout 45m ./... "$@"
