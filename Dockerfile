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

# Runtime stage: only the shared libraries the binary links, the English model and OSD
# for orientation, poppler for rasterizing scanned PDF pages, tini to reap children
# (pdftoppm runs as a child process).
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
        libtesseract5 liblept5 libjpeg62-turbo tesseract-ocr-eng poppler-utils \
        ca-certificates tini && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/portdocs --create-home portdocs
COPY --from=build /out/portdocs /usr/local/bin/portdocs
USER portdocs
WORKDIR /var/lib/portdocs
ENV PORTDOCS_ADDR=:8080 PORTDOCS_DATA_DIR=/var/lib/portdocs/data OMP_THREAD_LIMIT=1
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["portdocs", "healthcheck"]
ENTRYPOINT ["/usr/bin/tini", "--", "portdocs"]
CMD ["serve"]
