/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: ktime on the harness's virtual clock (shim.c), which
 * moves only when the harness (or a "sleeping" callback) advances it.
 */
#ifndef _ML_SHIM_KTIME_H
#define _ML_SHIM_KTIME_H

#include <linux/kernel.h>

typedef s64 ktime_t;

#define KTIME_MAX		((s64)~((u64)1 << 63))
#define KTIME_SEC_MAX		(KTIME_MAX / NSEC_PER_SEC)
#define NSEC_PER_USEC		1000L
#define NSEC_PER_MSEC		1000000L
#define NSEC_PER_SEC		1000000000L
#define USEC_PER_SEC		1000000L
#define MSEC_PER_SEC		1000L

u64 ml_clock_ns(void);

static inline ktime_t ktime_get(void)
{
	return (ktime_t)ml_clock_ns();
}

static inline u64 ktime_get_ns(void)
{
	return ml_clock_ns();
}

#define ktime_get_boottime()	ktime_get()
#define ktime_sub(a, b)		((a) - (b))
#define ktime_add(a, b)		((a) + (b))
#define ktime_add_ns(kt, ns)	((kt) + (s64)(ns))
#define ktime_to_ns(kt)		((s64)(kt))
#define ns_to_ktime(ns)		((ktime_t)(ns))
#define ktime_set(s, ns)	((ktime_t)(s) * NSEC_PER_SEC + (s64)(ns))

static inline int ktime_compare(const ktime_t a, const ktime_t b)
{
	return a < b ? -1 : a > b;
}

static inline bool ktime_after(const ktime_t a, const ktime_t b)
{
	return ktime_compare(a, b) > 0;
}

static inline bool ktime_before(const ktime_t a, const ktime_t b)
{
	return ktime_compare(a, b) < 0;
}

static inline s64 ktime_to_ms(const ktime_t kt)
{
	return kt / NSEC_PER_MSEC;
}

static inline s64 ktime_ms_delta(const ktime_t later, const ktime_t earlier)
{
	return ktime_to_ms(ktime_sub(later, earlier));
}

#endif
