// Command fifo exercises named pipes (mkfifo, then open's Linux semantics) and many
// anonymous pipes at once through the os and syscall packages. It passes on Linux too
// (as a user with a writable /tmp).
//
//	mkfifo      mkfifo/mknod make nodes with the umask applied; device nodes and bad types fail
//	blocking    O_RDONLY waits for a writer and O_WRONLY for a reader, whichever comes first
//	interrupt   signals to a thread waiting in open end the wait with EINTR (os.OpenFile
//	            opens again), and the pair still forms
//	nonblock    O_WRONLY|O_NONBLOCK with no reader is ENXIO; O_RDONLY|O_NONBLOCK returns
//	            at once, and its reader sees EOF only once a writer came and went
//	eof-epipe   reads end when every writer has closed, writes fail with EPIPE when every
//	            reader has; fstat says FIFO, Seek fails with ESPIPE
//	rdwr        O_RDWR never waits; data does not outlive the FIFO's last close
//	many        two readers and two writers at once, all in the netpoller: every file
//	            sees every change
//	pipes       200 anonymous pipes open at once, each carrying its own bytes
//	volume      (opt-in) mkfifo and a blocking pair on the volume at /data
//
// Each check prints `name: ok details` or `name: FAILED reason`; the output ends with
// `PASS fifo`, or `FAIL fifo: ...` and exit 1.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/unigo-os/unigo/e2e/testdata/internal/checks"
)

func main() {
	checks.Main("fifo", os.Args[1:], []checks.Check{
		{Name: "mkfifo", Run: func() (string, error) { return mkfifo(tmpDir()) }},
		{Name: "blocking", Run: func() (string, error) { return blocking(tmpDir()) }},
		{Name: "interrupt", Run: func() (string, error) { return interrupt(tmpDir()) }},
		{Name: "nonblock", Run: func() (string, error) { return nonblock(tmpDir()) }},
		{Name: "eof-epipe", Run: func() (string, error) { return eofEpipe(tmpDir()) }},
		{Name: "rdwr", Run: func() (string, error) { return rdwr(tmpDir()) }},
		{Name: "many", Run: func() (string, error) { return many(tmpDir()) }},
		{Name: "pipes", Run: pipes},
		{Name: "volume", Run: volume},
	}, "volume")
}

func tmpDir() string {
	d, err := os.MkdirTemp("", "fifo-")
	if err != nil {
		panic(err)
	}
	return d
}

