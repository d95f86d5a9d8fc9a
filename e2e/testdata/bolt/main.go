// Command bolt runs a bbolt (go.etcd.io/bbolt) workload on a volume mounted at /data.
// bbolt reads its pages through a shared read-only mmap of the database file while it
// writes them with pwrite and fdatasync, so this exercises file mappings kept in step
// with writes, flock, fdatasync and file growth.
//
//	bolt [checks...]   with BOLT_TX=N (default 300) transactions of 10 puts
//
// Checks: write (the N transactions, then close), verify (reopen and read every key back,
// and bbolt's own consistency check). Output as package checks prints it.
package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"

	"github.com/unigo-os/unigo/e2e/testdata/internal/checks"
	bolt "go.etcd.io/bbolt"
)

var dbPath = "/data/bolt.db"

var txs = 300

func key(tx, i int) []byte { return []byte(fmt.Sprintf("k%06d.%d", tx, i)) }

func value(tx, i int) []byte {
	return bytes.Repeat([]byte(fmt.Sprintf("v%d.%d;", tx, i)), 1+(tx*7+i)%40)
}

func main() {
	if p := os.Getenv("BOLT_DB"); p != "" {
		dbPath = p // for running it on the host
	}
	if v, err := strconv.Atoi(os.Getenv("BOLT_TX")); err == nil {
		txs = v
	}
	checks.Main("bolt", os.Args[1:], []checks.Check{
		{Name: "write", Run: write},
		{Name: "verify", Run: verify},
	})
}

func write() (string, error) {
	db, err := bolt.Open(dbPath, 0o600, nil)
	if err != nil {
		return "", err
	}
	for tx := 0; tx < txs; tx++ {
		err := db.Update(func(t *bolt.Tx) error {
			b, err := t.CreateBucketIfNotExists([]byte("records"))
			if err != nil {
				return err
			}
			for i := 0; i < 10; i++ {
				if err := b.Put(key(tx, i), value(tx, i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			db.Close()
			return "", fmt.Errorf("transaction %d: %w", tx, err)
		}
	}
	if err := db.Close(); err != nil {
		return "", err
	}
	fi, err := os.Stat(dbPath)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d transactions, file %d bytes", txs, fi.Size()), nil
}

func verify() (string, error) {
	db, err := bolt.Open(dbPath, 0o600, nil)
	if err != nil {
		return "", err
	}
	defer db.Close()
	count := 0
	err = db.View(func(t *bolt.Tx) error {
		b := t.Bucket([]byte("records"))
		if b == nil {
			return fmt.Errorf("bucket \"records\" is missing")
		}
		for tx := 0; tx < txs; tx++ {
			for i := 0; i < 10; i++ {
				if got := b.Get(key(tx, i)); !bytes.Equal(got, value(tx, i)) {
					return fmt.Errorf("%s = %.30q, want %.30q", key(tx, i), got, value(tx, i))
				}
				count++
			}
		}
		// bbolt's own page-level consistency check.
		for err := range t.Check() {
			return fmt.Errorf("consistency: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d keys", count), nil
}
