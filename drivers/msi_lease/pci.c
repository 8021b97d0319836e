// SPDX-License-Identifier: GPL-2.0
/*
 * msi_lease PCI glue: finds every host bridge and every function under
 * it, and keeps the pools' view of who holds which MSI/MSI-X vectors in
 * step with the PCI core.
 *
 * The vectors of a function are counted from the PCI core's own state
 * (pci_irq_vector() over the MSI-X table or the MSI multi-message range),
 * so the numbers hold for drivers that know nothing about msi_lease.
 * Counts are refreshed on every driver bind/unbind (bus notifier) and
 * before every sysfs read, which also catches drivers that allocate
 * vectors outside probe (nvme's reset work, for one).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/hashtable.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <linux/msi_lease.h>

#include "compat.h"
#include "internal.h"
#include "suggest.h"
#include "trace.h"

/*
 * msi_lease_lock protects the list of bridges and membership of
 * functions in bridges and pools (msi_lease_fns).
 *
 * Lock order, outermost first:
 *   pci_lock_rescan_remove()
 *     device_lock(&pdev->dev)
 *       msi_lease_lock
 *         msi_lease_pool.lock, msi_lease_fns_lock
 *
 * sysfs readers take device_lock, so kobjects are never deleted with
 * it or msi_lease_lock held: kobject_del() waits for the readers.
 */
static DEFINE_MUTEX(msi_lease_lock);
static LIST_HEAD(msi_lease_bridges);

/*
 * Every accounted function, by struct pci_dev.  Changed with both
 * msi_lease_lock and msi_lease_fns_lock held, so either lock keeps it
 * still.  The allocation hooks (hook.c) look functions up in drivers'
 * contexts, some of them under a pool's negotiate mutex (a lender
 * releasing vectors): they take only msi_lease_fns_lock, a leaf lock.
 */
static DEFINE_HASHTABLE(msi_lease_fns, 6);
static DEFINE_SPINLOCK(msi_lease_fns_lock);

/* Where bridges and functions are shown; set by msi_lease_pci_init(). */
static struct msi_lease_view msi_lease_view;

static const struct msi_lease_pool_ops bridge_pool_ops;

/* Bridges and functions as objects: kobjects, links, release */

static void bridge_release(struct kobject *kobj)
{
	struct msi_lease_bridge *bridge =
		container_of(kobj, struct msi_lease_bridge, kobj);

	if (bridge->host)
		put_device(&bridge->host->dev);
	kfree(bridge);
}

static const struct kobj_type bridge_ktype = {
	.release = bridge_release,
	.sysfs_ops = &kobj_sysfs_ops,
};

static void fn_release(struct kobject *kobj)
{
	struct msi_lease_fn *fn = container_of(kobj, struct msi_lease_fn,
					       kobj);

	pci_dev_put(fn->pdev);
	msi_lease_activity_free(fn->activity);
	mutex_destroy(&fn->resize_lock);
	kfree(fn);
}

static const struct kobj_type fn_ktype = {
	.release = fn_release,
	.sysfs_ops = &kobj_sysfs_ops,
};

/* Show @bridge; on error the caller puts its kobject. */
static int bridge_show(struct msi_lease_bridge *bridge)
{
	int ret;

	bridge->kobj.kset = msi_lease_view.bridges;
	ret = kobject_add(&bridge->kobj, NULL, "%s",
			  dev_name(&bridge->host->dev));
	if (ret)
		return ret;
	ret = sysfs_create_groups(&bridge->kobj, msi_lease_view.bridge_groups);
	if (ret)
		goto del;
	bridge->functions_dir = kobject_create_and_add("functions",
						       &bridge->kobj);
	if (!bridge->functions_dir) {
		ret = -ENOMEM;
		goto groups;
	}
	ret = sysfs_create_link(&bridge->kobj, &bridge->host->dev.kobj,
				"device");
	if (ret)
		goto dir;
	return 0;

dir:
	kobject_put(bridge->functions_dir);
groups:
	sysfs_remove_groups(&bridge->kobj, msi_lease_view.bridge_groups);
del:
	kobject_del(&bridge->kobj);
	return ret;
}

/* Waits for readers; the caller holds no msi_lease lock. */
static void bridge_hide(struct msi_lease_bridge *bridge)
{
	sysfs_remove_link(&bridge->kobj, "device");
	kobject_put(bridge->functions_dir);
	sysfs_remove_groups(&bridge->kobj, msi_lease_view.bridge_groups);
	kobject_del(&bridge->kobj);
}

/* Show @fn under its bridge; on error the caller puts its kobject. */
static int fn_show(struct msi_lease_fn *fn)
{
	int ret;

	ret = kobject_add(&fn->kobj, fn->bridge->functions_dir, "%s",
			  pci_name(fn->pdev));
	if (ret)
		return ret;
	ret = sysfs_create_groups(&fn->kobj, msi_lease_view.fn_groups);
	if (ret)
		goto del;
	ret = sysfs_create_link(&fn->kobj, &fn->pdev->dev.kobj, "device");
	if (ret)
		goto groups;
	return 0;

groups:
	sysfs_remove_groups(&fn->kobj, msi_lease_view.fn_groups);
del:
	kobject_del(&fn->kobj);
	return ret;
}

/* Waits for readers; the caller holds no msi_lease lock, no device lock. */
static void fn_hide(struct msi_lease_fn *fn)
{
	sysfs_remove_link(&fn->kobj, "device");
	sysfs_remove_groups(&fn->kobj, msi_lease_view.fn_groups);
	kobject_del(&fn->kobj);
}

static struct msi_lease_bridge *bridge_find(struct pci_host_bridge *host)
{
	struct msi_lease_bridge *bridge;

	lockdep_assert_held(&msi_lease_lock);

	list_for_each_entry(bridge, &msi_lease_bridges, node)
		if (bridge->host == host)
			return bridge;
	return NULL;
}

static struct msi_lease_bridge *bridge_get_or_add(struct pci_host_bridge *host)
{
	struct msi_lease_bridge *bridge;
	int ret;

	lockdep_assert_held(&msi_lease_lock);

	bridge = bridge_find(host);
	if (bridge)
		return bridge;

	bridge = kzalloc(sizeof(*bridge), GFP_KERNEL);
	if (!bridge)
		return ERR_PTR(-ENOMEM);
	kobject_init(&bridge->kobj, &bridge_ktype);
	msi_lease_pool_init(&bridge->pool, MSI_LEASE_UNLIMITED);
	bridge->pool.ops = &bridge_pool_ops;
	get_device(&host->dev);
	bridge->host = host;

	ret = bridge_show(bridge);
	if (ret) {
		/* The kobject's release drops the host reference. */
		kobject_put(&bridge->kobj);
		return ERR_PTR(ret);
	}
	list_add_tail(&bridge->node, &msi_lease_bridges);
	return bridge;
}

