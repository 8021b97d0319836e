/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: READ_ONCE()/WRITE_ONCE() and friends. */
#ifndef _ML_SHIM_COMPILER_H
#define _ML_SHIM_COMPILER_H

/*
 * Relaxed atomics rather than volatile accesses: the kernel's data-race
 * rules (a marked access races with nothing) are what ThreadSanitizer
 * checks for them.
 */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#ifndef __always_inline
#define __always_inline		inline __attribute__((always_inline))
#endif
#define noinline		__attribute__((noinline))
#if __has_attribute(__noclone__)
#define __noclone		__attribute__((__noclone__))
#else
#define __noclone
#endif
#define __maybe_unused		__attribute__((unused))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define __noreturn		__attribute__((noreturn))
#define __acquires(x)
#define __releases(x)
#define barrier()		__asm__ __volatile__("" ::: "memory")

#endif
