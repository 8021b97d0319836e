/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels msi_lease supports (6.1 LTS,
 * 6.12 LTS, newest) lives here and nowhere else.
 */
#ifndef _MSI_LEASE_COMPAT_H
#define _MSI_LEASE_COMPAT_H

#include <linux/module.h>
#include <linux/version.h>
#include <kunit/visibility.h>

/*
 * 6.13 turned symbol namespaces from bare tokens into strings
 * (commit cdd30ebb1b9f, "module: Convert symbol namespace to string
 * literal").
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define MSI_LEASE_IMPORT_KUNIT_NS() \
	MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define MSI_LEASE_IMPORT_KUNIT_NS() \
	MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif

#if IS_ENABLED(CONFIG_KUNIT)
#include <kunit/test.h>

/* Test attributes, KUNIT_CASE_SLOW among them, arrived in 6.6. */
#ifndef KUNIT_CASE_SLOW
#define KUNIT_CASE_SLOW(test_name) KUNIT_CASE(test_name)
#endif
#endif

#endif /* _MSI_LEASE_COMPAT_H */
