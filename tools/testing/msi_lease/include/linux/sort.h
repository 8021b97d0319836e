/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: sort() without a swap function is qsort(). */
#ifndef _ML_SHIM_SORT_H
#define _ML_SHIM_SORT_H

#include <stdlib.h>
#include <linux/kernel.h>

typedef int (*cmp_func_t)(const void *a, const void *b);
typedef void (*swap_func_t)(void *a, void *b, int size);

static inline void sort(void *base, size_t num, size_t size,
			cmp_func_t cmp_func, swap_func_t swap_func)
{
	if (swap_func)
		ml_fail("sort() with a swap function is not shimmed");
	if (num > 1)
		qsort(base, num, size, cmp_func);
}

#endif
