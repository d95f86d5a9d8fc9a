package linux

import (
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The oracles, in order of preference:
//  1. golang.org/x/sys/unix, generated from the Linux headers with cgo -godefs;
//  2. the Go runtime's src/runtime/defs_linux_amd64.go, type-checked here for the
//     signal structures x/sys lacks (sigcontext, ucontext, sigaction, fpstate);
//  3. numbers copied from the headers, for what neither has (rt_sigframe, the
//     kernel's 36-byte termios, the packed epoll_event's data offset).

// norm folds a field name for matching across spellings (Rdev_major, RdevMajor).
func norm(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "_", ""))
}

// checkAgainstXSys compares the layout of ours with the x/sys type theirs: every
// named field of ours must have a counterpart at the same offset with the same
// size. aliases maps one of our field names to theirs ("" = no counterpart);
// an aliased field's size is not compared.
func checkAgainstXSys(t *testing.T, ours, theirs any, sameSize bool, aliases map[string]string) {
	t.Helper()
	ot, tt := reflect.TypeOf(ours), reflect.TypeOf(theirs)
	if sameSize && ot.Size() != tt.Size() {
		t.Errorf("sizeof %v = %d, unix.%v = %d", ot, ot.Size(), tt.Name(), tt.Size())
	}
	byNorm := map[string]reflect.StructField{}
	for i := 0; i < tt.NumField(); i++ {
		f := tt.Field(i)
		if f.Name != "_" {
			byNorm[norm(f.Name)] = f
		}
	}
	for i := 0; i < ot.NumField(); i++ {
		f := ot.Field(i)
		if f.Name == "_" {
			continue
		}
		name, aliased := aliases[f.Name]
		if aliased && name == "" {
			continue
		}
		if !aliased {
			name = f.Name
		}
		tf, ok := byNorm[norm(name)]
		if !ok {
			t.Errorf("%v.%s: no field %s in unix.%v", ot, f.Name, name, tt.Name())
			continue
		}
		if f.Offset != tf.Offset {
			t.Errorf("offsetof %v.%s = %d, unix.%v.%s = %d", ot, f.Name, f.Offset, tt.Name(), tf.Name, tf.Offset)
		}
		if !aliased && f.Type.Size() != tf.Type.Size() {
			t.Errorf("sizeof %v.%s = %d, unix.%v.%s = %d", ot, f.Name, f.Type.Size(), tt.Name(), tf.Name, tf.Type.Size())
		}
	}
}

func TestLayoutMatchesXSys(t *testing.T) {
	for _, c := range []struct {
		ours, theirs any
		sameSize     bool
		aliases      map[string]string
	}{
		{Timespec{}, unix.Timespec{}, true, nil},
		{Timeval{}, unix.Timeval{}, true, nil},
		{ITimerspec{}, unix.ItimerSpec{}, true, nil},
		{ITimerval{}, unix.Itimerval{}, true, nil},
		{Stat_t{}, unix.Stat_t{}, true, nil},
		{Statx{}, unix.Statx_t{}, true, nil},
		{StatxTimestamp{}, unix.StatxTimestamp{}, true, nil},
		{EpollEvent{}, unix.EpollEvent{}, true, map[string]string{"Data": "Fd"}},
		{Utsname{}, unix.Utsname{}, true, nil},
		{Sysinfo{}, unix.Sysinfo_t{}, true, map[string]string{"MemUnit": "Unit"}},
		{Rlimit{}, unix.Rlimit{}, true, nil},
		{Rusage{}, unix.Rusage{}, true, nil},
		{SigInfo{}, unix.Siginfo{}, true, map[string]string{"Fields": ""}},
		{SockaddrIn{}, unix.RawSockaddrInet4{}, true, nil},
		{SockaddrIn6{}, unix.RawSockaddrInet6{}, true, nil},
		{SockaddrUn{}, unix.RawSockaddrUnix{}, true, nil},
		{SockaddrStorage{}, unix.SockaddrStorage{}, true, nil},
		{Linger{}, unix.Linger{}, true, nil},
		{Ucred{}, unix.Ucred{}, true, nil},
		{Iovec{}, unix.Iovec{}, true, nil},
		{Msghdr{}, unix.Msghdr{}, true, nil},
		{Cmsghdr{}, unix.Cmsghdr{}, true, nil},
		{PollFd{}, unix.PollFd{}, true, nil},
		{Winsize{}, unix.Winsize{}, true, nil},
		// x/sys's Termios is glibc's/termios2 shape (with speeds); the fields we
		// share sit at the same offsets.
		{Termios{}, unix.Termios{}, false, nil},
		// x/sys's Dirent includes the name; the header fields agree.
		{Dirent64{}, unix.Dirent{}, false, nil},
	} {
		checkAgainstXSys(t, c.ours, c.theirs, c.sameSize, c.aliases)
	}
}

