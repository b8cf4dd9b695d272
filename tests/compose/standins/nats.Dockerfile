# Local stand-in for nats:2.14.9-alpine: the pinned nats-server (scripts/install-nats-server.sh)
# on Debian minbase with wget for the compose healthcheck. Built by tests/compose/standins.sh.
FROM ala-standin/bookworm-minbase:latest
RUN apt-get update && apt-get install -y --no-install-recommends wget && rm -rf /var/lib/apt/lists/*
COPY nats-server /usr/local/bin/nats-server
EXPOSE 4222 8222
ENTRYPOINT ["nats-server"]
CMD ["--help"]
