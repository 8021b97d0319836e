// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the life of a lease under faults and concurrency, with
 * fake devices that really allocate and free (fdev.h).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/prandom.h>

#include "compat.h"
#include "fdev.h"
#include "helpers.h"
#include "lease.h"

MSI_LEASE_IMPORT_KUNIT_NS();

#define MS		(1000ULL * 1000)
#define DAY		(24ULL * 3600 * 1000 * MS)
/*
 * The storm's loser: B (8-entry table, 6 own) lends 2 to C, then borrows
 * from A until its table is full.  Its loan to C must still fit when it
 * comes home, so the broker grants B nothing that needs those entries.
 */
static void lender_that_borrows_gets_back(struct kunit *test)
{
	static const unsigned int own[] = { 4, 6, 2 };
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 4);
	struct fdev *b = fdev_new(w, 8, 6);
	struct fdev *c = fdev_new(w, 8, 2);

	fworld_budget_is_use(w);
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
	fworld_expect_whole(test, w, own);
}

/*
 * A lender released, the next one failed: the first gets its vectors
 * back although the pool is full (its loan is unbooked before it
 * re-allocates, and it is held meanwhile).
 */
static void rollback_gives_lender_back(struct kunit *test)
{
	static const unsigned int own[] = { 5, 5, 3 };
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 5);
	struct fdev *d = fdev_new(w, 8, 5);
	struct fdev *c = fdev_new(w, 16, 3);
	struct msi_lease_request req = {
		.count = 6, .duration_ns = DAY,
		.policy = MSI_LEASE_POLICY_EVEN_SPREAD,
	};
	struct msi_lease_grant grant;

	fworld_budget_is_use(w);
	d->release_ret = -EIO;
	KUNIT_EXPECT_EQ(test, msi_lease_borrow(&c->c, &req, &grant), -EIO);
	KUNIT_EXPECT_EQ(test, a->reclaimed, 3);
	d->release_ret = 0;
	fworld_expect_whole(test, w, own);
}

/* A borrow from another thread: @count (1 if 0) for a day. */
struct borrow_args {
	struct fdev *d;
	unsigned int count;
	bool partial;
	int ret;
	struct completion done;
};

static int borrow_thread(void *data)
{
	struct borrow_args *b = data;

	b->ret = fdev_borrow(b->d, b->count ?: 1, DAY, b->partial);
	complete(&b->done);
	return 0;
}

/*
 * A lender's loan ended and its reclaim has not run yet: the vectors are
 * its own again but not allocated, so nobody may ask it to release them
 * (it would have to "release" vectors it does not have, and its reclaim
 * then finds the pool full).  The borrow negotiates meanwhile; A's
 * release waits for the reclaim, as every release waits for lease ends.
 */
static void returning_vectors_not_lent(struct kunit *test)
{
	static const unsigned int own[] = { 4, 2, 3 };
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 4);
	struct fdev *c = fdev_new(w, 8, 2);
	struct fdev *d = fdev_new(w, 8, 3);
	struct borrow_args b = { .d = d, .count = 3, .partial = true };
	DECLARE_COMPLETION_ONSTACK(go);
	struct task_struct *t;

	fworld_budget_is_use(w);
	d->c.attrs.cooperative = false;
	c->c.attrs.cooperative = false;
	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 2, 10 * MS, false), 0);
	a->block_reclaim = &go;
	msleep(100);		/* C's lease ended; A's reclaim waits */
	/* A has 2 of its 4 allocated: it can lend those 2, not 3. */
	init_completion(&b.done);
	t = kthread_run(borrow_thread, &b, "msi_lease_borrow");
	if (!IS_ERR(t))
		msleep(100);
	complete(&go);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	wait_for_completion(&b.done);
	KUNIT_EXPECT_EQ(test, b.ret, 0);
	KUNIT_EXPECT_EQ(test, d->real, 5);
	KUNIT_EXPECT_EQ(test, a->release_short, 0);
	a->block_reclaim = NULL;
	KUNIT_EXPECT_EQ(test, msi_lease_return(&d->c, fworld_lease_of(w, &d->c)), 0);
	fworld_expect_whole(test, w, own);
}

/*
 * A borrower frees one of its own vectors while borrowed ones are bound:
 * while the lease runs no count can tell which one it freed, but once
 * the lease is over it holds exactly what it has.  (msi_lease_stress
 * found such a borrower booked one vector over, its pool one short.)
 */
