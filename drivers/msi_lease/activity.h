/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msi_lease interrupt activity: per-vector interrupt counts of one PCI
 * function, sampled from the kernel's per-IRQ statistics.
 */
#ifndef _MSI_LEASE_ACTIVITY_H
#define _MSI_LEASE_ACTIVITY_H

#include <linux/types.h>

struct msi_lease_activity;
struct pci_dev;

struct msi_lease_activity *msi_lease_activity_alloc(void);
void msi_lease_activity_free(struct msi_lease_activity *act);
void msi_lease_activity_sample(struct msi_lease_activity *act,
			       struct pci_dev *pdev);
unsigned int msi_lease_activity_idle(struct msi_lease_activity *act,
				     unsigned int *judged);
ssize_t msi_lease_activity_show(struct msi_lease_activity *act, char *buf);

#endif /* _MSI_LEASE_ACTIVITY_H */
