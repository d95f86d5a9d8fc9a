// Package linux describes the Linux x86-64 system call ABI that unigo implements:
// error numbers, system call numbers, flag values and the memory layout of every
// structure that crosses the boundary between the application and the kernel.
//
// Rules of the package (docs/design.md, shared notes/style.md "ABI"):
//   - One file per uapi header, named for it; each constant block and each struct
//     cites the header it mirrors. Constants keep Linux's spelling (EPOLL_CTL_ADD,
//     SYS_mmap). Arch-specific values live in _amd64.go files.
//   - Structs use only fixed-size integers and arrays, never Go pointers: user
//     addresses are uint64. Field order and padding reproduce the kernel's layout,
//     which layout_test.go checks against golang.org/x/sys/unix, the Go runtime's
//     own definitions and numbers from the headers.
//   - Tables (errno and syscall names) are arrays of constant strings, so the
//     linker initializes them statically; nothing here allocates or needs package
//     initialization, and the package imports nothing.
//   - Errno is the one error type. Errno.Ret gives the syscall return value.
package linux
