/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msi_lease internals shared by the PCI glue (pci.c) and the sysfs
 * interface (sysfs.c).  Not for drivers: see include/linux/msi_lease.h.
 */
#ifndef _MSI_LEASE_INTERNAL_H
#define _MSI_LEASE_INTERNAL_H

#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/pci.h>

#include "pool.h"

/**
 * struct msi_lease_bridge - a PCI host bridge and its vector pool
 * @kobj: /sys/kernel/msi_lease/bridges/<bridge>/; its release frees this
 * @functions_dir: the bridge's functions/ directory
 * @node: entry in msi_lease_bridges, under msi_lease_lock
 * @fns: the bridge's functions (&msi_lease_fn.node), under msi_lease_lock
 * @host: the host bridge; a device reference is held
 * @pool: accounting of the bridge's vectors
 */
struct msi_lease_bridge {
	struct kobject kobj;
	struct kobject *functions_dir;
	struct list_head node;
	struct list_head fns;
	struct pci_host_bridge *host;
	struct msi_lease_pool pool;
};

/**
 * struct msi_lease_fn - a PCI function as a client of its bridge's pool
 * @kobj: .../functions/<domain:bus:dev.fn>/; its release frees this
 * @node: entry in &msi_lease_bridge.fns, under msi_lease_lock
 * @hnode: entry in the table msi_lease_fn_get() searches
 * @bridge: the bridge the function sits under
 * @pdev: the function; a reference is held
 * @client: the function's share of @bridge's pool
 */
struct msi_lease_fn {
	struct kobject kobj;
	struct list_head node;
	struct hlist_node hnode;
	struct msi_lease_bridge *bridge;
	struct pci_dev *pdev;
	struct msi_lease_client client;
};

extern struct mutex msi_lease_lock;

/* pci.c */
int msi_lease_pci_init(void);
void msi_lease_pci_exit(void);
void msi_lease_fn_refresh(struct msi_lease_fn *fn);
void msi_lease_bridge_refresh(struct msi_lease_bridge *bridge);
ssize_t msi_lease_fn_show_irqs(struct msi_lease_fn *fn, char *buf);
struct msi_lease_fn *msi_lease_fn_get(struct pci_dev *pdev);
const char *msi_lease_client_name(struct msi_lease_client *client);
unsigned int msi_lease_fn_count(struct pci_dev *pdev, enum msi_lease_mode *mode);

/* hook.c */
int msi_lease_hook_init(void);
void msi_lease_hook_exit(void);

/* sysfs.c */
int msi_lease_sysfs_init(void);
void msi_lease_sysfs_exit(void);
struct msi_lease_bridge *msi_lease_sysfs_bridge_alloc(void);
int msi_lease_sysfs_bridge_add(struct msi_lease_bridge *bridge);
void msi_lease_sysfs_bridge_del(struct msi_lease_bridge *bridge);
struct msi_lease_fn *msi_lease_sysfs_fn_alloc(void);
int msi_lease_sysfs_fn_add(struct msi_lease_fn *fn);
void msi_lease_sysfs_fn_del(struct msi_lease_fn *fn);

#endif /* _MSI_LEASE_INTERNAL_H */
