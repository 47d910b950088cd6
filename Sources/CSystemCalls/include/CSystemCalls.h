// The Linux system calls Swift's Glibc module does not export: epoll and eventfd; the
// thread's stack bounds, so that recursive code can stop before the stack runs out; and
// fork/exec of a function's process, which Swift cannot do safely itself.
// Headers only; nothing here links anything beyond the C library Swift already uses.
#ifndef C_SYSTEM_CALLS_H
#define C_SYSTEM_CALLS_H
#include <stddef.h>
#include <stdint.h>
#ifdef __linux__
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <signal.h>

/// Asks the kernel to send `signal` to this process when its parent exits (prctl is variadic,
/// so Swift cannot call it directly). Returns 0 on success.
static inline int csc_set_parent_death_signal(int signal) { return prctl(PR_SET_PDEATHSIG, signal, 0, 0, 0); }

#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/// Closes every descriptor from `low` up, in the child after fork (close_range when the kernel
/// has it, else one by one up to the descriptor limit).
static inline void csc_close_from(int low, int high) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)low, (unsigned)high, 0) == 0) return;
#endif
    long limit = sysconf(_SC_OPEN_MAX);
    if (limit < 0 || limit > 65536) limit = 65536;
    for (long fd = low; fd <= high && fd < limit; fd++) close((int)fd);
}

/// A pipe whose ends close on exec; the read end non-blocking when asked, and its buffer
/// grown to `capacity` bytes when the kernel allows (so a chatty child rarely blocks on it).
static inline int csc_pipe(int ends[2], int nonblocking_read, int capacity) {
    if (pipe(ends) != 0) return -1;
    fcntl(ends[0], F_SETFD, FD_CLOEXEC);
    fcntl(ends[1], F_SETFD, FD_CLOEXEC);
    if (nonblocking_read) fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK);
    if (capacity > 0) fcntl(ends[0], 1031 /* F_SETPIPE_SZ */, capacity);
    return 0;
}

/// Starts `path` with `argv` and `envp` in `directory`, as the leader of a new process group
/// that the kernel kills (SIGKILL) when the calling thread ends; standard input is /dev/null,
/// standard output and error go to `output_fd`, no other descriptor is inherited, and the
/// signal mask and dispositions are the defaults. Returns the child's pid, or -errno when it
/// could not start (a failed `chdir` or `execve` is reported by the child before it exits).
/// Only async-signal-safe calls run between fork and exec.
static inline int csc_spawn(const char *path, char *const argv[], char *const envp[], const char *directory, int output_fd) {
    int report[2];
    if (pipe(report) != 0) return -errno;
    fcntl(report[0], F_SETFD, FD_CLOEXEC);
    fcntl(report[1], F_SETFD, FD_CLOEXEC);
    pid_t parent = getpid();
    pid_t child = fork();
    if (child < 0) {
        int error = errno;
        close(report[0]);
        close(report[1]);
        return -error;
    }
    if (child == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        if (getppid() != parent) _exit(127);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        struct sigaction defaults;
        defaults.sa_handler = SIG_DFL;
        defaults.sa_flags = 0;
        sigemptyset(&defaults.sa_mask);
        for (int number = 1; number < 32; number++) sigaction(number, &defaults, NULL);
        int input = open("/dev/null", O_RDONLY);
        if (input >= 0 && input != 0) dup2(input, 0);
        dup2(output_fd, 1);
        dup2(output_fd, 2);
        int keep = report[1];
        if (keep > 3) csc_close_from(3, keep - 1);
        csc_close_from(keep + 1, 0x7fffffff);
        int error = 0;
        if (chdir(directory) != 0) {
            error = errno;
        } else {
            execve(path, argv, envp);
            error = errno;
        }
        ssize_t written = write(report[1], &error, sizeof error);
        (void)written;
        _exit(127);
    }
    close(report[1]);
    int error = 0;
    ssize_t count;
    do { count = read(report[0], &error, sizeof error); } while (count < 0 && errno == EINTR);
    close(report[0]);
    if (count == (ssize_t)sizeof error) {
        int status;
        waitpid(child, &status, 0);
        return -error;
    }
    return child;
}

// A GNU extension Swift's Glibc module leaves out (it is in the C library all the same).
extern int pthread_getattr_np(pthread_t thread, pthread_attr_t *attr);

/// The lowest usable address of the calling thread's stack (0 when unknown), cached per thread:
/// reading it costs a system call (and, on the main thread, a read of /proc/self/maps).
static inline uintptr_t csc_stack_low_bound(void) {
    static __thread uintptr_t cached = 0;
    static __thread int known = 0;
    if (!known) {
        pthread_attr_t attributes;
        if (pthread_getattr_np(pthread_self(), &attributes) == 0) {
            void *address = NULL;
            size_t size = 0;
            size_t guard = 0;
            if (pthread_attr_getstack(&attributes, &address, &size) == 0) {
                pthread_attr_getguardsize(&attributes, &guard);
                cached = (uintptr_t)address + guard;
            }
            pthread_attr_destroy(&attributes);
        }
        known = 1;
    }
    return cached;
}
#else
static inline uintptr_t csc_stack_low_bound(void) { return 0; }
#endif

/// Atomic 64-bit stores and loads on shared memory (a memory-mapped file), which Swift's
/// `Atomic` cannot be placed on.
static inline void csc_store_int64(int64_t *address, int64_t value) { __atomic_store_n(address, value, __ATOMIC_RELEASE); }
static inline int64_t csc_load_int64(const int64_t *address) { return __atomic_load_n(address, __ATOMIC_ACQUIRE); }

/// An address in the caller's current stack frame (stacks grow down on every platform Swift runs on).
static inline uintptr_t csc_stack_position(void) { return (uintptr_t)__builtin_frame_address(0); }
#endif
