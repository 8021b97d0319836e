// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the life of a lease under faults and concurrency, with
 * fake devices that really allocate and free: each has an MSI-X table of
 * a fixed size and a count of allocated vectors, and every allocation or
 * free goes through msi_lease_client_admit() and msi_lease_client_settle()
 * exactly as the PCI hooks do.  A vector lost here is lost for good, as
 * on a real device: the tests check the devices, not only the books.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/prandom.h>

#include "compat.h"
#include "helpers.h"
#include "pool.h"

MSI_LEASE_IMPORT_KUNIT_NS();

#define MS		(1000ULL * 1000)
#define DAY		(24ULL * 3600 * 1000 * MS)
#define MAX_BOUND	64
#define NR_DEVS		4

struct fdev;

struct fworld {
	struct kunit *test;
	struct msi_lease_pool pool;
	struct fdev *devs[NR_DEVS];
	unsigned int nr_devs;
	atomic_t kept_events;
};

/* What a borrower has bound of one lease. */
struct fbound {
	u64 id;
	unsigned int count;
};

struct fdev {
	struct msi_lease_client c;
	struct fworld *w;
	struct mutex lock;		/* the "driver's" lock: everything below */
	unsigned int table;
	unsigned int real;		/* vectors allocated on the device */
	unsigned int own;		/* of them, the driver's own */
	struct fbound bound[MAX_BOUND];
	/* misbehaviour */
	bool keep_on_end;		/* lease_end frees nothing */
	bool lie_on_release;		/* release says yes, frees nothing */
	int release_ret;
	struct completion *block_reclaim, *block_recalled, *block_end;
	/* observations */
	unsigned int reclaim_failed, bind_failed, reclaimed, ended;
	unsigned int release_short;	/* asked for more than it had */
};

static struct fdev *to_fdev(struct msi_lease_client *c)
{
	return container_of(c, struct fdev, c);
}

/* Allocate @n vectors as pci_msix_alloc_irq_at() under the hook would. */
static int fdev_alloc(struct fdev *d, unsigned int n)
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

static void fdev_free(struct fdev *d, unsigned int n)
{
	unsigned int before = d->real;

	lockdep_assert_held(&d->lock);
	n = min(n, d->real);
	WRITE_ONCE(d->real, d->real - n);
	msi_lease_client_settle(&d->c, MSI_LEASE_MODE_MSIX, before, d->real, 0);
}

/* A sysfs reader's re-count, as pci.c does it. */
static void fdev_recount(struct fdev *d)
{
	unsigned long gen = msi_lease_client_changes(&d->c);
	unsigned int n = READ_ONCE(d->real);

	/* A reader may be overtaken here, as a sysfs reader can be. */
	if (get_random_u32_below(4) == 0)
		usleep_range(50, 100);
	msi_lease_client_recount(&d->c, n ? MSI_LEASE_MODE_MSIX :
				 MSI_LEASE_MODE_NONE, n, gen);
}

static struct fbound *fdev_bound(struct fdev *d, u64 id)
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
	return 0;
}