static void borrower_freeing_own_is_booked_at_end(struct kunit *test)
{
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 4), *b = fdev_new(w, 8, 4);

	fworld_budget_is_use(w);
	KUNIT_ASSERT_EQ(test, fdev_borrow(b, 2, DAY, false), 0);
	mutex_lock(&b->lock);
	KUNIT_ASSERT_EQ(test, b->real, 6);
	fdev_free(b, 1);
	b->own--;
	mutex_unlock(&b->lock);
	KUNIT_ASSERT_EQ(test, msi_lease_return(&b->c,
					       fworld_lease_of(w, &b->c)), 0);
	KUNIT_EXPECT_EQ(test, b->real, 3);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(&b->c, NULL), 3);
	KUNIT_EXPECT_EQ(test, a->real, 4);
	KUNIT_EXPECT_EQ(test, w->pool.held, 7);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&w->pool), 0);
}

/* A lender that says it released but did not: the borrow fails. */
static void lender_that_keeps_is_refused(struct kunit *test)
{
	static const unsigned int own[] = { 4, 2 };
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 4);
	struct fdev *c = fdev_new(w, 8, 2);

	fworld_budget_is_use(w);
	a->lie_on_release = true;
	KUNIT_EXPECT_EQ(test, fdev_borrow(c, 2, DAY, false), -EBUSY);
	KUNIT_EXPECT_EQ(test, c->real, 2);
	a->lie_on_release = false;
	fworld_expect_whole(test, w, own);
}

/* A borrower that keeps vectors after lease_end is charged and told. */
static void borrower_that_keeps_is_charged(struct kunit *test)
{
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 4);
	struct fdev *c = fdev_new(w, 8, 2);
	struct msi_lease_client_state st;
	u64 id;

	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 2, DAY, false), 0);
	KUNIT_ASSERT_EQ(test, c->real, 4);
	c->keep_on_end = true;
	id = fworld_first_lease(w);
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
	struct fworld *w = fworld_new(test);
	struct fdev *c = fdev_new(w, 16, 2);

	fdev_new(w, 8, 4);
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
	struct fworld *w = fworld_new(test);
	struct fdev *c = fdev_new(w, 8, 2);
	struct fbound *b;

	fdev_new(w, 8, 4);
	fworld_budget_is_use(w);
	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 2, DAY, false), 0);
	mutex_lock(&c->lock);
	b = fdev_bound(c, fworld_first_lease(w));
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
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 4);
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
	struct fworld *w = fworld_new(test);
	struct fdev *c = fdev_new(w, 8, 2);
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
	KUNIT_EXPECT_EQ(test, msi_lease_return(&c->c, fworld_first_lease(w)), 0);
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
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 4);
	struct fdev *c = fdev_new(w, 8, 2);
	struct msi_lease_request req = { .count = 1, .duration_ns = DAY };
	struct msi_lease_grant grant;
	struct msi_lease_lease *lease;
	u64 id;

	fworld_budget_is_use(w);
	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 1, U64_MAX, false), 0);
	id = fworld_first_lease(w);
	msleep(50);
	KUNIT_EXPECT_TRUE(test, msi_lease_active(&c->c, id));
	KUNIT_EXPECT_EQ(test, msi_lease_renew(&c->c, id, U64_MAX), -EPERM);
	KUNIT_EXPECT_EQ(test, msi_lease_recall(&a->c, id, U64_MAX), 0);
	KUNIT_EXPECT_TRUE(test, msi_lease_active(&c->c, id));

	/* The timer fires long before the lease is due: it waits again. */
	spin_lock(&w->pool.lock);
	lease = fworld_lease_by_id(w, id);
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
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 4);
	struct fdev *c = fdev_new(w, 8, 2);
	struct retire_args r = { .c = &a->c };
	DECLARE_COMPLETION_ONSTACK(go);
	struct task_struct *t;

	fworld_budget_is_use(w);
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
	msi_lease_client_enlist(&a->c, &fdev_ops, &a->c.attrs, a);
	fworld_expect_whole(test, w, own);
}

/*
 * Vectors on their way home are the reclaim's: a lender's own allocation
 * meanwhile must not take their place, or the reclaim finds no room on a
 * full bridge and the lender is left short (msi_lease_stress found it).
 */
static void returning_vectors_are_the_reclaims(struct kunit *test)
{
	static const unsigned int own[] = { 4, 2 };
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 4);
	struct fdev *c = fdev_new(w, 8, 2);
	DECLARE_COMPLETION_ONSTACK(go);
	int ret;

	fworld_budget_is_use(w);
	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 2, 20 * MS, false), 0);
	a->block_reclaim = &go;
	/* The lease expires; its end stops in A's reclaim. */
	msleep(100);
	mutex_lock(&a->lock);
	ret = fdev_alloc(a, 1);
	if (!ret)
		a->own++;
	mutex_unlock(&a->lock);
	complete(&go);
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	KUNIT_ASSERT_TRUE(test, msi_lease_test_wait_no_leases(&w->pool, 2000));
	a->block_reclaim = NULL;
	KUNIT_EXPECT_EQ(test, a->reclaimed, 2);
	fworld_expect_whole(test, w, own);
}

