# Local stand-in for prom/prometheus: Debian's prometheus package (2.42) on minbase, laid out
# like the official image (entrypoint prometheus, data in /prometheus, user nobody, wget for
# healthchecks). Built by tests/compose/standins.sh.
FROM ala-standin/bookworm-minbase:latest
RUN printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d \
 && apt-get update && apt-get install -y --no-install-recommends prometheus wget \
 && rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d \
 && mkdir -p /prometheus && chown nobody:nogroup /prometheus
USER nobody
WORKDIR /prometheus
EXPOSE 9090
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