static void f_reclaim(struct msi_lease_client *lender, unsigned int count)
{
	struct fdev *d = to_fdev(lender);

	if (d->block_reclaim)
		wait_for_completion(d->block_reclaim);
	mutex_lock(&d->lock);
	if (fdev_alloc(d, count)) {
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

static const struct msi_lease_client_ops f_ops = {
	.offer = f_offer,
	.release = f_release,
	.reclaim = f_reclaim,
	.lease_end = f_lease_end,
	.renew = f_renew,
	.recalled = f_recalled,
};

static int fworld_count(struct msi_lease_pool *pool,
			struct msi_lease_client *client)
{
	return READ_ONCE(to_fdev(client)->real);
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
		msi_lease_client_leave(&w->devs[i]->c);
	for (i = 0; i < w->nr_devs; i++)
		kfree(w->devs[i]);
}

static struct fworld *new_fworld(struct kunit *test)
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
static struct fdev *new_fdev(struct fworld *w, unsigned int table,
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
	d->table = table;
	msi_lease_client_init(&d->c);
	d->c.table = table;
	msi_lease_pool_attach(&w->pool, &d->c);
	mutex_lock(&d->lock);
	KUNIT_ASSERT_EQ(w->test, fdev_alloc(d, own), 0);
	d->own = own;
	mutex_unlock(&d->lock);
	msi_lease_client_enlist(&d->c, &f_ops, &attrs, d);
	return d;
}

/* The whole pool is in use: nothing is free. */
static void budget_is_use(struct fworld *w)
{
	struct msi_lease_pool_conf conf;

	msi_lease_pool_get_conf(&w->pool, &conf);
	conf.budget = w->pool.held;
	KUNIT_ASSERT_EQ(w->test, msi_lease_pool_configure(&w->pool, &conf), 0);
}

/* Borrow and bind what was granted, as a driver does after the grant. */
static int fdev_borrow(struct fdev *d, unsigned int count, u64 ns,
		       bool partial)
{
	struct msi_lease_request req = {
		.count = count, .duration_ns = ns, .accept_partial = partial,
	};
	struct msi_lease_grant grant;
	unsigned int i;
	int ret;

	ret = msi_lease_borrow(&d->c, &req, &grant);
	if (ret)
		return ret;
	mutex_lock(&d->lock);
	for (i = 0; i < grant.nr_pieces; i++) {
		const struct msi_lease_piece *p = &grant.pieces[i];
		struct fbound *b;

		if (!msi_lease_active(&d->c, p->id))
			continue;
		b = fdev_bound(d, 0);
		if (!b || fdev_alloc(d, p->count)) {
			d->bind_failed++;
			continue;
		}
		b->id = p->id;
		b->count = p->count;
	}
	mutex_unlock(&d->lock);
	msi_lease_grant_free(&grant);
	return 0;
}

static u64 first_lease(struct fworld *w)
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
static u64 lease_of(struct fworld *w, struct msi_lease_client *borrower)
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

static struct msi_lease_lease *lease_by_id(struct fworld *w, u64 id)
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
static void expect_whole(struct kunit *test, struct fworld *w,
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

/*
 * The storm's loser: B (8-entry table, 6 own) lends 2 to C, then borrows
 * from A until its table is full.  Its loan to C must still fit when it
 * comes home, so the broker grants B nothing that needs those entries.
 */
static void lender_that_borrows_gets_back(struct kunit *test)
{
	static const unsigned int own[] = { 4, 6, 2 };
	struct fworld *w = new_fworld(test);
	struct fdev *a = new_fdev(w, 8, 4);
	struct fdev *b = new_fdev(w, 8, 6);
	struct fdev *c = new_fdev(w, 8, 2);

	budget_is_use(w);
	/* C borrows 2 from B. */
	a->c.attrs.cooperative = false;
	c->c.attrs.cooperative = false;
	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 2, 300 * MS, false), 0);
	KUNIT_ASSERT_EQ(test, b->real, 4);
	/* B borrows from A: 6 own (2 of them lent) + 2 borrowed fill 8. */
	a->c.attrs.cooperative = true;
	b->c.attrs.cooperative = false;
	KUNIT_ASSERT_EQ(test, fdev_borrow(b, 2, 100 * MS, false), 0);
	KUNIT_EXPECT_EQ(test, fdev_borrow(b, 2, 100 * MS, false), -ENOSPC);
	KUNIT_EXPECT_EQ(test, b->bind_failed, 0);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&w->pool), 0);
	expect_whole(test, w, own);
}

/*
 * A lender released, the next one failed: the first gets its vectors
 * back although the pool is full (its loan is unbooked before it
 * re-allocates, and it is held meanwhile).
 */
static void rollback_gives_lender_back(struct kunit *test)
{
	static const unsigned int own[] = { 5, 5, 3 };
	struct fworld *w = new_fworld(test);
	struct fdev *a = new_fdev(w, 8, 5);
	struct fdev *d = new_fdev(w, 8, 5);
	struct fdev *c = new_fdev(w, 16, 3);
	struct msi_lease_request req = {
		.count = 6, .duration_ns = DAY,
		.policy = MSI_LEASE_POLICY_EVEN_SPREAD,
	};
	struct msi_lease_grant grant;

	budget_is_use(w);
	d->release_ret = -EIO;
	KUNIT_EXPECT_EQ(test, msi_lease_borrow(&c->c, &req, &grant), -EIO);
	KUNIT_EXPECT_EQ(test, a->reclaimed, 3);
	d->release_ret = 0;
	expect_whole(test, w, own);
}

