// Command imagefs checks the image's file system as a program sees it: a --files tree
// at /srv (e2e/testdata/imagefs/static), the default /etc (hosts, passwd, nsswitch.conf)
// and time zone database, and /proc. Boot it with
//
//	unigo run --files ./e2e/testdata/imagefs/static:/srv ./e2e/testdata/imagefs
//
// Each check prints `name: ok details` or `name: FAILED reason`; the output ends with
// `PASS imagefs`, or `FAIL imagefs` and exit 1. With the argument "tmpfs=PATH" it also
// checks that the tmpfs is at PATH (unigo run --tmpfs PATH:8M).
package main

import (
	"bufio"
	"errors"
	"fmt"
	"github.com/unigo-os/unigo/e2e/testdata/internal/checks"
	"io/fs"
	"net"
	"os"
	"os/user"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	for _, a := range os.Args[1:] {
		if p, ok := strings.CutPrefix(a, "tmpfs="); ok {
			os.Setenv("TMPDIR", p) // there is no /tmp then
		}
	}
	files()
	etc()
	zoneinfo()
	procSelf()
	procFD()
	procSystem()
	for _, a := range os.Args[1:] {
		if p, ok := strings.CutPrefix(a, "tmpfs="); ok {
			tmpfsAt(p)
		}
	}
	if checks.Failed() {
		fmt.Println("FAIL imagefs")
		os.Exit(1)
	}
	fmt.Println("PASS imagefs")
}

func files() {
	var p checks.Expect
	b, err := os.ReadFile("/srv/hello.txt")
	p.That(err == nil && string(b) == "hello from the host\n", "ReadFile(/srv/hello.txt) = %q, %v", b, err)
	b, err = os.ReadFile("/srv/sub/nested.txt")
	p.That(err == nil && string(b) == "nested\n", "ReadFile(/srv/sub/nested.txt) = %q, %v", b, err)
	t, err := os.Readlink("/srv/link")
	p.That(err == nil && t == "hello.txt", "Readlink(/srv/link) = %q, %v", t, err)
	var names []string
	fs.WalkDir(os.DirFS("/srv"), ".", func(path string, d fs.DirEntry, err error) error {
		names = append(names, path)
		return err
	})
	want := []string{".", "hello.txt", "link", "sub", "sub/nested.txt"}
	p.That(slices.Equal(names, want), "WalkDir(/srv) = %q, want %q", names, want)
	err = os.WriteFile("/srv/new", nil, 0o644)
	p.That(errors.Is(err, syscall.EROFS), "WriteFile(/srv/new): %v, want EROFS", err)
	checks.Report("files", p, strings.Join(names, ","))
}

func etc() {
	var p checks.Expect
	addrs, err := net.LookupHost("localhost")
	p.That(err == nil && slices.Contains(addrs, "127.0.0.1"), "LookupHost(localhost) = %q, %v", addrs, err)
	u, err := user.Current()
	p.That(err == nil && u.Username == "root" && u.HomeDir == "/root", "user.Current() = %+v, %v", u, err)
	g, err := user.LookupGroupId("0")
	p.That(err == nil && g.Name == "root", "LookupGroupId(0) = %+v, %v", g, err)
	b, err := os.ReadFile("/etc/resolv.conf")
	p.That(err == nil && strings.Contains(string(b), "nameserver 10.0.2.3"), "resolv.conf = %q, %v", b, err)
	h, err := os.Hostname()
	p.That(err == nil && h == "unigo", "Hostname() = %q, %v", h, err)
	checks.Report("etc", p, fmt.Sprintf("localhost=%v user=%s host=%s", addrs, u.Username, h))
}