/* @pdev's function; the caller holds msi_lease_lock or msi_lease_fns_lock. */
static struct msi_lease_fn *fn_lookup(struct pci_dev *pdev)
{
	struct msi_lease_fn *fn;

	hash_for_each_possible(msi_lease_fns, fn, hnode, (unsigned long)pdev)
		if (fn->pdev == pdev)
			return fn;
	return NULL;
}

/**
 * msi_lease_fn_get() - look a function up
 * @pdev: the function
 *
 * Context: any context that may take a spinlock.
 * Return: the function with a reference on it (drop it with
 * msi_lease_fn_put()), or NULL if msi_lease does not account @pdev.
 */
struct msi_lease_fn *msi_lease_fn_get(struct pci_dev *pdev)
{
	struct msi_lease_fn *fn;

	spin_lock(&msi_lease_fns_lock);
	fn = fn_lookup(pdev);
	if (fn)
		kobject_get(&fn->kobj);
	spin_unlock(&msi_lease_fns_lock);
	return fn;
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_fn_get);

/**
 * msi_lease_fn_put() - drop a reference msi_lease_fn_get() took
 * @fn: the function
 *
 * Context: process context: the last reference frees @fn.
 */
void msi_lease_fn_put(struct msi_lease_fn *fn)
{
	kobject_put(&fn->kobj);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_fn_put);

/*
 * Most vectors @pdev can have at once: its MSI-X table, else its MSI
 * multi-message capability.  (An SR-IOV VF's table may be resized while
 * no driver is bound; it is read again when a driver joins.)
 */
static unsigned int fn_table(struct pci_dev *pdev)
{
	int n = pdev->msix_cap ? pci_msix_vec_count(pdev) :
		pdev->msi_cap ? pci_msi_vec_count(pdev) : 0;

	return n > 0 ? n : 0;
}

/* Start accounting @pdev; a no-op if it is accounted already. */
static int fn_add(struct pci_dev *pdev)
{
	struct msi_lease_bridge *bridge;
	struct msi_lease_fn *fn;
	int ret;

	mutex_lock(&msi_lease_lock);
	if (fn_lookup(pdev)) {
		ret = 0;
		goto unlock;
	}

	bridge = bridge_get_or_add(pci_find_host_bridge(pdev->bus));
	if (IS_ERR(bridge)) {
		ret = PTR_ERR(bridge);
		goto unlock;
	}

	fn = kzalloc(sizeof(*fn), GFP_KERNEL);
	if (!fn) {
		ret = -ENOMEM;
		goto unlock;
	}
	kobject_init(&fn->kobj, &fn_ktype);
	mutex_init(&fn->resize_lock);
	fn->method = MSI_LEASE_METHOD_NONE;
	fn->bridge = bridge;
	fn->pdev = pci_dev_get(pdev);
	fn->activity = msi_lease_activity_alloc();
	if (!fn->activity) {
		msi_lease_fn_put(fn);
		ret = -ENOMEM;
		goto unlock;
	}
	msi_lease_client_init(&fn->client);
	fn->client.table = fn_table(pdev);

	ret = fn_show(fn);
	if (ret) {
		/* The kobject's release drops the device reference. */
		msi_lease_fn_put(fn);
		goto unlock;
	}
	msi_lease_pool_attach(&bridge->pool, &fn->client);
	spin_lock(&msi_lease_fns_lock);
	hash_add(msi_lease_fns, &fn->hnode, (unsigned long)pdev);
	spin_unlock(&msi_lease_fns_lock);
unlock:
	mutex_unlock(&msi_lease_lock);
	if (ret)
		pci_warn(pdev, "msi_lease: cannot account this function: %d\n",
			 ret);
	return ret;
}

/* Unlink @fn; the caller hides it and drops the table's reference. */
static void fn_unlink(struct msi_lease_fn *fn)
{
	lockdep_assert_held(&msi_lease_lock);

	spin_lock(&msi_lease_fns_lock);
	hash_del(&fn->hnode);
	spin_unlock(&msi_lease_fns_lock);
	msi_lease_pool_detach(&fn->client);
}

/*
 * The function is going away.  Its leases end first (its driver, if one
 * is still bound, unbinds or reclaims as usual), so no lease outlives it
 * and no timer later reaches a freed client.
 */
static void fn_remove(struct pci_dev *pdev)
{
	struct msi_lease_fn *fn;
	bool unlinked;

	fn = msi_lease_fn_get(pdev);
	if (!fn)
		return;
	msi_lease_client_retire(&fn->client);

	mutex_lock(&msi_lease_lock);
	unlinked = !hash_hashed(&fn->hnode);
	if (!unlinked)
		fn_unlink(fn);
	mutex_unlock(&msi_lease_lock);

	if (!unlinked) {
		fn_hide(fn);
		msi_lease_fn_put(fn);	/* the table's */
	}
	msi_lease_fn_put(fn);
}

/**
 * msi_lease_fn_count() - count a function's vectors from the PCI core
 * @pdev: the function
 * @mode: set to the interrupt mode in use
 *
 * Context: the MSI descriptor store is freed when a driver unbinds, so
 * the caller keeps unbind away: it holds the device lock, or runs in the
 * bound driver's own context (the allocation hooks).
 * Return: the number of MSI or MSI-X vectors allocated.
 */
unsigned int msi_lease_fn_count(struct pci_dev *pdev, enum msi_lease_mode *mode)
{
	unsigned int n = 0;
	int i, limit;

	if (pdev->msix_enabled) {
		*mode = MSI_LEASE_MODE_MSIX;
		limit = pci_msix_vec_count(pdev);
	} else if (pdev->msi_enabled) {
		*mode = MSI_LEASE_MODE_MSI;
		limit = pci_msi_vec_count(pdev);
	} else {
		*mode = MSI_LEASE_MODE_NONE;
		return 0;
	}

	/* MSI-X tables may have holes (dynamic allocation): probe each slot. */
	for (i = 0; i < limit; i++)
		if (pci_irq_vector(pdev, i) > 0)
			n++;
	if (!n)
		*mode = MSI_LEASE_MODE_NONE;
	return n;
}

/* Re-count @fn's vectors; the caller holds @fn's device lock. */
static void fn_recount(struct msi_lease_fn *fn)
{
	enum msi_lease_mode mode;
	unsigned long gen;
	unsigned int n;

	device_lock_assert(&fn->pdev->dev);
	/*
	 * The driver may allocate or free meanwhile (the device lock does
	 * not keep its own work away): a count overtaken by that is dropped.
	 * A detached client (device going away) keeps its last count.
	 */
	gen = msi_lease_client_changes(&fn->client);
	n = msi_lease_fn_count(fn->pdev, &mode);
	msi_lease_client_recount(&fn->client, mode, n, gen);
}

