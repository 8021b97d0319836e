/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msi_lease re-allocation methods: how an unmodified driver is made to
 * free and allocate its vectors again, so a new cap takes effect.
 */
#ifndef _MSI_LEASE_METHOD_H
#define _MSI_LEASE_METHOD_H

struct pci_dev;

/**
 * enum msi_lease_method - how a stock driver is made to re-allocate
 * @MSI_LEASE_METHOD_NONE: never touched (the default)
 * @MSI_LEASE_METHOD_RESET: a function reset through the PCI core, for
 *	drivers whose reset handling re-allocates (nvme)
 * @MSI_LEASE_METHOD_CHANNELS: the netdev's channel count through its
 *	ethtool ops, for drivers whose set_channels re-allocates (igb)
 * @MSI_LEASE_METHOD_REBIND: unbind the driver and probe again
 * @MSI_LEASE_NR_METHODS: number of methods
 */
enum msi_lease_method {
	MSI_LEASE_METHOD_NONE,
	MSI_LEASE_METHOD_RESET,
	MSI_LEASE_METHOD_CHANNELS,
	MSI_LEASE_METHOD_REBIND,
	MSI_LEASE_NR_METHODS,
};

extern const char * const msi_lease_method_names[MSI_LEASE_NR_METHODS];

/**
 * enum msi_lease_run - how a run may take the function's device lock
 * @MSI_LEASE_RUN_WAIT: it may wait for it (an administrator's resize)
 * @MSI_LEASE_RUN_TRY: it must not wait (the broker's callbacks, under
 *	mutexes a driver's unbind waits for with the lock held): a reset is
 *	only tried, -EAGAIN if the lock is taken
 * @MSI_LEASE_RUN_LOCKED: the caller holds it
 *
 * A rebind runs only with %MSI_LEASE_RUN_WAIT.
 */
enum msi_lease_run {
	MSI_LEASE_RUN_WAIT,
	MSI_LEASE_RUN_TRY,
	MSI_LEASE_RUN_LOCKED,
};

/**
 * struct msi_lease_method_undo - what a run changed besides the vectors
 * @combined: the netdev's combined channels before a channels run
 */
struct msi_lease_method_undo {
	unsigned int combined;
};

int msi_lease_method_usable(struct pci_dev *pdev, enum msi_lease_method m);
int msi_lease_method_lends(struct pci_dev *pdev, enum msi_lease_method m);
int msi_lease_method_run(struct pci_dev *pdev, enum msi_lease_method m,
			 unsigned int now, unsigned int target,
			 struct msi_lease_method_undo *undo,
			 unsigned int (*count)(void *arg), void *arg,
			 enum msi_lease_run how);
int msi_lease_method_undo(struct pci_dev *pdev, enum msi_lease_method m,
			  const struct msi_lease_method_undo *undo);
unsigned int msi_lease_method_unit(struct pci_dev *pdev,
				   enum msi_lease_method m, unsigned int now);

#endif /* _MSI_LEASE_METHOD_H */
