/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msi_lease: MSI/MSI-X vector accounting and leasing per PCI host bridge.
 *
 * The driver-facing API.  Documentation/driver-api/msi_lease.rst is
 * generated from the kernel-doc in the implementation.
 */
#ifndef _LINUX_MSI_LEASE_H
#define _LINUX_MSI_LEASE_H

struct pci_dev;

int msi_lease_pci_vectors(struct pci_dev *pdev);

#endif /* _LINUX_MSI_LEASE_H */
