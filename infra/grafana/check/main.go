// Command dashboard-check validates Grafana dashboard JSON files offline against the dashboard
// schema of the Grafana Foundation SDK: strict decoding (unknown fields, wrong types and missing
// required fields are errors; panel options and Prometheus queries are decoded into their
// plugin's types) followed by the schema's constraints (Validate).
// Usage: dashboard-check FILE...   (exit 0 when every file passes, 1 otherwise)
// Built and cached by scripts/build-dashboard-check.sh. Must not: talk to a Grafana server.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// orNil maps an empty cog.BuildErrors to nil: the SDK's generated decoders return their error
// list as an error interface even when the list is empty (a non-nil interface holding nil).
func orNil(err error) error {
	var list cog.BuildErrors
	if errors.As(err, &list) && len(list) == 0 {
		return nil
	}
	return err
}

func check(file string) error {
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var d dashboard.Dashboard
	if err := orNil(d.UnmarshalJSONStrict(raw)); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	if err := orNil(d.Validate()); err != nil {
		return fmt.Errorf("constraints: %w", err)
	}
	if len(d.Panels) == 0 {
		return fmt.Errorf("no panels")
	}
	fmt.Printf("ok %s: %d panels\n", file, len(d.Panels))
	return nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dashboard-check FILE...")
		os.Exit(2)
	}
	plugins.RegisterDefaultPlugins()
	failed := false
	for _, file := range os.Args[1:] {
		if err := check(file); err != nil {
			fmt.Fprintf(os.Stderr, "FAIL %s: %v\n", file, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}
