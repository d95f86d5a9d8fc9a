package vmm

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The kernel command line carries the program's environment and arguments
// (docs/cmdline.md is the specification; keep the two in step):
//
//	unigo.seed=<32 hex> [kernel options...] -- env=KEY=VALUE... arg=ARGV0 arg=ARGV1...
//
// Tokens are separated by single spaces. Before "--" every token is a kernel
// option. After it, tokens starting with "env=" or "arg=" are the program's;
// any other token is again a kernel option (QEMU appends
// "virtio_mmio.device=..." at the very end). Values are percent-encoded
// (see escape) so they never contain a space.

const (
	// SeedOption carries 16 random bytes for the kernel's early entropy.
	SeedOption = "unigo.seed"
	// ProgramSeparator separates kernel options from program tokens.
	ProgramSeparator = "--"
	envPrefix        = "env="
	argPrefix        = "arg="

	// MaxCmdline is the longest command line we hand to the kernel, which
	// copies it into a fixed buffer.
	MaxCmdline = 4096
)

// Program is what the guest's first process receives.
type Program struct {
	Args []string // Args[0] is the program name
	Env  []string // "KEY=VALUE"
}

// Cmdline is a decoded kernel command line.
type Cmdline struct {
	Kernel  []string // kernel options, in order ("key=value" or "flag")
	Program Program
}

// CPUsOption tells the kernel how many CPUs to start. microvm without ACPI has no table
// that lists them, so the CLI says it on every machine type.
const CPUsOption = "unigo.cpus"

// KernelOptions returns the kernel options that describe the VM's configuration.
func KernelOptions(cpus int) []string {
	if cpus <= 1 {
		return nil
	}
	return []string{CPUsOption + "=" + strconv.Itoa(cpus)}
}

// NewSeed returns a fresh unigo.seed value: 32 hex digits from crypto/rand.
func NewSeed() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("vmm.NewSeed: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// EncodeCmdline builds the kernel command line for seed, extra kernel
// options (which must not contain spaces) and the program.
func EncodeCmdline(seed string, kernelOpts []string, p Program) (string, error) {
	if len(p.Args) == 0 {
		return "", errors.New("program has no argv[0]")
	}
	toks := []string{SeedOption + "=" + seed}
	for _, o := range kernelOpts {
		if o == "" || strings.ContainsAny(o, " \t\n") || o == ProgramSeparator {
			return "", fmt.Errorf("bad kernel option %q", o)
		}
		toks = append(toks, o)
	}
	toks = append(toks, ProgramSeparator)
	for _, e := range p.Env {
		if k, _, ok := strings.Cut(e, "="); !ok || k == "" {
			return "", fmt.Errorf("environment entry %q is not KEY=VALUE", e)
		}
		toks = append(toks, envPrefix+escape(e))
	}
	for _, a := range p.Args {
		toks = append(toks, argPrefix+escape(a))
	}
	s := strings.Join(toks, " ")
	if len(s) > MaxCmdline {
		return "", fmt.Errorf("arguments and environment too long for the kernel command line (%d bytes encoded, max %d)", len(s), MaxCmdline)
	}
	return s, nil
}

// DecodeCmdline parses a kernel command line. It is the reference for the
// kernel's decoder: runs of spaces separate tokens, and a malformed escape is
// an error.
func DecodeCmdline(s string) (*Cmdline, error) {
	c := &Cmdline{}
	inProgram := false
	for _, tok := range strings.Fields(s) {
		switch {
		case !inProgram && tok == ProgramSeparator:
			inProgram = true
		case inProgram && strings.HasPrefix(tok, envPrefix):
			v, err := unescape(tok[len(envPrefix):])
			if err != nil {
				return nil, err
			}
			c.Program.Env = append(c.Program.Env, v)
		case inProgram && strings.HasPrefix(tok, argPrefix):
			v, err := unescape(tok[len(argPrefix):])
			if err != nil {
				return nil, err
			}
			c.Program.Args = append(c.Program.Args, v)
		default:
			c.Kernel = append(c.Kernel, tok)
		}
	}
	return c, nil
}

// Option returns the value of the first kernel option key=value.
func (c *Cmdline) Option(key string) (string, bool) {
	for _, o := range c.Kernel {
		if k, v, ok := strings.Cut(o, "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// isPlain reports whether b is left unescaped: [A-Za-z0-9._/:,+=-].
func isPlain(b byte) bool {
	switch {
	case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		return true
	}
	return strings.IndexByte("._/:,+=-", b) >= 0
}

// escape percent-encodes every byte that is not plain as %XX (upper-case
// hex). It works on bytes, so any string, valid UTF-8 or not, survives.
func escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isPlain(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// unescape reverses escape. It accepts either hex case and rejects a '%'
// without two hex digits after it.
func unescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(s) {
			return "", fmt.Errorf("truncated escape in %q", s)
		}
		hi, ok1 := unhex(s[i+1])
		lo, ok2 := unhex(s[i+2])
		if !ok1 || !ok2 {
			return "", fmt.Errorf("bad escape %q in %q", s[i:i+3], s)
		}
		b.WriteByte(hi<<4 | lo)
		i += 2
	}
	return b.String(), nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
