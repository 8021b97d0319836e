/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: every symbol is visible to the harness. */
#ifndef _ML_SHIM_KUNIT_VISIBILITY_H
#define _ML_SHIM_KUNIT_VISIBILITY_H
#define VISIBLE_IF_KUNIT
#define EXPORT_SYMBOL_IF_KUNIT(symbol)
#endif
