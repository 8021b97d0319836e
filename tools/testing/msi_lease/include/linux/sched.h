/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: might_sleep() lives in <linux/kernel.h>. */
#ifndef _ML_SHIM_SCHED_H
#define _ML_SHIM_SCHED_H
#include <linux/kernel.h>
#endif
