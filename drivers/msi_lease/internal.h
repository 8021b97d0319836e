/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msi_lease internals shared by the PCI glue (pci.c), the allocation
 * hooks (hook.c) and the sysfs interface (sysfs.c).  Not for drivers:
 * see include/linux/msi_lease.h.
 *
 * pci.c owns bridges and functions: it creates, links and frees them,
 * kobjects included.  sysfs.c only presents them: it supplies the
 * attribute groups through &struct msi_lease_view, which main.c hands
 * from one to the other, and reads them through pci.c's functions.
 */
#ifndef _MSI_LEASE_INTERNAL_H
#define _MSI_LEASE_INTERNAL_H

#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/pci.h>

#include "activity.h"
#include "lease.h"
#include "method.h"
#include "rebalance.h"

/**
 * struct msi_lease_bridge - a PCI host bridge and its vector pool
 * @kobj: /sys/kernel/msi_lease/bridges/<bridge>/; its release frees this
 * @functions_dir: the bridge's functions/ directory
 * @node: entry in pci.c's list of bridges, under its lock
 * @host: the host bridge; a device reference is held
 * @pool: accounting of the bridge's vectors
 * @rebalance: the rebalance policy is on: once per idle window, the most
 *	starved stock function borrows (rebalance.c)
 */
struct msi_lease_bridge {
	struct kobject kobj;
	struct kobject *functions_dir;
	struct list_head node;
	struct pci_host_bridge *host;
	struct msi_lease_pool pool;
	bool rebalance;
};

/**
 * struct msi_lease_fn - a PCI function as a client of its bridge's pool
 * @kobj: .../functions/<domain:bus:dev.fn>/; its release frees this
 * @hnode: entry in pci.c's table of functions, by @pdev
 * @bridge: the bridge the function sits under
 * @pdev: the function; a reference is held
 * @client: the function's share of @bridge's pool
 * @activity: its vectors' interrupt counts, sampled every idle window
 * @resize_lock: serialises re-allocations driven through @method
 * @method: how its driver may be made to re-allocate; none by default
 * @lent_by: the method its last stock release ran; its reclaim runs it
 * @lent_undo: what that release changed besides vectors (channels): the
 *	reclaim sets it back
 * @grown_by: the method its last stock growth ran; its lease ends run it
 * @rebalance: its rebalancing state, the sampler's alone
 * @leaving: its driver is unbinding: a stock reclaim stops waiting for
 *	the device lock, which the unbind holds
 */
struct msi_lease_fn {
	struct kobject kobj;
	struct hlist_node hnode;
	struct msi_lease_bridge *bridge;
	struct pci_dev *pdev;
	struct msi_lease_client client;
	struct msi_lease_activity *activity;
	struct mutex resize_lock;	/* see kernel-doc above */
	enum msi_lease_method method;
	enum msi_lease_method lent_by;
	struct msi_lease_method_undo lent_undo;
	enum msi_lease_method grown_by;
	struct msi_lease_rebalance rebalance;
	bool leaving;
};

/**
 * struct msi_lease_view - how bridges and functions are shown in sysfs
 * @bridges: the kset bridges are added to (it sends their uevents)
 * @bridge_groups: attributes of a bridge
 * @fn_groups: attributes of a function
 *
 * Filled in by msi_lease_sysfs_init(), used by msi_lease_pci_init().
 */
struct msi_lease_view {
	struct kset *bridges;
	const struct attribute_group **bridge_groups;
	const struct attribute_group **fn_groups;
};

/* pci.c */
int msi_lease_pci_init(const struct msi_lease_view *view);
void msi_lease_pci_exit(void);
void msi_lease_fn_refresh(struct msi_lease_fn *fn);
void msi_lease_bridge_refresh(struct msi_lease_bridge *bridge);
ssize_t msi_lease_fn_show_irqs(struct msi_lease_fn *fn, char *buf);
struct msi_lease_fn *msi_lease_fn_get(struct pci_dev *pdev);
void msi_lease_fn_put(struct msi_lease_fn *fn);
const char *msi_lease_client_name(struct msi_lease_client *client);
unsigned int msi_lease_fn_count(struct pci_dev *pdev, enum msi_lease_mode *mode);
enum msi_lease_method msi_lease_fn_method(struct msi_lease_fn *fn);
int msi_lease_fn_set_method(struct msi_lease_fn *fn, enum msi_lease_method m);
int msi_lease_fn_resize(struct msi_lease_fn *fn, unsigned int n);
unsigned int msi_lease_fn_borrow_short(struct msi_lease_fn *fn,
				       unsigned int short_by);
bool msi_lease_bridge_rebalance(struct msi_lease_bridge *bridge);
void msi_lease_bridge_set_rebalance(struct msi_lease_bridge *bridge, bool on);
unsigned int msi_lease_pci_idle_window(void);
void msi_lease_pci_set_idle_window(unsigned int ms);

/* hook.c */
int msi_lease_hook_init(void);
void msi_lease_hook_exit(void);

/* sysfs.c */
int msi_lease_sysfs_init(struct msi_lease_view *view);
void msi_lease_sysfs_exit(void);

#endif /* _MSI_LEASE_INTERNAL_H */