// TestLayoutMatchesHeaders checks sizes and offsets against numbers worked out
// from the Linux headers, for the structures no Go oracle has (or has differently).
func TestLayoutMatchesHeaders(t *testing.T) {
	var (
		sa  SigAction
		st  StackT
		si  SigInfo
		sc  SigContext
		uc  UContext
		sev Sigevent
		ee  EpollEvent
		d   Dirent64
		tio Termios
		ca  CloneArgs
		sys Sysinfo
		mh  Msghdr
	)
	for _, c := range []struct {
		what      string
		got, want uintptr
	}{
		// struct sigaction, arch/x86 kernel view.
		{"sizeof SigAction", unsafe.Sizeof(sa), 32},
		{"SigAction.Handler", unsafe.Offsetof(sa.Handler), 0},
		{"SigAction.Flags", unsafe.Offsetof(sa.Flags), 8},
		{"SigAction.Restorer", unsafe.Offsetof(sa.Restorer), 16},
		{"SigAction.Mask", unsafe.Offsetof(sa.Mask), 24},
		// stack_t.
		{"sizeof StackT", unsafe.Sizeof(st), 24},
		{"StackT.Flags", unsafe.Offsetof(st.Flags), 8},
		{"StackT.Size", unsafe.Offsetof(st.Size), 16},
		// siginfo_t.
		{"sizeof SigInfo", unsafe.Sizeof(si), SI_MAX_SIZE},
		{"SigInfo.Code", unsafe.Offsetof(si.Code), SigInfoCodeOff},
		{"SigInfo.Fields", unsafe.Offsetof(si.Fields), SigInfoFieldsOff},
		{"alignof SigInfo", unsafe.Alignof(si), 8},
		// struct sigcontext (x86-64).
		{"sizeof SigContext", unsafe.Sizeof(sc), SigContextSize},
		{"SigContext.R8", unsafe.Offsetof(sc.R8), SigContextR8Off},
		{"SigContext.Rdi", unsafe.Offsetof(sc.Rdi), SigContextRdiOff},
		{"SigContext.Rsi", unsafe.Offsetof(sc.Rsi), SigContextRsiOff},
		{"SigContext.Rbp", unsafe.Offsetof(sc.Rbp), SigContextRbpOff},
		{"SigContext.Rbx", unsafe.Offsetof(sc.Rbx), SigContextRbxOff},
		{"SigContext.Rdx", unsafe.Offsetof(sc.Rdx), SigContextRdxOff},
		{"SigContext.Rax", unsafe.Offsetof(sc.Rax), SigContextRaxOff},
		{"SigContext.Rcx", unsafe.Offsetof(sc.Rcx), SigContextRcxOff},
		{"SigContext.Rsp", unsafe.Offsetof(sc.Rsp), SigContextRspOff},
		{"SigContext.Rip", unsafe.Offsetof(sc.Rip), SigContextRipOff},
		{"SigContext.Eflags", unsafe.Offsetof(sc.Eflags), SigContextEflagsOff},
		{"SigContext.Cs", unsafe.Offsetof(sc.Cs), SigContextCsOff},
		{"SigContext.Gs", unsafe.Offsetof(sc.Gs), SigContextGsOff},
		{"SigContext.Fs", unsafe.Offsetof(sc.Fs), SigContextFsOff},
		{"SigContext.Ss", unsafe.Offsetof(sc.Ss), SigContextSsOff},
		{"SigContext.Err", unsafe.Offsetof(sc.Err), SigContextErrOff},
		{"SigContext.Trapno", unsafe.Offsetof(sc.Trapno), SigContextTrapnoOff},
		{"SigContext.Oldmask", unsafe.Offsetof(sc.Oldmask), SigContextOldmaskOff},
		{"SigContext.Cr2", unsafe.Offsetof(sc.Cr2), SigContextCr2Off},
		{"SigContext.Fpstate", unsafe.Offsetof(sc.Fpstate), SigContextFpstateOff},
		// The header's numbers, independent of our constants.
		{"SigContext.Rip (header)", unsafe.Offsetof(sc.Rip), 16 * 8},
		{"SigContext.Fpstate (header)", unsafe.Offsetof(sc.Fpstate), 23 * 8},
		// struct ucontext (kernel, x86-64).
		{"sizeof UContext", unsafe.Sizeof(uc), UContextSize},
		{"UContext.Flags", unsafe.Offsetof(uc.Flags), UContextFlagsOff},
		{"UContext.Link", unsafe.Offsetof(uc.Link), UContextLinkOff},
		{"UContext.Stack", unsafe.Offsetof(uc.Stack), UContextStackOff},
		{"UContext.Mcontext", unsafe.Offsetof(uc.Mcontext), UContextMcontextOff},
		{"UContext.Sigmask", unsafe.Offsetof(uc.Sigmask), UContextSigmaskOff},
		{"sizeof UContext (header)", unsafe.Sizeof(uc), 8 + 8 + 24 + 256 + 8},
		// struct rt_sigframe (x86-64).
		{"RtSigframeInfoOff", RtSigframeInfoOff, 312},
		{"RtSigframeSize", RtSigframeSize, 440},
		// FXSAVE area.
		{"sizeof FPState", unsafe.Sizeof(FPState{}), 512},
		// struct sigevent.
		{"sizeof Sigevent", unsafe.Sizeof(sev), SIGEV_MAX_SIZE},
		{"Sigevent.Signo", unsafe.Offsetof(sev.Signo), 8},
		{"Sigevent.Notify", unsafe.Offsetof(sev.Notify), 12},
		{"Sigevent.Tid", unsafe.Offsetof(sev.Tid), 16},
		// struct epoll_event, packed on x86-64.
		{"sizeof EpollEvent", unsafe.Sizeof(ee), EpollEventSize},
		{"EpollEvent.Data", unsafe.Offsetof(ee.Data), 4},
		{"sizeof [2]EpollEvent", unsafe.Sizeof([2]EpollEvent{}), 24},
		// struct linux_dirent64 header.
		{"Dirent64.Reclen", unsafe.Offsetof(d.Reclen), Dirent64ReclenOff},
		{"Dirent64.Type", unsafe.Offsetof(d.Type), Dirent64TypeOff},
		{"Dirent64 name", unsafe.Offsetof(d.Type) + 1, Dirent64NameOff},
		// Kernel struct termios: 4 words, c_line, 19 c_cc.
		{"sizeof Termios", unsafe.Sizeof(tio), 36},
		{"Termios.Cc", unsafe.Offsetof(tio.Cc), 17},
		// struct clone_args, CLONE_ARGS_SIZE_VER2.
		{"sizeof CloneArgs", unsafe.Sizeof(ca), CLONE_ARGS_SIZE_VER2},
		{"CloneArgs.SetTid", unsafe.Offsetof(ca.SetTid), CLONE_ARGS_SIZE_VER0},
		{"CloneArgs.Cgroup", unsafe.Offsetof(ca.Cgroup), CLONE_ARGS_SIZE_VER1},
		// Sizes stated in the headers' comments or computed from them.
		{"sizeof Stat_t", unsafe.Sizeof(Stat_t{}), 144},
		{"sizeof Statx", unsafe.Sizeof(Statx{}), 256},
		{"Statx.MntID", unsafe.Offsetof(Statx{}.MntID), 0x90},
		{"Statx.Subvol", unsafe.Offsetof(Statx{}.Subvol), 0xa0},
		{"Statx.AtomicWriteSegmentsMax", unsafe.Offsetof(Statx{}.AtomicWriteSegmentsMax), 0xb0},
		{"sizeof Utsname", unsafe.Sizeof(Utsname{}), 6 * 65},
		{"sizeof Sysinfo", unsafe.Sizeof(sys), 112},
		{"Sysinfo.Totalhigh", unsafe.Offsetof(sys.Totalhigh), 88},
		{"Sysinfo.MemUnit", unsafe.Offsetof(sys.MemUnit), 104},
		{"sizeof Rusage", unsafe.Sizeof(Rusage{}), 144},
		{"sizeof SockaddrIn", unsafe.Sizeof(SockaddrIn{}), 16},
		{"sizeof SockaddrIn6", unsafe.Sizeof(SockaddrIn6{}), 28},
		{"sizeof SockaddrUn", unsafe.Sizeof(SockaddrUn{}), 110},
		{"sizeof SockaddrStorage", unsafe.Sizeof(SockaddrStorage{}), SockaddrStorageSize},
		{"sizeof Msghdr", unsafe.Sizeof(mh), 56},
		{"Msghdr.Flags", unsafe.Offsetof(mh.Flags), 48},
		{"sizeof Cmsghdr", unsafe.Sizeof(Cmsghdr{}), SizeofCmsghdr},
		{"sizeof ITimerspec", unsafe.Sizeof(ITimerspec{}), 32},
		{"sizeof Linger", unsafe.Sizeof(Linger{}), 8},
		{"sizeof SigSet", unsafe.Sizeof(SigSet(0)), SigSetSize},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.what, c.got, c.want)
		}
	}
}