/*
 * The lender's driver frees a vector of its own while its loan comes
 * home.  The free is not booked then (the lender is held until the
 * reclaim is over), so once the loan is home and nothing else is out,
 * the broker must count the lender again: left alone, its books stayed
 * one above what it had for good (msi_lease_stress with drivers
 * resizing found it, after every lease had ended).
 */
static void lender_shrink_during_reclaim_is_booked(struct kunit *test)
{
	static const unsigned int own[] = { 3, 2 };
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 4);
	struct fdev *c = fdev_new(w, 8, 2);
	DECLARE_COMPLETION_ONSTACK(go);

	fworld_budget_is_use(w);
	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 2, 20 * MS, false), 0);
	a->block_reclaim = &go;
	/* The lease expires; its end stops in A's reclaim. */
	msleep(100);
	mutex_lock(&a->lock);
	fdev_free(a, 1);
	a->own--;
	mutex_unlock(&a->lock);
	complete(&go);
	KUNIT_ASSERT_TRUE(test, msi_lease_test_wait_no_leases(&w->pool, 2000));
	a->block_reclaim = NULL;
	KUNIT_EXPECT_EQ(test, a->reclaimed, 2);
	fworld_expect_whole(test, w, own);
}

/*
 * The lender's driver grows while its loan comes home, on a bridge with
 * one vector free: it takes that one, not a returning one, and it is
 * booked to the lender at once.  Left unbooked, the vector looked free
 * to everyone, another function took it, and the reclaim found no room
 * (msi_lease_stress with drivers resizing found it).
 */
static void lender_growth_during_reclaim_is_booked(struct kunit *test)
{
	static const unsigned int own[] = { 5, 2, 1 };
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 4);
	struct fdev *c = fdev_new(w, 8, 2);
	struct fdev *b = fdev_new(w, 8, 1);
	struct msi_lease_pool_conf conf;
	DECLARE_COMPLETION_ONSTACK(go);
	int ret_a, ret_b;

	fworld_budget_is_use(w);
	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 2, 20 * MS, false), 0);
	msi_lease_pool_get_conf(&w->pool, &conf);
	conf.budget++;
	KUNIT_ASSERT_EQ(test, msi_lease_pool_configure(&w->pool, &conf), 0);
	a->block_reclaim = &go;
	/* The lease expires; its end stops in A's reclaim. */
	msleep(100);
	mutex_lock(&a->lock);
	ret_a = fdev_alloc(a, 1);
	if (!ret_a)
		a->own++;
	mutex_unlock(&a->lock);
	mutex_lock(&b->lock);
	ret_b = fdev_alloc(b, 1);
	if (!ret_b)
		b->own++;
	mutex_unlock(&b->lock);
	complete(&go);
	KUNIT_EXPECT_EQ(test, ret_a, 0);
	KUNIT_EXPECT_EQ(test, ret_b, -ENOSPC);
	KUNIT_ASSERT_TRUE(test, msi_lease_test_wait_no_leases(&w->pool, 2000));
	a->block_reclaim = NULL;
	KUNIT_EXPECT_EQ(test, a->reclaimed, 2);
	KUNIT_EXPECT_EQ(test, a->reclaim_failed, 0);
	fworld_expect_whole(test, w, own);
}

/*
 * The lender's device gained a vector the broker never saw (an
 * allocation behind its back) while two loans were out.  When the first
 * comes home on a full bridge, the reclaim must still get it, and the
 * vector the books did not know must be booked to the lender: left
 * unbooked, its next release looked like a lender keeping what it said
 * it freed, the borrow was rolled back and the honest lender never got
 * those vectors back (the user-space stress found it).
 */
static void reclaim_books_what_the_books_missed(struct kunit *test)
{
	static const unsigned int own[] = { 5, 1, 1, 1 };
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 12, 4);
	struct fdev *c = fdev_new(w, 8, 1);
	struct fdev *d = fdev_new(w, 8, 1);
	struct fdev *e = fdev_new(w, 8, 1);

	fworld_budget_is_use(w);
	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 1, 20 * MS, false), 0);
	KUNIT_ASSERT_EQ(test, fdev_borrow(d, 1, 200 * MS, false), 0);
	mutex_lock(&a->lock);
	a->real++;		/* behind the broker's back */
	a->own++;
	mutex_unlock(&a->lock);
	msleep(100);		/* C's lease ends: A takes its vector back */
	KUNIT_EXPECT_EQ(test, a->reclaimed, 1);
	KUNIT_EXPECT_EQ(test, a->reclaim_failed, 0);
	/* A lends again: it freed what it said, it keeps nothing. */
	KUNIT_EXPECT_EQ(test, fdev_borrow(e, 1, 20 * MS, false), 0);
	fworld_expect_whole(test, w, own);
}

/*
 * A lender whose loan is on its way home (its reclaim waits): a count
 * below what it lent plus what is coming home would leave the reclaim
 * nothing to bring the vectors home to, and is refused.
 */
