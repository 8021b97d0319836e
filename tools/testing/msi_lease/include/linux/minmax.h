/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: see <linux/kernel.h>. */
#ifndef _ML_SHIM_MINMAX_H
#define _ML_SHIM_MINMAX_H
#include <linux/kernel.h>
#endif