/*
 * A lender's loan ended and its reclaim has not run yet: the vectors are
 * its own again but not allocated, so nobody may ask it to release them
 * (it would have to "release" vectors it does not have, and its reclaim
 * then finds the pool full).
 */
static void returning_vectors_not_lent(struct kunit *test)
{
	static const unsigned int own[] = { 4, 2, 3 };
	struct fworld *w = new_fworld(test);
	struct fdev *a = new_fdev(w, 8, 4);
	struct fdev *c = new_fdev(w, 8, 2);
	struct fdev *d = new_fdev(w, 8, 3);
	DECLARE_COMPLETION_ONSTACK(go);
	int ret;

	budget_is_use(w);
	d->c.attrs.cooperative = false;
	c->c.attrs.cooperative = false;
	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 2, 10 * MS, false), 0);
	a->block_reclaim = &go;
	msleep(100);		/* C's lease ended; A's reclaim waits */
	/* A has 2 of its 4 allocated: it can lend those 2, not 3. */
	ret = fdev_borrow(d, 3, DAY, true);
	complete(&go);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, d->real, 5);
	KUNIT_EXPECT_EQ(test, a->release_short, 0);
	a->block_reclaim = NULL;
	KUNIT_EXPECT_EQ(test, msi_lease_return(&d->c, lease_of(w, &d->c)), 0);
	expect_whole(test, w, own);
}

/* A lender that says it released but did not: the borrow fails. */
static void lender_that_keeps_is_refused(struct kunit *test)
{
	static const unsigned int own[] = { 4, 2 };
	struct fworld *w = new_fworld(test);
	struct fdev *a = new_fdev(w, 8, 4);
	struct fdev *c = new_fdev(w, 8, 2);

	budget_is_use(w);
	a->lie_on_release = true;
	KUNIT_EXPECT_EQ(test, fdev_borrow(c, 2, DAY, false), -EBUSY);
	KUNIT_EXPECT_EQ(test, c->real, 2);
	a->lie_on_release = false;
	expect_whole(test, w, own);
}

/* A borrower that keeps vectors after lease_end is charged and told. */
static void borrower_that_keeps_is_charged(struct kunit *test)
{
	struct fworld *w = new_fworld(test);
	struct fdev *a = new_fdev(w, 8, 4);
	struct fdev *c = new_fdev(w, 8, 2);
	struct msi_lease_client_state st;
	u64 id;

	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 2, DAY, false), 0);
	KUNIT_ASSERT_EQ(test, c->real, 4);
	c->keep_on_end = true;
	id = first_lease(w);
	KUNIT_ASSERT_EQ(test, msi_lease_return(&c->c, id), 0);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(&c->c, NULL), c->real);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(&a->c, NULL), a->real);
	msi_lease_client_state(&c->c, &st);
	KUNIT_EXPECT_EQ(test, st.kept, 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&w->kept_events), 1);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&w->pool), 0);
}

/* Without a budget, a leasing client's growth is still its own. */
static void unlimited_growth_is_booked(struct kunit *test)
{
	struct fworld *w = new_fworld(test);
	struct fdev *c = new_fdev(w, 16, 2);

	new_fdev(w, 8, 4);
	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 2, 50 * MS, false), 0);
	mutex_lock(&c->lock);
	KUNIT_ASSERT_EQ(test, fdev_alloc(c, 3), 0);
	c->own += 3;
	mutex_unlock(&c->lock);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(&c->c, NULL), c->real);
	KUNIT_ASSERT_TRUE(test, msi_lease_test_wait_no_leases(&w->pool, 2000));
	KUNIT_EXPECT_EQ(test, c->real, 5);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(&c->c, NULL), 5);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&w->pool), 0);
}

/* A borrower unbinding borrowed vectors early keeps its own. */
static void early_unbind_keeps_own(struct kunit *test)
{
	struct fworld *w = new_fworld(test);
	struct fdev *c = new_fdev(w, 8, 2);
	struct fbound *b;

	new_fdev(w, 8, 4);
	budget_is_use(w);
	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 2, DAY, false), 0);
	mutex_lock(&c->lock);
	b = fdev_bound(c, first_lease(w));
	KUNIT_ASSERT_NOT_NULL(test, b);
	fdev_free(c, b->count);
	b->id = 0;
	mutex_unlock(&c->lock);
	/* Nothing went back to the pool: the lease still holds them. */
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(&c->c, NULL), 4);
	KUNIT_EXPECT_EQ(test, w->pool.held, w->pool.budget);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&w->pool), 0);
}

