# Multi-stage build of the exodus binary (cgo, for SQLite), run as a non-root
# user with a data volume. Usage:
#   docker build -t exodus .
#   docker run -v exodus-data:/data exodus -g -c /data/config.yaml -r /data/registration.yaml
#   docker run -v exodus-data:/data -p 29330:29330 exodus
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/exodus ./cmd/exodus

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 1337 --home-dir /data exodus \
    && mkdir -p /data && chown exodus /data
COPY --from=build /out/exodus /usr/local/bin/exodus
USER exodus
WORKDIR /data
VOLUME /data
EXPOSE 29330
ENTRYPOINT ["/usr/local/bin/exodus"]
CMD ["-c", "/data/config.yaml"]