// TestNoPointerFields checks the kernel-code rule: ABI structs hold no Go
// pointers (user addresses are uint64), so storing them runs no write barrier.
func TestNoPointerFields(t *testing.T) {
	var hasPtr func(reflect.Type) bool
	hasPtr = func(t reflect.Type) bool {
		switch t.Kind() {
		case reflect.Pointer, reflect.UnsafePointer, reflect.Slice, reflect.Map,
			reflect.String, reflect.Interface, reflect.Func, reflect.Chan:
			return true
		case reflect.Array:
			return hasPtr(t.Elem())
		case reflect.Struct:
			for i := 0; i < t.NumField(); i++ {
				if hasPtr(t.Field(i).Type) {
					return true
				}
			}
		}
		return false
	}
	for _, v := range []any{
		Timespec{}, Timeval{}, ITimerspec{}, ITimerval{}, SigAction{}, StackT{},
		SigInfo{}, SigContext{}, UContext{}, FPState{}, Sigevent{}, EpollEvent{},
		Utsname{}, Sysinfo{}, Rlimit{}, Rusage{}, Stat_t{}, Statx{}, Dirent64{},
		SockaddrIn{}, SockaddrIn6{}, SockaddrUn{}, SockaddrStorage{}, Linger{},
		Ucred{}, Iovec{}, Msghdr{}, Cmsghdr{}, PollFd{}, Winsize{}, Termios{},
		CloneArgs{},
	} {
		if hasPtr(reflect.TypeOf(v)) {
			t.Errorf("%T contains a pointer-shaped field", v)
		}
	}
}

// runtimeDefs type-checks the Go runtime's defs_linux_amd64.go on its own. It
// refers to a few names defined elsewhere in the runtime; those errors are
// ignored, and the declarations that check cleanly are the oracle.
func runtimeDefs(t *testing.T) *types.Package {
	t.Helper()
	path := filepath.Join(runtime.GOROOT(), "src", "runtime", "defs_linux_amd64.go")
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		t.Skipf("runtime definitions unavailable: %v", err)
	}
	conf := types.Config{
		Importer: importer.Default(),
		Error:    func(error) {},
		Sizes:    types.SizesFor("gc", "amd64"),
	}
	pkg, _ := conf.Check("runtime", fset, []*ast.File{f}, nil)
	return pkg
}

// rtLayout returns the size of the runtime's struct name and its fields' offsets.
func rtLayout(t *testing.T, pkg *types.Package, name string) (int64, map[string]int64) {
	t.Helper()
	obj := pkg.Scope().Lookup(name)
	if obj == nil {
		t.Fatalf("runtime has no type %s", name)
	}
	st, ok := obj.Type().Underlying().(*types.Struct)
	if !ok {
		t.Fatalf("runtime.%s is not a struct", name)
	}
	sizes := types.SizesFor("gc", "amd64")
	var fields []*types.Var
	for i := 0; i < st.NumFields(); i++ {
		fields = append(fields, st.Field(i))
	}
	offs := sizes.Offsetsof(fields)
	m := map[string]int64{}
	for i, f := range fields {
		m[f.Name()] = offs[i]
	}
	return sizes.Sizeof(st), m
}

