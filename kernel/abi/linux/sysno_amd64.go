// x86-64 system call numbers, from arch/x86/entry/syscalls/syscall_64.tbl (the
// "common" and "64" ABI rows; the x32 rows 512-547 are not part of the 64-bit ABI).
// Numbers 337-423 are unassigned on x86-64: the tables restart at 424 so every
// arch shares the numbers of calls added since Linux 5.1.

package linux

// System call numbers, arch/x86/entry/syscalls/syscall_64.tbl.
const (
	SYS_read                    = 0
	SYS_write                   = 1
	SYS_open                    = 2
	SYS_close                   = 3
	SYS_stat                    = 4
	SYS_fstat                   = 5
	SYS_lstat                   = 6
	SYS_poll                    = 7
	SYS_lseek                   = 8
	SYS_mmap                    = 9
	SYS_mprotect                = 10
	SYS_munmap                  = 11
	SYS_brk                     = 12
	SYS_rt_sigaction            = 13
	SYS_rt_sigprocmask          = 14
	SYS_rt_sigreturn            = 15
	SYS_ioctl                   = 16
	SYS_pread64                 = 17
	SYS_pwrite64                = 18
	SYS_readv                   = 19
	SYS_writev                  = 20
	SYS_access                  = 21
	SYS_pipe                    = 22
	SYS_select                  = 23
	SYS_sched_yield             = 24
	SYS_mremap                  = 25
	SYS_msync                   = 26
	SYS_mincore                 = 27
	SYS_madvise                 = 28
	SYS_shmget                  = 29
	SYS_shmat                   = 30
	SYS_shmctl                  = 31
	SYS_dup                     = 32
	SYS_dup2                    = 33
	SYS_pause                   = 34
	SYS_nanosleep               = 35
	SYS_getitimer               = 36
	SYS_alarm                   = 37
	SYS_setitimer               = 38
	SYS_getpid                  = 39
	SYS_sendfile                = 40
	SYS_socket                  = 41
	SYS_connect                 = 42
	SYS_accept                  = 43
	SYS_sendto                  = 44
	SYS_recvfrom                = 45
	SYS_sendmsg                 = 46
	SYS_recvmsg                 = 47
	SYS_shutdown                = 48
	SYS_bind                    = 49
	SYS_listen                  = 50
	SYS_getsockname             = 51
	SYS_getpeername             = 52
	SYS_socketpair              = 53
	SYS_setsockopt              = 54
	SYS_getsockopt              = 55
	SYS_clone                   = 56
	SYS_fork                    = 57
	SYS_vfork                   = 58
	SYS_execve                  = 59
	SYS_exit                    = 60
	SYS_wait4                   = 61
	SYS_kill                    = 62
	SYS_uname                   = 63
	SYS_semget                  = 64
	SYS_semop                   = 65
	SYS_semctl                  = 66
	SYS_shmdt                   = 67
	SYS_msgget                  = 68
	SYS_msgsnd                  = 69
	SYS_msgrcv                  = 70
	SYS_msgctl                  = 71
	SYS_fcntl                   = 72
	SYS_flock                   = 73
	SYS_fsync                   = 74
	SYS_fdatasync               = 75
	SYS_truncate                = 76
	SYS_ftruncate               = 77
	SYS_getdents                = 78
	SYS_getcwd                  = 79
	SYS_chdir                   = 80
	SYS_fchdir                  = 81
	SYS_rename                  = 82
	SYS_mkdir                   = 83
	SYS_rmdir                   = 84
	SYS_creat                   = 85
	SYS_link                    = 86
	SYS_unlink                  = 87
	SYS_symlink                 = 88
	SYS_readlink                = 89
	SYS_chmod                   = 90
	SYS_fchmod                  = 91
	SYS_chown                   = 92
	SYS_fchown                  = 93
	SYS_lchown                  = 94
	SYS_umask                   = 95
	SYS_gettimeofday            = 96
	SYS_getrlimit               = 97
	SYS_getrusage               = 98
	SYS_sysinfo                 = 99
	SYS_times                   = 100
	SYS_ptrace                  = 101
	SYS_getuid                  = 102
	SYS_syslog                  = 103
	SYS_getgid                  = 104
	SYS_setuid                  = 105
	SYS_setgid                  = 106
	SYS_geteuid                 = 107
	SYS_getegid                 = 108
	SYS_setpgid                 = 109
	SYS_getppid                 = 110
	SYS_getpgrp                 = 111
	SYS_setsid                  = 112
	SYS_setreuid                = 113
	SYS_setregid                = 114
	SYS_getgroups               = 115
	SYS_setgroups               = 116
	SYS_setresuid               = 117
	SYS_getresuid               = 118
	SYS_setresgid               = 119
	SYS_getresgid               = 120
	SYS_getpgid                 = 121
	SYS_setfsuid                = 122
	SYS_setfsgid                = 123
	SYS_getsid                  = 124
	SYS_capget                  = 125
	SYS_capset                  = 126
	SYS_rt_sigpending           = 127
	SYS_rt_sigtimedwait         = 128
	SYS_rt_sigqueueinfo         = 129
	SYS_rt_sigsuspend           = 130
	SYS_sigaltstack             = 131
	SYS_utime                   = 132
	SYS_mknod                   = 133
	SYS_uselib                  = 134
	SYS_personality             = 135
	SYS_ustat                   = 136
	SYS_statfs                  = 137
	SYS_fstatfs                 = 138
	SYS_sysfs                   = 139
	SYS_getpriority             = 140
	SYS_setpriority             = 141
	SYS_sched_setparam          = 142
	SYS_sched_getparam          = 143
	SYS_sched_setscheduler      = 144
	SYS_sched_getscheduler      = 145
	SYS_sched_get_priority_max  = 146
	SYS_sched_get_priority_min  = 147
	SYS_sched_rr_get_interval   = 148
	SYS_mlock                   = 149
	SYS_munlock                 = 150
	SYS_mlockall                = 151
	SYS_munlockall              = 152
	SYS_vhangup                 = 153
	SYS_modify_ldt              = 154
	SYS_pivot_root              = 155
	SYS__sysctl                 = 156
	SYS_prctl                   = 157
	SYS_arch_prctl              = 158
	SYS_adjtimex                = 159
	SYS_setrlimit               = 160
	SYS_chroot                  = 161
	SYS_sync                    = 162
	SYS_acct                    = 163
	SYS_settimeofday            = 164
	SYS_mount                   = 165
	SYS_umount2                 = 166
	SYS_swapon                  = 167
	SYS_swapoff                 = 168
	SYS_reboot                  = 169
	SYS_sethostname             = 170
	SYS_setdomainname           = 171
	SYS_iopl                    = 172
	SYS_ioperm                  = 173
	SYS_create_module           = 174
	SYS_init_module             = 175
	SYS_delete_module           = 176
	SYS_get_kernel_syms         = 177
	SYS_query_module            = 178
	SYS_quotactl                = 179
	SYS_nfsservctl              = 180
	SYS_getpmsg                 = 181
	SYS_putpmsg                 = 182
	SYS_afs_syscall             = 183
	SYS_tuxcall                 = 184
	SYS_security                = 185
	SYS_gettid                  = 186
	SYS_readahead               = 187
	SYS_setxattr                = 188
	SYS_lsetxattr               = 189
	SYS_fsetxattr               = 190
	SYS_getxattr                = 191
	SYS_lgetxattr               = 192
	SYS_fgetxattr               = 193
	SYS_listxattr               = 194
	SYS_llistxattr              = 195
	SYS_flistxattr              = 196
	SYS_removexattr             = 197
	SYS_lremovexattr            = 198
	SYS_fremovexattr            = 199
	SYS_tkill                   = 200
	SYS_time                    = 201
	SYS_futex                   = 202
	SYS_sched_setaffinity       = 203
	SYS_sched_getaffinity       = 204
	SYS_set_thread_area         = 205
	SYS_io_setup                = 206
	SYS_io_destroy              = 207
	SYS_io_getevents            = 208
	SYS_io_submit               = 209
	SYS_io_cancel               = 210
	SYS_get_thread_area         = 211
	SYS_lookup_dcookie          = 212
	SYS_epoll_create            = 213
	SYS_epoll_ctl_old           = 214
	SYS_epoll_wait_old          = 215
	SYS_remap_file_pages        = 216
	SYS_getdents64              = 217
	SYS_set_tid_address         = 218
	SYS_restart_syscall         = 219
	SYS_semtimedop              = 220
	SYS_fadvise64               = 221
	SYS_timer_create            = 222
	SYS_timer_settime           = 223
	SYS_timer_gettime           = 224
	SYS_timer_getoverrun        = 225
	SYS_timer_delete            = 226
	SYS_clock_settime           = 227
	SYS_clock_gettime           = 228
	SYS_clock_getres            = 229
	SYS_clock_nanosleep         = 230
	SYS_exit_group              = 231
	SYS_epoll_wait              = 232
	SYS_epoll_ctl               = 233
	SYS_tgkill                  = 234
	SYS_utimes                  = 235
	SYS_vserver                 = 236
	SYS_mbind                   = 237
	SYS_set_mempolicy           = 238
	SYS_get_mempolicy           = 239
	SYS_mq_open                 = 240
	SYS_mq_unlink               = 241
	SYS_mq_timedsend            = 242
	SYS_mq_timedreceive         = 243
	SYS_mq_notify               = 244
	SYS_mq_getsetattr           = 245
	SYS_kexec_load              = 246
	SYS_waitid                  = 247
	SYS_add_key                 = 248
	SYS_request_key             = 249
	SYS_keyctl                  = 250
	SYS_ioprio_set              = 251
	SYS_ioprio_get              = 252
	SYS_inotify_init            = 253
	SYS_inotify_add_watch       = 254
	SYS_inotify_rm_watch        = 255
	SYS_migrate_pages           = 256
	SYS_openat                  = 257
	SYS_mkdirat                 = 258
	SYS_mknodat                 = 259
	SYS_fchownat                = 260
	SYS_futimesat               = 261
	SYS_newfstatat              = 262
	SYS_unlinkat                = 263
	SYS_renameat                = 264
	SYS_linkat                  = 265
	SYS_symlinkat               = 266
	SYS_readlinkat              = 267
	SYS_fchmodat                = 268
	SYS_faccessat               = 269
	SYS_pselect6                = 270
	SYS_ppoll                   = 271
	SYS_unshare                 = 272
	SYS_set_robust_list         = 273
	SYS_get_robust_list         = 274
	SYS_splice                  = 275
	SYS_tee                     = 276
	SYS_sync_file_range         = 277
	SYS_vmsplice                = 278
	SYS_move_pages              = 279
	SYS_utimensat               = 280
	SYS_epoll_pwait             = 281
	SYS_signalfd                = 282
	SYS_timerfd_create          = 283
	SYS_eventfd                 = 284
	SYS_fallocate               = 285
	SYS_timerfd_settime         = 286
	SYS_timerfd_gettime         = 287
	SYS_accept4                 = 288
	SYS_signalfd4               = 289
	SYS_eventfd2                = 290
	SYS_epoll_create1           = 291
	SYS_dup3                    = 292
	SYS_pipe2                   = 293
	SYS_inotify_init1           = 294
	SYS_preadv                  = 295
	SYS_pwritev                 = 296
	SYS_rt_tgsigqueueinfo       = 297
	SYS_perf_event_open         = 298
	SYS_recvmmsg                = 299
	SYS_fanotify_init           = 300
	SYS_fanotify_mark           = 301
	SYS_prlimit64               = 302
	SYS_name_to_handle_at       = 303
	SYS_open_by_handle_at       = 304
	SYS_clock_adjtime           = 305
	SYS_syncfs                  = 306
	SYS_sendmmsg                = 307
	SYS_setns                   = 308
	SYS_getcpu                  = 309
	SYS_process_vm_readv        = 310
	SYS_process_vm_writev       = 311
	SYS_kcmp                    = 312
	SYS_finit_module            = 313
	SYS_sched_setattr           = 314
	SYS_sched_getattr           = 315
	SYS_renameat2               = 316
	SYS_seccomp                 = 317
	SYS_getrandom               = 318
	SYS_memfd_create            = 319
	SYS_kexec_file_load         = 320
	SYS_bpf                     = 321
	SYS_execveat                = 322
	SYS_userfaultfd             = 323
	SYS_membarrier              = 324
	SYS_mlock2                  = 325
	SYS_copy_file_range         = 326
	SYS_preadv2                 = 327
	SYS_pwritev2                = 328
	SYS_pkey_mprotect           = 329
	SYS_pkey_alloc              = 330
	SYS_pkey_free               = 331
	SYS_statx                   = 332
	SYS_io_pgetevents           = 333
	SYS_rseq                    = 334
	SYS_uretprobe               = 335
	SYS_uprobe                  = 336
	SYS_pidfd_send_signal       = 424
	SYS_io_uring_setup          = 425
	SYS_io_uring_enter          = 426
	SYS_io_uring_register       = 427
	SYS_open_tree               = 428
	SYS_move_mount              = 429
	SYS_fsopen                  = 430
	SYS_fsconfig                = 431
	SYS_fsmount                 = 432
	SYS_fspick                  = 433
	SYS_pidfd_open              = 434
	SYS_clone3                  = 435
	SYS_close_range             = 436
	SYS_openat2                 = 437
	SYS_pidfd_getfd             = 438
	SYS_faccessat2              = 439
	SYS_process_madvise         = 440
	SYS_epoll_pwait2            = 441
	SYS_mount_setattr           = 442
	SYS_quotactl_fd             = 443
	SYS_landlock_create_ruleset = 444
	SYS_landlock_add_rule       = 445
	SYS_landlock_restrict_self  = 446
	SYS_memfd_secret            = 447
	SYS_process_mrelease        = 448
	SYS_futex_waitv             = 449
	SYS_set_mempolicy_home_node = 450
	SYS_cachestat               = 451
	SYS_fchmodat2               = 452
	SYS_map_shadow_stack        = 453
	SYS_futex_wake              = 454
	SYS_futex_wait              = 455
	SYS_futex_requeue           = 456
	SYS_statmount               = 457
	SYS_listmount               = 458
	SYS_lsm_get_self_attr       = 459
	SYS_lsm_set_self_attr       = 460
	SYS_lsm_list_modules        = 461
	SYS_mseal                   = 462
	SYS_setxattrat              = 463
	SYS_getxattrat              = 464
	SYS_listxattrat             = 465
	SYS_removexattrat           = 466
	SYS_open_tree_attr          = 467
	SYS_file_getattr            = 468
	SYS_file_setattr            = 469
	SYS_listns                  = 470
	SYS_rseq_slice_yield        = 471
)

