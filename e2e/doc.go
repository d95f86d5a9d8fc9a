// Package e2e is unigo's end-to-end suite: every test boots a real Go program
// in QEMU with the unigo CLI and checks what the program printed and how it
// exited. The programs live in testdata/<name>/main.go (plus ../examples);
// each is an ordinary Go program that also runs on the host with `go run` and
// ends with `PASS <name>` or `FAIL <name>: reason`.
//
// Run it from the repository root:
//
//	go test -count=1 ./e2e/                      # the whole suite (TCG: a few minutes)
//	go test -count=1 -run TestHello -v ./e2e/    # one test, with the guest console
//
// TestMain builds the CLI once (go build ./cmd/unigo), or uses the one named
// by $UNIGO_E2E_CLI. Tests skip when
// qemu-system-x86_64 is not on PATH, except with CI=true, where they fail.
// At most two QEMUs run at a time (the machines have two cores); tests that
// measure time hold both slots so nothing else competes with them.
package e2e