/*
 * A reader counted, then the driver allocated and settled, then the
 * reader books its count: the stale count must not undo the allocation.
 */
static void stale_recount_is_dropped(struct kunit *test)
{
	struct fworld *w = new_fworld(test);
	struct fdev *a = new_fdev(w, 8, 4);
	unsigned long gen = msi_lease_client_changes(&a->c);
	unsigned int n = a->real;

	mutex_lock(&a->lock);
	KUNIT_ASSERT_EQ(test, fdev_alloc(a, 2), 0);
	a->own += 2;
	mutex_unlock(&a->lock);
	msi_lease_client_recount(&a->c, MSI_LEASE_MODE_MSIX, n, gen);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(&a->c, NULL), 6);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&w->pool), 0);
}

/* Counts near INT_MAX never wrap. */
static void huge_counts_do_not_wrap(struct kunit *test)
{
	struct fworld *w = new_fworld(test);
	struct fdev *c = new_fdev(w, 8, 2);
	struct msi_lease_request req = {
		.count = INT_MAX, .duration_ns = DAY, .accept_partial = true,
	};
	struct msi_lease_grant grant;

	c->c.table = MSI_LEASE_UNLIMITED;
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &req, &grant), 0);
	KUNIT_EXPECT_EQ(test, grant.count, INT_MAX - 2);
	msi_lease_grant_free(&grant);
	KUNIT_EXPECT_EQ(test, msi_lease_borrow(&c->c, &req, &grant), -ENOSPC);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&w->pool), 0);
	KUNIT_EXPECT_EQ(test, msi_lease_return(&c->c, first_lease(w)), 0);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&w->pool), 0);
}

/* The pool's list holds the last reference of a running lease. */
static void lease_not_last(struct kref *ref)
{
	WARN_ON_ONCE(1);
}

/*
 * The longest durations neither wrap (a lease ending at once) nor end
 * early when the timer fires before the lease is due (the timer wheel's
 * range is shorter than a long lease).
 */
static void huge_durations_do_not_wrap(struct kunit *test)
{
	struct fworld *w = new_fworld(test);
	struct fdev *a = new_fdev(w, 8, 4);
	struct fdev *c = new_fdev(w, 8, 2);
	struct msi_lease_request req = { .count = 1, .duration_ns = DAY };
	struct msi_lease_grant grant;
	struct msi_lease_lease *lease;
	u64 id;

	budget_is_use(w);
	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 1, U64_MAX, false), 0);
	id = first_lease(w);
	msleep(50);
	KUNIT_EXPECT_TRUE(test, msi_lease_active(&c->c, id));
	KUNIT_EXPECT_EQ(test, msi_lease_renew(&c->c, id, U64_MAX), -EPERM);
	KUNIT_EXPECT_EQ(test, msi_lease_recall(&a->c, id, U64_MAX), 0);
	KUNIT_EXPECT_TRUE(test, msi_lease_active(&c->c, id));

	/* The timer fires long before the lease is due: it waits again. */
	spin_lock(&w->pool.lock);
	lease = lease_by_id(w, id);
	KUNIT_ASSERT_NOT_NULL(test, lease);
	KUNIT_EXPECT_GT(test, ktime_to_ns(lease->piece.expires),
			ktime_get_ns() + 365 * DAY);
	kref_get(&lease->ref);
	spin_unlock(&w->pool.lock);
	mod_delayed_work(system_wq, &lease->end, 0);
	flush_delayed_work(&lease->end);
	KUNIT_EXPECT_TRUE(test, msi_lease_active(&c->c, id));
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&lease->end));
	kref_put(&lease->ref, lease_not_last);
	KUNIT_EXPECT_EQ(test, msi_lease_return(&c->c, id), 0);
	KUNIT_EXPECT_EQ(test, a->real, 4);

	/* The longest deadline is no deadline in the past: A is asked. */
	req.deadline_ns = U64_MAX;
	KUNIT_EXPECT_EQ(test, msi_lease_borrow(&c->c, &req, &grant), 0);
	KUNIT_EXPECT_EQ(test, grant.count, 1);
	msi_lease_grant_free(&grant);
}