func TestLayoutMatchesGoRuntime(t *testing.T) {
	pkg := runtimeDefs(t)
	type fieldMap struct {
		rt   string
		ours uintptr
	}
	var (
		sa SigAction
		st StackT
		sc SigContext
		uc UContext
		ts Timespec
		tv Timeval
	)
	for _, c := range []struct {
		typ    string
		size   uintptr // 0: runtime's size differs by design
		fields []fieldMap
	}{
		{"sigactiont", unsafe.Sizeof(sa), []fieldMap{
			{"sa_handler", unsafe.Offsetof(sa.Handler)}, {"sa_flags", unsafe.Offsetof(sa.Flags)},
			{"sa_restorer", unsafe.Offsetof(sa.Restorer)}, {"sa_mask", unsafe.Offsetof(sa.Mask)},
		}},
		{"stackt", unsafe.Sizeof(st), []fieldMap{
			{"ss_sp", unsafe.Offsetof(st.Sp)}, {"ss_flags", unsafe.Offsetof(st.Flags)},
			{"ss_size", unsafe.Offsetof(st.Size)},
		}},
		{"sigcontext", unsafe.Sizeof(sc), []fieldMap{
			{"r8", unsafe.Offsetof(sc.R8)}, {"r9", unsafe.Offsetof(sc.R9)},
			{"r10", unsafe.Offsetof(sc.R10)}, {"r11", unsafe.Offsetof(sc.R11)},
			{"r12", unsafe.Offsetof(sc.R12)}, {"r13", unsafe.Offsetof(sc.R13)},
			{"r14", unsafe.Offsetof(sc.R14)}, {"r15", unsafe.Offsetof(sc.R15)},
			{"rdi", unsafe.Offsetof(sc.Rdi)}, {"rsi", unsafe.Offsetof(sc.Rsi)},
			{"rbp", unsafe.Offsetof(sc.Rbp)}, {"rbx", unsafe.Offsetof(sc.Rbx)},
			{"rdx", unsafe.Offsetof(sc.Rdx)}, {"rax", unsafe.Offsetof(sc.Rax)},
			{"rcx", unsafe.Offsetof(sc.Rcx)}, {"rsp", unsafe.Offsetof(sc.Rsp)},
			{"rip", unsafe.Offsetof(sc.Rip)}, {"eflags", unsafe.Offsetof(sc.Eflags)},
			{"cs", unsafe.Offsetof(sc.Cs)}, {"gs", unsafe.Offsetof(sc.Gs)},
			{"fs", unsafe.Offsetof(sc.Fs)}, {"__pad0", unsafe.Offsetof(sc.Ss)},
			{"err", unsafe.Offsetof(sc.Err)}, {"trapno", unsafe.Offsetof(sc.Trapno)},
			{"oldmask", unsafe.Offsetof(sc.Oldmask)}, {"cr2", unsafe.Offsetof(sc.Cr2)},
			{"fpstate", unsafe.Offsetof(sc.Fpstate)},
		}},
		// (siginfo and sigevent are padded with constants from other runtime files,
		// so only their leading fields are compared here.)
		// The runtime's ucontext is glibc's (bigger sigmask, FPU area after it);
		// everything up to uc_sigmask agrees with the kernel's.
		{"ucontext", 0, []fieldMap{
			{"uc_flags", unsafe.Offsetof(uc.Flags)}, {"uc_link", unsafe.Offsetof(uc.Link)},
			{"uc_stack", unsafe.Offsetof(uc.Stack)}, {"uc_mcontext", unsafe.Offsetof(uc.Mcontext)},
			{"uc_sigmask", unsafe.Offsetof(uc.Sigmask)},
		}},
		{"fpstate1", unsafe.Sizeof(FPState{}), []fieldMap{
			{"cwd", FPStateCwdOff}, {"swd", FPStateSwdOff}, {"ftw", FPStateTwdOff},
			{"fop", FPStateFopOff}, {"rip", FPStateRipOff}, {"rdp", FPStateRdpOff},
			{"mxcsr", FPStateMxcsrOff}, {"mxcr_mask", FPStateMxcsrMaskOff},
			{"_st", FPStateStSpaceOff}, {"_xmm", FPStateXmmSpaceOff},
		}},
		{"siginfoFields", 0, []fieldMap{
			{"si_signo", SigInfoSignoOff}, {"si_errno", SigInfoErrnoOff},
			{"si_code", SigInfoCodeOff}, {"si_addr", SigInfoAddrOff},
		}},
		{"sigeventFields", 0, []fieldMap{
			{"value", unsafe.Offsetof(Sigevent{}.Value)}, {"signo", unsafe.Offsetof(Sigevent{}.Signo)},
			{"notify", unsafe.Offsetof(Sigevent{}.Notify)},
			{"sigev_notify_thread_id", unsafe.Offsetof(Sigevent{}.Tid)},
		}},
		{"timespec", unsafe.Sizeof(ts), []fieldMap{
			{"tv_sec", unsafe.Offsetof(ts.Sec)}, {"tv_nsec", unsafe.Offsetof(ts.Nsec)},
		}},
		{"timeval", unsafe.Sizeof(tv), []fieldMap{
			{"tv_sec", unsafe.Offsetof(tv.Sec)}, {"tv_usec", unsafe.Offsetof(tv.Usec)},
		}},
		{"itimerspec", unsafe.Sizeof(ITimerspec{}), nil},
		{"itimerval", unsafe.Sizeof(ITimerval{}), nil},
	} {
		size, offs := rtLayout(t, pkg, c.typ)
		if c.size != 0 && uintptr(size) != c.size {
			t.Errorf("sizeof runtime.%s = %d, ours %d", c.typ, size, c.size)
		}
		for _, f := range c.fields {
			off, ok := offs[f.rt]
			if !ok {
				t.Errorf("runtime.%s has no field %s", c.typ, f.rt)
				continue
			}
			if uintptr(off) != f.ours {
				t.Errorf("offsetof runtime.%s.%s = %d, ours %d", c.typ, f.rt, off, f.ours)
			}
		}
	}
}