static void held_covers_returning_vectors(struct kunit *test)
{
	static const unsigned int own[] = { 4, 2 };
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 4);
	struct fdev *c = fdev_new(w, 8, 2);
	DECLARE_COMPLETION_ONSTACK(go);

	fworld_budget_is_use(w);
	c->c.attrs.cooperative = false;
	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 2, 10 * MS, false), 0);
	a->block_reclaim = &go;
	msleep(100);		/* C's lease ended; A's reclaim waits */
	KUNIT_EXPECT_EQ(test,
			msi_lease_client_set_held(&a->c, MSI_LEASE_MODE_MSIX, 1),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&w->pool), 0);
	complete(&go);
	a->block_reclaim = NULL;
	msleep(50);
	fworld_expect_whole(test, w, own);
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
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 4);
	struct fdev *c = fdev_new(w, 8, 2);
	struct revoke_args rv = { .pool = &w->pool };
	struct retire_args rt = { .c = &c->c };
	DECLARE_COMPLETION_ONSTACK(go);
	struct task_struct *t;

	fworld_budget_is_use(w);
	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 2, DAY, false), 0);
	rv.id = fworld_first_lease(w);
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
	msi_lease_client_enlist(&c->c, &fdev_ops, &a->c.attrs, c);
	fworld_expect_whole(test, w, own);
}

/*
 * Vectors a lender has freed for a borrow are the borrower's, even
 * before its release callback returns: a driver allocating a vector of
 * its own from elsewhere meanwhile must not take their place (it was
 * admitted without being booked, and the lender was left one short).
 */
static void released_vectors_are_the_borrowers(struct kunit *test)
{
	static const unsigned int own[] = { 4, 2 };
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 4);
	struct fdev *c = fdev_new(w, 8, 2);
	struct borrow_args b = { .d = c };
	DECLARE_COMPLETION_ONSTACK(go);
	struct task_struct *t;
	unsigned int i;
	int ret;

	fworld_budget_is_use(w);
	a->block_release = &go;
	init_completion(&b.done);
	t = kthread_run(borrow_thread, &b, "msi_lease_borrow");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	/* A frees the vector it lends, then its release callback waits. */
	for (i = 0; i < 100 && READ_ONCE(a->real) != 3; i++)
		msleep(20);
	mutex_lock(&a->lock);
	ret = fdev_alloc(a, 1);
	if (!ret)
		a->own++;
	mutex_unlock(&a->lock);
	complete(&go);
	wait_for_completion(&b.done);
	a->block_release = NULL;
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	KUNIT_ASSERT_EQ(test, b.ret, 0);
	KUNIT_ASSERT_EQ(test, msi_lease_return(&c->c,
					       fworld_lease_of(w, &c->c)), 0);
	fworld_expect_whole(test, w, own);
}

struct return_args {
	struct fdev *d;
	u64 id;
	int ret;
	struct completion done;
};

static int return_thread(void *data)
{
	struct return_args *r = data;

	r->ret = msi_lease_return(&r->d->c, r->id);
	complete(&r->done);
	return 0;
}

/*
 * B lends and borrows at once.  Its release for C has freed the vector
 * it lends when its own loan from A ends and B keeps that vector (a
 * misbehaving borrower).  The kept vector is B's as a borrower: it is
 * charged to B, and B's honest release stands.  Counting B while its
 * release was under way took the vectors being released as B's
 * entitlement, the kept one went uncharged, the release looked like B
 * keeping what it had freed, and the borrow rolled back without giving
 * B its vector back (the user-space stress found it).
 */
