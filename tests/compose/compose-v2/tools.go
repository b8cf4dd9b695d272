//go:build tools

// Package composev2 pins Docker Compose v2 (module github.com/docker/compose/v5), which is not
// `go install`able (its go.mod has exclude directives): this wrapper module requires it and
// scripts/build-compose-v2.sh builds its command, so the compose test can validate
// docker-compose.yml with v2 as well as with Debian's docker-compose 1.29.
// Must not: contain code of its own.
package composev2

import _ "github.com/docker/compose/v5/cmd"