/**
 * msi_lease_fn_refresh() - bring one function's count up to date
 * @fn: the function; the caller holds a reference on its kobject
 *
 * Context: process context; takes the function's device lock.
 */
void msi_lease_fn_refresh(struct msi_lease_fn *fn)
{
	device_lock(&fn->pdev->dev);
	fn_recount(fn);
	device_unlock(&fn->pdev->dev);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_fn_refresh);

/**
 * msi_lease_fn_show_irqs() - list the Linux IRQs of a function's vectors
 * @fn: the function; the caller holds a reference on its kobject
 * @buf: sysfs buffer
 *
 * Return: bytes written: the IRQ numbers, space separated, newline ended.
 */
ssize_t msi_lease_fn_show_irqs(struct msi_lease_fn *fn, char *buf)
{
	struct pci_dev *pdev = fn->pdev;
	ssize_t len = 0;
	int i, irq, limit = 0;

	device_lock(&pdev->dev);
	if (pdev->msix_enabled)
		limit = pci_msix_vec_count(pdev);
	else if (pdev->msi_enabled)
		limit = pci_msi_vec_count(pdev);
	for (i = 0; i < limit; i++) {
		irq = pci_irq_vector(pdev, i);
		if (irq > 0)
			len += sysfs_emit_at(buf, len, "%s%d", len ? " " : "",
					     irq);
	}
	device_unlock(&pdev->dev);
	return len + sysfs_emit_at(buf, len, "\n");
}

/*
 * Stock lenders: a function whose driver never joined lends through the
 * method the administrator allowed (reset or channels), once its lending
 * terms say cooperative.  The broker calls these as it calls a driver's
 * callbacks, under its pool's negotiate or ending mutex; the driver's
 * unbind waits for those with the device lock held (its leases end
 * first), so nothing here waits for that lock: the driver stays bound
 * meanwhile, a reset is only tried, again and again for a reclaim, until
 * it goes through or the driver is leaving.  A vector the lender's
 * driver re-allocates is admitted as usual: the pool knows it as stock
 * (msi_lease_client_set_stock()), so whatever task re-allocates, it
 * re-fills only what stays its own while it lends, and all of it when
 * the loan comes home.
 */
#define STOCK_RELEASE_TRIES	20
#define STOCK_RECLAIM_TRIES	2000
#define STOCK_TRY_WAIT_MS	5

static bool stock_method(enum msi_lease_method m)
{
	return m == MSI_LEASE_METHOD_RESET || m == MSI_LEASE_METHOD_CHANNELS;
}

static struct msi_lease_fn *stock_fn(struct msi_lease_client *client)
{
	return container_of(client, struct msi_lease_fn, client);
}

/* The driver stays bound while the broker calls: no device lock needed. */
static unsigned int stock_count(void *arg)
{
	struct msi_lease_fn *fn = arg;
	enum msi_lease_mode mode;

	return msi_lease_fn_count(fn->pdev, &mode);
}

/*
 * Drive @m towards @target vectors, trying up to @tries times while the
 * device lock is taken (a sysfs reader, the activity sampler), or once
 * with it held by the caller (@tries 0); what the run changed besides
 * vectors goes to @undo.  With @restore, set back what an earlier run
 * changed instead (a channel count).
 */
static int stock_run(struct msi_lease_fn *fn, enum msi_lease_method m,
		     unsigned int target, unsigned int tries,
		     struct msi_lease_method_undo *undo,
		     const struct msi_lease_method_undo *restore)
{
	enum msi_lease_run how = tries ? MSI_LEASE_RUN_TRY :
					 MSI_LEASE_RUN_LOCKED;
	struct msi_lease_method_undo scratch;
	unsigned int before = stock_count(fn), after;
	int ret = -EAGAIN;

	for (tries = max(tries, 1U); tries && !READ_ONCE(fn->leaving);
	     tries--) {
		if (mutex_trylock(&fn->resize_lock)) {
			msi_lease_client_drive(&fn->client, true);
			if (restore && restore->combined)
				ret = msi_lease_method_undo(fn->pdev, m,
							    restore);
			else
				ret = msi_lease_method_run(fn->pdev, m, before,
							   target,
							   undo ?: &scratch,
							   stock_count, fn,
							   how);
			msi_lease_client_drive(&fn->client, false);
			mutex_unlock(&fn->resize_lock);
			if (ret != -EAGAIN)
				break;
		}
		msleep(STOCK_TRY_WAIT_MS);
	}
	after = stock_count(fn);
	trace_msi_lease_resize(pci_domain_nr(fn->pdev->bus),
			       pci_dev_id(fn->pdev), m, before, target, after,
			       ret);
	return ret;
}

/* Idle vectors, as long as the driver keeps one. */
static int stock_offer(struct msi_lease_client *client,
		       const struct msi_lease_ask *ask,
		       struct msi_lease_offer *offer)
{
	struct msi_lease_fn *fn = stock_fn(client);
	enum msi_lease_method m = READ_ONCE(fn->method);
	unsigned int idle, judged, now, unit, n;
	struct msi_lease_client_state st;

	if (!stock_method(m) || msi_lease_method_lends(fn->pdev, m))
		return 0;
	/*
	 * A channel count comes home whole: one loan at a time, so the
	 * reclaim can set back the channels the release took.
	 */
	msi_lease_client_state(client, &st);
	if (m == MSI_LEASE_METHOD_CHANNELS && st.lent)
		return 0;
	idle = msi_lease_activity_idle(fn->activity, &judged);
	now = stock_count(fn);
	unit = msi_lease_method_unit(fn->pdev, m, now);
	if (!judged || !idle || now < 2 || !unit)
		return 0;
	/* Whole channels: what a channel frees beyond the loan is not lent. */
	n = rounddown(min3(ask->count, idle, now - 1), unit);
	if (!n)
		return 0;
	offer->nr_tiers = 1;
	offer->tiers[0].count = n;
	offer->tiers[0].duration_ns = ask->duration_ns;
	return 0;
}

static int stock_release(struct msi_lease_client *client, unsigned int count)
{
	struct msi_lease_fn *fn = stock_fn(client);
	enum msi_lease_method m = READ_ONCE(fn->method);
	unsigned int now = stock_count(fn);

	if (!stock_method(m))
		return -EPERM;
	if (count >= now)
		return -EBUSY;
	WRITE_ONCE(fn->lent_by, m);
	return stock_run(fn, m, now - count, STOCK_RELEASE_TRIES,
			 &fn->lent_undo, NULL);
}

static void stock_reclaim(struct msi_lease_client *client, unsigned int count)
{
	struct msi_lease_fn *fn = stock_fn(client);
	int ret;

	ret = stock_run(fn, READ_ONCE(fn->lent_by), stock_count(fn) + count,
			STOCK_RECLAIM_TRIES, NULL, &fn->lent_undo);
	memset(&fn->lent_undo, 0, sizeof(fn->lent_undo));
	if (ret && !READ_ONCE(fn->leaving))
		pci_warn(fn->pdev, "msi_lease: %u lent vectors came home, but the driver did not re-allocate them: %d\n",
			 count, ret);
}

