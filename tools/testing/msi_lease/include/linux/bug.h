/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: a WARN is a bug.  Every WARN_ON*() that fires fails
 * the run (ml_fail() prints where and what the harness was doing).
 */
#ifndef _ML_SHIM_BUG_H
#define _ML_SHIM_BUG_H

#include <linux/kernel.h>

#define WARN_ON(cond) ({						\
	bool __c = !!(cond);						\
	if (unlikely(__c))						\
		ml_fail("WARN_ON(%s) at %s:%d", #cond, __FILE__, __LINE__); \
	__c; })
#define WARN_ON_ONCE(cond)	WARN_ON(cond)
#define WARN(cond, fmt, ...) ({						\
	bool __c = !!(cond);						\
	if (unlikely(__c))						\
		ml_fail("WARN at %s:%d: " fmt, __FILE__, __LINE__,	\
			##__VA_ARGS__);					\
	__c; })
#define WARN_ONCE(cond, fmt, ...)	WARN(cond, fmt, ##__VA_ARGS__)
#define BUG_ON(cond) do {						\
	if (unlikely(cond))						\
		ml_fail("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__); \
} while (0)
#define BUG()			ml_fail("BUG at %s:%d", __FILE__, __LINE__)
#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), #cond)

#endif
