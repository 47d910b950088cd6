// The Linux system calls Swift's Glibc module does not export: epoll and eventfd; and the
// thread's stack bounds, so that recursive code can stop before the stack runs out.
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