/*
 * A lease of a stock borrower ends: the driver re-allocates, and
 * admission leaves the lease's vectors out (the pool knows it as stock).
 */
static void stock_lease_end(struct msi_lease_client *client,
			    const struct msi_lease_piece *piece)
{
	struct msi_lease_fn *fn = stock_fn(client);
	unsigned int now = stock_count(fn);
	int ret;

	ret = stock_run(fn, READ_ONCE(fn->grown_by),
			now > piece->count ? now - piece->count : 0,
			STOCK_RECLAIM_TRIES, NULL, NULL);
	if (ret && !READ_ONCE(fn->leaving))
		pci_warn(fn->pdev, "msi_lease: lease %llu ended, but the driver did not re-allocate: %d\n",
			 piece->id, ret);
}

static const struct msi_lease_client_ops stock_ops = {
	.offer = stock_offer,
	.release = stock_release,
	.reclaim = stock_reclaim,
	.lease_end = stock_lease_end,
};

/*
 * Grow a stock function by a borrow: its driver re-allocates through
 * its method, held, so what it frees of its own before allocating again
 * stays its own.  What it could not bind goes back at once.
 */
static void stock_borrow(struct msi_lease_fn *fn, unsigned int count)
{
	enum msi_lease_method m = READ_ONCE(fn->method);
	struct msi_lease_pool_conf conf;
	struct msi_lease_request req = {
		.count = count,
		.accept_partial = true,
	};
	struct msi_lease_grant grant;
	unsigned int i, now;
	int ret;

	if (!stock_method(m))
		return;
	msi_lease_pool_get_conf(&fn->bridge->pool, &conf);
	req.duration_ns = conf.max_lease_ns ?: MSI_LEASE_SUGGEST_DEFAULT_NS;
	if (msi_lease_borrow(&fn->client, &req, &grant))
		return;
	WRITE_ONCE(fn->grown_by, m);
	/*
	 * Outside the broker's mutexes only the device lock keeps the
	 * driver bound while its vectors are counted: hold it, and run the
	 * method under it.
	 */
	ret = -EBUSY;
	if (device_trylock(&fn->pdev->dev)) {
		if (fn->pdev->dev.driver) {
			msi_lease_client_hold(&fn->client, true);
			now = stock_count(fn);
			ret = stock_run(fn, m, now + grant.count, 0, NULL,
					NULL);
			if (!ret && stock_count(fn) < now + grant.count)
				ret = -ENOSPC;
			msi_lease_client_hold(&fn->client, false);
		}
		device_unlock(&fn->pdev->dev);
	}
	if (ret) {
		pci_warn(fn->pdev, "msi_lease: could not grow by %u borrowed vectors: %d; giving them back\n",
			 grant.count, ret);
		for (i = 0; i < grant.nr_pieces; i++)
			msi_lease_return(&fn->client, grant.pieces[i].id);
	}
	msi_lease_grant_free(&grant);
}

/**
 * msi_lease_fn_borrow_short() - borrow what an allocation was short of
 * @fn: the function allocating
 * @short_by: vectors its driver asked for beyond what admission gave
 *
 * The seed's [0057]: a function whose allocation finds too few free
 * vectors may get leases from lenders before it is clamped or falls
 * back to INTx.  Only a stock function that leases (its method
 * re-allocates in place and the administrator allowed it): the
 * allocation under way binds the borrowed vectors, and the lease's end
 * shrinks it through its method.  The allocation hooks call it in the
 * driver's context, outside every msi_lease lock, after admission
 * reserved what is free, so the borrow goes to lenders.
 *
 * Context: process context; sleeps (negotiation, lenders' releases).
 * Return: vectors borrowed (0: none, the allocation is clamped).
 */
unsigned int msi_lease_fn_borrow_short(struct msi_lease_fn *fn,
				       unsigned int short_by)
{
	enum msi_lease_method m = READ_ONCE(fn->method);
	struct msi_lease_pool_stats stats;
	struct msi_lease_pool_conf conf;
	struct msi_lease_request req = {
		.count = short_by,
		.accept_partial = true,
	};
	struct msi_lease_grant grant;
	unsigned int n;

	might_sleep();
	/*
	 * Not while the broker makes it re-allocate (a release, a reclaim,
	 * a lease's end, a growth): it may hold the negotiation meanwhile.
	 */
	if (!READ_ONCE(fn->client.stock) || !stock_method(m) ||
	    READ_ONCE(fn->leaving) || !msi_lease_client_quiet(&fn->client))
		return 0;
	/*
	 * Nor under the RTNL lock (a channel change allocates under it):
	 * a channels lender's offer and release take it.  Anyone's hold
	 * counts, so a borrow may be skipped that need not be.
	 */
	if (rtnl_is_locked())
		return 0;
	/*
	 * Only a shortage of the bridge's: admission reserved what is free,
	 * so anything still free means the cap or the table held it back
	 * (an admin's resize to fewer), which a lease must not get around;
	 * and the lease comes from lenders only, never the free vectors,
	 * which are the driver's to own.
	 */
	msi_lease_pool_stats(&fn->bridge->pool, &stats);
	if (stats.free)
		return 0;
	msi_lease_pool_get_conf(&fn->bridge->pool, &conf);
	req.duration_ns = conf.max_lease_ns ?: MSI_LEASE_SUGGEST_DEFAULT_NS;
	if (msi_lease_borrow(&fn->client, &req, &grant))
		return 0;
	WRITE_ONCE(fn->grown_by, m);
	n = grant.count;
	msi_lease_grant_free(&grant);
	return n;
}

/*
 * Let @fn's bound driver lend through its method, unless it joined the
 * broker itself.  The device lock keeps binding and joining away.
 */
static void fn_stock_enlist(struct msi_lease_fn *fn)
{
	struct msi_lease_client_state st;

	device_lock_assert(&fn->pdev->dev);
	if (!fn->pdev->dev.driver || !stock_method(READ_ONCE(fn->method)))
		return;
	msi_lease_client_state(&fn->client, &st);
	if (st.leasing)
		return;
	msi_lease_client_set_table(&fn->client, fn_table(fn->pdev));
	msi_lease_client_set_stock(&fn->client, true);
	if (msi_lease_client_enlist(&fn->client, &stock_ops, &st.attrs, fn))
		msi_lease_client_set_stock(&fn->client, false);
}

/* @fn's driver is unbinding: its leases end, and it stops leasing. */
static void fn_retire(struct msi_lease_fn *fn)
{
	WRITE_ONCE(fn->leaving, true);
	msi_lease_client_retire(&fn->client);
	msi_lease_client_set_stock(&fn->client, false);
	WRITE_ONCE(fn->leaving, false);
}

