# syntax=docker/dockerfile:1.7
# winlint with the helm and kubectl it renders charts and kustomizations with, pinned as in
# scripts/install-tools (helm v4.1.4, kubectl v1.35.2). Builds natively for linux/amd64 and
# linux/arm64; the final image has no shell and runs as a non-root user:
#   docker build -t winlint .
#   docker run --rm -v "$PWD:/work" winlint .

# Pinned downloads, one stage per architecture: BuildKit checks each sha256 (from the helm
# v4.1.4 release notes and the Kubernetes v1.35.2 release).
FROM scratch AS tools-amd64
ADD --checksum=sha256:70b2c30a19da4db264dfd68c8a3664e05093a361cefd89572ffb36f8abfa3d09 \
    https://get.helm.sh/helm-v4.1.4-linux-amd64.tar.gz /helm.tar.gz
ADD --checksum=sha256:924eb50779153f20cb668117d141440b95df2f325a64452d78dff9469145e277 \
    https://dl.k8s.io/release/v1.35.2/bin/linux/amd64/kubectl /kubectl

FROM scratch AS tools-arm64
ADD --checksum=sha256:13d03672be289045d2ff00e4e345d61de1c6f21c1257a45955a30e8ae036d8f1 \
    https://get.helm.sh/helm-v4.1.4-linux-arm64.tar.gz /helm.tar.gz
ADD --checksum=sha256:cd859449f54ad2cb05b491c490c13bb836cdd0886ae013c0aed3dd67ff747467 \
    https://dl.k8s.io/release/v1.35.2/bin/linux/arm64/kubectl /kubectl

# hadolint ignore=DL3006 # the stage name is chosen by the platform, not an image to pin
FROM tools-${TARGETARCH} AS tools

FROM alpine:3.22 AS unpack
ARG TARGETARCH
COPY --from=tools /helm.tar.gz /kubectl /tmp/
RUN mkdir -p /out \
    && tar -xzf /tmp/helm.tar.gz -C /tmp \
    && install -m 0755 "/tmp/linux-${TARGETARCH}/helm" /out/helm \
    && install -m 0755 /tmp/kubectl /out/kubectl

# A static (musl) winlint: Alpine's Rust targets musl and links statically by default.
FROM rust:1.95-alpine AS build
# ring compiles C: the image has gcc, not the libc headers. musl-dev follows the image's musl.
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin winlint \
    && ./target/release/winlint --version

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=unpack /out/helm /out/kubectl /usr/local/bin/
COPY --from=build /src/target/release/winlint /usr/local/bin/winlint
# helm keeps its cache and config under these; any user (pre-commit passes -u) can write /tmp.
ENV HELM_CACHE_HOME=/tmp/helm/cache HELM_CONFIG_HOME=/tmp/helm/config HELM_DATA_HOME=/tmp/helm/data
WORKDIR /work
USER 65532:65532
ENTRYPOINT ["winlint"]