// MaxSyscall is the highest assigned x86-64 syscall number; a syscall table
// indexed by number needs MaxSyscall+1 entries.
const MaxSyscall = SYS_rseq_slice_yield

// SyscallNames maps a syscall number to its name in syscall_64.tbl ("read").
// Unassigned numbers below MaxSyscall (337-423) hold "". It is an array of
// constant strings, laid out by the linker: no init code runs.
var SyscallNames = [MaxSyscall + 1]string{
	SYS_read:                    "read",
	SYS_write:                   "write",
	SYS_open:                    "open",
	SYS_close:                   "close",
	SYS_stat:                    "stat",
	SYS_fstat:                   "fstat",
	SYS_lstat:                   "lstat",
	SYS_poll:                    "poll",
	SYS_lseek:                   "lseek",
	SYS_mmap:                    "mmap",
	SYS_mprotect:                "mprotect",
	SYS_munmap:                  "munmap",
	SYS_brk:                     "brk",
	SYS_rt_sigaction:            "rt_sigaction",
	SYS_rt_sigprocmask:          "rt_sigprocmask",
	SYS_rt_sigreturn:            "rt_sigreturn",
	SYS_ioctl:                   "ioctl",
	SYS_pread64:                 "pread64",
	SYS_pwrite64:                "pwrite64",
	SYS_readv:                   "readv",
	SYS_writev:                  "writev",
	SYS_access:                  "access",
	SYS_pipe:                    "pipe",
	SYS_select:                  "select",
	SYS_sched_yield:             "sched_yield",
	SYS_mremap:                  "mremap",
	SYS_msync:                   "msync",
	SYS_mincore:                 "mincore",
	SYS_madvise:                 "madvise",
	SYS_shmget:                  "shmget",
	SYS_shmat:                   "shmat",
	SYS_shmctl:                  "shmctl",
	SYS_dup:                     "dup",
	SYS_dup2:                    "dup2",
	SYS_pause:                   "pause",
	SYS_nanosleep:               "nanosleep",
	SYS_getitimer:               "getitimer",
	SYS_alarm:                   "alarm",
	SYS_setitimer:               "setitimer",
	SYS_getpid:                  "getpid",
	SYS_sendfile:                "sendfile",
	SYS_socket:                  "socket",
	SYS_connect:                 "connect",
	SYS_accept:                  "accept",
	SYS_sendto:                  "sendto",
	SYS_recvfrom:                "recvfrom",
	SYS_sendmsg:                 "sendmsg",
	SYS_recvmsg:                 "recvmsg",
	SYS_shutdown:                "shutdown",
	SYS_bind:                    "bind",
	SYS_listen:                  "listen",
	SYS_getsockname:             "getsockname",
	SYS_getpeername:             "getpeername",
	SYS_socketpair:              "socketpair",
	SYS_setsockopt:              "setsockopt",
	SYS_getsockopt:              "getsockopt",
	SYS_clone:                   "clone",
	SYS_fork:                    "fork",
	SYS_vfork:                   "vfork",
	SYS_execve:                  "execve",
	SYS_exit:                    "exit",
	SYS_wait4:                   "wait4",
	SYS_kill:                    "kill",
	SYS_uname:                   "uname",
	SYS_semget:                  "semget",
	SYS_semop:                   "semop",
	SYS_semctl:                  "semctl",
	SYS_shmdt:                   "shmdt",
	SYS_msgget:                  "msgget",
	SYS_msgsnd:                  "msgsnd",
	SYS_msgrcv:                  "msgrcv",
	SYS_msgctl:                  "msgctl",
	SYS_fcntl:                   "fcntl",
	SYS_flock:                   "flock",
	SYS_fsync:                   "fsync",
	SYS_fdatasync:               "fdatasync",
	SYS_truncate:                "truncate",
	SYS_ftruncate:               "ftruncate",
	SYS_getdents:                "getdents",
	SYS_getcwd:                  "getcwd",
	SYS_chdir:                   "chdir",
	SYS_fchdir:                  "fchdir",
	SYS_rename:                  "rename",
	SYS_mkdir:                   "mkdir",
	SYS_rmdir:                   "rmdir",
	SYS_creat:                   "creat",
	SYS_link:                    "link",
	SYS_unlink:                  "unlink",
	SYS_symlink:                 "symlink",
	SYS_readlink:                "readlink",
	SYS_chmod:                   "chmod",
	SYS_fchmod:                  "fchmod",
	SYS_chown:                   "chown",
	SYS_fchown:                  "fchown",
	SYS_lchown:                  "lchown",
	SYS_umask:                   "umask",
	SYS_gettimeofday:            "gettimeofday",
	SYS_getrlimit:               "getrlimit",
	SYS_getrusage:               "getrusage",
	SYS_sysinfo:                 "sysinfo",
	SYS_times:                   "times",
	SYS_ptrace:                  "ptrace",
	SYS_getuid:                  "getuid",
	SYS_syslog:                  "syslog",
	SYS_getgid:                  "getgid",
	SYS_setuid:                  "setuid",
	SYS_setgid:                  "setgid",
	SYS_geteuid:                 "geteuid",
	SYS_getegid:                 "getegid",
	SYS_setpgid:                 "setpgid",
	SYS_getppid:                 "getppid",
	SYS_getpgrp:                 "getpgrp",
	SYS_setsid:                  "setsid",
	SYS_setreuid:                "setreuid",
	SYS_setregid:                "setregid",
	SYS_getgroups:               "getgroups",
	SYS_setgroups:               "setgroups",
	SYS_setresuid:               "setresuid",
	SYS_getresuid:               "getresuid",
	SYS_setresgid:               "setresgid",
	SYS_getresgid:               "getresgid",
	SYS_getpgid:                 "getpgid",
	SYS_setfsuid:                "setfsuid",
	SYS_setfsgid:                "setfsgid",
	SYS_getsid:                  "getsid",
	SYS_capget:                  "capget",
	SYS_capset:                  "capset",
	SYS_rt_sigpending:           "rt_sigpending",
	SYS_rt_sigtimedwait:         "rt_sigtimedwait",
	SYS_rt_sigqueueinfo:         "rt_sigqueueinfo",
	SYS_rt_sigsuspend:           "rt_sigsuspend",
	SYS_sigaltstack:             "sigaltstack",
	SYS_utime:                   "utime",
	SYS_mknod:                   "mknod",
	SYS_uselib:                  "uselib",
	SYS_personality:             "personality",
	SYS_ustat:                   "ustat",
	SYS_statfs:                  "statfs",
	SYS_fstatfs:                 "fstatfs",
	SYS_sysfs:                   "sysfs",
	SYS_getpriority:             "getpriority",
	SYS_setpriority:             "setpriority",
	SYS_sched_setparam:          "sched_setparam",
	SYS_sched_getparam:          "sched_getparam",
	SYS_sched_setscheduler:      "sched_setscheduler",
	SYS_sched_getscheduler:      "sched_getscheduler",
	SYS_sched_get_priority_max:  "sched_get_priority_max",
	SYS_sched_get_priority_min:  "sched_get_priority_min",
	SYS_sched_rr_get_interval:   "sched_rr_get_interval",
	SYS_mlock:                   "mlock",
	SYS_munlock:                 "munlock",
	SYS_mlockall:                "mlockall",
	SYS_munlockall:              "munlockall",
	SYS_vhangup:                 "vhangup",
	SYS_modify_ldt:              "modify_ldt",
	SYS_pivot_root:              "pivot_root",
	SYS__sysctl:                 "_sysctl",
	SYS_prctl:                   "prctl",
	SYS_arch_prctl:              "arch_prctl",
	SYS_adjtimex:                "adjtimex",
	SYS_setrlimit:               "setrlimit",
	SYS_chroot:                  "chroot",
	SYS_sync:                    "sync",
	SYS_acct:                    "acct",
	SYS_settimeofday:            "settimeofday",
	SYS_mount:                   "mount",
	SYS_umount2:                 "umount2",
	SYS_swapon:                  "swapon",
	SYS_swapoff:                 "swapoff",
	SYS_reboot:                  "reboot",
	SYS_sethostname:             "sethostname",
	SYS_setdomainname:           "setdomainname",
	SYS_iopl:                    "iopl",
	SYS_ioperm:                  "ioperm",
	SYS_create_module:           "create_module",
	SYS_init_module:             "init_module",
	SYS_delete_module:           "delete_module",
	SYS_get_kernel_syms:         "get_kernel_syms",
	SYS_query_module:            "query_module",
	SYS_quotactl:                "quotactl",
	SYS_nfsservctl:              "nfsservctl",
	SYS_getpmsg:                 "getpmsg",
	SYS_putpmsg:                 "putpmsg",
	SYS_afs_syscall:             "afs_syscall",
	SYS_tuxcall:                 "tuxcall",
	SYS_security:                "security",
	SYS_gettid:                  "gettid",
	SYS_readahead:               "readahead",
	SYS_setxattr:                "setxattr",
	SYS_lsetxattr:               "lsetxattr",
	SYS_fsetxattr:               "fsetxattr",
	SYS_getxattr:                "getxattr",
	SYS_lgetxattr:               "lgetxattr",
	SYS_fgetxattr:               "fgetxattr",
	SYS_listxattr:               "listxattr",
	SYS_llistxattr:              "llistxattr",
	SYS_flistxattr:              "flistxattr",
	SYS_removexattr:             "removexattr",
	SYS_lremovexattr:            "lremovexattr",
	SYS_fremovexattr:            "fremovexattr",
	SYS_tkill:                   "tkill",
	SYS_time:                    "time",
	SYS_futex:                   "futex",
	SYS_sched_setaffinity:       "sched_setaffinity",
	SYS_sched_getaffinity:       "sched_getaffinity",
	SYS_set_thread_area:         "set_thread_area",
	SYS_io_setup:                "io_setup",
	SYS_io_destroy:              "io_destroy",
	SYS_io_getevents:            "io_getevents",
	SYS_io_submit:               "io_submit",
	SYS_io_cancel:               "io_cancel",
	SYS_get_thread_area:         "get_thread_area",
	SYS_lookup_dcookie:          "lookup_dcookie",
	SYS_epoll_create:            "epoll_create",
	SYS_epoll_ctl_old:           "epoll_ctl_old",
	SYS_epoll_wait_old:          "epoll_wait_old",
	SYS_remap_file_pages:        "remap_file_pages",
	SYS_getdents64:              "getdents64",
	SYS_set_tid_address:         "set_tid_address",
	SYS_restart_syscall:         "restart_syscall",
	SYS_semtimedop:              "semtimedop",
	SYS_fadvise64:               "fadvise64",
	SYS_timer_create:            "timer_create",
	SYS_timer_settime:           "timer_settime",
	SYS_timer_gettime:           "timer_gettime",
	SYS_timer_getoverrun:        "timer_getoverrun",
	SYS_timer_delete:            "timer_delete",
	SYS_clock_settime:           "clock_settime",
	SYS_clock_gettime:           "clock_gettime",
	SYS_clock_getres:            "clock_getres",
	SYS_clock_nanosleep:         "clock_nanosleep",
	SYS_exit_group:              "exit_group",
	SYS_epoll_wait:              "epoll_wait",
	SYS_epoll_ctl:               "epoll_ctl",
	SYS_tgkill:                  "tgkill",
	SYS_utimes:                  "utimes",
	SYS_vserver:                 "vserver",
	SYS_mbind:                   "mbind",
	SYS_set_mempolicy:           "set_mempolicy",
	SYS_get_mempolicy:           "get_mempolicy",
	SYS_mq_open:                 "mq_open",
	SYS_mq_unlink:               "mq_unlink",
	SYS_mq_timedsend:            "mq_timedsend",
	SYS_mq_timedreceive:         "mq_timedreceive",
	SYS_mq_notify:               "mq_notify",
	SYS_mq_getsetattr:           "mq_getsetattr",
	SYS_kexec_load:              "kexec_load",
	SYS_waitid:                  "waitid",
	SYS_add_key:                 "add_key",
	SYS_request_key:             "request_key",
	SYS_keyctl:                  "keyctl",
	SYS_ioprio_set:              "ioprio_set",
	SYS_ioprio_get:              "ioprio_get",
	SYS_inotify_init:            "inotify_init",
	SYS_inotify_add_watch:       "inotify_add_watch",
	SYS_inotify_rm_watch:        "inotify_rm_watch",
	SYS_migrate_pages:           "migrate_pages",
	SYS_openat:                  "openat",
	SYS_mkdirat:                 "mkdirat",
	SYS_mknodat:                 "mknodat",
	SYS_fchownat:                "fchownat",
	SYS_futimesat:               "futimesat",
	SYS_newfstatat:              "newfstatat",
	SYS_unlinkat:                "unlinkat",
	SYS_renameat:                "renameat",
	SYS_linkat:                  "linkat",
	SYS_symlinkat:               "symlinkat",
	SYS_readlinkat:              "readlinkat",
	SYS_fchmodat:                "fchmodat",
	SYS_faccessat:               "faccessat",
	SYS_pselect6:                "pselect6",
	SYS_ppoll:                   "ppoll",
	SYS_unshare:                 "unshare",
	SYS_set_robust_list:         "set_robust_list",
	SYS_get_robust_list:         "get_robust_list",
	SYS_splice:                  "splice",
	SYS_tee:                     "tee",
	SYS_sync_file_range:         "sync_file_range",
	SYS_vmsplice:                "vmsplice",
	SYS_move_pages:              "move_pages",
	SYS_utimensat:               "utimensat",
	SYS_epoll_pwait:             "epoll_pwait",
	SYS_signalfd:                "signalfd",
	SYS_timerfd_create:          "timerfd_create",
	SYS_eventfd:                 "eventfd",
	SYS_fallocate:               "fallocate",
	SYS_timerfd_settime:         "timerfd_settime",
	SYS_timerfd_gettime:         "timerfd_gettime",
	SYS_accept4:                 "accept4",
	SYS_signalfd4:               "signalfd4",
	SYS_eventfd2:                "eventfd2",
	SYS_epoll_create1:           "epoll_create1",
	SYS_dup3:                    "dup3",
	SYS_pipe2:                   "pipe2",
	SYS_inotify_init1:           "inotify_init1",
	SYS_preadv:                  "preadv",
	SYS_pwritev:                 "pwritev",
	SYS_rt_tgsigqueueinfo:       "rt_tgsigqueueinfo",
	SYS_perf_event_open:         "perf_event_open",
	SYS_recvmmsg:                "recvmmsg",
	SYS_fanotify_init:           "fanotify_init",
	SYS_fanotify_mark:           "fanotify_mark",
	SYS_prlimit64:               "prlimit64",
	SYS_name_to_handle_at:       "name_to_handle_at",
	SYS_open_by_handle_at:       "open_by_handle_at",
	SYS_clock_adjtime:           "clock_adjtime",
	SYS_syncfs:                  "syncfs",
	SYS_sendmmsg:                "sendmmsg",
	SYS_setns:                   "setns",
	SYS_getcpu:                  "getcpu",
	SYS_process_vm_readv:        "process_vm_readv",
	SYS_process_vm_writev:       "process_vm_writev",
	SYS_kcmp:                    "kcmp",
	SYS_finit_module:            "finit_module",
	SYS_sched_setattr:           "sched_setattr",
	SYS_sched_getattr:           "sched_getattr",
	SYS_renameat2:               "renameat2",
	SYS_seccomp:                 "seccomp",
	SYS_getrandom:               "getrandom",
	SYS_memfd_create:            "memfd_create",
	SYS_kexec_file_load:         "kexec_file_load",
	SYS_bpf:                     "bpf",
	SYS_execveat:                "execveat",
	SYS_userfaultfd:             "userfaultfd",
	SYS_membarrier:              "membarrier",
	SYS_mlock2:                  "mlock2",
	SYS_copy_file_range:         "copy_file_range",
	SYS_preadv2:                 "preadv2",
	SYS_pwritev2:                "pwritev2",
	SYS_pkey_mprotect:           "pkey_mprotect",
	SYS_pkey_alloc:              "pkey_alloc",
	SYS_pkey_free:               "pkey_free",
	SYS_statx:                   "statx",
	SYS_io_pgetevents:           "io_pgetevents",
	SYS_rseq:                    "rseq",
	SYS_uretprobe:               "uretprobe",
	SYS_uprobe:                  "uprobe",
	SYS_pidfd_send_signal:       "pidfd_send_signal",
	SYS_io_uring_setup:          "io_uring_setup",
	SYS_io_uring_enter:          "io_uring_enter",
	SYS_io_uring_register:       "io_uring_register",
	SYS_open_tree:               "open_tree",
	SYS_move_mount:              "move_mount",
	SYS_fsopen:                  "fsopen",
	SYS_fsconfig:                "fsconfig",
	SYS_fsmount:                 "fsmount",
	SYS_fspick:                  "fspick",
	SYS_pidfd_open:              "pidfd_open",
	SYS_clone3:                  "clone3",
	SYS_close_range:             "close_range",
	SYS_openat2:                 "openat2",
	SYS_pidfd_getfd:             "pidfd_getfd",
	SYS_faccessat2:              "faccessat2",
	SYS_process_madvise:         "process_madvise",
	SYS_epoll_pwait2:            "epoll_pwait2",
	SYS_mount_setattr:           "mount_setattr",
	SYS_quotactl_fd:             "quotactl_fd",
	SYS_landlock_create_ruleset: "landlock_create_ruleset",
	SYS_landlock_add_rule:       "landlock_add_rule",
	SYS_landlock_restrict_self:  "landlock_restrict_self",
	SYS_memfd_secret:            "memfd_secret",
	SYS_process_mrelease:        "process_mrelease",
	SYS_futex_waitv:             "futex_waitv",
	SYS_set_mempolicy_home_node: "set_mempolicy_home_node",
	SYS_cachestat:               "cachestat",
	SYS_fchmodat2:               "fchmodat2",
	SYS_map_shadow_stack:        "map_shadow_stack",
	SYS_futex_wake:              "futex_wake",
	SYS_futex_wait:              "futex_wait",
	SYS_futex_requeue:           "futex_requeue",
	SYS_statmount:               "statmount",
	SYS_listmount:               "listmount",
	SYS_lsm_get_self_attr:       "lsm_get_self_attr",
	SYS_lsm_set_self_attr:       "lsm_set_self_attr",
	SYS_lsm_list_modules:        "lsm_list_modules",
	SYS_mseal:                   "mseal",
	SYS_setxattrat:              "setxattrat",
	SYS_getxattrat:              "getxattrat",
	SYS_listxattrat:             "listxattrat",
	SYS_removexattrat:           "removexattrat",
	SYS_open_tree_attr:          "open_tree_attr",
	SYS_file_getattr:            "file_getattr",
	SYS_file_setattr:            "file_setattr",
	SYS_listns:                  "listns",
	SYS_rseq_slice_yield:        "rseq_slice_yield",
}

// SyscallName returns the name of syscall nr, or "" when nr is unassigned.
func SyscallName(nr uintptr) string {
	if nr < uintptr(len(SyscallNames)) {
		return SyscallNames[nr]
	}
	return ""
}
