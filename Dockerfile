# Lontar: one static binary serving the API and the web app.
#
#   docker build -t lontar .
#   docker run -p 8080:8080 -v lontar-data:/data lontar
#
# Without MONGODB_URI the server runs its embedded store in /data; with it
# (see docker-compose.yml) /data holds only the signing keys. Either way
# keep /data on a volume: losing the keys logs everyone out.

FROM golang:1.26 AS build
WORKDIR /src
# Dependencies first, so a code change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags="-s -w" -o /lontar ./server

FROM alpine:3.22
# A fixed, unprivileged user; /data is created owned by it so that a new
# named volume mounted there starts out writable.
RUN addgroup -S -g 10001 lontar \
 && adduser -S -D -H -u 10001 -G lontar -h /data lontar \
 && mkdir -p /data \
 && chown lontar:lontar /data
COPY --from=build /lontar /usr/local/bin/lontar
ENV LONTAR_ADDR=0.0.0.0:8080 \
    LONTAR_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
USER lontar:lontar
# /readyz answers 200 only once the store answers a ping.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD wget -qO- http://127.0.0.1:8080/readyz >/dev/null || exit 1
ENTRYPOINT ["/usr/local/bin/lontar"]
