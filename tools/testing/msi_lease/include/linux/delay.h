/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: a short sleep is a real one. */
#ifndef _ML_SHIM_DELAY_H
#define _ML_SHIM_DELAY_H
#include <unistd.h>
#include <linux/kernel.h>

static inline void usleep_range(unsigned long min, unsigned long max)
{
	might_sleep();
	usleep(min);
}
#endif