/* Re-allocation of stock drivers, through the method the admin allowed */

/**
 * msi_lease_fn_method() - how a function's driver may be re-allocated
 * @fn: the function
 *
 * Return: the method the administrator allowed (none by default).
 */
enum msi_lease_method msi_lease_fn_method(struct msi_lease_fn *fn)
{
	return READ_ONCE(fn->method);
}

/**
 * msi_lease_fn_set_method() - allow a method on a function
 * @fn: the function
 * @m: the method
 *
 * With a driver bound, the method must suit it; with none, any method
 * may be chosen ahead of the driver (msi-lease.conf does so at boot).
 *
 * Context: process context; may take the device lock or the RTNL lock.
 * Return: 0, -EINVAL for no such method, or -EOPNOTSUPP if the bound
 * driver lacks what @m needs; nothing changes on error.
 */
int msi_lease_fn_set_method(struct msi_lease_fn *fn, enum msi_lease_method m)
{
	int ret = 0;

	might_sleep();
	if (m >= MSI_LEASE_NR_METHODS)
		return -EINVAL;
	mutex_lock(&fn->resize_lock);
	if (m != MSI_LEASE_METHOD_NONE) {
		ret = msi_lease_method_usable(fn->pdev, m);
		if (ret == -ENODEV)
			ret = 0;
	}
	if (!ret)
		WRITE_ONCE(fn->method, m);
	mutex_unlock(&fn->resize_lock);
	if (!ret) {
		device_lock(&fn->pdev->dev);
		fn_stock_enlist(fn);
		device_unlock(&fn->pdev->dev);
	}
	return ret;
}

/* Vectors @fn uses, counted afresh from the PCI core. */
static unsigned int fn_vectors(struct msi_lease_fn *fn)
{
	msi_lease_fn_refresh(fn);
	return msi_lease_client_held(&fn->client, NULL);
}

static unsigned int fn_count_cb(void *arg)
{
	return fn_vectors(arg);
}

/**
 * msi_lease_fn_resize() - make a stock driver re-allocate to @n vectors
 * @fn: the function
 * @n: vectors it should have
 *
 * Caps the function at @n and drives the allowed method, then counts.
 * A shrink that left more than @n vectors (the driver did not
 * re-allocate) is undone: the old cap is restored, and whatever else the
 * method changed (a channel count) is set back.  A growth is bounded by
 * the bridge's free vectors and what the driver asks for; the function's
 * vectors file tells what it got.  A function with vectors out on loan
 * or borrowed is left alone: its driver lends through its own callbacks.
 *
 * Context: process context, no msi_lease lock held; sleeps as long as
 * the driver's reset, channel change or probe takes.
 * Return: 0; -EPERM if no method is allowed; -ENODEV without a driver;
 * -EBUSY with leases, or while the method's path is busy;
 * -EOPNOTSUPP if the driver lacks what the method needs or kept its
 * vectors; or the method's own error.
 */
int msi_lease_fn_resize(struct msi_lease_fn *fn, unsigned int n)
{
	struct msi_lease_method_undo undo;
	struct msi_lease_client_state st;
	unsigned int before, after;
	enum msi_lease_method m;
	int ret;

	might_sleep();
	mutex_lock(&fn->resize_lock);
	m = fn->method;
	ret = msi_lease_method_usable(fn->pdev, m);
	if (ret)
		goto out;
	before = fn_vectors(fn);
	msi_lease_client_state(&fn->client, &st);
	if (st.lent || st.borrowed) {
		ret = -EBUSY;
		goto out;
	}
	/*
	 * The cap makes a reset or a probe land on @n.  A channel change
	 * lands where the channels say: capped below what a step asks, a
	 * driver asking for exactly that many (igb) would fall back to MSI,
	 * so a shrink is capped once done.
	 */
	if (m != MSI_LEASE_METHOD_CHANNELS || n > before)
		msi_lease_client_set_cap(&fn->client, n);
	ret = msi_lease_method_run(fn->pdev, m, before, n, &undo,
				   fn_count_cb, fn, MSI_LEASE_RUN_WAIT);
	after = fn_vectors(fn);
	if (!ret && after > n)
		ret = -EOPNOTSUPP;
	if (!ret)
		msi_lease_client_set_cap(&fn->client, n);
	if (ret) {
		msi_lease_client_set_cap(&fn->client, st.cap);
		msi_lease_method_undo(fn->pdev, m, &undo);
		after = fn_vectors(fn);
	}
	trace_msi_lease_resize(pci_domain_nr(fn->pdev->bus),
			       pci_dev_id(fn->pdev), m, before, n, after, ret);
out:
	mutex_unlock(&fn->resize_lock);
	return ret;
}

/**
 * msi_lease_pci_vectors() - vectors msi_lease accounts to a PCI function
 * @pdev: the function
 *
 * Re-counts from the PCI core first, so the answer is current.
 *
 * Context: process context; takes @pdev's device lock, so a driver must
 * not call it from its own probe or remove.
 * Return: the number of MSI/MSI-X vectors @pdev holds, or -ENODEV if
 * msi_lease does not know the function.
 */
int msi_lease_pci_vectors(struct pci_dev *pdev)
{
	struct msi_lease_fn *fn;
	int n;

	might_sleep();
	fn = msi_lease_fn_get(pdev);
	if (!fn)
		return -ENODEV;

	msi_lease_fn_refresh(fn);
	n = msi_lease_client_held(&fn->client, NULL);
	msi_lease_fn_put(fn);
	return n;
}
EXPORT_SYMBOL_GPL(msi_lease_pci_vectors);

/**
 * msi_lease_pci_suggest() - what a function might borrow, from its history
 * @pdev: the function
 * @s: filled in: how many vectors to ask for (0: none needed) and for
 *	how long
 *
 * Sized from the function's unmet demand, its vectors' interrupts over
 * the last idle window and how long its past leases lasted (the model is
 * in suggest.c and Documentation/driver-api/msi_lease.rst).  A
 * suggestion, not a reservation: msi_lease_borrow() decides.
 *
 * Context: process context; takes @pdev's device lock, so a driver must
 * not call it from its own probe or remove.
 * Return: 0, or -ENODEV if msi_lease does not know the function.
 */
int msi_lease_pci_suggest(struct pci_dev *pdev, struct msi_lease_suggestion *s)
{
	struct msi_lease_suggest_in in = { };
	struct msi_lease_client_state st;
	struct msi_lease_pool_conf conf;
	struct msi_lease_fn *fn;

	might_sleep();
	fn = msi_lease_fn_get(pdev);
	if (!fn)
		return -ENODEV;
	msi_lease_fn_refresh(fn);
	msi_lease_client_state(&fn->client, &st);
	in.group = st.held - st.lent + st.borrowed;
	in.unmet = st.unmet;
	in.room = st.room;
	in.lease_ns = st.lease_ns;
	in.idle = msi_lease_activity_idle(fn->activity, &in.sampled);
	msi_lease_pool_get_conf(&fn->bridge->pool, &conf);
	in.max_lease_ns = conf.max_lease_ns;
	msi_lease_suggest(&in, s);
	msi_lease_fn_put(fn);
	return 0;
}
EXPORT_SYMBOL_GPL(msi_lease_pci_suggest);

