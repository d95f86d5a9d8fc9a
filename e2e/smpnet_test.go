package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// TestInetConcurrentLoadOnTwoCPUs serves the networking issue's concurrent-load test from
// a guest with 2 vCPUs: 100 keep-alive connections at once with their bodies checked,
// 10 MiB each way by hash, and the 8-client load loop (which logs requests/s; the same
// loop on 1 vCPU is in TestInetHostForward).
func TestInetConcurrentLoadOnTwoCPUs(t *testing.T) {
	requireQEMU(t)
	img := buildInetImage(t)
	hp := freePort(t)
	qemuSlots.acquire(2)
	defer qemuSlots.release(2)
	v := startVM(t, "run", "--cpus", "2", "--timeout", "180s", "-p", fmt.Sprintf("127.0.0.1:%d:8080", hp),
		img, "--", "serve", ":8080")
	base := fmt.Sprintf("http://127.0.0.1:%d", hp)
	t.Logf("QEMU start to first HTTP 200 with 2 vCPUs: %v", waitHTTP(t, v, base+"/hello?i=ready", "hello ready from unigo").Round(time.Millisecond))
	fail := func(format string, a ...any) {
		t.Helper()
		t.Fatalf("%s; console:\n%s", fmt.Sprintf(format, a...), v.out.String())
	}
	concurrentKeepAlive(t, base, fail)
	bigTransfers(t, base, fail)
	loadLoop(t, base, fail)
	if resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(base + "/quit"); err == nil {
		resp.Body.Close()
	}
	select {
	case err := <-v.done:
		v.done <- err
		if err != nil {
			t.Errorf("the VM exited with %v; console:\n%s", err, v.out.String())
		}
	case <-time.After(30 * time.Second):
		t.Errorf("the VM did not exit after /quit; console:\n%s", v.out.String())
	}
}