func mkfifo(dir string) (string, error) {
	old := syscall.Umask(022)
	defer syscall.Umask(old)
	name := filepath.Join(dir, "f")
	if err := syscall.Mkfifo(name, 0666); err != nil {
		return "", fmt.Errorf("Mkfifo: %v", err)
	}
	fi, err := os.Lstat(name)
	if err != nil || fi.Mode() != os.ModeNamedPipe|0644 {
		return "", fmt.Errorf("Lstat = %v, %v; want a named pipe with mode 0644", fi, err)
	}
	if err := syscall.Mkfifo(name, 0600); err != syscall.EEXIST {
		return "", fmt.Errorf("Mkfifo over an existing name: %v, want EEXIST", err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "no", "f"), 0600); err != syscall.ENOENT {
		return "", fmt.Errorf("Mkfifo in a missing directory: %v, want ENOENT", err)
	}
	if err := syscall.Mknod(filepath.Join(dir, "r"), 0600, 0); err != nil {
		return "", fmt.Errorf("Mknod of type 0: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "r")); err != nil || !fi.Mode().IsRegular() || fi.Size() != 0 {
		return "", fmt.Errorf("Mknod of type 0 made %v, %v; want an empty regular file", fi, err)
	}
	if err := syscall.Mknod(filepath.Join(dir, "d"), syscall.S_IFDIR|0700, 0); err != syscall.EPERM {
		return "", fmt.Errorf("Mknod S_IFDIR: %v, want EPERM", err)
	}
	if err := syscall.Mknod(filepath.Join(dir, "l"), syscall.S_IFLNK|0700, 0); err != syscall.EINVAL {
		return "", fmt.Errorf("Mknod S_IFLNK: %v, want EINVAL", err)
	}
	err = syscall.Mknod(filepath.Join(dir, "c"), syscall.S_IFCHR|0600, 1<<8|3)
	if err != syscall.EPERM && !(err == nil && os.Getuid() == 0 && !unigo()) {
		return "", fmt.Errorf("Mknod S_IFCHR: %v, want EPERM (no device nodes)", err)
	}
	ents, err := os.ReadDir(dir)
	listed := false
	for _, e := range ents {
		listed = listed || e.Name() == "f" && e.Type() == os.ModeNamedPipe
	}
	if err != nil || !listed {
		return "", fmt.Errorf("ReadDir: %v, %v; want f listed as a named pipe", ents, err)
	}
	return "nodes and errors as on Linux", nil
}

// unigo reports whether this runs in unigo (whose uname release names it).
func unigo() bool {
	var u syscall.Utsname
	syscall.Uname(&u)
	var b []byte
	for _, c := range u.Release {
		if c == 0 {
			break
		}
		b = append(b, byte(c))
	}
	return bytes.Contains(b, []byte("unigo"))
}

// openAsync opens name in a goroutine and reports on the returned channel.
type opened struct {
	f   *os.File
	err error
}

func openAsync(name string, flag int) chan opened {
	c := make(chan opened, 1)
	go func() {
		f, err := os.OpenFile(name, flag, 0)
		c <- opened{f, err}
	}()
	return c
}

// stillWaiting reports whether nothing arrives on c within d.
func stillWaiting(c chan opened, d time.Duration) (opened, bool) {
	select {
	case o := <-c:
		return o, false
	case <-time.After(d):
		return opened{}, true
	}
}

func blocking(dir string) (string, error) {
	name := filepath.Join(dir, "f")
	if err := syscall.Mkfifo(name, 0600); err != nil {
		return "", err
	}
	// The reader first: it waits until the writer opens.
	rc := openAsync(name, os.O_RDONLY)
	if o, waiting := stillWaiting(rc, 200*time.Millisecond); !waiting {
		return "", fmt.Errorf("O_RDONLY with no writer returned at once: %v", o.err)
	}
	w, err := os.OpenFile(name, os.O_WRONLY, 0)
	if err != nil {
		return "", fmt.Errorf("O_WRONLY with a waiting reader: %v", err)
	}
	ro := <-rc
	if ro.err != nil {
		return "", fmt.Errorf("the waiting O_RDONLY: %v", ro.err)
	}
	if err := pass(ro.f, w, []byte("first pair")); err != nil {
		return "", err
	}
	// Now the writer first.
	wc := openAsync(name, os.O_WRONLY)
	if o, waiting := stillWaiting(wc, 200*time.Millisecond); !waiting {
		return "", fmt.Errorf("O_WRONLY with no reader returned at once: %v", o.err)
	}
	r, err := os.Open(name)
	if err != nil {
		return "", fmt.Errorf("O_RDONLY with a waiting writer: %v", err)
	}
	wo := <-wc
	if wo.err != nil {
		return "", fmt.Errorf("the waiting O_WRONLY: %v", wo.err)
	}
	if err := pass(r, wo.f, bytes.Repeat([]byte("0123456789abcdef"), 20000)); err != nil {
		return "", err
	}
	return "both orders; 320000 bytes through 64 KiB", nil
}

// pass writes data into w, closes it, and checks that r reads exactly data then EOF.
func pass(r, w *os.File, data []byte) error {
	errc := make(chan error, 1)
	go func() {
		_, err := w.Write(data)
		w.Close()
		errc <- err
	}()
	got, err := io.ReadAll(r)
	r.Close()
	if werr := <-errc; werr != nil {
		return fmt.Errorf("write: %v", werr)
	}
	if err != nil || !bytes.Equal(got, data) {
		return fmt.Errorf("read %d bytes (%v), want the %d written then EOF", len(got), err, len(data))
	}
	return nil
}

func interrupt(dir string) (string, error) {
	name := filepath.Join(dir, "f")
	if err := syscall.Mkfifo(name, 0600); err != nil {
		return "", err
	}
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGUSR1)
	defer signal.Stop(sigs)
	tidc := make(chan int)
	rc := make(chan opened, 1)
	go func() {
		runtime.LockOSThread() // the thread the signals go to
		defer runtime.UnlockOSThread()
		tidc <- syscall.Gettid()
		f, err := os.Open(name)
		rc <- opened{f, err}
	}()
	tid := <-tidc
	for i := 0; i < 5; i++ {
		time.Sleep(30 * time.Millisecond)
		if err := syscall.Tgkill(os.Getpid(), tid, syscall.SIGUSR1); err != nil {
			return "", fmt.Errorf("tgkill: %v", err)
		}
	}
	if o, waiting := stillWaiting(rc, 100*time.Millisecond); !waiting {
		return "", fmt.Errorf("O_RDONLY returned with no writer after signals: %v", o.err)
	}
	got := 0
	for len(sigs) > 0 {
		<-sigs
		got++
	}
	w, err := os.OpenFile(name, os.O_WRONLY, 0)
	if err != nil {
		return "", fmt.Errorf("O_WRONLY with a waiting reader: %v", err)
	}
	ro := <-rc
	if ro.err != nil {
		return "", fmt.Errorf("the interrupted O_RDONLY: %v", ro.err)
	}
	if err := pass(ro.f, w, []byte("after signals")); err != nil {
		return "", err
	}
	if got == 0 {
		return "", fmt.Errorf("no SIGUSR1 reached the handler")
	}
	return fmt.Sprintf("%d signals during the wait; the pair formed after", got), nil
}