// ourConsts type-checks this package's non-test sources and returns its
// constants by name.
func ourConsts(t *testing.T) map[string]*types.Const {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, f := range pkgs["linux"].Files {
		files = append(files, f)
	}
	conf := types.Config{Sizes: types.SizesFor("gc", "amd64")}
	pkg, err := conf.Check("linux", fset, files, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*types.Const{}
	for _, name := range pkg.Scope().Names() {
		if c, ok := pkg.Scope().Lookup(name).(*types.Const); ok {
			m[name] = c
		}
	}
	return m
}

// knownDifferences are constants whose kernel value differs from a libc-shaped
// oracle on purpose.
var knownDifferences = map[string]string{
	// 64-bit libcs define O_LARGEFILE as 0; the kernel's flag bit is 0100000.
	"O_LARGEFILE": "libc defines it as 0 on 64-bit",
	// Ours is the SIGSYS si_code (asm-generic/siginfo.h); x/sys's is the
	// syscall number, which we spell SYS_seccomp.
	"SYS_SECCOMP": "si_code, not the syscall number",
}

// TestConstantsMatchXSys compares every constant of ours that x/sys/unix also
// defines (SYS_read is unix.SYS_READ), by exact value.
func TestConstantsMatchXSys(t *testing.T) {
	ours := ourConsts(t)
	fset := token.NewFileSet()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	imp := importer.ForCompiler(fset, "source", nil).(types.ImporterFrom)
	upkg, err := imp.ImportFrom("golang.org/x/sys/unix", wd, 0)
	if err != nil {
		t.Fatalf("type-checking golang.org/x/sys/unix: %v", err)
	}
	matched := map[string]int{}
	for name, c := range ours {
		theirName := name
		if strings.HasPrefix(name, "SYS_") && strings.ToUpper(name) != name {
			theirName = strings.ToUpper(name)
		}
		tc, ok := upkg.Scope().Lookup(theirName).(*types.Const)
		if !ok {
			continue
		}
		if constant.Compare(c.Val(), token.EQL, tc.Val()) {
			matched[prefix(name)]++
			continue
		}
		if why, ok := knownDifferences[name]; ok {
			t.Logf("%s = %v, unix.%s = %v (%s)", name, c.Val(), theirName, tc.Val(), why)
			continue
		}
		t.Errorf("%s = %v, unix.%s = %v", name, c.Val(), theirName, tc.Val())
	}
	total := 0
	for _, n := range matched {
		total += n
	}
	t.Logf("%d constants match x/sys/unix: %v", total, matched)
	// Each family must actually have been compared, not silently skipped.
	for p, min := range map[string]int{
		"E": 130, "SYS": 380, "O": 15, "MAP": 25, "EPOLL": 15, "CLONE": 25, "SIG": 30,
		"SO": 80, "AF": 45, "MSG": 20, "IPPROTO": 35, "TCP": 35, "PROT": 5, "MADV": 20,
		"F": 30, "AT": 10, "PR": 80, "RLIMIT": 16, "S": 20, "CLOCK": 10, "FUTEX": 0,
		"SOCK": 8, "SOL": 10, "IPV6": 50, "GRND": 3, "EFD": 3, "TIOCGWINSZ": 0,
	} {
		if matched[p] < min {
			t.Errorf("only %d %s_* constants matched x/sys/unix, want >= %d", matched[p], p, min)
		}
	}
	if total < 1200 {
		t.Errorf("only %d constants matched x/sys/unix, want >= 1200", total)
	}
}

// prefix returns a constant's family: the text before its first underscore
// ("EPOLL" for EPOLLIN and EPOLL_CTL_ADD, "E" for errnos).
func prefix(name string) string {
	if i := strings.IndexByte(name, '_'); i > 0 {
		name = name[:i]
	}
	for _, p := range []string{"EPOLL", "SIG"} {
		if strings.HasPrefix(name, p) {
			return p
		}
	}
	if len(name) > 1 && name[0] == 'E' && name == strings.ToUpper(name) && !strings.Contains(name, "_") {
		if _, ok := errnoByName[name]; ok {
			return "E"
		}
	}
	return name
}

var errnoByName = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range errnoNames {
		if n != "" {
			m[n] = true
		}
	}
	m["EWOULDBLOCK"], m["EDEADLOCK"], m["ENOTSUP"] = true, true, true
	return m
}()

// TestConstantsMatchGoRuntime compares our constants with the runtime's _NAME
// constants in defs_linux_amd64.go (SA_*, SI_*, SEGV_*, FPE_*, BUS_*, ... which
// x/sys lacks).
func TestConstantsMatchGoRuntime(t *testing.T) {
	pkg := runtimeDefs(t)
	ours := ourConsts(t)
	n := 0
	for _, name := range pkg.Scope().Names() {
		c, ok := pkg.Scope().Lookup(name).(*types.Const)
		if !ok || !strings.HasPrefix(name, "_") || c.Val().Kind() == constant.Unknown {
			continue
		}
		o, ok := ours[name[1:]]
		if !ok {
			continue
		}
		n++
		if !constant.Compare(o.Val(), token.EQL, c.Val()) {
			t.Errorf("%s = %v, runtime.%s = %v", name[1:], o.Val(), name, c.Val())
		}
	}
	t.Logf("%d constants match the Go runtime", n)
	if n < 60 {
		t.Errorf("only %d constants compared with the Go runtime, want >= 60", n)
	}
}

