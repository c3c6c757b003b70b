#!/usr/bin/env bash
# Installs what portdocs needs on a Debian machine (as root), skipping what is there.
#   scripts/setup.sh          runtime: Tesseract + Leptonica + libjpeg + poppler + heif-convert
#   scripts/setup.sh --test   also the test tools: Chromium, PostgreSQL (the tests start their
#                             own server on loopback), MinIO and Mailpit servers
set -euo pipefail

MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
MAILPIT_VERSION=v1.33.1

runtime_pkgs=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd libtesseract-dev libleptonica-dev libjpeg62-turbo-dev libheif-examples poppler-utils fonts-dejavu-core ca-certificates)
test_pkgs=(chromium qpdf postgresql)

want=("${runtime_pkgs[@]}")
[[ "${1:-}" == "--test" ]] && want+=("${test_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" == "--test" ]]; then
  gobin="$(go env GOPATH | cut -d: -f1)/bin"
  # go install is cached: a second run costs nothing. Build outside the module so
  # portdocs' go.mod is not touched.
  if [[ ! -x "$gobin/minio" ]] || ! grep -qx "$MINIO_VERSION" "$gobin/.minio-version" 2>/dev/null; then
    echo "setup: building MinIO $MINIO_VERSION (about 4 minutes the first time)" >&2
    (cd / && GOFLAGS=-mod=mod go install "github.com/minio/minio@$MINIO_VERSION")
    echo "$MINIO_VERSION" > "$gobin/.minio-version"
  fi
  if [[ ! -x "$gobin/mailpit" ]] || ! grep -qx "$MAILPIT_VERSION" "$gobin/.mailpit-version" 2>/dev/null; then
    echo "setup: building Mailpit $MAILPIT_VERSION" >&2
    (cd / && GOFLAGS=-mod=mod go install "github.com/axllent/mailpit@$MAILPIT_VERSION")
    echo "$MAILPIT_VERSION" > "$gobin/.mailpit-version"
  fi
fi