/*
 * Pin the functions of @only (or of every bridge, if NULL) so they can be
 * re-counted after msi_lease_lock is dropped: device locks rank above it.
 * Returns a kcalloc()ed array the caller passes to fns_refresh_unpin().
 */
static struct msi_lease_fn **fns_pin(struct msi_lease_bridge *only,
				     unsigned int *nr)
{
	struct msi_lease_bridge *bridge;
	struct msi_lease_fn *fn, **fns;
	unsigned int n = 0;
	int bkt;

	mutex_lock(&msi_lease_lock);
	list_for_each_entry(bridge, &msi_lease_bridges, node)
		if (!only || bridge == only)
			n += bridge->pool.nr_clients;
	fns = kcalloc(n, sizeof(*fns), GFP_KERNEL);
	n = 0;
	if (fns) {
		hash_for_each(msi_lease_fns, bkt, fn, hnode) {
			if (only && fn->bridge != only)
				continue;
			kobject_get(&fn->kobj);
			fns[n++] = fn;
		}
	}
	mutex_unlock(&msi_lease_lock);
	*nr = n;
	return fns;
}

static void fns_refresh_unpin(struct msi_lease_fn **fns, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		msi_lease_fn_refresh(fns[i]);
		msi_lease_fn_put(fns[i]);
	}
	kfree(fns);
}

/* Leasing: names, events, and the driver API */

/**
 * msi_lease_client_name() - a PCI function client's name, for sysfs
 * @client: a client of a bridge pool
 *
 * Context: any; does not sleep.
 * Return: the function's PCI name ("0000:21:00.0").
 */
const char *msi_lease_client_name(struct msi_lease_client *client)
{
	return pci_name(container_of(client, struct msi_lease_fn,
				     client)->pdev);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_name);

static void bridge_lease_event(struct msi_lease_pool *pool,
			       const struct msi_lease_lease *lease,
			       enum msi_lease_event event)
{
	static const char * const names[] = {
		[MSI_LEASE_EVENT_GRANT] = "grant",
		[MSI_LEASE_EVENT_END] = "end",
		[MSI_LEASE_EVENT_REVOKE] = "revoke",
		[MSI_LEASE_EVENT_KEPT] = "kept",
	};
	struct msi_lease_bridge *bridge =
		container_of(pool, struct msi_lease_bridge, pool);
	const struct msi_lease_piece *piece = &lease->piece;
	char ev[32], id[40], lender[48], borrower[48], count[24];
	char *envp[6];

	snprintf(ev, sizeof(ev), "MSI_LEASE_EVENT=%s", names[event]);
	snprintf(id, sizeof(id), "MSI_LEASE_ID=%llu", piece->id);
	snprintf(lender, sizeof(lender), "MSI_LEASE_LENDER=%s",
		 piece->lender ? msi_lease_client_name(piece->lender) : "free");
	snprintf(borrower, sizeof(borrower), "MSI_LEASE_BORROWER=%s",
		 msi_lease_client_name(lease->borrower));
	snprintf(count, sizeof(count), "MSI_LEASE_COUNT=%u", piece->count);
	envp[0] = ev;
	envp[1] = id;
	envp[2] = lender;
	envp[3] = borrower;
	envp[4] = count;
	envp[5] = NULL;
	kobject_uevent_env(&bridge->kobj, KOBJ_CHANGE, envp);
}

/*
 * The broker calls this only while the client is enlisted: its driver is
 * bound, so the MSI descriptors exist, and pci_irq_vector() takes their
 * lock against a driver changing them meanwhile.
 */
static int bridge_count(struct msi_lease_pool *pool,
			struct msi_lease_client *client)
{
	enum msi_lease_mode mode;

	return msi_lease_fn_count(container_of(client, struct msi_lease_fn,
					       client)->pdev, &mode);
}

static const struct msi_lease_pool_ops bridge_pool_ops = {
	.event = bridge_lease_event,
	.count = bridge_count,
};

static void pci_leave_action(void *data)
{
	struct msi_lease_fn *fn = data;

	msi_lease_client_retire(&fn->client);
	msi_lease_fn_put(fn);
}

/**
 * msi_lease_pci_join() - let a PCI driver lend and borrow vectors
 * @pdev: the driver's function
 * @ops: its callbacks (see &struct msi_lease_client_ops)
 * @attrs: its initial lending terms; an administrator may change them
 *	through sysfs later
 * @priv: returned by msi_lease_client_priv()
 *
 * The function is already accounted in its host bridge's pool; this
 * makes it a leasing client of that pool.  It leaves again with
 * msi_lease_pci_leave(), or on its own when the driver unbinds (device
 * managed), after the driver's remove() returned.
 *
 * Every vector the driver allocates or frees through the PCI core is
 * admitted and accounted as usual: a borrower binds borrowed vectors
 * with pci_msix_alloc_irq_at() (6.2 and later) or by reallocating all
 * its vectors (6.1), a lender frees lent ones in its release callback.
 *
 * Context: process context, the driver's probe or later; sleeps.
 * Return: the client to pass to msi_lease_borrow() and friends, or an
 * ERR_PTR(): -ENODEV if msi_lease does not know @pdev, -EBUSY if it
 * already joined, -EINVAL for a NULL @ops, -ENOMEM.
 */
struct msi_lease_client *msi_lease_pci_join(struct pci_dev *pdev,
					    const struct msi_lease_client_ops *ops,
					    const struct msi_lease_client_attrs *attrs,
					    void *priv)
{
	struct msi_lease_fn *fn;
	int ret;

	might_sleep();
	if (!ops || !attrs)
		return ERR_PTR(-EINVAL);
	fn = msi_lease_fn_get(pdev);
	if (!fn)
		return ERR_PTR(-ENODEV);
	msi_lease_client_set_table(&fn->client, fn_table(pdev));
	ret = msi_lease_client_enlist(&fn->client, ops, attrs, priv);
	if (ret) {
		msi_lease_fn_put(fn);
		return ERR_PTR(ret);
	}
	/* On failure the action has run: retired, reference dropped. */
	ret = devm_add_action_or_reset(&pdev->dev, pci_leave_action, fn);
	if (ret)
		return ERR_PTR(ret);
	return &fn->client;
}
EXPORT_SYMBOL_GPL(msi_lease_pci_join);

