// Command kv is a small durable key-value store: every put appends one checksummed record
// to a log file and fsyncs it before saying so, and opening the store replays the log.
// It is the example for persistent volumes:
//
//	unigo volume create --size 1G data.img
//	unigo run -v data.img:/data ./examples/kv -- put greeting hello
//	unigo run -v data.img:/data ./examples/kv -- get greeting
//
// Commands (the store lives in $KV_DIR, default /data):
//
//	put KEY VALUE   store a value
//	get KEY         print a value (exit 1 if missing)
//	list            print every key and value
//	fill N          put key-0..key-N-1, printing "acked I" after each record is durable
//	check           replay the log and report "records N keys K last KEY"
//
// A crash can leave half a record at the end of the log; replay stops at the first record
// whose checksum does not match and the next writer cuts it off.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// store is the log and the map it replays to.
type store struct {
	path  string
	data  map[string]string
	count int   // records replayed
	last  string
	good  int64 // length of the log's intact prefix
}

// record encodes one put: "KEY<TAB>VALUE<TAB>CRC\n", the CRC over "KEY<TAB>VALUE".
func record(key, value string) string {
	body := key + "\t" + value
	return fmt.Sprintf("%s\t%08x\n", body, crc32.ChecksumIEEE([]byte(body)))
}

func open(dir string) (*store, error) {
	s := &store{path: filepath.Join(dir, "kv.log"), data: map[string]string{}}
	f, err := os.Open(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadString('\n')
		if err == io.EOF {
			break // a torn last record (no newline) ends the log
		}
		if err != nil {
			return nil, err
		}
		fields := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
		if len(fields) != 3 {
			break
		}
		body := fields[0] + "\t" + fields[1]
		if fmt.Sprintf("%08x", crc32.ChecksumIEEE([]byte(body))) != fields[2] {
			break
		}
		s.data[fields[0]] = fields[1]
		s.count++
		s.last = fields[0]
		s.good += int64(len(line))
	}
	return s, nil
}

// appender opens the log for appending, first cutting off a torn tail.
func (s *store) appender() (*os.File, error) {
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := f.Truncate(s.good); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(s.good, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// put appends one record and returns once it is durable.
func put(f *os.File, key, value string) error {
	if strings.ContainsAny(key+value, "\t\n") {
		return fmt.Errorf("keys and values cannot hold tabs or newlines")
	}
	if _, err := f.WriteString(record(key, value)); err != nil {
		return err
	}
	return f.Sync()
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "kv:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	dir := os.Getenv("KV_DIR")
	if dir == "" {
		dir = "/data"
	}
	if len(args) == 0 {
		return fmt.Errorf("usage: kv put KEY VALUE | get KEY | list | fill N | check")
	}
	s, err := open(dir)
	if err != nil {
		return err
	}
	switch {
	case args[0] == "put" && len(args) == 3:
		f, err := s.appender()
		if err != nil {
			return err
		}
		defer f.Close()
		if err := put(f, args[1], args[2]); err != nil {
			return err
		}
		fmt.Printf("stored %s\n", args[1])
	case args[0] == "get" && len(args) == 2:
		v, ok := s.data[args[1]]
		if !ok {
			return fmt.Errorf("%s: not found", args[1])
		}
		fmt.Println(v)
	case args[0] == "list" && len(args) == 1:
		keys := make([]string, 0, len(s.data))
		for k := range s.data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Printf("%s=%s\n", k, s.data[k])
		}
	case args[0] == "fill" && len(args) == 2:
		n, err := strconv.Atoi(args[1])
		if err != nil {
			return err
		}
		f, err := s.appender()
		if err != nil {
			return err
		}
		defer f.Close()
		for i := 0; i < n; i++ {
			if err := put(f, fmt.Sprintf("key-%d", i), fmt.Sprintf("value-%d-%s", i, strings.Repeat("x", i%50))); err != nil {
				return fmt.Errorf("record %d: %w", i, err)
			}
			fmt.Printf("acked %d\n", i)
		}
		fmt.Printf("filled %d\n", n)
	case args[0] == "check" && len(args) == 1:
		fmt.Printf("records %d keys %d last %s\n", s.count, len(s.data), s.last)
	default:
		return fmt.Errorf("bad command %q", strings.Join(args, " "))
	}
	return nil
}
