// SPDX-License-Identifier: GPL-2.0
/*
 * Fake devices for the msi_lease KUnit suites: see fdev.h.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "fdev.h"
#include "helpers.h"

/* Allocate @n vectors as pci_msix_alloc_irq_at() under the hook would. */
int fdev_alloc(struct fdev *d, unsigned int n)
{
	unsigned int reserved, before = d->real;
	int got;

	lockdep_assert_held(&d->lock);
	if (d->real + n > d->table)
		return -EBUSY;	/* no free table entry */
	got = msi_lease_client_admit(&d->c, d->real, n, n, &reserved);
	if (got < 0)
		return got;
	WRITE_ONCE(d->real, d->real + n);
	msi_lease_client_settle(&d->c, MSI_LEASE_MODE_MSIX, before, d->real,
				reserved);
	return 0;
}

void fdev_free(struct fdev *d, unsigned int n)
{
	unsigned int before = d->real;

	lockdep_assert_held(&d->lock);
	n = min(n, d->real);
	WRITE_ONCE(d->real, d->real - n);
	msi_lease_client_settle(&d->c, MSI_LEASE_MODE_MSIX, before, d->real, 0);
}

/* A sysfs reader's re-count, as pci.c does it. */
void fdev_recount(struct fdev *d)
{
	unsigned long gen = msi_lease_client_changes(&d->c);
	unsigned int n = READ_ONCE(d->real);

	/* A reader may be overtaken here, as a sysfs reader can be. */
	if (get_random_u32_below(4) == 0)
		usleep_range(50, 100);
	msi_lease_client_recount(&d->c, n ? MSI_LEASE_MODE_MSIX :
				 MSI_LEASE_MODE_NONE, n, gen);
}

struct fbound *fdev_bound(struct fdev *d, u64 id)
{
	unsigned int i;

	for (i = 0; i < MAX_BOUND; i++)
		if (d->bound[i].id == id)
			return &d->bound[i];
	return NULL;
}

static int f_offer(struct msi_lease_client *lender,
		   const struct msi_lease_ask *ask, struct msi_lease_offer *offer)
{
	offer->nr_tiers = 1;
	offer->tiers[0].count = ask->count;
	offer->tiers[0].duration_ns = ask->duration_ns;
	return 0;
}

static int f_release(struct msi_lease_client *lender, unsigned int count)
{
	struct fdev *d = to_fdev(lender);

	if (d->release_ret)
		return d->release_ret;
	if (d->lie_on_release)
		return 0;
	mutex_lock(&d->lock);
	if (count > d->own) {
		d->release_short++;
		mutex_unlock(&d->lock);
		return -EBUSY;
	}
	d->own -= count;
	fdev_free(d, count);
	mutex_unlock(&d->lock);
	if (d->block_release)
		wait_for_completion(d->block_release);
	return 0;
}

static void f_reclaim(struct msi_lease_client *lender, unsigned int count)
{
	struct fdev *d = to_fdev(lender);
	int ret;

	if (d->block_reclaim)
		wait_for_completion(d->block_reclaim);
	mutex_lock(&d->lock);
	ret = fdev_alloc(d, count);
	if (ret) {
		struct msi_lease_client_state st;

		msi_lease_client_state(&d->c, &st);
		pr_err("fdev: cannot take back %u: %d (real %u own %u table %u; held %u lent %u borrowed %u)\n",
		       count, ret, d->real, d->own, d->table, st.held, st.lent,
		       st.borrowed);
		d->reclaim_failed += count;
	} else {
		d->own += count;
		d->reclaimed += count;
	}
	mutex_unlock(&d->lock);
}

static void f_lease_end(struct msi_lease_client *borrower,
			const struct msi_lease_piece *piece)
{
	struct fdev *d = to_fdev(borrower);
	struct fbound *b;

	if (d->block_end)
		wait_for_completion(d->block_end);
	mutex_lock(&d->lock);
	b = fdev_bound(d, piece->id);
	if (b && !d->keep_on_end) {
		fdev_free(d, b->count);
		b->id = 0;
	}
	d->ended++;
	mutex_unlock(&d->lock);
}

static bool f_renew(struct msi_lease_client *lender,
		    const struct msi_lease_piece *piece, u64 extra_ns)
{
	return true;
}

