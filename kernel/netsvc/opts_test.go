package netsvc

import (
	"testing"
	"time"

	"github.com/unigo-os/unigo/kernel/abi/unet"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// Go's defaults for a TCP connection (SO_KEEPALIVE on, idle and interval 15 s, 9 probes,
// TCP_NODELAY) reach the netstack endpoint instead of netstack's 2-hour keepalive.
func TestApplyOptsGivesTheEndpointGosKeepaliveSettings(t *testing.T) {
	s := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol},
	})
	defer s.Destroy()
	ep, err := s.NewEndpoint(tcp.ProtocolNumber, ipv4.ProtocolNumber, new(waiter.Queue))
	if err != nil {
		t.Fatal(err)
	}
	defer ep.Close()
	w := unet.Work{Opts: unet.OptKeepAlive | unet.OptNoDelay, KeepIdle: 15, KeepIntvl: 16, KeepCnt: 9}
	c := &conn{ep: ep, fam: afInet, typ: sockStream, opts: optsOf(&w)}
	applyOpts(c)
	var idle tcpip.KeepaliveIdleOption
	var intvl tcpip.KeepaliveIntervalOption
	if err := ep.GetSockOpt(&idle); err != nil || time.Duration(idle) != 15*time.Second {
		t.Errorf("keepalive idle %v (%v), want 15s", time.Duration(idle), err)
	}
	if err := ep.GetSockOpt(&intvl); err != nil || time.Duration(intvl) != 16*time.Second {
		t.Errorf("keepalive interval %v (%v), want 16s", time.Duration(intvl), err)
	}
	if n, err := ep.GetSockOptInt(tcpip.KeepaliveCountOption); err != nil || n != 9 {
		t.Errorf("keepalive count %d (%v), want 9", n, err)
	}
	if so := ep.SocketOptions(); !so.GetKeepAlive() || so.GetDelayOption() {
		t.Errorf("SO_KEEPALIVE %v, delay (not TCP_NODELAY) %v; want true, false", so.GetKeepAlive(), so.GetDelayOption())
	}
	// Unset values leave netstack's defaults alone.
	c.opts = optsOf(&unet.Work{})
	applyOpts(c)
	if err := ep.GetSockOpt(&idle); err != nil || time.Duration(idle) != 15*time.Second || ep.SocketOptions().GetKeepAlive() {
		t.Errorf("after clearing: idle %v keepalive %v; want 15s kept, keepalive off", time.Duration(idle), ep.SocketOptions().GetKeepAlive())
	}
}