static void kept_vector_does_not_blame_lender(struct kunit *test)
{
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 4);
	struct fdev *b = fdev_new(w, 8, 4);
	struct fdev *c = fdev_new(w, 8, 2);
	struct borrow_args bo = { .d = c };
	struct return_args re = { .d = b };
	struct msi_lease_client_state st;
	DECLARE_COMPLETION_ONSTACK(go);
	struct task_struct *t;
	unsigned int i;
	u64 id;

	fworld_budget_is_use(w);
	c->c.attrs.cooperative = false;
	KUNIT_ASSERT_EQ(test, fdev_borrow(b, 1, DAY, false), 0);
	re.id = fworld_lease_of(w, &b->c);
	KUNIT_ASSERT_NE(test, re.id, 0);
	a->c.attrs.cooperative = false;
	b->keep_on_end = true;
	b->block_release = &go;
	init_completion(&bo.done);
	init_completion(&re.done);
	t = kthread_run(borrow_thread, &bo, "msi_lease_borrow");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	/* B frees the vector it lends, then its release callback waits. */
	for (i = 0; i < 100 && READ_ONCE(b->real) != 4; i++)
		msleep(20);
	t = kthread_run(return_thread, &re, "msi_lease_return");
	if (!IS_ERR(t))
		msleep(100);	/* B's loan from A ends meanwhile, or waits */
	complete(&go);
	wait_for_completion(&bo.done);
	if (!IS_ERR(t))
		wait_for_completion(&re.done);
	b->block_release = NULL;
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	KUNIT_EXPECT_EQ(test, re.ret, 0);
	KUNIT_EXPECT_EQ(test, bo.ret, 0);
	msi_lease_client_state(&b->c, &st);
	KUNIT_EXPECT_EQ(test, st.kept, 1);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&w->pool), 0);
	/* C gives the vector back: B has its own 4 and the kept one. */
	id = fworld_lease_of(w, &c->c);
	if (id)
		KUNIT_EXPECT_EQ(test, msi_lease_return(&c->c, id), 0);
	KUNIT_ASSERT_TRUE(test, msi_lease_test_wait_no_leases(&w->pool, 5000));
	KUNIT_EXPECT_EQ(test, b->real, 5);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(&b->c, NULL), b->real);
	KUNIT_EXPECT_EQ(test, a->real, 4);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(&a->c, NULL), a->real);
	KUNIT_EXPECT_EQ(test, c->real, 2);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(&c->c, NULL), c->real);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&w->pool), 0);
}

static void grow_by_one(struct fdev *d)
{
	mutex_lock(&d->lock);
	if (!fdev_alloc(d, 1))
		d->own++;
	mutex_unlock(&d->lock);
}

static void shrink_by_one(struct fdev *d)
{
	mutex_lock(&d->lock);
	fdev_free(d, 1);
	d->own--;
	mutex_unlock(&d->lock);
}

/*
 * A borrower with 2 vectors of its own returns a lease of 2 and keeps
 * both; @act runs once right after the broker first counts it.
 */
static struct fdev *keep_both_while(struct kunit *test, struct fworld *w,
				    void (*act)(struct fdev *d))
{
	struct fdev *c = fdev_new(w, 8, 2);

	fdev_new(w, 8, 4);
	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 2, DAY, false), 0);
	KUNIT_ASSERT_EQ(test, c->real, 4);
	c->keep_on_end = true;
	w->after_count_dev = c;
	w->after_count = act;
	KUNIT_ASSERT_EQ(test, msi_lease_return(&c->c, fworld_lease_of(w, &c->c)),
			0);
	return c;
}

/* Both kept vectors are charged, and the books match the device. */
static void expect_both_kept(struct kunit *test, struct fworld *w,
			     struct fdev *c, unsigned int real)
{
	struct msi_lease_client_state st;

	msi_lease_client_state(&c->c, &st);
	KUNIT_EXPECT_EQ(test, st.kept, 2);
	KUNIT_EXPECT_EQ(test, c->real, real);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(&c->c, NULL), c->real);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&w->pool), 0);
}

/*
 * A borrower keeps both vectors of a lease, and its driver allocates one
 * of its own right after the broker counted it.  The count is stale by
 * the time the books are read (the growth is booked already): taken at
 * face value it charged one kept vector, not two, and left the books
 * one below the device (the user-space stress found it).
 */
static void kept_charge_counts_after_growth(struct kunit *test)
{
	struct fworld *w = fworld_new(test);
	struct fdev *c = keep_both_while(test, w, grow_by_one);

	KUNIT_EXPECT_PTR_EQ(test, w->after_count, NULL);
	expect_both_kept(test, w, c, 5);
}

/* The allocation grow_in_flight() began is booked. */
static void finish_in_flight(struct fdev *d)
{
	mutex_lock(&d->lock);
	msi_lease_client_settle(&d->c, MSI_LEASE_MODE_MSIX, d->real - 1,
				d->real, d->in_flight);
	mutex_unlock(&d->lock);
}

/*
 * The driver allocates one vector of its own: admitted, and on the
 * device, but not booked yet when the books are read; it is booked
 * right after the next count.
 */
static void grow_in_flight(struct fdev *d)
{
	mutex_lock(&d->lock);
	if (msi_lease_client_admit(&d->c, d->real, 1, 1, &d->in_flight) == 1) {
		WRITE_ONCE(d->real, d->real + 1);
		d->own++;
		d->w->after_count = finish_in_flight;
	}
	mutex_unlock(&d->lock);
}

/*
 * As kept_charge_counts_after_growth, with the growth still in flight
 * when the books are read: whether the count shows it, the books cannot
 * tell.  Taking the allocation as not yet counted charged one kept
 * vector too few; the broker lets the allocation finish and counts
 * again.
 */
static void kept_charge_waits_for_growth_in_flight(struct kunit *test)
{
	struct fworld *w = fworld_new(test);
	struct fdev *c = keep_both_while(test, w, grow_in_flight);

	if (w->after_count == finish_in_flight) {
		w->after_count = NULL;
		finish_in_flight(c);
	}
	KUNIT_EXPECT_PTR_EQ(test, w->after_count, NULL);
	expect_both_kept(test, w, c, 5);
}