static void f_recalled(struct msi_lease_client *borrower,
		       const struct msi_lease_piece *piece, u64 grace_ns)
{
	struct fdev *d = to_fdev(borrower);

	if (d->block_recalled)
		wait_for_completion(d->block_recalled);
}

const struct msi_lease_client_ops fdev_ops = {
	.offer = f_offer,
	.release = f_release,
	.reclaim = f_reclaim,
	.lease_end = f_lease_end,
	.renew = f_renew,
	.recalled = f_recalled,
};

/*
 * A stock driver, which lends and borrows only by re-allocation: it frees
 * its whole table and asks for all it wants (@wants), from a work item
 * (as nvme does from its reset work) while the broker's task waits, and
 * takes what admission gives.  Its reset lock (@reset) keeps its other
 * re-allocations away meanwhile.
 */
struct fstock_work {
	struct work_struct work;
	struct fdev *d;
	int ret;
};

static void fstock_realloc(struct work_struct *work)
{
	struct fstock_work *sw = container_of(work, struct fstock_work, work);
	struct fdev *d = sw->d;
	unsigned int n = d->wants;

	mutex_lock(&d->lock);
	fdev_free(d, d->real);
	if (d->between)
		d->between(d);
	sw->ret = -ENOSPC;
	if (d->fail_reallocs)
		d->fail_reallocs--;
	else
		/* Like a driver: fewer if refused, down to one. */
		for (; n && sw->ret; n--)
			sw->ret = fdev_alloc(d, n);
	d->own = d->real;
	mutex_unlock(&d->lock);
}

static int fstock_run(struct fdev *d)
{
	struct fstock_work sw = { .d = d };

	lockdep_assert_held(&d->reset);
	msi_lease_client_drive(&d->c, true);
	INIT_WORK_ONSTACK(&sw.work, fstock_realloc);
	queue_work(system_unbound_wq, &sw.work);
	flush_work(&sw.work);
	destroy_work_on_stack(&sw.work);
	msi_lease_client_drive(&d->c, false);
	return sw.ret;
}

/*
 * After a re-allocation: it has at least what it asked for, or all that
 * is its to use (its own not lent, and what it borrowed), whatever else
 * (a release, a reclaim waiting for its reset lock) the re-allocation
 * also did.  Otherwise log it and return true.  Only where nobody
 * borrows for it meanwhile (strict): a grant booked during the
 * re-allocation raises what it may use after it.
 */
static bool fstock_short(struct fdev *d, const char *what, unsigned int count)
{
	struct msi_lease_client_state st;
	unsigned int group;

	if (!d->strict)
		return false;
	msi_lease_client_state(&d->c, &st);
	group = st.held - st.lent + st.borrowed;
	if (d->real >= min(d->wants, group))
		return false;
	pr_err("fdev: stock %s of %u: has %u, wants %u (held %u lent %u borrowed %u cap %u)\n",
	       what, count, d->real, d->wants, st.held, st.lent, st.borrowed,
	       st.cap);
	return true;
}

static int fstock_release(struct msi_lease_client *lender, unsigned int count)
{
	struct fdev *d = to_fdev(lender);
	int ret = -EBUSY;

	mutex_lock(&d->reset);
	if (count > READ_ONCE(d->own))
		d->release_short++;
	else
		ret = fstock_run(d);
	mutex_unlock(&d->reset);
	return ret;
}

static void fstock_reclaim(struct msi_lease_client *lender, unsigned int count)
{
	struct fdev *d = to_fdev(lender);

	mutex_lock(&d->reset);
	if (fstock_run(d) || fstock_short(d, "reclaim", count))
		d->reclaim_failed += count;
	else
		d->reclaimed += count;
	mutex_unlock(&d->reset);
}

/* Still asking for all it wants, it gets all but the lease. */
static void fstock_lease_end(struct msi_lease_client *borrower,
			     const struct msi_lease_piece *piece)
{
	struct fdev *d = to_fdev(borrower);

	mutex_lock(&d->reset);
	fstock_run(d);
	d->ended++;
	mutex_unlock(&d->reset);
}

/*
 * Bind a grant: re-allocate, held, so what it frees of its own in
 * between stays its own.  The leases cannot end meanwhile (their
 * lease_end waits for the reset lock).
 */