func nonblock(dir string) (string, error) {
	name := filepath.Join(dir, "f")
	if err := syscall.Mkfifo(name, 0600); err != nil {
		return "", err
	}
	_, err := os.OpenFile(name, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if !errors.Is(err, syscall.ENXIO) {
		return "", fmt.Errorf("O_WRONLY|O_NONBLOCK with no reader: %v, want ENXIO", err)
	}
	// Go's TestFIFONonBlockingEOF: the reader falls into the netpoller before the
	// writer closes, and must then see EOF.
	r, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return "", fmt.Errorf("O_RDONLY|O_NONBLOCK: %v", err)
	}
	defer r.Close()
	w, err := os.OpenFile(name, os.O_WRONLY, 0)
	if err != nil {
		return "", fmt.Errorf("O_WRONLY with a reader: %v", err)
	}
	data := "Hello Gophers!"
	w.WriteString(data)
	time.AfterFunc(200*time.Millisecond, func() { w.Close() })
	buf := make([]byte, 64)
	n, err := io.ReadAtLeast(r, buf, len(data))
	if err != nil || string(buf[:n]) != data {
		return "", fmt.Errorf("read %q, %v", buf[:n], err)
	}
	done := make(chan error, 1)
	go func() {
		for {
			_, err := r.Read(buf)
			if err == io.EOF {
				done <- nil
				return
			}
			if err != nil && !errors.Is(err, syscall.EAGAIN) {
				done <- err
				return
			}
		}
	}()
	select {
	case err := <-done:
		if err != nil {
			return "", fmt.Errorf("read after the writer closed: %v", err)
		}
	case <-time.After(10 * time.Second):
		return "", fmt.Errorf("no EOF 10 s after the writer closed (the netpoller missed the hang-up)")
	}
	return "ENXIO; EOF reaches a reader in the netpoller", nil
}

func eofEpipe(dir string) (string, error) {
	name := filepath.Join(dir, "f")
	if err := syscall.Mkfifo(name, 0600); err != nil {
		return "", err
	}
	rw, err := os.OpenFile(name, os.O_RDWR, 0) // keeps the FIFO open so the pair opens at once
	if err != nil {
		return "", err
	}
	r, err := os.Open(name)
	if err != nil {
		return "", err
	}
	w, err := os.OpenFile(name, os.O_WRONLY, 0)
	if err != nil {
		return "", err
	}
	fi, err := w.Stat()
	if err != nil || fi.Mode().Type() != os.ModeNamedPipe {
		return "", fmt.Errorf("Stat of the open FIFO: %v, %v; want a named pipe", fi, err)
	}
	if _, err := r.Seek(0, io.SeekStart); !errors.Is(err, syscall.ESPIPE) {
		return "", fmt.Errorf("Seek: %v, want ESPIPE", err)
	}
	rw.Close()
	w.WriteString("bye")
	w.Close()
	got, err := io.ReadAll(r)
	if err != nil || string(got) != "bye" {
		return "", fmt.Errorf("ReadAll after every writer closed: %q, %v", got, err)
	}
	w, err = os.OpenFile(name, os.O_WRONLY|syscall.O_NONBLOCK, 0) // r is still open
	if err != nil {
		return "", err
	}
	r.Close()
	_, err = w.Write([]byte("x"))
	w.Close()
	if !errors.Is(err, syscall.EPIPE) {
		return "", fmt.Errorf("write with no reader left: %v, want EPIPE", err)
	}
	return "EOF, EPIPE, fstat S_IFIFO, ESPIPE", nil
}

func rdwr(dir string) (string, error) {
	name := filepath.Join(dir, "f")
	if err := syscall.Mkfifo(name, 0600); err != nil {
		return "", err
	}
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return "", fmt.Errorf("O_RDWR: %v", err)
	}
	f.WriteString("to myself")
	buf := make([]byte, 32)
	n, err := f.Read(buf)
	if err != nil || string(buf[:n]) != "to myself" {
		return "", fmt.Errorf("read back %q, %v", buf[:n], err)
	}
	f.WriteString("lost")
	f.Close()
	fd, err := syscall.Open(name, syscall.O_RDWR|syscall.O_NONBLOCK, 0)
	if err != nil {
		return "", err
	}
	defer syscall.Close(fd)
	if n, err := syscall.Read(fd, buf); err != syscall.EAGAIN {
		return "", fmt.Errorf("after the last close and a new open: read %q, %v; want EAGAIN (nothing kept)", buf[:max(n, 0)], err)
	}
	return "O_RDWR opens alone; data dies with the last close", nil
}

