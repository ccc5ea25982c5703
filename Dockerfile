# Multi-stage build of the exodus binary (cgo, for SQLite), run as a non-root
# user (uid 1337) with its config, database and registration in the /data
# volume. In the container the bot and the web organizer listen on 0.0.0.0
# (the ENV below, read by `exodus -g` when it creates the config), so the
# published ports reach them. With a homeserver elsewhere (the README's
# "In containers" has the steps, and docker-compose.yml runs Dendrite too):
#   docker build -t exodus .
#   docker run --rm -v exodus-data:/data \
#     -e EXODUS_HOMESERVER_ADDRESS=https://matrix.example.org -e EXODUS_HOMESERVER_DOMAIN=example.org \
#     -e EXODUS_APPSERVICE_ADDRESS=http://exodus.example.org:29330 \
#     -e EXODUS_WEB_PUBLIC_URL=https://exodus.example.org \
#     exodus -g -c /data/config.yaml -r /data/registration.yaml     # the config, from the environment
#   docker run --rm -v exodus-data:/data exodus -g -c /data/config.yaml -r /data/registration.yaml  # the registration
#   docker create --name exodus --restart unless-stopped -v exodus-data:/data -p 29330:29330 -p 127.0.0.1:8009:8009 exodus
#   docker cp exodus:/data/registration.yaml .    # give it to the homeserver, restart it
#   docker start exodus
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# -tags goolm: pure-Go olm for the bot's encryption (cgo is for SQLite only).
RUN CGO_ENABLED=1 go build -tags goolm -trimpath -ldflags="-s -w" -o /out/exodus ./cmd/exodus

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 1337 --home-dir /data exodus \
    && mkdir -p /data /registration && chown exodus /data /registration
COPY --from=build /out/exodus /usr/local/bin/exodus
# Where `exodus -g` makes the bot (appservice.hostname, appservice.port) and
# the web organizer (web.listen) listen: every interface of the container.
ENV EXODUS_APPSERVICE_HOSTNAME=0.0.0.0 \
    EXODUS_WEB_LISTEN=0.0.0.0:8009
USER exodus
WORKDIR /data
VOLUME /data
# 29330: the appservice (the homeserver pushes to it); 8009: the web organizer and the API.
EXPOSE 29330 8009
ENTRYPOINT ["/usr/local/bin/exodus"]
CMD ["-c", "/data/config.yaml", "-r", "/data/registration.yaml"]
