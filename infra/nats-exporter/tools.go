//go:build tools

// Package natsexporter pins prometheus-nats-exporter (NATS has no native Prometheus endpoint).
// `go install ...@v0.20.1` is refused (its go.mod has replace directives), so this wrapper
// module requires it and `go build github.com/nats-io/prometheus-nats-exporter` builds it here
// (scripts/build-nats-exporter.sh). Must not: contain code of its own.
package natsexporter

import _ "github.com/nats-io/prometheus-nats-exporter"
