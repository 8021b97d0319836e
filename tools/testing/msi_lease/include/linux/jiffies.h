/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: jiffies derived from the virtual clock, HZ=250. */
#ifndef _ML_SHIM_JIFFIES_H
#define _ML_SHIM_JIFFIES_H

#include <linux/ktime.h>

#define HZ		250
#define TICK_NSEC	(NSEC_PER_SEC / HZ)
#define MAX_JIFFY_OFFSET ((LONG_MAX >> 1) - 1)

#define jiffies		((unsigned long)(ml_clock_ns() / TICK_NSEC))
#define jiffies_64	((u64)(ml_clock_ns() / TICK_NSEC))

static inline u64 nsecs_to_jiffies64(u64 n)
{
	return n / TICK_NSEC;
}

static inline unsigned long nsecs_to_jiffies(u64 n)
{
	return (unsigned long)nsecs_to_jiffies64(n);
}

static inline unsigned long msecs_to_jiffies(unsigned int m)
{
	return (m + (MSEC_PER_SEC / HZ) - 1) / (MSEC_PER_SEC / HZ);
}

static inline unsigned int jiffies_to_msecs(unsigned long j)
{
	return (MSEC_PER_SEC / HZ) * j;
}

#define time_after(a, b)	((long)((b) - (a)) < 0)
#define time_before(a, b)	time_after(b, a)

#endif