func many(dir string) (string, error) {
	name := filepath.Join(dir, "f")
	if err := syscall.Mkfifo(name, 0600); err != nil {
		return "", err
	}
	rc1, rc2 := openAsync(name, os.O_RDONLY), openAsync(name, os.O_RDONLY)
	w1, err := os.OpenFile(name, os.O_WRONLY, 0)
	if err != nil {
		return "", err
	}
	w2, err := os.OpenFile(name, os.O_WRONLY, 0)
	if err != nil {
		return "", err
	}
	o1, o2 := <-rc1, <-rc2
	if o1.err != nil || o2.err != nil {
		return "", fmt.Errorf("readers: %v, %v", o1.err, o2.err)
	}
	// Both readers wait in the netpoller; each message wakes both, one gets it.
	var mu sync.Mutex
	total := 0
	per := [2]int{}
	var wg sync.WaitGroup
	for i, r := range []*os.File{o1.f, o2.f} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 1)
			for {
				n, err := r.Read(buf)
				mu.Lock()
				total += n
				per[i] += n
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	const msgs = 200
	for i := 0; i < msgs; i++ {
		w := w1
		if i%2 == 1 {
			w = w2
		}
		if _, err := w.Write([]byte{byte(i)}); err != nil {
			return "", fmt.Errorf("write %d: %v", i, err)
		}
		if i%20 == 0 {
			time.Sleep(5 * time.Millisecond)
		}
	}
	w1.Close()
	if checks.WaitTimeout(&wg, 300*time.Millisecond) {
		return "", fmt.Errorf("a reader saw EOF while a writer was still open")
	}
	w2.Close()
	if !checks.WaitTimeout(&wg, 10*time.Second) {
		return "", fmt.Errorf("readers did not all see EOF 10 s after the last writer closed (got %d of %d bytes)", total, msgs)
	}
	o1.f.Close()
	o2.f.Close()
	if total != msgs {
		return "", fmt.Errorf("readers got %d bytes, want %d", total, msgs)
	}
	return fmt.Sprintf("%d bytes from 2 writers split %d/%d between 2 readers; both saw EOF", msgs, per[0], per[1]), nil
}

func pipes() (string, error) {
	const n = 200
	var fds [n][2]int
	for i := range fds {
		if err := syscall.Pipe2(fds[i][:], syscall.O_CLOEXEC); err != nil {
			return "", fmt.Errorf("pipe2 #%d: %v", i, err)
		}
	}
	for i := range fds {
		msg := bytes.Repeat([]byte{byte(i)}, 1000+i)
		if _, err := syscall.Write(fds[i][1], msg); err != nil {
			return "", fmt.Errorf("write to pipe %d: %v", i, err)
		}
	}
	for i := range fds {
		buf := make([]byte, 4096)
		got, err := syscall.Read(fds[i][0], buf)
		if err != nil || !bytes.Equal(buf[:got], bytes.Repeat([]byte{byte(i)}, 1000+i)) {
			return "", fmt.Errorf("pipe %d read back %d bytes, %v", i, got, err)
		}
		syscall.Close(fds[i][0])
		syscall.Close(fds[i][1])
	}
	// And os.Pipe's files, as Go's TestPipeThreads holds them: 100 readers waiting.
	const m = 100
	rs, ws := make([]*os.File, m), make([]*os.File, m)
	for i := range rs {
		var err error
		if rs[i], ws[i], err = os.Pipe(); err != nil {
			return "", fmt.Errorf("os.Pipe #%d: %v", i, err)
		}
	}
	var wg sync.WaitGroup
	for i := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var b [1]byte
			rs[i].Read(b[:])
			rs[i].Close()
		}()
	}
	time.Sleep(50 * time.Millisecond)
	for i := range ws {
		ws[i].Write([]byte{0})
		ws[i].Close()
	}
	if !checks.WaitTimeout(&wg, 20*time.Second) {
		return "", fmt.Errorf("%d goroutines reading %d pipes did not all finish", m, m)
	}
	return fmt.Sprintf("%d pipes at once; %d goroutines reading %d more", n, m, m), nil
}

func volume() (string, error) {
	dir, err := os.MkdirTemp("/data", "fifo-")
	if err != nil {
		return "", err
	}
	detail, err := blocking(dir)
	if err != nil {
		return "", err
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	return "on ext2: " + detail, nil
}
