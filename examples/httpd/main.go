// Command httpd is a minimal, unmodified net/http server, the networking example:
//
//	unigo run -p 8080:8080 ./examples/httpd          # then: curl http://127.0.0.1:8080/
//	unigo run --net tap:tap0 --ip 192.168.100.2/24 --gw 192.168.100.1 ./examples/httpd
//
// It listens on :8080, or on the address given as its argument, and answers every
// request with one line naming the method and path.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	addr := ":8080"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "hello from unigo httpd: %s %s\n", r.Method, r.URL.Path)
	})
	log.Printf("httpd: listening on %s", addr)
	log.Fatal(http.ListenAndServe(addr, nil))
}
