// Package builtin holds the flows that ship inside the binary, with their
// example conversations (*.test.yaml).
package builtin

import "embed"

// FS holds the built-in flow files and their example conversations.
//
//go:embed *.yaml
var FS embed.FS

// DefaultFlow is the flow new conversations start in unless configured.
const DefaultFlow = "youth-self-referral"
