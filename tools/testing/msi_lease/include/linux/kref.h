/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: kref, with the kernel's refcount_t checks (getting a
 * zero count, or dropping below zero, is a use after free) as failures.
 */
#ifndef _ML_SHIM_KREF_H
#define _ML_SHIM_KREF_H

#include <linux/atomic.h>
#include <linux/bug.h>

struct kref {
	atomic_t refcount;
};

#define KREF_INIT(n)	{ .refcount = ATOMIC_INIT(n) }

static inline void kref_init(struct kref *kref)
{
	atomic_set(&kref->refcount, 1);
}

static inline unsigned int kref_read(const struct kref *kref)
{
	return __atomic_load_n(&kref->refcount.counter, __ATOMIC_RELAXED);
}

static inline void kref_get(struct kref *kref)
{
	if (atomic_inc_return(&kref->refcount) <= 1)
		ml_fail("kref_get() on a released object %p", kref);
}

static inline int kref_put(struct kref *kref, void (*release)(struct kref *))
{
	int n = atomic_dec_return(&kref->refcount);

	if (n < 0)
		ml_fail("kref_put() below zero on %p", kref);
	if (n == 0) {
		release(kref);
		return 1;
	}
	return 0;
}

#endif
