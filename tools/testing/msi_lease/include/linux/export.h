/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: see <linux/kernel.h>. */
#ifndef _ML_SHIM_EXPORT_H
#define _ML_SHIM_EXPORT_H
#include <linux/kernel.h>
#endif