func zoneinfo() {
	var p checks.Expect
	loc, err := time.LoadLocation("Europe/Paris")
	details := ""
	if err != nil {
		p.That(false, "LoadLocation(Europe/Paris): %v (ZONEINFO=%q)", err, os.Getenv("ZONEINFO"))
	} else {
		winter := time.Date(2024, 1, 15, 12, 0, 0, 0, loc)
		summer := time.Date(2024, 7, 15, 12, 0, 0, 0, loc)
		wn, wo := winter.Zone()
		sn, so := summer.Zone()
		p.That(wn == "CET" && wo == 3600 && sn == "CEST" && so == 7200, "Paris zones %s%+d %s%+d", wn, wo, sn, so)
		details = fmt.Sprintf("%s %s", winter.Format(time.RFC3339), summer.Format(time.RFC3339))
	}
	_, err = time.LoadLocation("Not/A_Zone")
	p.That(err != nil, "LoadLocation(Not/A_Zone) succeeded")
	checks.Report("zoneinfo", p, details)
}

func procSelf() {
	var p checks.Expect
	exe, err := os.Executable()
	p.That(err == nil && exe == "/app", "Executable() = %q, %v", exe, err)
	b, err := os.ReadFile("/proc/self/cmdline")
	want := strings.Join(os.Args, "\x00") + "\x00"
	p.That(err == nil && string(b) == want, "cmdline = %q, want %q (%v)", b, want, err)
	t, err := os.Readlink("/proc/self")
	p.That(err == nil && t == strconv.Itoa(os.Getpid()), "Readlink(/proc/self) = %q, %v", t, err)
	cwd, err := os.Readlink("/proc/self/cwd")
	wd, _ := os.Getwd()
	p.That(err == nil && cwd == wd, "Readlink(/proc/self/cwd) = %q, %v; Getwd %q", cwd, err, wd)

	// maps: well-formed lines, the image first, the heap among the anonymous regions.
	x := new([1 << 20]byte) // a big allocation: in an mmap region
	heap := uintptrOf(x)
	b, err = os.ReadFile("/proc/self/maps")
	p.That(err == nil, "ReadFile(maps): %v", err)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	found := false
	for i, l := range lines {
		f := strings.Fields(l)
		if len(f) < 5 {
			p.That(false, "maps line %d %q: too few fields", i, l)
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		a, err1 := strconv.ParseUint(lo, 16, 64)
		z, err2 := strconv.ParseUint(hi, 16, 64)
		p.That(ok && err1 == nil && err2 == nil && a < z && len(f[1]) == 4, "maps line %d %q", i, l)
		if uint64(heap) >= a && uint64(heap) < z && strings.HasPrefix(f[1], "rw") {
			found = true
		}
	}
	p.That(len(lines) >= 3 && strings.HasSuffix(lines[0], " /app") && strings.Contains(lines[0], " r-xp "),
		"maps starts %q", lines[0])
	p.That(found, "no rw region holds the heap address %#x", heap)
	runtime.KeepAlive(x)
	_, err = os.Open("/proc/self/cgroup")
	p.That(errors.Is(err, fs.ErrNotExist), "open /proc/self/cgroup: %v, want ENOENT", err)
	_, err = os.Open("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size")
	p.That(errors.Is(err, fs.ErrNotExist), "open hpage_pmd_size: %v, want ENOENT", err)
	checks.Report("proc-self", p, fmt.Sprintf("exe=%s %d maps lines", exe, len(lines)))
}

func procFD() {
	var p checks.Expect
	r, w, err := os.Pipe()
	p.That(err == nil, "Pipe: %v", err)
	f, err := os.Open("/srv/hello.txt")
	p.That(err == nil, "Open: %v", err)
	ents, err := os.ReadDir("/proc/self/fd")
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	p.That(err == nil && len(names) >= 6, "ReadDir(/proc/self/fd) = %q, %v", names, err)
	for _, fd := range []int{0, 1, 2, int(r.Fd()), int(w.Fd()), int(f.Fd())} {
		p.That(slices.Contains(names, strconv.Itoa(fd)), "fd %d not listed in %q", fd, names)
	}
	link := func(fd uintptr) string {
		s, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(fd)))
		if err != nil {
			return err.Error()
		}
		return s
	}
	p.That(link(1) == "/dev/console", "fd 1 -> %q", link(1))
	p.That(strings.HasPrefix(link(r.Fd()), "pipe:[") && link(r.Fd()) == link(w.Fd()), "pipe -> %q, %q", link(r.Fd()), link(w.Fd()))
	p.That(link(f.Fd()) == "/srv/hello.txt", "file -> %q", link(f.Fd()))
	tmp, err := os.CreateTemp("", "fd-*")
	if p.That(err == nil, "CreateTemp: %v", err); err == nil {
		p.That(link(tmp.Fd()) == tmp.Name(), "tmp file -> %q, want %q", link(tmp.Fd()), tmp.Name())
		os.Remove(tmp.Name())
		tmp.Close()
	}
	fdPath := "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
	b, err := os.ReadFile(fdPath)
	p.That(err == nil && string(b) == "hello from the host\n", "ReadFile(%s) = %q, %v", fdPath, b, err)
	details := strings.Join(names, ",") + " pipe=" + link(r.Fd())
	r.Close()
	w.Close()
	f.Close()
	checks.Report("proc-fd", p, details)
}

