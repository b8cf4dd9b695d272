# Local stand-in for node:20-bookworm-slim (CI without an image registry): Debian bookworm
# minbase (debootstrap) + the official Node binary from the npm package node-linux-<arch> + npm,
# with the `node` user (uid 1000) of the official image, and this machine's CA bundle (so npm in
# a build trusts the same registry, e.g. behind a TLS-inspecting proxy). Built by
# tests/compose/standins.sh.
FROM ala-standin/bookworm-minbase:latest
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
COPY node.tgz npm.tgz /tmp/
RUN mkdir -p /usr/local/lib/node_modules/npm \
 && tar -xzf /tmp/node.tgz -C /usr/local --strip-components=1 package/bin/node \
 && tar -xzf /tmp/npm.tgz -C /usr/local/lib/node_modules/npm --strip-components=1 \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && rm /tmp/node.tgz /tmp/npm.tgz \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
CMD ["node"]
