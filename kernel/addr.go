package kernel

func addrVectorStubs() uintptr
func addrSyscallEntry() uintptr
func addrForkReturn() uintptr
func addrRuntimeEntry() uintptr
func addrImageEnd() uintptr
func addrText() uintptr
func addrEText() uintptr

func swtch(save *uintptr, next uintptr, done *uint32)
func trapReturn()
func forkReturn()
func commonEntry()
func intrCommon()

// Assembly entry points that are only referenced by address.
func vectorStubs()
func syscallEntry()
