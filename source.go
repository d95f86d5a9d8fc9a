// Package unigo carries the kernel sources inside the unigo CLI, so that a
// program in any module (or in none) is built against exactly the kernel the
// CLI was built with. See internal/build.
package unigo

import "embed"

// Source holds the module files (go.mod, and go.sum once the module has
// dependencies; hence the pattern go.*) and the kernel/ tree. Test files come
// along too; they are harmless in the extracted copy.
//
//go:embed go.* kernel
var Source embed.FS
