# syntax=docker/dockerfile:1
# Build stage: cgo is needed for gosseract (Tesseract's C++ API) and for libjpeg's
# reduced-size decoding of big phone photos.
FROM golang:1.26-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
        libtesseract-dev libleptonica-dev libjpeg62-turbo-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/portdocs ./cmd/portdocs

# Runtime stage: only the shared libraries the binary links, poppler (pdftoppm and
# pdfinfo rasterize scanned PDF pages, as child processes), heif-convert (HEIC and AVIF
# photos, also a child process), tini to reap those children.
# The OCR model is inside the binary (written to ~/.cache on first use); "eng" is a
# fallback for when that model cannot be written or loaded.
# The data folder is made here, owned by the user: a named volume mounted there (as in
# docker-compose.yml) takes the image folder's owner and mode; without the folder Docker
# would make a root-owned mount point and 'serve' could not write its data. The group
# gets a fixed id too (useradd --system would pick whatever system gid is free).
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
        libtesseract5 liblept5 libjpeg62-turbo tesseract-ocr-eng poppler-utils libheif-examples \
        ca-certificates tini && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 portdocs \
    && useradd --system --uid 10001 --gid portdocs --home-dir /var/lib/portdocs --create-home portdocs \
    && install -d -o portdocs -g portdocs -m 0700 /var/lib/portdocs/data
COPY --from=build /out/portdocs /usr/local/bin/portdocs
USER portdocs
WORKDIR /var/lib/portdocs
ENV PORTDOCS_ADDR=:8080 PORTDOCS_DATA_DIR=/var/lib/portdocs/data OMP_THREAD_LIMIT=1
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["portdocs", "healthcheck"]
ENTRYPOINT ["/usr/bin/tini", "--", "portdocs"]
CMD ["serve"]
