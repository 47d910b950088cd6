// The Linux system calls Swift's Glibc module does not export: epoll and eventfd.
// Headers only; nothing here links anything beyond the C library Swift already uses.
#ifndef C_SYSTEM_CALLS_H
#define C_SYSTEM_CALLS_H
#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif
#endif