// TestConstantsTable spot-checks constants by compile-time reference, so a
// renamed constant on either side breaks the build of this test rather than
// silently dropping out of the comparison above.
func TestConstantsTable(t *testing.T) {
	for _, c := range []struct {
		name         string
		ours, theirs int64
	}{
		{"EPERM", int64(EPERM), int64(unix.EPERM)},
		{"ENOENT", int64(ENOENT), int64(unix.ENOENT)},
		{"EINTR", int64(EINTR), int64(unix.EINTR)},
		{"EBADF", int64(EBADF), int64(unix.EBADF)},
		{"EAGAIN", int64(EAGAIN), int64(unix.EAGAIN)},
		{"ENOMEM", int64(ENOMEM), int64(unix.ENOMEM)},
		{"EFAULT", int64(EFAULT), int64(unix.EFAULT)},
		{"EEXIST", int64(EEXIST), int64(unix.EEXIST)},
		{"ENOTDIR", int64(ENOTDIR), int64(unix.ENOTDIR)},
		{"EISDIR", int64(EISDIR), int64(unix.EISDIR)},
		{"EINVAL", int64(EINVAL), int64(unix.EINVAL)},
		{"EMFILE", int64(EMFILE), int64(unix.EMFILE)},
		{"ENOSPC", int64(ENOSPC), int64(unix.ENOSPC)},
		{"ESPIPE", int64(ESPIPE), int64(unix.ESPIPE)},
		{"EROFS", int64(EROFS), int64(unix.EROFS)},
		{"EPIPE", int64(EPIPE), int64(unix.EPIPE)},
		{"ENOSYS", int64(ENOSYS), int64(unix.ENOSYS)},
		{"ENOTEMPTY", int64(ENOTEMPTY), int64(unix.ENOTEMPTY)},
		{"EPROTONOSUPPORT", int64(EPROTONOSUPPORT), int64(unix.EPROTONOSUPPORT)},
		{"EOPNOTSUPP", int64(EOPNOTSUPP), int64(unix.EOPNOTSUPP)},
		{"EAFNOSUPPORT", int64(EAFNOSUPPORT), int64(unix.EAFNOSUPPORT)},
		{"EADDRINUSE", int64(EADDRINUSE), int64(unix.EADDRINUSE)},
		{"ETIMEDOUT", int64(ETIMEDOUT), int64(unix.ETIMEDOUT)},
		{"ECONNREFUSED", int64(ECONNREFUSED), int64(unix.ECONNREFUSED)},
		{"EINPROGRESS", int64(EINPROGRESS), int64(unix.EINPROGRESS)},
		{"EHWPOISON", int64(EHWPOISON), int64(unix.EHWPOISON)},
		{"SYS_read", SYS_read, unix.SYS_READ},
		{"SYS_write", SYS_write, unix.SYS_WRITE},
		{"SYS_mmap", SYS_mmap, unix.SYS_MMAP},
		{"SYS_rt_sigaction", SYS_rt_sigaction, unix.SYS_RT_SIGACTION},
		{"SYS_clone", SYS_clone, unix.SYS_CLONE},
		{"SYS_futex", SYS_futex, unix.SYS_FUTEX},
		{"SYS_exit_group", SYS_exit_group, unix.SYS_EXIT_GROUP},
		{"SYS_epoll_pwait2", SYS_epoll_pwait2, unix.SYS_EPOLL_PWAIT2},
		{"SYS_clone3", SYS_clone3, unix.SYS_CLONE3},
		{"SYS_mseal", SYS_mseal, unix.SYS_MSEAL},
		{"O_CLOEXEC", O_CLOEXEC, unix.O_CLOEXEC},
		{"O_NONBLOCK", O_NONBLOCK, unix.O_NONBLOCK},
		{"O_DIRECTORY", O_DIRECTORY, unix.O_DIRECTORY},
		{"O_TMPFILE", O_TMPFILE, unix.O_TMPFILE},
		{"O_SYNC", O_SYNC, unix.O_SYNC},
		{"MAP_ANONYMOUS", MAP_ANONYMOUS, unix.MAP_ANONYMOUS},
		{"MAP_FIXED_NOREPLACE", MAP_FIXED_NOREPLACE, unix.MAP_FIXED_NOREPLACE},
		{"MAP_32BIT", MAP_32BIT, unix.MAP_32BIT},
		{"MADV_DONTNEED", MADV_DONTNEED, unix.MADV_DONTNEED},
		{"MREMAP_MAYMOVE", MREMAP_MAYMOVE, unix.MREMAP_MAYMOVE},
		{"EPOLLET", EPOLLET, unix.EPOLLET},
		{"EPOLLEXCLUSIVE", EPOLLEXCLUSIVE, unix.EPOLLEXCLUSIVE},
		{"EPOLL_CLOEXEC", EPOLL_CLOEXEC, unix.EPOLL_CLOEXEC},
		{"EFD_NONBLOCK", EFD_NONBLOCK, unix.EFD_NONBLOCK},
		{"CLONE_THREAD", CLONE_THREAD, unix.CLONE_THREAD},
		{"CLONE_SETTLS", CLONE_SETTLS, unix.CLONE_SETTLS},
		{"CLONE_CLEAR_SIGHAND", CLONE_CLEAR_SIGHAND, unix.CLONE_CLEAR_SIGHAND},
		{"SIGSEGV", SIGSEGV, int64(unix.SIGSEGV)},
		{"SIGURG", SIGURG, int64(unix.SIGURG)},
		{"SIG_SETMASK", SIG_SETMASK, unix.SIG_SETMASK},
		{"AT_FDCWD", AT_FDCWD, unix.AT_FDCWD},
		{"AT_EMPTY_PATH", AT_EMPTY_PATH, unix.AT_EMPTY_PATH},
		{"S_IFSOCK", S_IFSOCK, unix.S_IFSOCK},
		{"CLOCK_BOOTTIME", CLOCK_BOOTTIME, unix.CLOCK_BOOTTIME},
		{"TIMER_ABSTIME", TIMER_ABSTIME, unix.TIMER_ABSTIME},
		{"RLIMIT_NOFILE", RLIMIT_NOFILE, unix.RLIMIT_NOFILE},
		{"GRND_INSECURE", GRND_INSECURE, unix.GRND_INSECURE},
		{"PR_SET_VMA", PR_SET_VMA, unix.PR_SET_VMA},
		{"PR_SET_NAME", PR_SET_NAME, unix.PR_SET_NAME},
		{"AF_INET6", AF_INET6, unix.AF_INET6},
		{"SOCK_CLOEXEC", SOCK_CLOEXEC, unix.SOCK_CLOEXEC},
		{"SOL_SOCKET", SOL_SOCKET, unix.SOL_SOCKET},
		{"SO_REUSEADDR", SO_REUSEADDR, unix.SO_REUSEADDR},
		{"SO_RCVTIMEO", SO_RCVTIMEO, unix.SO_RCVTIMEO},
		{"IPPROTO_MPTCP", IPPROTO_MPTCP, unix.IPPROTO_MPTCP},
		{"TCP_NODELAY", TCP_NODELAY, unix.TCP_NODELAY},
		{"IPV6_V6ONLY", IPV6_V6ONLY, unix.IPV6_V6ONLY},
		{"MSG_NOSIGNAL", MSG_NOSIGNAL, unix.MSG_NOSIGNAL},
		{"SHUT_RDWR", SHUT_RDWR, unix.SHUT_RDWR},
		{"TCGETS", TCGETS, unix.TCGETS},
		{"TIOCGWINSZ", TIOCGWINSZ, unix.TIOCGWINSZ},
		{"FIONREAD", FIONREAD, unix.TIOCINQ},
		{"WNOHANG", WNOHANG, unix.WNOHANG},
		{"POLLRDHUP", POLLRDHUP, unix.POLLRDHUP},
	} {
		if c.ours != c.theirs {
			t.Errorf("%s = %#x, unix = %#x", c.name, c.ours, c.theirs)
		}
	}
	// Values x/sys does not define, from the headers.
	for _, c := range []struct {
		name      string
		got, want int64
	}{
		{"FUTEX_WAIT", FUTEX_WAIT, 0},
		{"FUTEX_WAKE", FUTEX_WAKE, 1},
		{"FUTEX_WAIT_BITSET", FUTEX_WAIT_BITSET, 9},
		{"FUTEX_WAKE_BITSET", FUTEX_WAKE_BITSET, 10},
		{"FUTEX_PRIVATE_FLAG", FUTEX_PRIVATE_FLAG, 128},
		{"FUTEX_CLOCK_REALTIME", FUTEX_CLOCK_REALTIME, 256},
		{"FUTEX_CMD_MASK", FUTEX_CMD_MASK, -385},
		{"FUTEX_WAIT_PRIVATE", FUTEX_WAIT_PRIVATE, 128},
		{"SA_RESTORER", SA_RESTORER, 0x04000000},
		{"SA_ONSTACK", SA_ONSTACK, 0x08000000},
		{"SA_SIGINFO", SA_SIGINFO, 4},
		{"SS_DISABLE", SS_DISABLE, 2},
		{"MINSIGSTKSZ", MINSIGSTKSZ, 2048},
		{"SI_TKILL", SI_TKILL, -6},
		{"SI_USER", SI_USER, 0},
		{"SI_KERNEL", SI_KERNEL, 0x80},
		{"SEGV_MAPERR", SEGV_MAPERR, 1},
		{"SEGV_ACCERR", SEGV_ACCERR, 2},
		{"FPE_INTDIV", FPE_INTDIV, 1},
		{"ILL_ILLOPN", ILL_ILLOPN, 2},
		{"BUS_ADRERR", BUS_ADRERR, 2},
		{"ARCH_SET_FS", ARCH_SET_FS, 0x1002},
		{"ARCH_GET_FS", ARCH_GET_FS, 0x1003},
		{"ARCH_SET_GS", ARCH_SET_GS, 0x1001},
		{"ARCH_GET_GS", ARCH_GET_GS, 0x1004},
		{"AT_RANDOM", AT_RANDOM, 25},
		{"AT_EXECFN", AT_EXECFN, 31},
		{"AT_SYSINFO_EHDR", AT_SYSINFO_EHDR, 33},
		{"AT_MINSIGSTKSZ", AT_MINSIGSTKSZ, 51},
		{"FIONBIO", FIONBIO, 0x5421},
		{"O_LARGEFILE", O_LARGEFILE, 0100000},
		{"MaxSyscall", MaxSyscall, 471},
	} {
		if c.got != c.want {
			t.Errorf("%s = %#x, want %#x", c.name, c.got, c.want)
		}
	}
	if RLIM_INFINITY != uint64(unix.RLIM_INFINITY) {
		t.Errorf("RLIM_INFINITY = %#x, unix = %#x", uint64(RLIM_INFINITY), uint64(unix.RLIM_INFINITY))
	}
}

