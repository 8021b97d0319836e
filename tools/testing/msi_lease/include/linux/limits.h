/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: libc reaches the UAPI <linux/limits.h> through here. */
#ifndef _ML_SHIM_LIMITS_H
#define _ML_SHIM_LIMITS_H
#include_next <linux/limits.h>
#endif
