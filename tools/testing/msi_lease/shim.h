/* SPDX-License-Identifier: GPL-2.0 */
/* The shim runtime's knobs, for the stress and fuzz harnesses. */
#ifndef _ML_SHIM_RUNTIME_H
#define _ML_SHIM_RUNTIME_H

#include <linux/kernel.h>

#define ML_MAX_WORKERS	8

/* Called by ml_fail() before it aborts: print what the harness was doing. */
extern void (*ml_fail_hook)(void);
extern int ml_verbose;
extern long ml_nr_warnings;

/* The current thread's Nth allocation from now fails (0: none). */
extern __thread unsigned long ml_slab_fail_after;
/* One in this many of the current thread's allocations fails (0: none). */
extern __thread unsigned int ml_slab_fail_rate;
extern __thread u64 ml_slab_rng;
extern long ml_slab_live;
extern long ml_slab_failed;

#endif
