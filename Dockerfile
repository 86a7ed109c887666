# cloudwatch-publisher: the compiled binary on an empty base, running as uid 65532.
#
#   docker build -t cloudwatch-publisher .
#   docker buildx build --platform linux/amd64,linux/arm64 -t cloudwatch-publisher .
#   docker run --rm -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY cloudwatch-publisher
#
# Final stage: `scratch` plus exactly the files a glibc Bun binary needs (the dynamic loader,
# libc, libm, libpthread, libdl), copied from distroless base-nossl. Measured (see README):
# the binary alone is ~115 MB, so distroless base-nossl underneath (glibc, tzdata, CA
# certificates, package metadata) would pass the 120 MB budget, while scratch adds ~3 MB. Bun
# carries its own CA certificates, and the program logs in UTC, so nothing else is needed.

ARG BUN_VERSION=1.4.5

# The glibc files of the target platform (only files are taken from it: nothing runs there).
FROM gcr.io/distroless/base-nossl-debian12:nonroot AS glibc

# Build on the build machine's own platform and cross-compile: no emulation needed for arm64.
FROM --platform=$BUILDPLATFORM docker.io/oven/bun:${BUN_VERSION} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN bun install --frozen-lockfile --production --ignore-scripts
COPY tsconfig.json bunfig.toml ./
COPY src ./src
COPY scripts/build.ts ./scripts/build.ts
COPY scripts/bundle ./scripts/bundle
COPY scripts/container/rootfs.sh ./scripts/container/rootfs.sh
COPY test ./test
# The unit tests (the end-to-end and container tests run outside the image build).
RUN bun test --timeout 30000 test/config test/sources test/sinks test/cloudwatch test/schedule test/run test/health \
      test/log test/cli test/backlog test/spool test/cost test/ec2 test/reliability
COPY --from=glibc / /glibc/
ARG TARGETARCH
ARG VERSION=""
RUN case "${TARGETARCH:-amd64}" in \
      amd64) target=bun-linux-x64 ;; \
      arm64) target=bun-linux-arm64 ;; \
      *) echo "unsupported TARGETARCH '$TARGETARCH' (amd64 or arm64)" >&2; exit 1 ;; \
    esac \
 && bun scripts/build.ts --target "$target" --version "${VERSION}" \
      --outfile /out/usr/local/bin/cloudwatch-publisher \
 && sh scripts/container/rootfs.sh /glibc /out "${TARGETARCH:-amd64}" \
 && mkdir -p /spool

FROM scratch
COPY --from=build /out/ /
# For PUBLISH_SPOOL_DIR: a volume mounted here starts out owned by the user the publisher runs as.
COPY --from=build --chown=65532:65532 /spool /var/lib/cloudwatch-publisher

ARG VERSION=""
ARG REVISION=""
ARG CREATED=""
ARG SOURCE="https://github.com/cloudwatch-publisher/cloudwatch-publisher"
LABEL org.opencontainers.image.title="cloudwatch-publisher" \
      org.opencontainers.image.description="Publishes a metric to Amazon CloudWatch every minute: one small binary, no agent." \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="MIT"

# The seed's defaults; override any with -e.
ENV AWS_REGION=ap-southeast-2 \
    METRIC_NAMESPACE=CustomMetrics \
    METRIC_NAME=TestMetric \
    METRIC_UNIT=Count

# nonroot in distroless' /etc/passwd; numeric so Kubernetes runAsNonRoot can verify it.
USER 65532:65532
# The health file goes to /tmp: writable here, and a tmpfs with --read-only --tmpfs /tmp.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/cloudwatch-publisher", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/cloudwatch-publisher"]
CMD ["run"]
