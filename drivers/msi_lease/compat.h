/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels msi_lease supports (6.1 LTS,
 * 6.12 LTS, newest) lives here and nowhere else.  (The sample driver is
 * a driver of its own, not part of msi_lease: it tests the kernel's own
 * feature macro, as any driver would.)
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

/*
 * Allocation hooks (hook.c) need ftrace that may change the instruction
 * pointer, as livepatch does.  6.7 renamed the setter from
 * ftrace_instruction_pointer_set() to ftrace_regs_set_instruction_pointer()
 * (both macros on x86); kernels with ftrace_regs arguments need no saved
 * pt_regs.
 */
#if defined(CONFIG_DYNAMIC_FTRACE_WITH_REGS) || \
	defined(CONFIG_DYNAMIC_FTRACE_WITH_ARGS)
#define MSI_LEASE_HAVE_HOOKS
#ifdef ftrace_regs_set_instruction_pointer
#define msi_lease_ftrace_set_ip(fregs, ip) \
	ftrace_regs_set_instruction_pointer(fregs, ip)
#else
#define msi_lease_ftrace_set_ip(fregs, ip) \
	ftrace_instruction_pointer_set(fregs, ip)
#endif
#ifdef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
#define MSI_LEASE_FTRACE_OPS_FLAGS	FTRACE_OPS_FL_IPMODIFY
#else
#define MSI_LEASE_FTRACE_OPS_FLAGS \
	(FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_SAVE_REGS)
#endif
#endif

/*
 * 6.2 added dynamic MSI-X allocation (pci_msix_alloc_irq_at() and
 * pci_msix_free_irq(), commit 34026364df8e): vectors can be added to
 * and removed from a live device.  On 6.1 a driver reconfigures instead.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define MSI_LEASE_HAVE_MSIX_DYN
#endif

/*
 * A netdev whose driver takes the instance lock for its ops (queue
 * management, shapers) must have it held around ethtool ops from 6.15
 * on (include/net/netdev_lock.h); for every other driver it is a no-op.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
#include <net/netdev_lock.h>
#define msi_lease_netdev_lock_ops(dev)		netdev_lock_ops(dev)
#define msi_lease_netdev_unlock_ops(dev)	netdev_unlock_ops(dev)
#else
#define msi_lease_netdev_lock_ops(dev)		((void)(dev))
#define msi_lease_netdev_unlock_ops(dev)	((void)(dev))
#endif

/*
 * ethtool_notify() lost its unused data argument in the 6.17 cycle
 * (6.12 has three arguments, 7.3 two).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
#define msi_lease_ethtool_notify(dev, cmd)	ethtool_notify(dev, cmd)
#else
#define msi_lease_ethtool_notify(dev, cmd)	ethtool_notify(dev, cmd, NULL)
#endif

#if IS_ENABLED(CONFIG_KUNIT)
#include <kunit/test.h>

/* Test attributes, KUNIT_CASE_SLOW among them, arrived in 6.6. */
#ifndef KUNIT_CASE_SLOW
#define KUNIT_CASE_SLOW(test_name) KUNIT_CASE(test_name)
#endif
#ifdef KUNIT_CASE_PARAM_ATTR
#define MSI_LEASE_KUNIT_CASE_PARAM_SLOW(test_name, gen_params) \
	KUNIT_CASE_PARAM_ATTR(test_name, gen_params, \
			      { .speed = KUNIT_SPEED_SLOW })
#else
#define MSI_LEASE_KUNIT_CASE_PARAM_SLOW(test_name, gen_params) \
	KUNIT_CASE_PARAM(test_name, gen_params)
#endif
#endif

#endif /* _MSI_LEASE_COMPAT_H */
