package build

import (
	"debug/elf"
	"fmt"
	"strings"
)

// LinksNetstack reports whether the image carries the netstack service (kernel/netsvc):
// programs that import net get it, standard-library test binaries cannot (std packages
// cannot import gVisor). Without it the CLI tells the kernel (unigo.nonet), so that inet
// sockets fail at once instead of waiting for a service that never starts.
func LinksNetstack(image string) (bool, error) {
	f, err := elf.Open(image)
	if err != nil {
		return false, err
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		return false, fmt.Errorf("%s: reading its symbols: %v", image, err)
	}
	for _, s := range syms {
		if strings.HasPrefix(s.Name, NetsvcImportPath+".") {
			return true, nil
		}
	}
	return false, nil
}