/* The driver's other thread ends the reconfigure a little later. */
static int reconfigure_end_thread(void *data)
{
	struct fdev *d = data;

	usleep_range(2000, 2500);
	mutex_lock(&d->lock);
	fdev_alloc(d, d->reconf);
	mutex_unlock(&d->lock);
	msi_lease_client_hold(&d->c, false);
	return 0;
}

/*
 * The driver starts a reconfigure right after the broker counted it
 * (6.1's way to resize: free everything, allocate the new total), and
 * ends it from another thread a little later.
 */
static void reconfigure_begins(struct fdev *d)
{
	struct task_struct *t;

	msi_lease_client_hold(&d->c, true);
	mutex_lock(&d->lock);
	d->reconf = d->real;
	fdev_free(d, d->reconf);
	mutex_unlock(&d->lock);
	t = kthread_run(reconfigure_end_thread, d, "msi_lease_reconf");
	if (IS_ERR(t))
		reconfigure_end_thread(d);
}

/*
 * A borrower keeps a lease's vectors while its driver reconfigures from
 * another thread: the broker's fresh count would find it between
 * freeing everything and allocating again, and charged nothing kept,
 * its books left two below the device.  It waits for the reconfigure.
 */
static void kept_charge_waits_for_reconfigure(struct kunit *test)
{
	struct fworld *w = fworld_new(test);
	struct fdev *c = keep_both_while(test, w, reconfigure_begins);
	unsigned int i;

	for (i = 0; i < 50 && READ_ONCE(c->c.reconfiguring); i++)
		msleep(20);
	KUNIT_ASSERT_EQ(test, READ_ONCE(c->c.reconfiguring), 0);
	expect_both_kept(test, w, c, 4);
}

/*
 * A driver reconfigures to fewer vectors (6.1's way: free everything,
 * allocate the new total, inside msi_lease_pci_reconfigure()).  Inside
 * the bracket its frees are not given back; when it ends, the broker
 * must count it again: left alone, its books kept the old total, the
 * vectors it gave up were not free to anyone, and it could be asked to
 * lend vectors it no longer had.
 */
static void reconfigure_to_fewer_is_booked(struct kunit *test)
{
	static const unsigned int own[] = { 2, 2 };
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 4);
	struct msi_lease_pool_stats stats;

	fdev_new(w, 8, 2);
	fworld_budget_is_use(w);
	msi_lease_client_hold(&a->c, true);
	mutex_lock(&a->lock);
	fdev_free(a, 4);
	KUNIT_EXPECT_EQ(test, fdev_alloc(a, 2), 0);
	a->own = 2;
	mutex_unlock(&a->lock);
	msi_lease_client_hold(&a->c, false);
	fworld_expect_whole(test, w, own);
	msi_lease_pool_stats(&w->pool, &stats);
	KUNIT_EXPECT_EQ(test, stats.held, 4);
}

/*
 * A lender releases honestly, and its driver frees one of its own right
 * after the broker counted it.  The stale count is one above the books
 * by then: taken at face value the lender was refused as one keeping
 * what it said it released, the borrow rolled back and the lender never
 * got its vector back.
 */
static void release_check_counts_after_shrink(struct kunit *test)
{
	static const unsigned int own[] = { 3, 2 };
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 4);
	struct fdev *c = fdev_new(w, 8, 2);

	fworld_budget_is_use(w);
	w->after_count_dev = a;
	w->after_count = shrink_by_one;
	KUNIT_EXPECT_EQ(test, fdev_borrow(c, 1, DAY, false), 0);
	KUNIT_EXPECT_PTR_EQ(test, w->after_count, NULL);
	KUNIT_EXPECT_EQ(test, a->real, 2);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(&a->c, NULL), a->real);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&w->pool), 0);
	KUNIT_EXPECT_EQ(test, msi_lease_return(&c->c, fworld_lease_of(w, &c->c)),
			0);
	fworld_expect_whole(test, w, own);
}

/*
 * A lender whose books are one below its device (an allocation the
 * broker never saw) releases two vectors honestly: its count is one
 * above its books, so the borrow is refused and rolled back, but the
 * lender freed two.  It gets both back: it used to get nothing back,
 * and ended two short of what it had.
 */
static void refused_lender_gets_back_what_it_freed(struct kunit *test)
{
	static const unsigned int own[] = { 5, 2 };
	struct fworld *w = fworld_new(test);
	struct fdev *a = fdev_new(w, 8, 4);
	struct fdev *c = fdev_new(w, 8, 2);

	fworld_budget_is_use(w);
	mutex_lock(&a->lock);
	a->real++;		/* behind the broker's back */
	a->own++;
	mutex_unlock(&a->lock);
	KUNIT_EXPECT_EQ(test, fdev_borrow(c, 2, DAY, false), -EBUSY);
	KUNIT_EXPECT_EQ(test, a->reclaimed, 2);
	KUNIT_EXPECT_EQ(test, a->real, 5);
	fdev_recount(a);	/* a reader brings the books in line */
	fworld_expect_whole(test, w, own);
}

