// Command hang prints a line and then sleeps forever (with a timer pending, so
// the runtime does not report a deadlock). It exists to test `unigo run --timeout`.
package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println("hanging on purpose")
	for {
		time.Sleep(time.Hour)
	}
}
