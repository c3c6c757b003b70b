#!/usr/bin/env bash
# Builds extract/ocr/tessdata/Latin.traineddata, the OCR model portdocs bundles.
#
# Why: Tesseract's script model "Latin" (Debian: tesseract-ocr-script-latn) reads every
# Latin letter (É, Ñ, Ö, which "eng" lacks), but its word dictionary holds 8.6 million
# words from dozens of languages. Loaded, one Tesseract client takes 279 MB and 2 s to
# start; the service keeps one client per core, so two clients were 560 MB of a 600 MB
# budget before a single page. This keeps Latin's recogniser, character set, punctuation
# and number patterns unchanged and replaces only the word dictionary by the English,
# Spanish and French dictionaries of Tesseract's own eng, spa and fra models (about half a
# million words, the languages of US bills): 40 MB and 0.2 s per client, and the same
# fields read on every OCR fixture (see README.md, "How bills are read").
#
# Run it again only to change the model; the output is committed. It is deterministic:
# the same Debian packages give the same bytes (the SHA-256 is printed at the end).
# Needs: tesseract-ocr (combine_tessdata, dawg2wordlist, wordlist2dawg),
# tesseract-ocr-script-latn, tesseract-ocr-eng, tesseract-ocr-spa, tesseract-ocr-fra.
set -euo pipefail

cd "$(dirname "$0")/.."
out=extract/ocr/tessdata/Latin.traineddata
src=${TESSDATA_SOURCE:-/usr/share/tesseract-ocr/5/tessdata}

need=()
for t in combine_tessdata dawg2wordlist wordlist2dawg; do
	command -v "$t" >/dev/null || need+=(tesseract-ocr)
done
for m in Latin:tesseract-ocr-script-latn eng:tesseract-ocr-eng spa:tesseract-ocr-spa fra:tesseract-ocr-fra; do
	[[ -f "$src/${m%%:*}.traineddata" ]] || need+=("${m#*:}")
done
if ((${#need[@]})); then
	if [[ $(id -u) != 0 ]]; then
		echo "tessdata.sh: install ${need[*]} (as root) and run again" >&2
		exit 1
	fi
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The tools chatter on stderr; show it only when one fails.
quiet() { "$@" >"$work/log" 2>&1 || { cat "$work/log" >&2; echo "tessdata.sh: $1 failed" >&2; exit 1; }; }

# Unpack every model; each component becomes $work/<lang>.<component>.
for lang in Latin eng spa fra; do
	quiet combine_tessdata -u "$src/$lang.traineddata" "$work/$lang."
done
for lang in eng spa fra; do
	quiet dawg2wordlist "$work/$lang.lstm-unicharset" "$work/$lang.lstm-word-dawg" "$work/$lang.words"
done
LC_ALL=C sort -u "$work/eng.words" "$work/spa.words" "$work/fra.words" >"$work/words"

# Keep Latin's recogniser and its other components; rebuild only the word dictionary,
# against Latin's own character set.
mkdir "$work/model"
for c in lstm lstm-punc-dawg lstm-number-dawg lstm-unicharset lstm-recoder version; do
	cp "$work/Latin.$c" "$work/model/Latin.$c"
done
quiet wordlist2dawg "$work/words" "$work/model/Latin.lstm-word-dawg" "$work/model/Latin.lstm-unicharset"
quiet combine_tessdata "$work/model/Latin."

mkdir -p "$(dirname "$out")"
cp "$work/model/Latin.traineddata" "$out"
echo "$out: $(wc -l <"$work/words") words, $(stat -c %s "$out") bytes, sha256 $(sha256sum "$out" | cut -d' ' -f1)"
