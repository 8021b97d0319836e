/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: the broker core has no struct pci_dev; trace.h names
 * it only in an event the core never fires here.
 */
#ifndef _ML_SHIM_PCI_H
#define _ML_SHIM_PCI_H
#include <linux/kernel.h>
struct pci_dev;
#endif