/* A neighbour trying to take a vector from the free pool. */
static void greedy_grab(struct fdev *d)
{
	struct fdev *g = d->w->devs[2];

	mutex_lock(&g->lock);
	if (!fdev_alloc(g, 1))
		g->own++;
	mutex_unlock(&g->lock);
}

/*
 * A full pool of a lender (6 vectors), a borrower (2) and a greedy
 * neighbour G (1) that tries to take a vector whenever the stock one of
 * the first two re-allocates; only the lender cooperates.
 */
static struct fworld *stock_world(struct kunit *test, bool stock_lends,
				  struct fdev **lender, struct fdev **borrower)
{
	struct fworld *w = fworld_new(test);
	struct fdev *l, *b, *g;

	l = stock_lends ? fdev_new_stock(w, 8, 6) : fdev_new(w, 8, 6);
	b = stock_lends ? fdev_new(w, 8, 2) : fdev_new_stock(w, 8, 2);
	g = fdev_new(w, 8, 1);
	fworld_budget_is_use(w);
	b->c.attrs.cooperative = false;
	g->c.attrs.cooperative = false;
	(stock_lends ? l : b)->between = greedy_grab;
	*lender = l;
	*borrower = b;
	return w;
}

/*
 * An unmodified lender (a stock driver the broker re-allocates, through
 * a reset say) frees and allocates from its own worker, not from the
 * broker's task, and frees its whole table before it allocates what it
 * keeps.  What it freed of its own stays its own in between (a greedy
 * neighbour gets none of it), the borrower gets what it lent, and when
 * the lease ends it allocates all of it again.  The broker used to take
 * only the callback's own task's frees for the release: the worker's
 * gave the lender's vectors to the free pool, and the neighbour took one.
 */
static void stock_lender_reallocates_in_its_worker(struct kunit *test)
{
	static const unsigned int own[] = { 6, 2, 1 };
	struct fdev *s, *c;
	struct fworld *w = stock_world(test, true, &s, &c);
	struct fdev *g = w->devs[2];

	KUNIT_ASSERT_EQ(test, fdev_borrow(c, 2, 100 * MS, false), 0);
	KUNIT_EXPECT_EQ(test, s->real, 4);
	KUNIT_EXPECT_EQ(test, c->real, 4);
	KUNIT_EXPECT_EQ(test, g->real, 1);
	KUNIT_EXPECT_EQ(test, c->bind_failed, 0);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&w->pool), 0);
	fworld_expect_whole(test, w, own);
	KUNIT_EXPECT_EQ(test, s->reclaimed, 2);
	KUNIT_EXPECT_EQ(test, g->real, 1);
}

/*
 * A stock lender whose re-allocation fails after it freed its table:
 * the borrow is refused, and the lender gets back everything it freed.
 */
static void stock_lender_failing_gets_all_back(struct kunit *test)
{
	static const unsigned int own[] = { 6, 2, 1 };
	struct fdev *s, *c;
	struct fworld *w = stock_world(test, true, &s, &c);
	struct fdev *g = w->devs[2];

	/* Its re-allocation fails: it keeps nothing. */
	s->fail_reallocs = 1;
	KUNIT_EXPECT_NE(test, fdev_borrow(c, 2, DAY, false), 0);
	KUNIT_EXPECT_EQ(test, s->fail_reallocs, 0);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&w->pool), 0);
	KUNIT_EXPECT_EQ(test, g->real, 1);
	/* What it freed came home: the reclaim allocated it again. */
	KUNIT_EXPECT_EQ(test, s->real, 6);
	fworld_expect_whole(test, w, own);
}

/*
 * An unmodified borrower (a starved stock driver, grown by a lease
 * through its reset) asks for all it wants whenever it re-allocates,
 * at its lease's end too.  There, admission leaves the lease's vectors
 * out, so it shrinks by exactly the lease and the lender gets them
 * back; a greedy neighbour gets nothing at any step.  Before, its
 * re-allocation at the lease's end took the borrowed vectors again and
 * they were charged to it as kept.
 */