/**
 * msi_lease_pci_leave() - stop lending and borrowing
 * @pdev: the function given to msi_lease_pci_join()
 * @client: what msi_lease_pci_join() returned
 *
 * Every lease of the client ends first (borrower unbinds, lender
 * reclaims: the driver's callbacks run before this returns).
 *
 * Context: process context; sleeps.  Not from a broker callback.
 */
void msi_lease_pci_leave(struct pci_dev *pdev, struct msi_lease_client *client)
{
	might_sleep();
	devm_release_action(&pdev->dev, pci_leave_action,
			    container_of(client, struct msi_lease_fn, client));
}
EXPORT_SYMBOL_GPL(msi_lease_pci_leave);

/**
 * msi_lease_pci_reconfigure() - bracket a full reallocation of vectors
 * @client: what msi_lease_pci_join() returned
 * @begin: true before freeing the vectors, false after allocating anew
 *
 * On kernels without dynamic MSI-X (6.1), a driver changes its number of
 * vectors by freeing them all and allocating the new total; inside the
 * bracket, the vectors it frees stay its own instead of going back to
 * the pool, so the new allocation gets them again.  At the end the
 * function is counted again: what it did not allocate anew goes back.
 *
 * Context: process context; the end may sleep (about 20 ms at most).
 */
void msi_lease_pci_reconfigure(struct msi_lease_client *client, bool begin)
{
	msi_lease_client_hold(client, begin);
}
EXPORT_SYMBOL_GPL(msi_lease_pci_reconfigure);

/**
 * msi_lease_bridge_refresh() - bring every count of a bridge up to date
 * @bridge: the bridge; the caller holds a reference on its kobject
 *
 * Context: process context; takes each function's device lock.
 */
void msi_lease_bridge_refresh(struct msi_lease_bridge *bridge)
{
	struct msi_lease_fn **fns;
	unsigned int nr;

	fns = fns_pin(bridge, &nr);
	fns_refresh_unpin(fns, nr);
}

