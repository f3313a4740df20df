# One image for every TenantDesk executable; docker-compose.yml picks the program
# with `command`. Build: docker build -t tenantdesk:local .

# ---------------------------------------------------------------------------
# Build stage
# ---------------------------------------------------------------------------
ARG SWIFT_VERSION=6.3
FROM swift:${SWIFT_VERSION}-bookworm AS build

# CRabbitMQ is a system library found through pkg-config.
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update \
    && apt-get install -y --no-install-recommends librabbitmq-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# SwiftPM validates every target folder when it loads the manifest, so the whole
# tree is copied before resolving.
COPY . .
RUN swift package resolve

# Every executable product except the benchmarks. The stdlib and Foundation are
# linked statically, so the runtime image needs no Swift toolchain libraries.
RUN set -eu \
    && swift build -c release --static-swift-stdlib --product tenantdesk-gateway \
    && swift build -c release --static-swift-stdlib --product tenantdesk-roles \
    && swift build -c release --static-swift-stdlib --product tenantdesk-worker \
    && swift build -c release --static-swift-stdlib --product tenantdesk-admin \
    && bin="$(swift build -c release --static-swift-stdlib --show-bin-path)" \
    && mkdir -p /staging/bin \
    && cp "$bin/tenantdesk-gateway" "$bin/tenantdesk-roles" "$bin/tenantdesk-worker" "$bin/tenantdesk-admin" /staging/bin/ \
    && find -L "$bin/" -maxdepth 1 -regex '.*\.resources$' -exec cp -Ra {} /staging/bin/ \; \
    && cp /usr/libexec/swift/linux/swift-backtrace-static /staging/

# ---------------------------------------------------------------------------
# Runtime stage
# ---------------------------------------------------------------------------
FROM debian:bookworm-slim

# librabbitmq4: AMQP client library; curl: container health checks;
# tzdata: time zone data for Foundation.
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update \
    && apt-get install -y --no-install-recommends librabbitmq4 ca-certificates curl tzdata \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 tenantdesk \
    && useradd --system --uid 10001 --gid tenantdesk --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin tenantdesk

WORKDIR /app

# Binaries and migrations are owned by root: the service user can run and read
# them but not change them.
COPY --from=build /staging/bin/ /app/bin/
COPY --from=build /staging/swift-backtrace-static /app/swift-backtrace-static
COPY --from=build /src/sql/ /app/sql/
COPY --from=build /src/seed/ /app/seed/

ENV PATH="/app/bin:${PATH}" \
    SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/app/swift-backtrace-static

USER 10001:10001

# The gateway's HTTP port (TD_HTTP_PORT); the other programs listen on nothing.
EXPOSE 8080

# docker-compose.yml sets the command per service; the default only prints usage.
CMD ["tenantdesk-admin", "--help"]