func TestErrnoName(t *testing.T) {
	for _, c := range []struct {
		e    Errno
		want string
	}{
		{EPERM, "EPERM"}, {ENOSYS, "ENOSYS"}, {EAGAIN, "EAGAIN"}, {EWOULDBLOCK, "EAGAIN"},
		{ENOTSUP, "EOPNOTSUPP"}, {EHWPOISON, "EHWPOISON"}, {0, ""}, {41, ""}, {58, ""},
		{134, ""}, {^Errno(0), ""},
	} {
		if got := c.e.Name(); got != c.want {
			t.Errorf("Errno(%d).Name() = %q, want %q", uintptr(c.e), got, c.want)
		}
	}
	// Every assigned number up to MaxErrno has a name matching x/sys's errno.
	for e := Errno(1); e <= MaxErrno; e++ {
		if e == 41 || e == 58 {
			continue
		}
		if e.Name() == "" {
			t.Errorf("Errno(%d) has no name", uintptr(e))
		}
	}
}

func TestErrnoRet(t *testing.T) {
	if got := ENOSYS.Ret(); got != ^uintptr(37) || int64(got) != -38 {
		t.Errorf("ENOSYS.Ret() = %#x, want -38", got)
	}
	for _, e := range []Errno{EPERM, EINVAL, EHWPOISON, MaxErrnoRange} {
		got, ok := ErrnoFromRet(e.Ret())
		if !ok || got != e {
			t.Errorf("ErrnoFromRet(%d.Ret()) = %d, %v", uintptr(e), uintptr(got), ok)
		}
	}
	for _, r := range []uintptr{0, 1, 1 << 47, ^uintptr(4095)} {
		if _, ok := ErrnoFromRet(r); ok {
			t.Errorf("ErrnoFromRet(%#x) reported an error", r)
		}
	}
}

func TestSyscallNames(t *testing.T) {
	ours := ourConsts(t)
	defined := 0
	isDefined := map[int64]bool{}
	for name, c := range ours {
		if !strings.HasPrefix(name, "SYS_") || strings.ToUpper(name) == name {
			continue // SYS_SECCOMP is a si_code
		}
		nr, _ := constant.Int64Val(c.Val())
		defined++
		isDefined[nr] = true
		if got, want := SyscallNames[nr], strings.TrimPrefix(name, "SYS_"); got != want {
			t.Errorf("SyscallNames[%s=%d] = %q, want %q", name, nr, got, want)
		}
		if got := SyscallName(uintptr(nr)); got != SyscallNames[nr] {
			t.Errorf("SyscallName(%d) = %q", nr, got)
		}
	}
	for nr, name := range SyscallNames {
		if name != "" && !isDefined[int64(nr)] {
			t.Errorf("SyscallNames[%d] = %q has no SYS_ constant", nr, name)
		}
		if name == "" && (nr < 337 || nr > 423) {
			t.Errorf("SyscallNames[%d] is empty outside the unassigned range 337-423", nr)
		}
	}
	if defined != len(SyscallNames)-(423-337+1) {
		t.Errorf("%d SYS_ constants for %d table slots", defined, len(SyscallNames))
	}
	if SyscallName(MaxSyscall+1) != "" || SyscallName(^uintptr(0)) != "" {
		t.Errorf("SyscallName out of range returned a name")
	}
}

