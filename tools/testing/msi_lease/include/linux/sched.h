/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: might_sleep() lives in <linux/kernel.h>; current is
 * one distinct pointer per thread.
 */
#ifndef _ML_SHIM_SCHED_H
#define _ML_SHIM_SCHED_H
#include <linux/kernel.h>

struct task_struct;

/* One per thread, defined once (shim.c) for every translation unit. */
extern __thread char ml_shim_task;

static inline struct task_struct *ml_shim_current(void)
{
	return (struct task_struct *)&ml_shim_task;
}
#define current ml_shim_current()
#endif
