# Local stand-in for natsio/prometheus-nats-exporter: the static binary built from the wrapper
# module infra/nats-exporter (scripts/build-nats-exporter.sh). Built by tests/compose/standins.sh.
FROM scratch
COPY prometheus-nats-exporter /prometheus-nats-exporter
EXPOSE 7777
ENTRYPOINT ["/prometheus-nats-exporter"]
