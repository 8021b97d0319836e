// SPDX-License-Identifier: GPL-2.0
/*
 * msi_lease: MSI/MSI-X vector accounting and leasing per PCI host bridge.
 *
 * Layers, bottom up:
 *   pool.c   per-bridge pools and their clients; no PCI inside
 *   select.c which offered vectors a borrower gets (selection policies)
 *   suggest.c what a borrower might ask for, from its history
 *   lease.c  borrow, negotiation, two-phase hand-over, lease expiry
 *   trace.c  tracepoints
 *   activity.c  a function's per-vector interrupt counts (sampled)
 *   method.c a stock driver made to re-allocate: reset, channels, rebind
 *   pci.c    host bridges and functions (their objects, kobjects
 *            included), bus notifier, vector counting, the interrupt
 *            sampler, the driver API
 *   hook.c   admission of every MSI/MSI-X allocation (ftrace hooks)
 *   sysfs.c  /sys/kernel/msi_lease/: attributes only, shown on pci.c's
 *            objects through the view this file hands from one to the
 *            other, so neither calls the other back
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "internal.h"

static int __init msi_lease_init(void)
{
	struct msi_lease_view view;
	int ret;

	ret = msi_lease_core_init();
	if (ret)
		return ret;
	ret = msi_lease_sysfs_init(&view);
	if (ret)
		goto core;
	ret = msi_lease_pci_init(&view);
	if (ret)
		goto sysfs;
	ret = msi_lease_hook_init();
	if (ret)
		goto pci;
	pr_info("accounting MSI/MSI-X vectors per host bridge\n");
	return 0;

pci:
	msi_lease_pci_exit();
sysfs:
	msi_lease_sysfs_exit();
core:
	msi_lease_core_exit();
	return ret;
}

static void __exit msi_lease_exit(void)
{
	msi_lease_hook_exit();
	msi_lease_pci_exit();
	msi_lease_sysfs_exit();
	msi_lease_core_exit();
}

module_init(msi_lease_init);
module_exit(msi_lease_exit);

MODULE_DESCRIPTION("MSI/MSI-X vector accounting and leasing per PCI host bridge");
MODULE_AUTHOR("The msi-lease developers");
MODULE_LICENSE("GPL");
