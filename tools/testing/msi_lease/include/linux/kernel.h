/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: the kernel basics msi_lease's core uses (minmax,
 * container_of, printk, might_sleep) on top of libc.
 */
#ifndef _ML_SHIM_KERNEL_H
#define _ML_SHIM_KERNEL_H

#include <linux/kconfig.h>
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/errno.h>
#include <string.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/*
 * The kernel's min()/max() refuse operands of different signedness; the
 * core builds clean there, so plain typeof versions do here.
 */
#define min(x, y) ({				\
	__auto_type __x = (x);			\
	__auto_type __y = (y);			\
	__x < __y ? __x : __y; })
#define max(x, y) ({				\
	__auto_type __x = (x);			\
	__auto_type __y = (y);			\
	__x > __y ? __x : __y; })
#define min3(x, y, z)		min(min(x, y), z)
#define min_t(type, x, y) ({			\
	type __x = (x);				\
	type __y = (y);				\
	__x < __y ? __x : __y; })
#define max_t(type, x, y) ({			\
	type __x = (x);				\
	type __y = (y);				\
	__x > __y ? __x : __y; })
#define clamp(v, lo, hi)	min(max(v, lo), hi)

#ifndef KBUILD_MODNAME
#define KBUILD_MODNAME "msi_lease"
#endif
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

/* Shim runtime (shim.c). */
void ml_printk(int level, const char *fmt, ...) __printf(2, 3);
void ml_fail(const char *fmt, ...) __printf(1, 2) __noreturn;
void ml_might_sleep(const char *file, int line);

#define pr_err(fmt, ...)	ml_printk(3, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	ml_printk(4, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	ml_printk(6, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)	do { } while (0)

/* A sleeping function called under a spinlock is a bug, as in the kernel. */
#define might_sleep()		ml_might_sleep(__FILE__, __LINE__)
#define cond_resched()		might_sleep()

#endif