struct retire_args {
	struct msi_lease_client *c;
	struct completion done;
};

static int retire_thread(void *data)
{
	struct retire_args *r = data;

	msi_lease_client_retire(r->c);
	complete(&r->done);
	return 0;
}

/*
 * A lender leaving while one of its loans is coming home waits for its
 * reclaim: it is never called after it left, and leaves with its vectors.
 */
static void leaving_lender_waits_for_reclaim(struct kunit *test)
{
	static const unsigned int own[] = { 4, 2 };
	struct fworld *w = new_fworld(test);
	struct fdev *a = new_fdev(w, 8, 4);
	struct fdev *c = new_fdev(w, 8, 2);
	struct retire_args r = { .c = &a->c };
	DECLARE_COMPLETION_ONSTACK(go);
	struct task_struct *t;

	budget_is_use(w);
	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 2, 20 * MS, false), 0);
	a->block_reclaim = &go;
	/* The lease expires; its end stops in A's reclaim. */
	msleep(100);
	init_completion(&r.done);
	t = kthread_run(retire_thread, &r, "msi_lease_retire");
	if (IS_ERR(t))
		complete(&go);	/* the lease end waits on this stack */
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&r.done,
							  msecs_to_jiffies(200)),
			0UL);
	complete(&go);
	wait_for_completion(&r.done);
	KUNIT_EXPECT_EQ(test, a->reclaimed, 2);
	a->block_reclaim = NULL;
	msi_lease_client_enlist(&a->c, &f_ops, &a->c.attrs, a);
	expect_whole(test, w, own);
}

struct revoke_args {
	struct msi_lease_pool *pool;
	u64 id;
	int ret;
	struct completion done;
};

static int revoke_thread(void *data)
{
	struct revoke_args *r = data;

	r->ret = msi_lease_pool_revoke(r->pool, r->id);
	complete(&r->done);
	return 0;
}

/*
 * An admin revokes while the borrower leaves: the borrower cannot be
 * gone while the revoke still tells it and names it.
 */
static void revoke_holds_off_leaving_borrower(struct kunit *test)
{
	static const unsigned int own[] = { 4, 2 };
	struct fworld *w = new_fworld(test);
	struct fdev *a = new_fdev(w, 8, 4);
	struct fdev *c = new_fdev(w, 8, 2);
	struct revoke_args rv = { .pool = &w->pool };
	struct retire_args rt = { .c = &c->c };
	DECLARE_COMPLETION_ONSTACK(go);
	struct task_struct *t;

	budget_is_use(w);
	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 2, DAY, false), 0);
	rv.id = first_lease(w);
	c->block_recalled = &go;
	init_completion(&rv.done);
	init_completion(&rt.done);
	t = kthread_run(revoke_thread, &rv, "msi_lease_revoke");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	msleep(50);
	t = kthread_run(retire_thread, &rt, "msi_lease_retire");
	if (IS_ERR(t))
		complete(&go);	/* the revoke waits on this stack */
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&rt.done,
							  msecs_to_jiffies(200)),
			0UL);
	complete(&go);
	wait_for_completion(&rv.done);
	wait_for_completion(&rt.done);
	KUNIT_EXPECT_EQ(test, rv.ret, 0);
	c->block_recalled = NULL;
	msi_lease_client_enlist(&c->c, &f_ops, &a->c.attrs, c);
	expect_whole(test, w, own);
}

struct borrow_args {
	struct fdev *d;
	int ret;
	struct completion done;
};

static int borrow_thread(void *data)
{
	struct borrow_args *b = data;

	b->ret = fdev_borrow(b->d, 1, DAY, false);
	complete(&b->done);
	return 0;
}

/*
 * A borrower that left while its borrow waited for the negotiate mutex
 * gets nothing: the check of its callbacks is made under the mutex.
 */