static void stock_borrower_grows_and_gives_back(struct kunit *test)
{
	static const unsigned int own[] = { 6, 2, 1 };
	struct fdev *l, *s;
	struct fworld *w = stock_world(test, false, &l, &s);
	struct fdev *g = w->devs[2];

	s->wants = 4;
	KUNIT_ASSERT_EQ(test, fdev_borrow(s, 2, 100 * MS, false), 0);
	KUNIT_EXPECT_EQ(test, s->real, 4);
	KUNIT_EXPECT_EQ(test, l->real, 4);
	KUNIT_EXPECT_EQ(test, s->bind_failed, 0);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&w->pool), 0);
	fworld_expect_whole(test, w, own);
	KUNIT_EXPECT_EQ(test, s->ended, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&w->kept_events), 0);
	KUNIT_EXPECT_EQ(test, g->real, 1);
}

/*
 * A borrower that left while its borrow waited for the negotiate mutex
 * gets nothing: the check of its callbacks is made under the mutex.
 */
static void borrow_checks_ops_under_mutex(struct kunit *test)
{
	struct fworld *w = fworld_new(test);
	struct fdev *c = fdev_new(w, 8, 2);
	struct borrow_args b = { .d = c };
	const struct msi_lease_client_ops *ops;
	struct task_struct *t;

	fdev_new(w, 8, 4);
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
	struct fworld *w1 = fworld_new(test), *w2 = fworld_new(test);
	struct fdev *c1 = fdev_new(w1, 8, 2);
	struct fdev *c2 = fdev_new(w2, 8, 2);
	DECLARE_COMPLETION_ONSTACK(go);
	bool ended;
	int ret;

	fdev_new(w1, 8, 4);
	fdev_new(w2, 8, 4);
	fworld_budget_is_use(w1);
	fworld_budget_is_use(w2);
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
			id = fworld_first_lease(w);
			if (id && !msi_lease_return(&d->c, id))
				atomic_inc(&st->s->ends);
		}
		break;
	case STORM_REVOKE:
		id = fworld_first_lease(w);
		if (id && !msi_lease_pool_revoke(&w->pool, id))
			atomic_inc(&st->s->revokes);
		d = w->devs[r % w->nr_devs];
		id = fworld_first_lease(w);
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
	w = fworld_new(test);
	s.w = w;
	for (i = 0; i < ARRAY_SIZE(own); i++)
		fdev_new(w, 8, own[i]);
	if (sc->pure_roles) {
		w->devs[1]->c.attrs.cooperative = false;
		w->devs[2]->c.attrs.cooperative = false;
	}
	fworld_budget_is_use(w);

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
	fworld_expect_whole(test, w, own);
}

static struct kunit_case msi_lease_lifecycle_cases[] = {
	KUNIT_CASE(lender_that_borrows_gets_back),
	KUNIT_CASE(stock_lender_reallocates_in_its_worker),
	KUNIT_CASE(stock_lender_failing_gets_all_back),
	KUNIT_CASE(stock_borrower_grows_and_gives_back),
	KUNIT_CASE(rollback_gives_lender_back),
	KUNIT_CASE(returning_vectors_not_lent),
	KUNIT_CASE(lender_that_keeps_is_refused),
	KUNIT_CASE(refused_lender_gets_back_what_it_freed),
	KUNIT_CASE(borrower_freeing_own_is_booked_at_end),
	KUNIT_CASE(borrower_that_keeps_is_charged),
	KUNIT_CASE(unlimited_growth_is_booked),
	KUNIT_CASE(early_unbind_keeps_own),
	KUNIT_CASE(stale_recount_is_dropped),
	KUNIT_CASE(huge_counts_do_not_wrap),
	KUNIT_CASE(huge_durations_do_not_wrap),
	KUNIT_CASE(leaving_lender_waits_for_reclaim),
	KUNIT_CASE(returning_vectors_are_the_reclaims),
	KUNIT_CASE(lender_growth_during_reclaim_is_booked),
	KUNIT_CASE(lender_shrink_during_reclaim_is_booked),
	KUNIT_CASE(reclaim_books_what_the_books_missed),
	KUNIT_CASE(held_covers_returning_vectors),
	KUNIT_CASE(revoke_holds_off_leaving_borrower),
	KUNIT_CASE(borrow_checks_ops_under_mutex),
	KUNIT_CASE(released_vectors_are_the_borrowers),
	KUNIT_CASE(kept_vector_does_not_blame_lender),
	KUNIT_CASE(kept_charge_counts_after_growth),
	KUNIT_CASE(kept_charge_waits_for_growth_in_flight),
	KUNIT_CASE(kept_charge_waits_for_reconfigure),
	KUNIT_CASE(release_check_counts_after_shrink),
	KUNIT_CASE(reconfigure_to_fewer_is_booked),
	KUNIT_CASE(stuck_pool_does_not_stop_others),
	MSI_LEASE_KUNIT_CASE_PARAM_SLOW(storm_loses_nothing, storm_gen_params),
	{}
};

static struct kunit_suite msi_lease_lifecycle_suite = {
	.name = "msi_lease_lifecycle",
	.test_cases = msi_lease_lifecycle_cases,
};

kunit_test_suite(msi_lease_lifecycle_suite);
