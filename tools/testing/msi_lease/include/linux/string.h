/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: libc's string functions. */
#ifndef _ML_SHIM_STRING_H
#define _ML_SHIM_STRING_H
#include <string.h>
#include <linux/kernel.h>
#endif
