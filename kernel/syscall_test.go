package kernel

import (
	"testing"
	"unsafe"

	"github.com/unigo-os/unigo/kernel/abi/linux"
)

func TestSyscallTableNamesMatchNumbers(t *testing.T) {
	for nr, e := range sysTable {
		if e.name == "" {
			if e.fn != nil || e.support != 0 {
				t.Errorf("syscall %d: handler or support without a name", nr)
			}
			continue
		}
		if want := linux.SyscallNames[nr]; e.name != want {
			t.Errorf("syscall %d: table says %q, Linux calls it %q", nr, e.name, want)
		}
	}
}

func TestSyscallTablePartialAndMissingEntriesExplained(t *testing.T) {
	for nr, e := range sysTable {
		switch e.support {
		case supPartial, supENOSYS:
			if e.note == "" {
				t.Errorf("syscall %s (%d): partial or ENOSYS entry without a note", e.name, nr)
			}
		}
		if e.support == supENOSYS && e.fn != nil {
			t.Errorf("syscall %s (%d): marked ENOSYS but has a handler", e.name, nr)
		}
		if (e.support == supFull || e.support == supPartial) && e.fn == nil {
			t.Errorf("syscall %s (%d): marked implemented but has no handler", e.name, nr)
		}
	}
}

func TestRuntimeSyscallsAreImplemented(t *testing.T) {
	// What go1.26's runtime and os package call on the way to main (strace of hello world).
	for _, nr := range []int{
		linux.SYS_arch_prctl, linux.SYS_sched_getaffinity, linux.SYS_openat, linux.SYS_mmap,
		linux.SYS_munmap, linux.SYS_madvise, linux.SYS_rt_sigaction, linux.SYS_rt_sigprocmask,
		linux.SYS_sigaltstack, linux.SYS_clone, linux.SYS_gettid, linux.SYS_futex,
		linux.SYS_nanosleep, linux.SYS_clock_gettime, linux.SYS_getrandom, linux.SYS_tgkill,
		linux.SYS_getpid, linux.SYS_epoll_create1, linux.SYS_eventfd2, linux.SYS_epoll_ctl,
		linux.SYS_epoll_pwait, linux.SYS_write, linux.SYS_exit_group, linux.SYS_prlimit64,
		linux.SYS_fcntl, linux.SYS_rt_sigreturn, linux.SYS_pipe2, linux.SYS_sched_yield,
	} {
		if sysTable[nr].fn == nil {
			t.Errorf("%s (%d) has no handler", linux.SyscallNames[nr], nr)
		}
	}
}

func TestPushUnescapedDecodesPercentEscapes(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", "plain"},
		{"with%20space", "with space"},
		{"%25percent", "%percent"},
		{"", ""},
		{"%C3%BC", "ü"},
	} {
		var buf [64]byte
		top := uintptr(unsafe.Pointer(&buf[0])) + uintptr(len(buf))
		p := top
		got := pushUnescaped(&p, c.in)
		s := unsafe.String((*byte)(unsafe.Pointer(got)), int(top-got-1))
		if s != c.want || buf[len(buf)-1] != 0 {
			t.Errorf("pushUnescaped(%q) = %q, want %q NUL-terminated", c.in, s, c.want)
		}
	}
}

func TestCmdlineOptionFindsKernelOptions(t *testing.T) {
	saved, savedLen := cmdline, cmdlineLen
	defer func() { cmdline, cmdlineLen = saved, savedLen }()
	s := "unigo.seed=abcd unigo.strace=1 -- arg=x"
	cmdlineLen = copy(cmdline[:], s)
	if v, ok := cmdlineOption("unigo.seed"); !ok || v != "abcd" {
		t.Errorf("unigo.seed = %q, %v; want abcd", v, ok)
	}
	if _, ok := cmdlineOption("unigo.str"); ok {
		t.Errorf("a prefix of an option matched")
	}
}
