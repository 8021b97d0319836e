/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: kmalloc and friends on malloc, with fault injection:
 * the harness can make the Nth allocation of a thread fail
 * (ml_slab_fail_after) or a random one in ml_slab_fail_rate.
 */
#ifndef _ML_SHIM_SLAB_H
#define _ML_SHIM_SLAB_H

#include <linux/kernel.h>

#define __GFP_ZERO	0x100u
#define __GFP_NOWARN	0x200u
#define GFP_KERNEL	0x1u
#define GFP_ATOMIC	0x2u
#define GFP_NOWAIT	0x4u

void *ml_kmalloc(size_t size, gfp_t flags);
void ml_kfree(const void *p);

static inline void *kmalloc(size_t size, gfp_t flags)
{
	return ml_kmalloc(size, flags);
}

static inline void *kzalloc(size_t size, gfp_t flags)
{
	return ml_kmalloc(size, flags | __GFP_ZERO);
}

static inline void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return ml_kmalloc(bytes, flags);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags | __GFP_ZERO);
}

static inline void kfree(const void *p)
{
	ml_kfree(p);
}

#endif
