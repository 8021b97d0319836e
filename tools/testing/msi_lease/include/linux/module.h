/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: module metadata and exports mean nothing here. */
#ifndef _ML_SHIM_MODULE_H
#define _ML_SHIM_MODULE_H

#include <linux/kernel.h>

#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)
#define EXPORT_SYMBOL_NS_GPL(sym, ns)
#define MODULE_IMPORT_NS(ns)
#define MODULE_LICENSE(l)
#define MODULE_DESCRIPTION(d)
#define MODULE_AUTHOR(a)
#define THIS_MODULE		((void *)0)

#endif
