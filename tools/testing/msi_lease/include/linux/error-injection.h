/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: no fail_function here; the harnesses make callbacks
 * and allocations fail themselves.
 */
#ifndef _ML_SHIM_ERROR_INJECTION_H
#define _ML_SHIM_ERROR_INJECTION_H
#include <linux/kernel.h>
#define ALLOW_ERROR_INJECTION(fname, _etype)
#endif