func TestSigInfoAccessorsUseKernelOffsets(t *testing.T) {
	var si SigInfo
	raw := (*[SI_MAX_SIZE]byte)(unsafe.Pointer(&si))
	u32 := func(off int) uint32 { return *(*uint32)(unsafe.Pointer(&raw[off])) }
	u64 := func(off int) uint64 { return *(*uint64)(unsafe.Pointer(&raw[off])) }

	si.Reset(SIGSEGV, 0, SEGV_MAPERR)
	si.SetAddr(0xdeadbeef000)
	if u32(SigInfoSignoOff) != SIGSEGV || u32(SigInfoCodeOff) != SEGV_MAPERR || u64(SigInfoAddrOff) != 0xdeadbeef000 {
		t.Errorf("sigfault siginfo bytes wrong: % x", raw[:24])
	}
	si.Reset(SIGURG, 0, SI_TKILL)
	si.SetPid(1234)
	si.SetUid(1000)
	if u32(SigInfoPidOff) != 1234 || u32(SigInfoUidOff) != 1000 || si.Pid() != 1234 || si.Uid() != 1000 {
		t.Errorf("kill siginfo bytes wrong: % x", raw[:24])
	}
	if int32(u32(SigInfoCodeOff)) != SI_TKILL {
		t.Errorf("si_code = %d, want SI_TKILL", int32(u32(SigInfoCodeOff)))
	}
	si.SetStatus(-3)
	if int32(u32(SigInfoStatusOff)) != -3 || si.Status() != -3 || si.Pid() != 1234 {
		t.Errorf("sigchld siginfo bytes wrong: % x", raw[:32])
	}
	si.Reset(SIGALRM, 0, SI_TIMER)
	si.SetTimerID(7)
	si.SetOverrun(2)
	si.SetValue(0x1122334455667788)
	if u32(SigInfoTimerIDOff) != 7 || u32(SigInfoOverrunOff) != 2 || u64(SigInfoValueOff) != 0x1122334455667788 {
		t.Errorf("timer siginfo bytes wrong: % x", raw[:32])
	}
	si.Reset(SIGSYS, 0, SYS_SECCOMP)
	si.SetSigsys(0x401000, SYS_ptrace, AUDIT_ARCH_X86_64)
	if u64(SigInfoCallOff) != 0x401000 || u32(SigInfoSyscallOff) != SYS_ptrace || u32(SigInfoArchOff) != AUDIT_ARCH_X86_64 {
		t.Errorf("sigsys siginfo bytes wrong: % x", raw[:32])
	}
}

func TestFPStateAccessors(t *testing.T) {
	var f FPState
	f.Reset()
	if f.Mxcsr() != 0x1f80 || f.Cwd() != 0x37f {
		t.Errorf("Reset: mxcsr %#x cwd %#x", f.Mxcsr(), f.Cwd())
	}
	if *(*uint32)(unsafe.Pointer(&f[24])) != 0x1f80 || *(*uint16)(unsafe.Pointer(&f[0])) != 0x37f {
		t.Errorf("Reset wrote the wrong bytes: % x", f[:32])
	}
	f.SetMxcsr(0x9fc0)
	if f.Mxcsr() != 0x9fc0 || f.MxcsrMask() != 0 || f.SwMagic1() != 0 {
		t.Errorf("SetMxcsr: mxcsr %#x mask %#x", f.Mxcsr(), f.MxcsrMask())
	}
}

func TestEpollEventData(t *testing.T) {
	evs := [2]EpollEvent{}
	evs[0].Events = EPOLLIN | EPOLLET
	evs[0].SetData64(0x0123456789abcdef)
	raw := (*[2 * EpollEventSize]byte)(unsafe.Pointer(&evs))
	if got := *(*uint64)(unsafe.Pointer(&raw[4])); got != 0x0123456789abcdef || evs[0].Data64() != got {
		t.Errorf("epoll data at offset 4 = %#x", got)
	}
	if uintptr(unsafe.Pointer(&evs[1]))-uintptr(unsafe.Pointer(&evs[0])) != 12 {
		t.Errorf("EpollEvent array stride is not 12")
	}
}

func TestRtSigframeLayout(t *testing.T) {
	for _, sp := range []uint64{0x7fff0000, 0x7ffeffff, 0x7fff0008, 0xc000123457} {
		fp, frame := RtSigframeLayout(sp, FPStateSize)
		if fp%64 != 0 || fp+FPStateSize > sp {
			t.Errorf("sp %#x: fpstate %#x misplaced", sp, fp)
		}
		if (frame+8)%16 != 0 || frame+RtSigframeSize > fp {
			t.Errorf("sp %#x: frame %#x misplaced (fpstate %#x)", sp, frame, fp)
		}
		if fp-(frame+RtSigframeSize) >= 64+16 {
			t.Errorf("sp %#x: %d bytes wasted between frame and fpstate", sp, fp-(frame+RtSigframeSize))
		}
	}
}

func TestStackTOnStack(t *testing.T) {
	s := StackT{Sp: 0x1000, Size: 0x2000}
	for _, c := range []struct {
		sp   uint64
		want bool
	}{{0x1000, false}, {0x1001, true}, {0x3000, true}, {0x3001, false}, {0, false}} {
		if got := s.OnStack(c.sp); got != c.want {
			t.Errorf("OnStack(%#x) = %v, want %v", c.sp, got, c.want)
		}
	}
}

func TestTimespec(t *testing.T) {
	for _, ns := range []int64{0, 1, 999999999, 1e9, -1, -1e9 - 1, 1<<62 + 5} {
		ts := NsecToTimespec(ns)
		if ts.Nsec < 0 || ts.Nsec >= 1e9 || ts.Nanoseconds() != ns {
			t.Errorf("NsecToTimespec(%d) = %+v -> %d", ns, ts, ts.Nanoseconds())
		}
	}
	if (Timespec{Sec: 1 << 62}).Nanoseconds() != 1<<63-1 {
		t.Errorf("Nanoseconds does not saturate")
	}
	if (Timespec{Nsec: 1e9}).Valid() || (Timespec{Sec: -1}).Valid() || !(Timespec{Sec: 1, Nsec: 5}).Valid() {
		t.Errorf("Valid is wrong")
	}
}

func TestDirent64Reclen(t *testing.T) {
	for _, c := range []struct{ n, want int }{{1, 24}, {4, 24}, {5, 32}, {255, 280}} {
		if got := Dirent64Reclen(c.n); got != c.want {
			t.Errorf("Dirent64Reclen(%d) = %d, want %d", c.n, got, c.want)
		}
	}
}