static int msi_lease_pci_notify(struct notifier_block *nb,
				unsigned long action, void *data)
{
	struct pci_dev *pdev = to_pci_dev(data);
	struct msi_lease_fn *fn;

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		fn_add(pdev);
		break;
	case BUS_NOTIFY_DEL_DEVICE:
		fn_remove(pdev);
		break;
	case BUS_NOTIFY_UNBIND_DRIVER:
		/*
		 * Before remove(): the driver's leases end and it is asked for
		 * nothing more while it tears down.  The device-managed leave
		 * after remove() then finds nothing left to do.
		 */
		fn = msi_lease_fn_get(pdev);
		if (fn) {
			fn_retire(fn);
			msi_lease_fn_put(fn);
		}
		break;
	case BUS_NOTIFY_BOUND_DRIVER:
	case BUS_NOTIFY_UNBOUND_DRIVER:
	case BUS_NOTIFY_DRIVER_NOT_BOUND:
		/* The driver core holds the device lock for these. */
		fn = msi_lease_fn_get(pdev);
		if (fn) {
			/* What a driver asked for leaves with it. */
			if (action != BUS_NOTIFY_BOUND_DRIVER)
				msi_lease_client_forget_demand(&fn->client);
			fn_recount(fn);
			if (action == BUS_NOTIFY_BOUND_DRIVER)
				fn_stock_enlist(fn);
			msi_lease_fn_put(fn);
		}
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block msi_lease_pci_nb = {
	.notifier_call = msi_lease_pci_notify,
};

/* Any function still in the table, unlinked; NULL when none is left. */
static struct msi_lease_fn *fn_unlink_any(void)
{
	struct msi_lease_fn *fn;
	int bkt;

	lockdep_assert_held(&msi_lease_lock);

	hash_for_each(msi_lease_fns, bkt, fn, hnode) {
		fn_unlink(fn);
		return fn;
	}
	return NULL;
}

static void msi_lease_pci_teardown(void)
{
	struct msi_lease_bridge *bridge, *btmp;
	struct msi_lease_fn *fn;
	LIST_HEAD(bridges);

	/* The notifier is gone: nothing adds or removes functions now. */
	for (;;) {
		mutex_lock(&msi_lease_lock);
		fn = fn_unlink_any();
		mutex_unlock(&msi_lease_lock);
		if (!fn)
			break;
		fn_hide(fn);
		msi_lease_fn_put(fn);	/* the table's */
	}
	mutex_lock(&msi_lease_lock);
	list_splice_init(&msi_lease_bridges, &bridges);
	mutex_unlock(&msi_lease_lock);
	list_for_each_entry_safe(bridge, btmp, &bridges, node) {
		list_del_init(&bridge->node);
		bridge_hide(bridge);
		kobject_put(&bridge->kobj);
	}
}

/*
 * debugfs msi_lease/invariants: every pool's books checked against its
 * clients and leases (msi_lease_pool_check()), one "bridge ok|broken"
 * line each.  The fault-injection and stress tests read it after every
 * step.
 */
/*
 * Interrupt activity: every function's vectors are sampled once per idle
 * window (0: not at all).  The sampler never waits for a device lock a
 * driver holds for long (probe, reset): such a function is sampled next
 * time, its window then simply longer.
 */
#define MSI_LEASE_IDLE_WINDOW_MS	10000
/* Bridges rebalanced in one window; more are left for the next. */
#define MSI_LEASE_REBALANCE_BRIDGES	16

static DEFINE_MUTEX(msi_lease_sample_lock);	/* window, sampling, arming */
static DEFINE_MUTEX(msi_lease_window_lock);	/* serialises window changes */
static unsigned int msi_lease_idle_window_ms = MSI_LEASE_IDLE_WINDOW_MS;
static bool msi_lease_sampling;		/* off once teardown began */

static void sample_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(msi_lease_sample_work, sample_work_fn);

static void sample_arm(void)
{
	lockdep_assert_held(&msi_lease_sample_lock);

	if (msi_lease_sampling && msi_lease_idle_window_ms)
		mod_delayed_work(system_unbound_wq, &msi_lease_sample_work,
				 msecs_to_jiffies(msi_lease_idle_window_ms));
}

/*
 * After a window's samples: on each bridge whose rebalance policy is
 * on, the function the policy picks (the most starved) borrows.
 */
static void rebalance_window(struct msi_lease_fn **fns, unsigned int nr)
{
	struct msi_lease_fn *pick[MSI_LEASE_REBALANCE_BRIDGES] = { };
	unsigned int want[MSI_LEASE_REBALANCE_BRIDGES] = { };
	struct msi_lease_bridge *bridges[MSI_LEASE_REBALANCE_BRIDGES] = { };
	struct msi_lease_client_state st;
	unsigned int i, b, w;

	for (i = 0; i < nr; i++) {
		struct msi_lease_fn *fn = fns[i];
		struct msi_lease_rebalance_in in = { };

		if (!READ_ONCE(fn->bridge->rebalance))
			continue;
		msi_lease_client_state(&fn->client, &st);
		in.movable = st.leasing && READ_ONCE(fn->client.stock) &&
			     stock_method(READ_ONCE(fn->method));
		in.unmet = st.unmet;
		in.room = st.room;
		in.borrowed = st.borrowed;
		w = msi_lease_rebalance_window(&fn->rebalance, &in);
		for (b = 0; b < MSI_LEASE_REBALANCE_BRIDGES; b++)
			if (!bridges[b] || bridges[b] == fn->bridge)
				break;
		if (!w || b == MSI_LEASE_REBALANCE_BRIDGES)
			continue;
		bridges[b] = fn->bridge;
		if (w > want[b]) {
			want[b] = w;
			pick[b] = fn;
		}
	}
	/* One move per bridge per window. */
	for (b = 0; b < MSI_LEASE_REBALANCE_BRIDGES && bridges[b]; b++) {
		if (!pick[b])
			continue;
		msi_lease_rebalance_moved(&pick[b]->rebalance);
		stock_borrow(pick[b], want[b]);
	}
}

static void sample_work_fn(struct work_struct *work)
{
	struct msi_lease_fn **fns;
	unsigned int i, nr;

	if (!READ_ONCE(msi_lease_idle_window_ms))
		return;
	fns = fns_pin(NULL, &nr);
	for (i = 0; i < nr; i++) {
		if (device_trylock(&fns[i]->pdev->dev)) {
			msi_lease_activity_sample(fns[i]->activity,
						  fns[i]->pdev);
			device_unlock(&fns[i]->pdev->dev);
		}
		cond_resched();
	}
	rebalance_window(fns, nr);
	for (i = 0; i < nr; i++)
		msi_lease_fn_put(fns[i]);
	kfree(fns);

	mutex_lock(&msi_lease_sample_lock);
	sample_arm();
	mutex_unlock(&msi_lease_sample_lock);
}

/**
 * msi_lease_bridge_rebalance() - whether a bridge's rebalance policy is on
 * @bridge: the bridge
 *
 * Return: true if it moves vectors to starved functions by itself.
 */
bool msi_lease_bridge_rebalance(struct msi_lease_bridge *bridge)
{
	return READ_ONCE(bridge->rebalance);
}

/**
 * msi_lease_bridge_set_rebalance() - turn a bridge's rebalance policy on
 * @bridge: the bridge
 * @on: true to move vectors to starved functions every idle window
 *
 * Turning it off stops new moves; running leases end at their expiry.
 */
void msi_lease_bridge_set_rebalance(struct msi_lease_bridge *bridge, bool on)
{
	WRITE_ONCE(bridge->rebalance, on);
}

/**
 * msi_lease_pci_idle_window() - how often vectors' interrupts are sampled
 *
 * Return: the idle window in milliseconds, 0 if sampling is off.
 */
unsigned int msi_lease_pci_idle_window(void)
{
	return READ_ONCE(msi_lease_idle_window_ms);
}

/**
 * msi_lease_pci_set_idle_window() - sample vectors' interrupts every @ms
 * @ms: the idle window in milliseconds, 0 to stop sampling
 *
 * A new window starts now: every function is sampled at once, and then
 * every @ms.  When sampling stops, no sample is taken after this returns.
 *
 * Context: process context; may wait for a sample in progress.
 */
void msi_lease_pci_set_idle_window(unsigned int ms)
{
	might_sleep();
	/* Another change cannot re-arm between this one's stop and cancel. */
	mutex_lock(&msi_lease_window_lock);
	mutex_lock(&msi_lease_sample_lock);
	WRITE_ONCE(msi_lease_idle_window_ms, ms);
	if (msi_lease_sampling && ms)
		mod_delayed_work(system_unbound_wq, &msi_lease_sample_work, 0);
	mutex_unlock(&msi_lease_sample_lock);
	if (!ms)
		cancel_delayed_work_sync(&msi_lease_sample_work);
	mutex_unlock(&msi_lease_window_lock);
}

static void sample_start(void)
{
	mutex_lock(&msi_lease_sample_lock);
	msi_lease_sampling = true;
	if (msi_lease_idle_window_ms)
		mod_delayed_work(system_unbound_wq, &msi_lease_sample_work, 0);
	mutex_unlock(&msi_lease_sample_lock);
}

static void sample_stop(void)
{
	mutex_lock(&msi_lease_sample_lock);
	msi_lease_sampling = false;
	mutex_unlock(&msi_lease_sample_lock);
	cancel_delayed_work_sync(&msi_lease_sample_work);
}

static struct dentry *msi_lease_debugfs;

static int invariants_show(struct seq_file *m, void *unused)
{
	struct msi_lease_bridge *bridge;

	mutex_lock(&msi_lease_lock);
	list_for_each_entry(bridge, &msi_lease_bridges, node)
		seq_printf(m, "%s %s\n", dev_name(&bridge->host->dev),
			   msi_lease_pool_check(&bridge->pool) ? "broken" : "ok");
	mutex_unlock(&msi_lease_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(invariants);

/**
 * msi_lease_pci_init() - account every PCI function present and to come
 * @view: where to show bridges and functions
 *
 * The notifier goes in first so no function added meanwhile is missed
 * (fn_add() is idempotent); the walk runs under the rescan/remove lock so
 * no function is removed between being found and being accounted.
 *
 * Return: 0 or a negative errno, with nothing left behind.
 */
int msi_lease_pci_init(const struct msi_lease_view *view)
{
	struct pci_dev *pdev = NULL;
	struct msi_lease_fn **fns;
	unsigned int nr;
	int ret;

	msi_lease_view = *view;
	ret = bus_register_notifier(&pci_bus_type, &msi_lease_pci_nb);
	if (ret)
		return ret;

	pci_lock_rescan_remove();
	for_each_pci_dev(pdev) {
		ret = fn_add(pdev);
		if (ret) {
			pci_dev_put(pdev);
			break;
		}
	}
	pci_unlock_rescan_remove();
	if (ret)
		goto fail;

	fns = fns_pin(NULL, &nr);
	fns_refresh_unpin(fns, nr);
	msi_lease_debugfs = debugfs_create_dir("msi_lease", NULL);
	debugfs_create_file("invariants", 0400, msi_lease_debugfs, NULL,
			    &invariants_fops);
	sample_start();
	return 0;

fail:
	bus_unregister_notifier(&pci_bus_type, &msi_lease_pci_nb);
	msi_lease_pci_teardown();
	return ret;
}

/**
 * msi_lease_pci_exit() - stop accounting and drop every reference
 */
void msi_lease_pci_exit(void)
{
	sample_stop();
	debugfs_remove_recursive(msi_lease_debugfs);
	/* Waits for notifier calls in flight. */
	bus_unregister_notifier(&pci_bus_type, &msi_lease_pci_nb);
	msi_lease_pci_teardown();
}