static void borrow_checks_ops_under_mutex(struct kunit *test)
{
	struct fworld *w = new_fworld(test);
	struct fdev *c = new_fdev(w, 8, 2);
	struct borrow_args b = { .d = c };
	const struct msi_lease_client_ops *ops;
	struct task_struct *t;

	new_fdev(w, 8, 4);
	init_completion(&b.done);
	mutex_lock(&w->pool.negotiate);
	t = kthread_run(borrow_thread, &b, "msi_lease_borrow");
	if (IS_ERR(t))
		mutex_unlock(&w->pool.negotiate);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	msleep(50);
	ops = c->c.ops;
	c->c.ops = NULL;	/* as a retire that won the mutex leaves it */
	mutex_unlock(&w->pool.negotiate);
	wait_for_completion(&b.done);
	KUNIT_EXPECT_EQ(test, b.ret, -EINVAL);
	KUNIT_EXPECT_TRUE(test, list_empty(&w->pool.leases));
	c->c.ops = ops;
}

/*
 * A borrower hangs in lease_end on one bridge: leases on another bridge
 * still end on time.
 */
static void stuck_pool_does_not_stop_others(struct kunit *test)
{
	struct fworld *w1 = new_fworld(test), *w2 = new_fworld(test);
	struct fdev *c1 = new_fdev(w1, 8, 2);
	struct fdev *c2 = new_fdev(w2, 8, 2);
	DECLARE_COMPLETION_ONSTACK(go);
	bool ended;
	int ret;

	new_fdev(w1, 8, 4);
	new_fdev(w2, 8, 4);
	budget_is_use(w1);
	budget_is_use(w2);
	c1->block_end = &go;
	KUNIT_ASSERT_EQ(test, fdev_borrow(c1, 1, 10 * MS, false), 0);
	msleep(50);		/* c1's lease end now hangs */
	/* No assertion until c1 is let go: it waits on this stack. */
	ret = fdev_borrow(c2, 1, 10 * MS, false);
	ended = msi_lease_test_wait_no_leases(&w2->pool, 2000);
	complete(&go);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_TRUE(test, ended);
	KUNIT_EXPECT_TRUE(test, msi_lease_test_wait_no_leases(&w1->pool, 2000));
	c1->block_end = NULL;
}

/* The storm: borrowers, revokes, recounts and knob flips, all at once. */
struct storm {
	struct fworld *w;
	atomic_t borrows, revokes, ends;
};

struct storm_thread {
	struct storm *s;
	unsigned int role, who;
	struct rnd_state rnd;
};

enum { STORM_BORROW, STORM_REVOKE, STORM_READ, STORM_KNOBS };

static void storm_step(struct storm_thread *st)
{
	struct fworld *w = st->s->w;
	u32 r = prandom_u32_state(&st->rnd);
	struct msi_lease_pool_conf conf;
	struct fdev *d;
	unsigned int i;
	u64 id;

	switch (st->role) {
	case STORM_BORROW:
		d = w->devs[st->who];
		if (!fdev_borrow(d, 1 + r % 2, (1 + r % 4) * MS, r & 8))
			atomic_inc(&st->s->borrows);
		if (r & 16) {
			id = first_lease(w);
			if (id && !msi_lease_return(&d->c, id))
				atomic_inc(&st->s->ends);
		}
		break;
	case STORM_REVOKE:
		id = first_lease(w);
		if (id && !msi_lease_pool_revoke(&w->pool, id))
			atomic_inc(&st->s->revokes);
		d = w->devs[r % w->nr_devs];
		id = first_lease(w);
		/* Only the lease's own lender and borrower get anywhere. */
		if (id && (r & 1))
			msi_lease_recall(&d->c, id, (r & 2) ? 0 : MS);
		if (id && (r & 4))
			msi_lease_renew(&d->c, id, MS);
		break;
	case STORM_READ:
		for (i = 0; i < w->nr_devs; i++)
			fdev_recount(w->devs[i]);
		msi_lease_pool_lent(&w->pool);
		break;
	case STORM_KNOBS:
		msi_lease_pool_get_conf(&w->pool, &conf);
		conf.policy = 1 + r % (MSI_LEASE_NR_POLICIES - 1);
		conf.negotiation = (r & 4) ? MSI_LEASE_NEGOTIATE_SEQUENTIAL :
					     MSI_LEASE_NEGOTIATE_PARALLEL;
		msi_lease_pool_configure(&w->pool, &conf);
		break;
	}
}

static int storm_fn(void *data)
{
	struct storm_thread *st = data;

	while (!kthread_should_stop()) {
		storm_step(st);
		usleep_range(100, 300);
	}
	return 0;
}