func procSystem() {
	var p checks.Expect
	mem := map[string]uint64{}
	b, err := os.ReadFile("/proc/meminfo")
	p.That(err == nil, "ReadFile(meminfo): %v", err)
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[2] == "kB" {
			v, _ := strconv.ParseUint(f[1], 10, 64)
			mem[strings.TrimSuffix(f[0], ":")] = v
		}
	}
	p.That(mem["MemTotal"] > 100<<10 && mem["MemFree"] > 0 && mem["MemFree"] < mem["MemTotal"] &&
		mem["MemAvailable"] > 0, "meminfo %v", mem)

	b, err = os.ReadFile("/proc/cpuinfo")
	n := strings.Count(string(b), "processor\t: ")
	p.That(err == nil && n == runtime.NumCPU() && strings.Contains(string(b), "model name\t: ") &&
		strings.Contains(string(b), " sse2"), "cpuinfo: %d processors (NumCPU %d), %v:\n%s", n, runtime.NumCPU(), err, b)
	model := ""
	for _, l := range strings.Split(string(b), "\n") {
		if m, ok := strings.CutPrefix(l, "model name\t: "); ok {
			model = m
			break
		}
	}

	b, err = os.ReadFile("/proc/uptime")
	var up, idle float64
	_, serr := fmt.Sscanf(string(b), "%f %f", &up, &idle)
	p.That(err == nil && serr == nil && up > 0 && up < 3600, "uptime %q, %v, %v", b, err, serr)

	b, err = os.ReadFile("/proc/mounts")
	for _, m := range []string{"rootfs / rootfs ro", " /dev devtmpfs ", " /proc proc ", "tmpfs "} {
		p.That(err == nil && strings.Contains(string(b), m), "mounts %q lacks %q (%v)", b, m, err)
	}
	var st syscall.Statfs_t
	err = syscall.Statfs("/proc", &st)
	p.That(err == nil && st.Type == 0x9fa0, "statfs(/proc) type %#x, %v", st.Type, err)
	checks.Report("proc-system", p, fmt.Sprintf("MemTotal=%d kB, %d CPU(s) %q, uptime %.2f", mem["MemTotal"], n, model, up))
}

func tmpfsAt(path string) {
	var p checks.Expect
	name := path + "/file"
	err := os.WriteFile(name, []byte("x"), 0o644)
	p.That(err == nil, "WriteFile(%s): %v", name, err)
	var st syscall.Statfs_t
	err = syscall.Statfs(path, &st)
	p.That(err == nil && st.Type == 0x01021994 && st.Blocks*uint64(st.Bsize) == 8<<20, "statfs(%s) = %+v, %v", path, st, err)
	_, err = os.Stat("/tmp")
	p.That(errors.Is(err, fs.ErrNotExist), "/tmp still exists: %v", err)
	checks.Report("tmpfs-flag", p, path)
}
