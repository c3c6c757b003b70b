#!/usr/bin/env bash
# Text extraction and OCR of an earlier commit against the working tree, in one run,
# interleaved, each beside its reference (pdftotext, the tesseract CLI):
#   scripts/bench-compare.sh REV [benchtime]
# Prints "before ..." and "after ..." benchmark lines.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: scripts/bench-compare.sh REV [benchtime]}
benchtime=${2:-0.3s}
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/before" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git worktree add -q --detach "$tmp/before" "$rev"
(cd "$tmp/before" && go test -c -o "$tmp/before.test" ./extract)
go test -c -o "$tmp/after.test" ./extract
export OMP_THREAD_LIMIT=1
for round in 1 2; do
	for v in before after; do
		# Both binaries read the working tree's fixtures: the same inputs.
		(cd "$PWD/extract" && "$tmp/$v.test" -test.run '^$' -test.bench 'Extract|OCRPage' \
			-test.benchtime "$benchtime" -test.benchmem 2>&1 | sed "s/^/$v /")
	done
done