struct storm_case {
	const char *name;
	bool pure_roles;
};

static const struct storm_case storm_cases[] = {
	{ "every device lends and borrows", false },
	{ "A and D only lend, B and C only borrow", true },
};

static void storm_case_desc(const struct storm_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(storm, storm_cases, storm_case_desc);

/*
 * The storms of the report, on four devices with 8-entry tables and
 * nothing free: borrowers in loops, an admin revoking while lenders
 * recall and borrowers renew, readers re-counting, the knobs flipping.
 * Either every device lends and borrows (B then lends and borrows at
 * once), or A and D only lend and B and C only borrow (B, with 6 of 8
 * entries used, was granted leases it could not bind).  Afterwards every
 * device has exactly its own vectors, and no reclaim or bind failed.
 */
static void storm_loses_nothing(struct kunit *test)
{
	static const unsigned int own[] = { 4, 6, 2, 5 };
	const struct storm_case *sc = test->param_value;
	struct storm_thread st[7];
	struct task_struct *t[7];
	struct storm s = { };
	struct fworld *w;
	unsigned int i, n = 0, started;
	u64 seed = get_random_u64();

	kunit_info(test, "seed %llu\n", seed);
	w = new_fworld(test);
	s.w = w;
	for (i = 0; i < ARRAY_SIZE(own); i++)
		new_fdev(w, 8, own[i]);
	if (sc->pure_roles) {
		w->devs[1]->c.attrs.cooperative = false;
		w->devs[2]->c.attrs.cooperative = false;
	}
	budget_is_use(w);

	for (i = 1; i <= (sc->pure_roles ? 2 : 3); i++)
		st[n++] = (struct storm_thread){ &s, STORM_BORROW, i };
	st[n++] = (struct storm_thread){ &s, STORM_REVOKE };
	st[n++] = (struct storm_thread){ &s, STORM_READ };
	st[n++] = (struct storm_thread){ &s, STORM_READ };
	st[n++] = (struct storm_thread){ &s, STORM_KNOBS };
	for (started = 0; started < n; started++) {
		prandom_seed_state(&st[started].rnd, seed + started);
		t[started] = kthread_run(storm_fn, &st[started],
					 "msi_lease_storm%u", started);
		if (IS_ERR(t[started]))
			break;
	}
	if (started == n)
		msleep(3000);
	for (i = 0; i < started; i++)
		kthread_stop(t[i]);
	KUNIT_ASSERT_EQ(test, started, n);

	kunit_info(test, "%d borrows, %d returns, %d revokes\n",
		   atomic_read(&s.borrows), atomic_read(&s.ends),
		   atomic_read(&s.revokes));
	KUNIT_EXPECT_GT(test, atomic_read(&s.borrows), 0);
	for (i = 0; i < w->nr_devs; i++)
		KUNIT_EXPECT_EQ_MSG(test, w->devs[i]->bind_failed, 0,
				    "device %u", i);
	expect_whole(test, w, own);
}

static struct kunit_case msi_lease_lifecycle_cases[] = {
	KUNIT_CASE(lender_that_borrows_gets_back),
	KUNIT_CASE(rollback_gives_lender_back),
	KUNIT_CASE(returning_vectors_not_lent),
	KUNIT_CASE(lender_that_keeps_is_refused),
	KUNIT_CASE(borrower_that_keeps_is_charged),
	KUNIT_CASE(unlimited_growth_is_booked),
	KUNIT_CASE(early_unbind_keeps_own),
	KUNIT_CASE(stale_recount_is_dropped),
	KUNIT_CASE(huge_counts_do_not_wrap),
	KUNIT_CASE(huge_durations_do_not_wrap),
	KUNIT_CASE(leaving_lender_waits_for_reclaim),
	KUNIT_CASE(revoke_holds_off_leaving_borrower),
	KUNIT_CASE(borrow_checks_ops_under_mutex),
	KUNIT_CASE(stuck_pool_does_not_stop_others),
	MSI_LEASE_KUNIT_CASE_PARAM_SLOW(storm_loses_nothing, storm_gen_params),
	{}
};

static struct kunit_suite msi_lease_lifecycle_suite = {
	.name = "msi_lease_lifecycle",
	.test_cases = msi_lease_lifecycle_cases,
};

kunit_test_suite(msi_lease_lifecycle_suite);
