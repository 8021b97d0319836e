/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: the kernel's errno values.  The UAPI header (which
 * libc's <errno.h> also reaches) has them all, EUCLEAN included.
 */
#ifndef _ML_SHIM_ERRNO_H
#define _ML_SHIM_ERRNO_H
#include_next <linux/errno.h>
#include <errno.h>
#ifndef ENOTSUPP
#define ENOTSUPP	524
#endif
#endif