static int fstock_bind(struct fdev *d, const struct msi_lease_grant *grant)
{
	int ret = 0;

	msi_lease_client_hold(&d->c, true);
	mutex_lock(&d->reset);
	fstock_run(d);
	if (fstock_short(d, "bind", grant->count)) {
		d->bind_failed++;
		ret = -ENOSPC;
	}
	mutex_unlock(&d->reset);
	msi_lease_client_hold(&d->c, false);
	return ret;
}

const struct msi_lease_client_ops fdev_stock_ops = {
	.offer = f_offer,
	.release = fstock_release,
	.reclaim = fstock_reclaim,
	.lease_end = fstock_lease_end,
};

/*
 * The broker counting a device's vectors.  A test may have the driver
 * act once right after the count, as another of its threads could.
 */
static int fworld_count(struct msi_lease_pool *pool,
			struct msi_lease_client *client)
{
	struct fworld *w = container_of(pool, struct fworld, pool);
	struct fdev *d = to_fdev(client);
	int n = READ_ONCE(d->real);
	void (*fn)(struct fdev *d) = w->after_count;

	if (fn && w->after_count_dev == d) {
		w->after_count = NULL;
		fn(d);
	}
	return n;
}

static void fworld_event(struct msi_lease_pool *pool,
			 const struct msi_lease_lease *lease,
			 enum msi_lease_event event)
{
	if (event == MSI_LEASE_EVENT_KEPT)
		atomic_inc(&container_of(pool, struct fworld, pool)->kept_events);
}

static const struct msi_lease_pool_ops fworld_ops = {
	.event = fworld_event,
	.count = fworld_count,
};

static void fworld_exit(void *data)
{
	struct fworld *w = data;
	unsigned int i;

	for (i = w->nr_devs; i--; )
		msi_lease_test_leave(&w->devs[i]->c);
	for (i = 0; i < w->nr_devs; i++)
		kfree(w->devs[i]);
}

struct fworld *fworld_new(struct kunit *test)
{
	struct fworld *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, w);
	w->test = test;
	msi_lease_pool_init(&w->pool, MSI_LEASE_UNLIMITED);
	w->pool.ops = &fworld_ops;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fworld_exit, w),
			0);
	return w;
}

