/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: sysfs_emit() and sysfs_emit_at() with the kernel's
 * checks (a page-aligned buffer, an offset inside the page); a bad call
 * is a WARN there and a failure here.
 */
#ifndef _ML_SHIM_SYSFS_H
#define _ML_SHIM_SYSFS_H

#include <linux/kernel.h>

#define PAGE_SIZE	4096UL

int sysfs_emit(char *buf, const char *fmt, ...) __printf(2, 3);
int sysfs_emit_at(char *buf, int at, const char *fmt, ...) __printf(3, 4);

#endif