/* A device with a @table-entry MSI-X table that allocated @own vectors. */
struct fdev *fdev_new(struct fworld *w, unsigned int table,
		      unsigned int own)
{
	struct msi_lease_client_attrs attrs = {
		.cooperative = true, .floor = 1, .max_lend = 64,
	};
	struct fdev *d = kzalloc(sizeof(*d), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(w->test, d);
	KUNIT_ASSERT_LT(w->test, w->nr_devs, NR_DEVS);
	w->devs[w->nr_devs++] = d;
	d->w = w;
	mutex_init(&d->lock);
	mutex_init(&d->reset);
	d->table = table;
	msi_lease_client_init(&d->c);
	d->c.table = table;
	msi_lease_pool_attach(&w->pool, &d->c);
	mutex_lock(&d->lock);
	KUNIT_ASSERT_EQ(w->test, fdev_alloc(d, own), 0);
	d->own = own;
	mutex_unlock(&d->lock);
	msi_lease_client_enlist(&d->c, &fdev_ops, &attrs, d);
	return d;
}

/* A device whose driver the broker lends from by re-allocating it. */
struct fdev *fdev_new_stock(struct fworld *w, unsigned int table,
			    unsigned int own)
{
	struct msi_lease_client_attrs attrs = {
		.cooperative = true, .floor = 1, .max_lend = 64,
	};
	struct fdev *d = fdev_new(w, table, own);

	d->wants = own;
	d->mine = own;
	d->strict = true;
	msi_lease_client_retire(&d->c);
	msi_lease_client_set_stock(&d->c, true);
	msi_lease_client_enlist(&d->c, &fdev_stock_ops, &attrs, d);
	return d;
}

/* The driver stops leasing (every lease of its ends) and joins again. */
void fdev_rejoin(struct fdev *d)
{
	struct msi_lease_client_attrs attrs = {
		.cooperative = true, .floor = 1, .max_lend = 64,
	};

	msi_lease_client_retire(&d->c);
	msi_lease_client_enlist(&d->c, d->wants ? &fdev_stock_ops : &fdev_ops,
				&attrs, d);
}

/* The whole pool is in use: nothing is free. */
void fworld_budget_is_use(struct fworld *w)
{
	struct msi_lease_pool_conf conf;

	msi_lease_pool_get_conf(&w->pool, &conf);
	conf.budget = w->pool.held;
	KUNIT_ASSERT_EQ(w->test, msi_lease_pool_configure(&w->pool, &conf), 0);
}

/*
 * Bind what was granted, as a driver does after the grant.  Return: 0,
 * or the error of the last piece that could not be bound (counted in
 * @d->bind_failed).
 */
int fdev_bind(struct fdev *d, const struct msi_lease_grant *grant)
{
	unsigned int i;
	int ret = 0, err;

	if (d->wants)
		return fstock_bind(d, grant);
	mutex_lock(&d->lock);
	for (i = 0; i < grant->nr_pieces; i++) {
		const struct msi_lease_piece *p = &grant->pieces[i];
		struct fbound *b;

		if (!msi_lease_active(&d->c, p->id))
			continue;
		b = fdev_bound(d, 0);
		err = b ? fdev_alloc(d, p->count) : -EMFILE;
		if (err) {
			pr_err("fdev: lease %llu: cannot bind %u: %d (real %u table %u)\n",
			       p->id, p->count, err, d->real, d->table);
			d->bind_failed++;
			ret = err;
			continue;
		}
		b->id = p->id;
		b->count = p->count;
	}
	mutex_unlock(&d->lock);
	return ret;
}

/* Borrow and bind what was granted. */
int fdev_borrow(struct fdev *d, unsigned int count, u64 ns,
		bool partial)
{
	struct msi_lease_request req = {
		.count = count, .duration_ns = ns, .accept_partial = partial,
	};
	struct msi_lease_grant grant;
	int ret;

	ret = msi_lease_borrow(&d->c, &req, &grant);
	if (ret)
		return ret;
	fdev_bind(d, &grant);
	msi_lease_grant_free(&grant);
	return 0;
}

u64 fworld_first_lease(struct fworld *w)
{
	struct msi_lease_lease *lease;
	u64 id = 0;

	spin_lock(&w->pool.lock);
	lease = list_first_entry_or_null(&w->pool.leases,
					 struct msi_lease_lease, pool_node);
	if (lease)
		id = lease->piece.id;
	spin_unlock(&w->pool.lock);
	return id;
}

/* The id of an active lease @borrower holds, 0 if none. */
u64 fworld_lease_of(struct fworld *w, struct msi_lease_client *borrower)
{
	struct msi_lease_lease *lease;
	u64 id = 0;

	spin_lock(&w->pool.lock);
	list_for_each_entry(lease, &w->pool.leases, pool_node)
		if (lease->borrower == borrower && lease->active) {
			id = lease->piece.id;
			break;
		}
	spin_unlock(&w->pool.lock);
	return id;
}

struct msi_lease_lease *fworld_lease_by_id(struct fworld *w, u64 id)
{
	struct msi_lease_lease *lease;

	list_for_each_entry(lease, &w->pool.leases, pool_node)
		if (lease->piece.id == id)
			return lease;
	return NULL;
}

/*
 * With every lease over, each device has exactly its own vectors again,
 * the broker agrees with every device, and nothing failed to come home.
 */
void fworld_expect_whole(struct kunit *test, struct fworld *w,
			 const unsigned int *own)
{
	unsigned int i;

	KUNIT_ASSERT_TRUE(test, msi_lease_test_wait_no_leases(&w->pool, 5000));
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&w->pool), 0);
	for (i = 0; i < w->nr_devs; i++) {
		struct fdev *d = w->devs[i];

		KUNIT_EXPECT_EQ_MSG(test, d->real, own[i], "device %u", i);
		KUNIT_EXPECT_EQ_MSG(test, d->own, own[i], "device %u", i);
		KUNIT_EXPECT_EQ_MSG(test, msi_lease_client_held(&d->c, NULL),
				    d->real, "device %u", i);
		KUNIT_EXPECT_EQ_MSG(test, d->reclaim_failed, 0, "device %u", i);
		KUNIT_EXPECT_EQ_MSG(test, d->release_short, 0, "device %u", i);
	}
}
