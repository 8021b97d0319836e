// SPDX-License-Identifier: GPL-2.0
/*
 * msi_lease broker: borrow requests, negotiation with cooperative
 * clients, two-phase hand-over, and the life of a lease until its vectors
 * are back with their lender.
 *
 * A borrow runs under the pool's negotiate mutex (Documentation/design/
 * msi_lease.rst, "Negotiation"):
 *
 *   1. the free pool first: lenders are asked only for the rest;
 *   2. then the pool's other cooperative clients, asked for counter-offers
 *      in parallel (all, then choose) or sequentially (until satisfied);
 *   3. selection among the offers by policy (select.c);
 *   4. reserve: the chosen vectors are booked against lenders and
 *      borrower under the pool lock, as inactive leases;
 *   5. release: each lender frees its vectors; if one fails, every lender
 *      that already released gets them back and the reservation is undone;
 *   6. commit: the leases go active and their expiry is scheduled.
 *
 * Every lease ends in its own work item, whatever ends it (expiry, early
 * return, recall, a client leaving): the borrower is told and unbinds,
 * then the lender gets the vectors back.  Ending early means queueing the
 * work now and flushing it, so a lease is ended exactly once.
 *
 * No client callback is ever made under the pool spinlock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/error-injection.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "compat.h"
#include "lease.h"
#include "select.h"
#include "trace.h"

static struct workqueue_struct *msi_lease_wq;
static atomic64_t msi_lease_next_id = ATOMIC64_INIT(0);

/*
 * Longest lease, renewal, grace or deadline: 73 years, far beyond any
 * use and far from overflowing a ktime_t when added to "now".
 */
#define MSI_LEASE_MAX_NS	((u64)S64_MAX / 4)
/* Longest single wait of a lease's timer; longer leases wait again. */
#define MSI_LEASE_MAX_DELAY	(24UL * 3600 * HZ)

static void lease_free(struct kref *ref)
{
	kfree(container_of(ref, struct msi_lease_lease, ref));
}

/* @t + @ns, with @ns clamped to the longest time there is. */
static ktime_t time_after_ns(ktime_t t, u64 ns)
{
	ns = min(ns, MSI_LEASE_MAX_NS);
	return t > KTIME_MAX - (s64)ns ? KTIME_MAX : ktime_add_ns(t, ns);
}

/*
 * Beyond this many jiffies (its first level), the timer wheel rounds a
 * timeout up to its level's granularity: up to an eighth of the delay
 * late, minutes for a lease of an hour.
 */
#define MSI_LEASE_EXACT_DELAY	64

/*
 * Timer delay to @expires, at most MSI_LEASE_MAX_DELAY.  A far expiry is
 * armed a quarter early, so that the wheel's rounding cannot make it
 * late; the work, finding the lease not due yet, arms again for the rest
 * (lease_end_due()), each time on a finer level, until the rest is
 * within the first level and the end comes within a jiffy of @expires.
 */
static unsigned long delay_until(ktime_t expires)
{
	s64 ns = ktime_to_ns(ktime_sub(expires, ktime_get()));
	u64 delay;

	if (ns <= 0)
		return 0;
	delay = nsecs_to_jiffies64(ns) + 1;
	if (delay > MSI_LEASE_EXACT_DELAY)
		delay -= delay / 4;
	return min_t(u64, delay, MSI_LEASE_MAX_DELAY);
}

/* @n less @count; taking away more than was added is a bug: never wrap. */
static unsigned int unbook(unsigned int n, unsigned int count)
{
	return WARN_ON_ONCE(n < count) ? 0 : n - count;
}

/* Count @lease's vectors into (or out of) its lender's and borrower's books. */
static void book(struct msi_lease_pool *pool, struct msi_lease_lease *lease,
		 bool add)
{
	struct msi_lease_client *lender = lease->piece.lender;
	struct msi_lease_client *borrower = lease->borrower;
	unsigned int count = lease->piece.count;

	lockdep_assert_held(&pool->lock);
	if (WARN_ON_ONCE(lease->booked == add))
		return;

	if (lender) {
		msi_lease_pool_account(pool, lender, false);
		lender->lent = add ? lender->lent + count :
				     unbook(lender->lent, count);
		msi_lease_pool_account(pool, lender, true);
	}
	msi_lease_pool_account(pool, borrower, false);
	borrower->borrowed = add ? borrower->borrowed + count :
				   unbook(borrower->borrowed, count);
	msi_lease_pool_account(pool, borrower, true);
	lease->booked = add;
}

/* Put @lease on (or take it off) the pool's and both clients' lists. */
static void lease_link(struct msi_lease_pool *pool,
		       struct msi_lease_lease *lease, bool add)
{
	lockdep_assert_held(&pool->lock);

	if (add) {
		list_add_tail(&lease->pool_node, &pool->leases);
		list_add_tail(&lease->in_node, &lease->borrower->leases_in);
		if (lease->piece.lender)
			list_add_tail(&lease->out_node,
				      &lease->piece.lender->leases_out);
	} else {
		list_del_init(&lease->pool_node);
		list_del_init(&lease->in_node);
		list_del_init(&lease->out_node);
	}
}

static void pool_event(struct msi_lease_pool *pool,
		       const struct msi_lease_lease *lease,
		       enum msi_lease_event event)
{
	if (pool->ops && pool->ops->event)
		pool->ops->event(pool, lease, event);
}

/*
 * The calls whose failure the broker must survive go through these
 * functions, each open to fail_function (Documentation/fault-injection/):
 * the fault-injection tests make every one of them fail in turn, as a
 * driver or the platform would.  noinline and __noclone keep each a
 * function of its own name that a kprobe can override.
 */

/* Vectors @client has really allocated, or a negative errno. */
static noinline __noclone int
msi_lease_call_count(struct msi_lease_pool *pool,
		     struct msi_lease_client *client)
{
	return pool->ops->count(pool, client);
}
ALLOW_ERROR_INJECTION(msi_lease_call_count, ERRNO);

static noinline __noclone int
msi_lease_call_offer(struct msi_lease_client *lender,
		     const struct msi_lease_ask *ask,
		     struct msi_lease_offer *offer)
{
	lockdep_assert_held(&lender->pool->negotiate);
	return lender->ops->offer(lender, ask, offer);
}
ALLOW_ERROR_INJECTION(msi_lease_call_offer, ERRNO);

static noinline __noclone int
msi_lease_call_release(struct msi_lease_client *lender, unsigned int count)
{
	struct msi_lease_pool *pool = lender->pool;
	int ret;

	lockdep_assert_held(&pool->negotiate);
	lockdep_assert_held(&pool->ending);
	spin_lock(&pool->lock);
	lender->releaser = current;
	lender->released = 0;
	/*
	 * A stock driver frees its whole table before it allocates what it
	 * keeps: held, its own vectors stay its own in between.
	 */
	if (lender->stock)
		lender->holding++;
	spin_unlock(&pool->lock);
	ret = lender->ops->release(lender, count);
	spin_lock(&pool->lock);
	lender->releaser = NULL;
	if (lender->stock)
		lender->holding--;
	spin_unlock(&pool->lock);
	return ret;
}
ALLOW_ERROR_INJECTION(msi_lease_call_release, ERRNO);

/* 0 if @lender consents to the renewal, -EPERM if not. */
static noinline __noclone int
msi_lease_call_renew(struct msi_lease_client *lender,
		     const struct msi_lease_piece *piece, u64 extra_ns)
{
	lockdep_assert_held(&lender->pool->negotiate);
	if (!lender->ops->renew || !lender->ops->renew(lender, piece, extra_ns))
		return -EPERM;
	return 0;
}
ALLOW_ERROR_INJECTION(msi_lease_call_renew, ERRNO);

/* Vectors @client has really allocated, or -1 when nobody can tell. */
static int client_count(struct msi_lease_pool *pool,
			struct msi_lease_client *client)
{
	int n;

	if (!pool->ops || !pool->ops->count)
		return -1;
	n = msi_lease_call_count(pool, client);
	return n < 0 ? -1 : n;
}

/*
 * How often to count a client whose driver is allocating or freeing
 * meanwhile, and how long to let it finish between counts (some 20 ms
 * in all).
 */
#define MSI_LEASE_COUNT_TRIES	20
#define MSI_LEASE_COUNT_WAIT_US	1000

/*
 * Count @client's vectors, then take @pool->lock with books that match
 * the count.  If the client's driver freed or allocated meanwhile (a
 * settle moved its changes on), the count is stale; if an allocation
 * is still in flight (@client->pending), the count may or may not show
 * it; if the driver is reconfiguring, the count may fall between its
 * freeing everything and allocating again.  Either way the driver is
 * let finish and the count taken again.  Returns the count, or -1 when
 * nobody can tell (no count, or a stale or reconfiguring one after
 * MSI_LEASE_COUNT_TRIES), on which a caller judges nothing; after the
 * last try a count with an allocation in flight is returned as it is
 * (the in-flight vectors are the client's entitlement, so it is judged
 * leniently).  *@gen is where the returned count started.
 */
static int client_count_lock(struct msi_lease_pool *pool,
			     struct msi_lease_client *client,
			     unsigned long *gen)
	__acquires(&pool->lock)
{
	unsigned int tries = 0;
	int real;

	for (;;) {
		*gen = msi_lease_client_changes(client);
		real = client_count(pool, client);
		spin_lock(&pool->lock);
		tries++;
		if (client->changes == *gen && !client->reconfiguring &&
		    (!client->pending || tries == MSI_LEASE_COUNT_TRIES))
			return real;
		if (tries == MSI_LEASE_COUNT_TRIES)
			return -1;
		spin_unlock(&pool->lock);
		usleep_range(MSI_LEASE_COUNT_WAIT_US / 2,
			     MSI_LEASE_COUNT_WAIT_US);
	}
}

/*
 * Count @client again after a hold on it ended: what its driver freed
 * while it was held was not booked.  The count is booked only if
 * nothing of the client's is out, held or in flight any more (else the
 * end of that books it), and only if its driver did not allocate or
 * free meanwhile (that settle booked fresher numbers).
 */
static void client_recount(struct msi_lease_pool *pool,
			   struct msi_lease_client *client)
{
	enum msi_lease_mode mode;
	unsigned long gen;
	int real;

	real = client_count_lock(pool, client, &gen);
	mode = client->mode;
	spin_unlock(&pool->lock);
	if (real >= 0)
		msi_lease_client_recount(client, mode, real, gen);
}

/*
 * After a borrower's lease_end: vectors it still has allocated beyond
 * its group (and what it is allocating) are its own from now on.
 * Returns how many.
 */
static unsigned int client_charge_kept(struct msi_lease_pool *pool,
				       struct msi_lease_client *client,
				       int real)
{
	unsigned int limit, kept;

	lockdep_assert_held(&pool->lock);

	limit = msi_lease_client_entitled(client);
	if (real < 0 || real <= limit)
		return 0;
	kept = real - limit;
	msi_lease_pool_account(pool, client, false);
	client->held += kept;
	if (client->mode == MSI_LEASE_MODE_NONE)
		client->mode = MSI_LEASE_MODE_MSIX;
	client->kept += kept;
	msi_lease_pool_account(pool, client, true);
	return kept;
}

/*
 * Give @count vectors back to @lender, whose holding the caller raised
 * in the same critical section that unbooked them: a re-count in
 * between cannot drop them from its books, and its re-allocation is
 * admitted against its own group, not the free pool.  Until the
 * callback returns, only its task may allocate them (the lender's other
 * allocations meanwhile are admitted as if they were not there).  One
 * reclaim at a time per pool: the caller holds @pool->ending.
 *
 * What the lender's driver freed of its own while it was held was not
 * booked (a held client's frees are taken for the returning vectors'):
 * with the loan home, the lender is counted again, and if nothing else
 * of its is out, held or in flight, the count is what it holds.
 */
static void lender_reclaim(struct msi_lease_pool *pool,
			   struct msi_lease_client *lender, unsigned int count)
{
	lockdep_assert_held(&pool->ending);

	spin_lock(&pool->lock);
	lender->reclaimer = current;
	spin_unlock(&pool->lock);
	lender->ops->reclaim(lender, count);
	spin_lock(&pool->lock);
	lender->reclaimer = NULL;
	lender->returning -= count;
	lender->holding--;
	spin_unlock(&pool->lock);
	client_recount(pool, lender);
}

/* @count vectors of @lender's are unbooked: hold it until they are back. */
static void lender_hold(struct msi_lease_pool *pool,
			struct msi_lease_client *lender, unsigned int count)
{
	lockdep_assert_held(&pool->lock);

	lender->holding++;
	lender->returning += count;
}

/*
 * How long the borrower's leases last when it decides (expiry, or an
 * early return; not a revoke, a recall or a client leaving): a moving
 * average, weight 1/4 for the newest, that msi_lease_suggest() offers as
 * the next lease's duration.
 */
static void lease_note_length(struct msi_lease_lease *lease)
{
	struct msi_lease_client *borrower = lease->borrower;
	u64 used;

	lockdep_assert_held(&lease->pool->lock);

	if (lease->end_now && !lease->returned)
		return;
	used = max_t(s64, ktime_to_ns(ktime_sub(ktime_get(), lease->start)), 1);
	borrower->lease_ns = borrower->lease_ns ?
			     borrower->lease_ns - borrower->lease_ns / 4 +
			     used / 4 : used;
}

/*
 * Is @lease to end now?  If it is, it is marked inactive (nobody renews,
 * recalls or re-arms it from now on); if it is not due yet, its work is
 * armed again.
 */
static bool lease_end_due(struct msi_lease_lease *lease)
{
	lockdep_assert_held(&lease->pool->lock);

	if (!lease->active)
		return false;
	if (!lease->end_now && ktime_before(ktime_get(), lease->piece.expires)) {
		/* Longer than one timer wait: wait again. */
		queue_delayed_work(msi_lease_wq, &lease->end,
				   delay_until(lease->piece.expires));
		return false;
	}
	lease->active = false;
	lease_note_length(lease);
	/*
	 * A renewal or recall that saw the lease active just before this may
	 * have re-armed the timer while this instance was already running;
	 * nobody re-arms it from now on (they check @active under the lock),
	 * so drop that instance here or the lease is freed with a live timer.
	 */
	cancel_delayed_work(&lease->end);
	return true;
}

/*
 * The borrower, held by the caller in the section that ended @lease,
 * unbinds @lease's vectors; they leave its books and, for a lender's
 * lease, go to the lender's returning vectors.  Returns what the borrower
 * kept beyond its entitlement (now charged to it).
 */
static unsigned int lease_end_borrower(struct msi_lease_lease *lease)
{
	struct msi_lease_client *lender = lease->piece.lender;
	struct msi_lease_client *borrower = lease->borrower;
	struct msi_lease_pool *pool = lease->pool;
	enum msi_lease_mode mode;
	unsigned int kept;
	unsigned long gen;
	int real;

	lockdep_assert_held(&pool->ending);

	trace_msi_lease_end(lease);
	/*
	 * A stock driver gives vectors back by re-allocating all it wants:
	 * admission is to leave the lease's out.
	 */
	spin_lock(&pool->lock);
	if (borrower->stock)
		borrower->unbinding += lease->piece.count;
	spin_unlock(&pool->lock);
	borrower->ops->lease_end(borrower, &lease->piece);
	real = client_count_lock(pool, borrower, &gen);
	if (borrower->stock)
		borrower->unbinding -= lease->piece.count;
	borrower->holding--;
	book(pool, lease, false);
	kept = client_charge_kept(pool, borrower, real);
	mode = borrower->mode;
	if (lender)
		lender_hold(pool, lender, lease->piece.count);
	spin_unlock(&pool->lock);
	/*
	 * A borrower that freed vectors while it had borrowed ones bound
	 * was booked as unbinding borrowed vectors first: which of them it
	 * freed, a count cannot tell.  With its last lease over, what it
	 * has is its own: book the count (dropped if it changed meanwhile).
	 */
	if (!kept && real >= 0)
		msi_lease_client_recount(borrower, mode, real, gen);
	return kept;
}

static void lease_end_work(struct work_struct *work)
{
	struct msi_lease_lease *lease =
		container_of(to_delayed_work(work), struct msi_lease_lease, end);
	struct msi_lease_client *lender = lease->piece.lender;
	struct msi_lease_pool *pool = lease->pool;
	unsigned int kept;
	bool due;

	mutex_lock(&pool->ending);
	spin_lock(&pool->lock);
	due = lease_end_due(lease);
	/* What the borrower frees from now on is borrowed, not its own. */
	if (due)
		lease->borrower->holding++;
	spin_unlock(&pool->lock);
	if (!due) {
		mutex_unlock(&pool->ending);
		return;
	}

	kept = lease_end_borrower(lease);
	if (kept) {
		pr_warn("lease %llu: borrower kept %u vectors after its end; charged to it\n",
			lease->piece.id, kept);
		pool_event(pool, lease, MSI_LEASE_EVENT_KEPT);
	}
	if (lender)
		lender_reclaim(pool, lender, lease->piece.count);
	pool_event(pool, lease, MSI_LEASE_EVENT_END);
	mutex_unlock(&pool->ending);

	/*
	 * Only now may a client that is leaving stop waiting for it, and
	 * the pool's owner free the pool once its last lease is gone: the
	 * spin_unlock() below is this work's last touch of the pool.  (A
	 * mutex_unlock() is not: it may still touch the mutex after a
	 * waiter got it, so the unlink comes after it.)
	 */
	spin_lock(&pool->lock);
	lease_link(pool, lease, false);
	spin_unlock(&pool->lock);
	kref_put(&lease->ref, lease_free);
}

/* End @lease now and wait until it has ended; the caller holds a ref. */
static void lease_end_now(struct msi_lease_lease *lease, bool returned)
{
	spin_lock(&lease->pool->lock);
	lease->end_now = true;
	lease->returned = returned;
	spin_unlock(&lease->pool->lock);
	mod_delayed_work(msi_lease_wq, &lease->end, 0);
	flush_delayed_work(&lease->end);
}

/*
 * @pool is @client's pool as the caller found it: @client->pool may turn
 * NULL meanwhile (a client detaching), the lock the caller holds may not.
 */
static struct msi_lease_lease *lease_find(struct msi_lease_pool *pool,
					  struct msi_lease_client *client,
					  u64 id, bool as_lender)
{
	struct msi_lease_lease *lease;

	lockdep_assert_held(&pool->lock);

	if (as_lender) {
		list_for_each_entry(lease, &client->leases_out, out_node)
			if (lease->piece.id == id && lease->active)
				return lease;
	} else {
		list_for_each_entry(lease, &client->leases_in, in_node)
			if (lease->piece.id == id && lease->active)
				return lease;
	}
	return NULL;
}

/* Find an active lease of @client by id and take a reference on it. */
static struct msi_lease_lease *lease_get(struct msi_lease_client *client,
					 u64 id, bool as_lender)
{
	struct msi_lease_pool *pool = client->pool;
	struct msi_lease_lease *lease;

	spin_lock(&pool->lock);
	lease = lease_find(pool, client, id, as_lender);
	if (lease)
		kref_get(&lease->ref);
	spin_unlock(&pool->lock);
	return lease;
}

/**
 * msi_lease_return() - give a borrowed lease back before it expires
 * @borrower: the client that borrowed
 * @id: the lease's id from its grant piece
 *
 * The borrower's lease_end callback is called (from the broker's
 * workqueue) before this returns, then the lender's reclaim.
 *
 * Context: process context; sleeps.  Not from a broker callback.
 * Return: 0, or -ENOENT if @borrower has no such active lease.
 */
int msi_lease_return(struct msi_lease_client *borrower, u64 id)
{
	struct msi_lease_lease *lease;

	might_sleep();
	if (!borrower->pool)
		return -ENOENT;
	lease = lease_get(borrower, id, false);
	if (!lease)
		return -ENOENT;
	trace_msi_lease_return(lease);
	lease_end_now(lease, true);
	kref_put(&lease->ref, lease_free);
	return 0;
}
EXPORT_SYMBOL_GPL(msi_lease_return);

/**
 * msi_lease_renew() - ask to extend a lease
 * @borrower: the client that borrowed
 * @id: the lease's id
 * @extra_ns: how much longer
 *
 * The lender is asked through its renew callback; a lease from the free
 * pool is renewed as long as the pool's longest lease allows.
 *
 * Context: process context; sleeps.
 * Return: 0; -EINVAL for a zero @extra_ns; -ENOENT if there is no such
 * active lease (it may just have ended); -EPERM if the lender declines or
 * the renewal would pass the lender's or the pool's longest lease.
 */
int msi_lease_renew(struct msi_lease_client *borrower, u64 id, u64 extra_ns)
{
	struct msi_lease_pool *pool = borrower->pool;
	struct msi_lease_client *lender;
	struct msi_lease_lease *lease;
	u64 longest;
	int ret = 0;

	might_sleep();
	if (!extra_ns)
		return -EINVAL;
	if (!pool)
		return -ENOENT;
	extra_ns = min(extra_ns, MSI_LEASE_MAX_NS);

	mutex_lock(&pool->negotiate);
	lease = lease_get(borrower, id, false);
	if (!lease) {
		ret = -ENOENT;
		goto unlock;
	}
	lender = lease->piece.lender;
	longest = pool->max_lease_ns ?: MSI_LEASE_MAX_NS;
	if (lender && lender->attrs.max_lease_ns)
		longest = min(longest, lender->attrs.max_lease_ns);
	/* Both terms are at most MSI_LEASE_MAX_NS: the sum cannot wrap. */
	if (lease->duration_ns + extra_ns > longest)
		ret = -EPERM;
	else if (lender)
		ret = msi_lease_call_renew(lender, &lease->piece, extra_ns);

	spin_lock(&pool->lock);
	if (!ret && !lease->active)
		ret = -ENOENT;
	if (!ret) {
		lease->duration_ns += extra_ns;
		lease->piece.expires = time_after_ns(lease->piece.expires,
						     extra_ns);
		mod_delayed_work(msi_lease_wq, &lease->end,
				 delay_until(lease->piece.expires));
	}
	spin_unlock(&pool->lock);
	if (!ret)
		trace_msi_lease_renew(lease);
	kref_put(&lease->ref, lease_free);
unlock:
	mutex_unlock(&pool->negotiate);
	return ret;
}
EXPORT_SYMBOL_GPL(msi_lease_renew);

/**
 * msi_lease_recall() - a lender wants its vectors back early
 * @lender: the client that lent
 * @id: the lease's id
 * @grace_ns: time the borrower gets before the lease ends; a lease due
 *	to end sooner ends as planned
 *
 * The borrower's recalled callback, if any, is told first.
 *
 * Context: process context; sleeps.  Not from a broker callback.
 * Return: 0, or -ENOENT if @lender has no such active lease.
 */
int msi_lease_recall(struct msi_lease_client *lender, u64 id, u64 grace_ns)
{
	struct msi_lease_pool *pool = lender->pool;
	const struct msi_lease_client_ops *ops;
	struct msi_lease_client *borrower;
	struct msi_lease_lease *lease;
	ktime_t by;

	might_sleep();
	if (!pool)
		return -ENOENT;
	/* The borrower cannot leave (and drop its ops) while this runs. */
	mutex_lock(&pool->negotiate);
	lease = lease_get(lender, id, true);
	if (!lease) {
		mutex_unlock(&pool->negotiate);
		return -ENOENT;
	}
	borrower = lease->borrower;
	ops = borrower->ops;
	if (ops && ops->recalled)
		ops->recalled(borrower, &lease->piece, grace_ns);

	by = time_after_ns(ktime_get(), grace_ns);
	spin_lock(&pool->lock);
	if (lease->active && ktime_before(by, lease->piece.expires)) {
		lease->piece.expires = by;
		mod_delayed_work(msi_lease_wq, &lease->end, delay_until(by));
	}
	spin_unlock(&pool->lock);
	trace_msi_lease_recall(lease);
	kref_put(&lease->ref, lease_free);
	mutex_unlock(&pool->negotiate);
	return 0;
}
EXPORT_SYMBOL_GPL(msi_lease_recall);

/* Borrowing */

/* Per-borrow scratch, freed when the borrow returns. */
struct borrow {
	enum msi_lease_negotiation mode;
	enum msi_lease_policy policy;
	unsigned int want, from_pool, total;
	u64 duration, shortest;
	ktime_t deadline;
	struct msi_lease_candidate *cands;
	unsigned int nr_cands, asked;
	struct msi_lease_pick *picks;
	unsigned int nr_picks;
	struct msi_lease_lease **leases;
	unsigned int nr_leases;
};

static void borrow_free(struct borrow *b)
{
	unsigned int i;

	for (i = 0; i < b->nr_leases; i++)
		kfree(b->leases[i]);
	kfree(b->leases);
	kfree(b->picks);
	kfree(b->cands);
}

/* Clamp an offer to what the lender may lend and for how long. */
static void offer_sanitize(struct msi_lease_client *lender,
			   struct msi_lease_offer *offer, u64 duration)
{
	unsigned int room, t;
	u64 longest;

	/* The terms an administrator may be changing: read them whole. */
	spin_lock(&lender->pool->lock);
	room = msi_lease_client_lendable(lender);
	longest = lender->attrs.max_lease_ns;
	spin_unlock(&lender->pool->lock);

	if (longest && longest < duration)
		duration = longest;
	offer->nr_tiers = min_t(unsigned int, offer->nr_tiers,
				MSI_LEASE_MAX_TIERS);
	offer->load = min(offer->load, 100U);
	for (t = 0; t < offer->nr_tiers; t++) {
		struct msi_lease_tier *tier = &offer->tiers[t];

		tier->duration_ns = min(tier->duration_ns, duration);
		tier->count = tier->duration_ns ? min(tier->count, room) : 0;
		room -= tier->count;
	}
}

/* Ask the lenders; leaves the chosen vectors in b->picks. */
static int negotiate(struct msi_lease_client *borrower, struct borrow *b,
		     enum msi_lease_negotiation mode,
		     enum msi_lease_policy policy, unsigned int need,
		     u64 duration, ktime_t deadline)
{
	struct msi_lease_pick *one;
	unsigned int i, got = 0, n, k;
	int ret;

	lockdep_assert_held(&borrower->pool->negotiate);

	if (mode == MSI_LEASE_NEGOTIATE_SEQUENTIAL)
		msi_lease_select_order(policy, b->cands, b->nr_cands);

	for (i = 0; i < b->nr_cands && got < need; i++) {
		struct msi_lease_candidate *cand = &b->cands[i];
		struct msi_lease_client *lender = cand->lender;
		struct msi_lease_ask ask = {
			.borrower = borrower,
			.count = need - got,
			.duration_ns = duration,
		};

		if (ktime_after(ktime_get(), deadline))
			break;
		memset(&cand->offer, 0, sizeof(cand->offer));
		ret = msi_lease_call_offer(lender, &ask, &cand->offer);
		if (ret)
			cand->offer.nr_tiers = 0;
		offer_sanitize(lender, &cand->offer, duration);
		b->asked++;
		trace_msi_lease_offer(borrower, lender, &ask, &cand->offer);

		if (mode != MSI_LEASE_NEGOTIATE_SEQUENTIAL)
			continue;
		one = &b->picks[b->nr_picks];
		ret = msi_lease_select(policy, need - got, cand, 1, one, &n);
		if (ret < 0)
			return ret;
		for (k = 0; k < n; k++)
			one[k].cand = i;
		b->nr_picks += n;
		got += ret;
	}

	if (mode == MSI_LEASE_NEGOTIATE_SEQUENTIAL)
		return 0;
	ret = msi_lease_select(policy, need, b->cands, b->asked, b->picks,
			       &b->nr_picks);
	return ret < 0 ? ret : 0;
}

static int borrow_alloc_leases(struct borrow *b, unsigned int from_pool)
{
	unsigned int i, n = b->nr_picks + !!from_pool;

	b->leases = kcalloc(n, sizeof(*b->leases), GFP_KERNEL);
	if (!b->leases)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		b->leases[i] = kzalloc(sizeof(*b->leases[i]), GFP_KERNEL);
		if (!b->leases[i])
			return -ENOMEM;
		b->nr_leases++;
	}
	return 0;
}

/*
 * Book every lease, or none: -EAGAIN if the pool changed meanwhile (the
 * free pool shrank, a lender can lend less, or the borrower's table
 * filled up).
 */
/* @lease's lender's release is over (or was never made). */
static void lender_unbook_release(struct msi_lease_lease *lease)
{
	struct msi_lease_client *lender = lease->piece.lender;

	lockdep_assert_held(&lease->pool->lock);

	lender->releasing -= lease->piece.count;
	lender->unfreed -= min(lender->unfreed, lease->piece.count);
}

static int borrow_reserve(struct msi_lease_pool *pool,
			  struct msi_lease_client *borrower, struct borrow *b,
			  unsigned int from_pool, unsigned int total)
{
	unsigned int i;

	lockdep_assert_held(&pool->negotiate);

	spin_lock(&pool->lock);
	if ((from_pool && msi_lease_pool_free_locked(pool) < from_pool) ||
	    msi_lease_client_room(borrower) < total)
		goto fail;
	for (i = 0; i < b->nr_leases; i++) {
		struct msi_lease_lease *lease = b->leases[i];

		if (lease->piece.lender &&
		    msi_lease_client_lendable(lease->piece.lender) <
		    lease->piece.count)
			goto unwind;
		book(pool, lease, true);
		lease_link(pool, lease, true);
		if (lease->piece.lender) {
			lease->piece.lender->releasing += lease->piece.count;
			lease->piece.lender->unfreed += lease->piece.count;
		}
	}
	spin_unlock(&pool->lock);
	return 0;

unwind:
	while (i--) {
		if (b->leases[i]->piece.lender)
			lender_unbook_release(b->leases[i]);
		book(pool, b->leases[i], false);
		lease_link(pool, b->leases[i], false);
	}
fail:
	spin_unlock(&pool->lock);
	return -EAGAIN;
}

/*
 * Undo a reservation after lease @failed's lender could not release:
 * every lender before it released and gets its vectors back, with its
 * holding raised in the same critical section that unbooks them; the
 * failed one gets back @freed, what it freed all the same; those after
 * it were never asked.
 */
static void borrow_rollback(struct msi_lease_pool *pool, struct borrow *b,
			    unsigned int failed, unsigned int freed)
{
	unsigned int i, n;

	spin_lock(&pool->lock);
	for (i = 0; i < b->nr_leases; i++) {
		struct msi_lease_client *lender = b->leases[i]->piece.lender;

		n = i < failed ? b->leases[i]->piece.count : freed;
		book(pool, b->leases[i], false);
		if (lender && i <= failed && n)
			lender_hold(pool, lender, n);
		if (lender && i > failed)
			lender_unbook_release(b->leases[i]);
	}
	spin_unlock(&pool->lock);

	/* Reclaims, like lease ends, one at a time per pool. */
	mutex_lock(&pool->ending);
	for (i = 0; i <= failed && i < b->nr_leases; i++) {
		struct msi_lease_client *lender = b->leases[i]->piece.lender;

		n = i < failed ? b->leases[i]->piece.count : freed;
		if (lender && n)
			lender_reclaim(pool, lender, n);
	}
	mutex_unlock(&pool->ending);

	spin_lock(&pool->lock);
	for (i = 0; i < b->nr_leases; i++)
		lease_link(pool, b->leases[i], false);
	spin_unlock(&pool->lock);
}

/*
 * @lease's lender returned from its release callback: the vectors are
 * no longer its to use.  If it said it freed them, check that it has no
 * more allocated than it is entitled to now.  If it failed either way,
 * *@freed is what its callback freed nonetheless (a callback that failed
 * halfway, or an honest lender whose books were below what it had),
 * which it gets back.
 */
static int lender_released(struct msi_lease_pool *pool,
			   struct msi_lease_lease *lease, int ret,
			   unsigned int *freed)
{
	struct msi_lease_client *lender = lease->piece.lender;
	unsigned int count = lease->piece.count;
	u64 entitled, kept = 0;
	unsigned long gen;
	int real;

	*freed = 0;
	spin_lock(&pool->lock);
	lender_unbook_release(lease);
	spin_unlock(&pool->lock);
	real = client_count_lock(pool, lender, &gen);
	entitled = msi_lease_client_entitled(lender);
	if (!ret && real >= 0 && real > entitled) {
		kept = real - entitled;
		ret = -EBUSY;
	}
	if (ret && lender->released > 0)
		*freed = min_t(unsigned int, lender->released, count);
	/* A release that never reached the callback must not find it. */
	lender->released = 0;
	spin_unlock(&pool->lock);
	if (kept)
		pr_warn("lease %llu: lender kept %llu of the %u vectors it said it released\n",
			lease->piece.id, min_t(u64, kept, count), count);
	return ret;
}

/* Lenders free their vectors; all of them, or the reservation is undone. */
static int borrow_release(struct msi_lease_pool *pool,
			  struct msi_lease_client *borrower, struct borrow *b)
{
	struct msi_lease_client *lender = NULL;
	unsigned int i, freed = 0;
	int ret = 0;

	lockdep_assert_held(&pool->negotiate);

	for (i = 0; i < b->nr_leases; i++) {
		lender = b->leases[i]->piece.lender;
		if (!lender)
			continue;
		/*
		 * No lease ends while a lender releases: a lease end counts
		 * its borrower, and a lender that is also a borrower would be
		 * counted halfway through its release, when the books cannot
		 * tell what it freed from what it kept as a borrower.
		 */
		mutex_lock(&pool->ending);
		ret = msi_lease_call_release(lender,
					     b->leases[i]->piece.count);
		ret = lender_released(pool, b->leases[i], ret, &freed);
		mutex_unlock(&pool->ending);
		if (ret)
			break;
	}
	if (!ret)
		return 0;

	trace_msi_lease_rollback(borrower, lender, ret);
	borrow_rollback(pool, b, i, freed);
	return ret;
}

static int borrow_fill_grant(struct borrow *b, struct msi_lease_grant *grant)
{
	unsigned int i;

	grant->pieces = kcalloc(b->nr_leases, sizeof(*grant->pieces),
				GFP_KERNEL);
	if (!grant->pieces)
		return -ENOMEM;
	for (i = 0; i < b->nr_leases; i++) {
		grant->pieces[i] = b->leases[i]->piece;
		grant->count += b->leases[i]->piece.count;
	}
	grant->nr_pieces = b->nr_leases;
	return 0;
}

/* Leases go live: expiry scheduled, ownership passes to the pool lists. */
static void borrow_commit(struct msi_lease_pool *pool, struct borrow *b,
			  struct msi_lease_grant *grant)
{
	ktime_t now = ktime_get();
	unsigned int i;

	lockdep_assert_held(&pool->negotiate);

	spin_lock(&pool->lock);
	for (i = 0; i < b->nr_leases; i++) {
		struct msi_lease_lease *lease = b->leases[i];

		lease->start = now;
		lease->piece.expires = time_after_ns(now, lease->duration_ns);
		grant->pieces[i].expires = lease->piece.expires;
		lease->active = true;
		/* A short lease may end before its GRANT is told: pin it. */
		kref_get(&lease->ref);
		queue_delayed_work(msi_lease_wq, &lease->end,
				   delay_until(lease->piece.expires));
	}
	spin_unlock(&pool->lock);
	for (i = 0; i < b->nr_leases; i++) {
		trace_msi_lease_grant(b->leases[i]);
		pool_event(pool, b->leases[i], MSI_LEASE_EVENT_GRANT);
		kref_put(&b->leases[i]->ref, lease_free);
	}
	b->nr_leases = 0;	/* the pool owns them now */
}

static void lease_init(struct msi_lease_lease *lease,
		       struct msi_lease_pool *pool,
		       struct msi_lease_client *borrower,
		       struct msi_lease_client *lender, unsigned int count,
		       u64 duration)
{
	lease->piece.id = atomic64_inc_return(&msi_lease_next_id);
	lease->piece.lender = lender;
	lease->piece.count = count;
	lease->pool = pool;
	lease->borrower = borrower;
	lease->duration_ns = duration;
	INIT_LIST_HEAD(&lease->pool_node);
	INIT_LIST_HEAD(&lease->in_node);
	INIT_LIST_HEAD(&lease->out_node);
	kref_init(&lease->ref);
	INIT_DELAYED_WORK(&lease->end, lease_end_work);
}

static bool request_valid(const struct msi_lease_request *req)
{
	return req->count && req->count <= INT_MAX && req->duration_ns &&
	       req->negotiation < MSI_LEASE_NR_NEGOTIATIONS &&
	       req->policy < MSI_LEASE_NR_POLICIES;
}

/*
 * The terms of the borrow, what the free pool and the borrower's table
 * allow, and the lenders to ask.  Leasing clients join and leave under
 * the negotiate mutex, so the candidates stay valid after the pool lock
 * is dropped.
 */
static int borrow_prepare(struct msi_lease_pool *pool,
			  struct msi_lease_client *borrower,
			  const struct msi_lease_request *req, struct borrow *b)
{
	struct msi_lease_client *c;
	unsigned int nr;

	lockdep_assert_held(&pool->negotiate);

	b->mode = req->negotiation ?: pool->negotiation;
	b->policy = req->policy ?: pool->policy;
	b->duration = min(req->duration_ns, MSI_LEASE_MAX_NS);
	if (pool->max_lease_ns)
		b->duration = min(b->duration, pool->max_lease_ns);
	b->deadline = req->deadline_ns ?
		      time_after_ns(ktime_get(), req->deadline_ns) : KTIME_MAX;

	/*
	 * Clients may attach meanwhile (not leasing yet: they enlist under
	 * @negotiate), so no more than @nr are candidates.
	 */
	spin_lock(&pool->lock);
	nr = pool->nr_clients;
	spin_unlock(&pool->lock);
	b->cands = kcalloc(nr, sizeof(*b->cands), GFP_KERNEL);
	b->picks = kcalloc(nr * MSI_LEASE_MAX_TIERS + 1, sizeof(*b->picks),
			   GFP_KERNEL);
	if (!b->cands || !b->picks)
		return -ENOMEM;

	spin_lock(&pool->lock);
	b->want = min(req->count, msi_lease_client_room(borrower));
	b->from_pool = min(b->want, msi_lease_pool_free_locked(pool));
	list_for_each_entry(c, &pool->clients, node) {
		if (c == borrower || !c->ops || !c->ops->offer ||
		    !c->attrs.cooperative)
			continue;
		if (WARN_ON_ONCE(b->nr_cands == nr))
			break;
		b->cands[b->nr_cands++] = (struct msi_lease_candidate){
			.lender = c, .seq = c->seq, .priority = c->attrs.priority,
		};
	}
	spin_unlock(&pool->lock);
	/* Never grant what the borrower's table cannot bind. */
	if (!b->want || (b->want < req->count && !req->accept_partial))
		return -ENOSPC;
	return 0;
}

/* One lease for the free pool's part and one per pick; all or nothing. */
static int borrow_build(struct msi_lease_pool *pool,
			struct msi_lease_client *borrower,
			const struct msi_lease_request *req, struct borrow *b)
{
	unsigned int i = 0;
	int ret;

	ret = borrow_alloc_leases(b, b->from_pool);
	if (ret)
		return ret;
	if (b->from_pool)
		lease_init(b->leases[i++], pool, borrower, NULL, b->from_pool,
			   b->duration);
	for (; i < b->nr_leases; i++) {
		const struct msi_lease_pick *p = &b->picks[i - !!b->from_pool];
		const struct msi_lease_candidate *cand = &b->cands[p->cand];

		lease_init(b->leases[i], pool, borrower, cand->lender, p->count,
			   cand->offer.tiers[p->tier].duration_ns);
	}
	b->shortest = U64_MAX;
	for (i = 0; i < b->nr_leases; i++) {
		b->total += b->leases[i]->piece.count;
		b->shortest = min(b->shortest, b->leases[i]->duration_ns);
	}
	if (!b->total || (b->total < req->count && !req->accept_partial))
		return -ENOSPC;
	return 0;
}

/**
 * msi_lease_borrow() - borrow vectors for a time
 * @borrower: a client that joined its pool with a lease_end callback
 * @req: how many, for how long, and how to negotiate
 * @grant: filled in on success; free with msi_lease_grant_free()
 *
 * Takes vectors from the pool's free vectors first, then negotiates with
 * the pool's other cooperative clients (never another pool's), chooses
 * among their counter-offers by policy, has the lenders release what was
 * chosen, and grants it as one lease per (lender, terms).  The grant may
 * hold fewer vectors than asked for when @req->accept_partial is set, and
 * leases shorter than asked for when lenders offered less.  It never
 * holds more than the borrower's table can bind beside everything the
 * borrower holds (lent vectors included).  Durations are capped at 73
 * years.
 *
 * Context: process context; sleeps; calls the lenders' offer and release
 * callbacks.  Not from a broker callback.
 * Return: 0 with @grant->count > 0; -EINVAL for a bad request or a
 * borrower that cannot take leases; -ENOSPC when nothing (or, without
 * accept_partial, not all) could be had: nothing changed then, and
 * @grant->available and @grant->available_ns say what could; -EAGAIN if
 * the pool changed under the negotiation; -ENOMEM; or a lender's release
 * error (-EBUSY if it kept what it said it released), after every lender
 * got its vectors back.
 */
int msi_lease_borrow(struct msi_lease_client *borrower,
		     const struct msi_lease_request *req,
		     struct msi_lease_grant *grant)
{
	struct msi_lease_pool *pool = READ_ONCE(borrower->pool);
	struct borrow b = { };
	int ret;

	might_sleep();
	memset(grant, 0, sizeof(*grant));
	if (!pool || !request_valid(req))
		return -EINVAL;

	mutex_lock(&pool->negotiate);
	/* Checked under the mutex: a client leaving drops its ops under it. */
	ret = -EINVAL;
	if (!borrower->ops || !borrower->ops->lease_end)
		goto out;
	ret = borrow_prepare(pool, borrower, req, &b);
	if (!ret && b.from_pool < b.want &&
	    b.mode != MSI_LEASE_NEGOTIATE_NONE)
		ret = negotiate(borrower, &b, b.mode, b.policy,
				b.want - b.from_pool, b.duration, b.deadline);
	if (!ret)
		ret = borrow_build(pool, borrower, req, &b);
	/* Every allocation is done before any lender releases a vector. */
	if (!ret)
		ret = borrow_fill_grant(&b, grant);
	if (!ret)
		ret = borrow_reserve(pool, borrower, &b, b.from_pool, b.total);
	if (!ret)
		ret = borrow_release(pool, borrower, &b);
	if (!ret) {
		borrow_commit(pool, &b, grant);
	} else {
		msi_lease_grant_free(grant);
		grant->count = 0;
		/* [0054]: a denied borrower learns what it could have had. */
		if (ret == -ENOSPC && b.total) {
			grant->available = b.total;
			grant->available_ns = b.shortest;
		}
	}
out:
	trace_msi_lease_borrow(borrower, req, grant->count, b.asked, ret);
	mutex_unlock(&pool->negotiate);
	borrow_free(&b);
	return ret;
}
EXPORT_SYMBOL_GPL(msi_lease_borrow);

/**
 * msi_lease_active() - is a borrowed lease still running?
 * @borrower: the client that borrowed
 * @id: the lease's id
 *
 * A borrower binds the vectors of a grant after msi_lease_borrow()
 * returns; a short lease may have ended by then.  Checked under the lock
 * the driver's lease_end callback also takes, the answer stays true
 * until the driver drops that lock.
 *
 * Return: true if the lease has not begun to end.
 */
bool msi_lease_active(struct msi_lease_client *borrower, u64 id)
{
	struct msi_lease_pool *pool = READ_ONCE(borrower->pool);
	bool active;

	if (!pool)
		return false;
	spin_lock(&pool->lock);
	active = lease_find(pool, borrower, id, false);
	spin_unlock(&pool->lock);
	return active;
}
EXPORT_SYMBOL_GPL(msi_lease_active);

/**
 * msi_lease_client_hold() - keep a client's holding while it reconfigures
 * @client: the client
 * @hold: true to start, false to end
 *
 * Between the two calls, vectors the client frees are not given back
 * to the pool: a driver that can only change its vector count by
 * freeing them all and allocating the new total (6.1) keeps what it owns.
 * At the end an enlisted client is counted again: what it did not
 * allocate anew goes back to the pool.
 *
 * Context: process context; ending a hold may sleep (about 20 ms at
 * most, while the client's other allocations finish).
 */
void msi_lease_client_hold(struct msi_lease_client *client, bool hold)
{
	struct msi_lease_pool *pool = READ_ONCE(client->pool);
	bool recount = false;

	might_sleep();
	if (!pool)
		return;
	spin_lock(&pool->lock);
	if (hold) {
		client->holding++;
		client->reconfiguring++;
	} else if (!WARN_ON_ONCE(!client->reconfiguring ||
				 !client->holding)) {
		client->holding--;
		client->reconfiguring--;
		/* Counted only while enlisted (see msi_lease_pool_ops). */
		recount = client->ops;
	}
	spin_unlock(&pool->lock);
	if (recount)
		client_recount(pool, client);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_hold);

/**
 * msi_lease_grant_free() - free a grant's piece list
 * @grant: filled in by msi_lease_borrow(); the leases are unaffected
 */
void msi_lease_grant_free(struct msi_lease_grant *grant)
{
	kfree(grant->pieces);
	grant->pieces = NULL;
	grant->nr_pieces = 0;
}
EXPORT_SYMBOL_GPL(msi_lease_grant_free);

/* Clients */

/**
 * msi_lease_client_enlist() - let an attached client lend and borrow
 * @client: a client attached to its pool, not enlisted yet
 * @ops: its callbacks; lenders need offer, release and reclaim, borrowers
 *	lease_end
 * @attrs: its lending terms
 * @priv: returned by msi_lease_client_priv()
 *
 * Context: process context; sleeps.
 * Return: 0, -ENODEV for a detached client, -EBUSY if already enlisted.
 */
int msi_lease_client_enlist(struct msi_lease_client *client,
			    const struct msi_lease_client_ops *ops,
			    const struct msi_lease_client_attrs *attrs,
			    void *priv)
{
	struct msi_lease_pool *pool = client->pool;
	int ret = 0;

	might_sleep();
	if (!pool)
		return -ENODEV;
	mutex_lock(&pool->negotiate);
	spin_lock(&pool->lock);
	if (client->ops) {
		ret = -EBUSY;
	} else {
		client->ops = ops;
		client->attrs = *attrs;
		client->priv = priv;
	}
	spin_unlock(&pool->lock);
	mutex_unlock(&pool->negotiate);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_enlist);

/**
 * msi_lease_client_retire() - end a client's leases; it stays accounted
 * @client: an enlisted client
 *
 * Every lease the client borrowed or lent ends first, in the usual order
 * (borrower unbinds, then lender reclaims), so no vector is lost and no
 * lease outlives either party.  The client is no longer asked to lend.
 *
 * Context: process context; sleeps; calls lease_end and reclaim.
 */
void msi_lease_client_retire(struct msi_lease_client *client)
{
	struct msi_lease_pool *pool = client->pool;
	struct msi_lease_lease *lease;

	might_sleep();
	if (!pool)
		return;

	mutex_lock(&pool->negotiate);
	for (;;) {
		spin_lock(&pool->lock);
		lease = list_first_entry_or_null(&client->leases_in,
						 struct msi_lease_lease,
						 in_node);
		if (!lease)
			lease = list_first_entry_or_null(&client->leases_out,
							 struct msi_lease_lease,
							 out_node);
		if (lease)
			kref_get(&lease->ref);
		else
			client->ops = NULL;
		spin_unlock(&pool->lock);
		if (!lease)
			break;
		lease_end_now(lease, false);
		kref_put(&lease->ref, lease_free);
	}
	mutex_unlock(&pool->negotiate);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_retire);

/**
 * msi_lease_client_set_attrs() - change a client's lending terms
 * @client: the client
 * @attrs: the new terms; apply to future requests, not to running leases
 *
 * Return: 0, or -EINVAL if @attrs->floor exceeds what could ever be held.
 */
int msi_lease_client_set_attrs(struct msi_lease_client *client,
			       const struct msi_lease_client_attrs *attrs)
{
	struct msi_lease_pool *pool = client->pool;

	if (attrs->floor > INT_MAX || attrs->max_lend > INT_MAX)
		return -EINVAL;
	if (!pool) {
		client->attrs = *attrs;
		return 0;
	}
	spin_lock(&pool->lock);
	client->attrs = *attrs;
	spin_unlock(&pool->lock);
	return 0;
}
EXPORT_SYMBOL_GPL(msi_lease_client_set_attrs);

/**
 * msi_lease_client_priv() - the pointer a client joined with
 * @client: the client
 *
 * Return: the @priv given to msi_lease_client_enlist().
 */
void *msi_lease_client_priv(struct msi_lease_client *client)
{
	return client->priv;
}
EXPORT_SYMBOL_GPL(msi_lease_client_priv);

/**
 * msi_lease_pool_configure() - change how a pool negotiates, all at once
 * @pool: the pool
 * @conf: the new settings; budget may be %MSI_LEASE_UNLIMITED
 *
 * Applied together under the negotiate mutex, so no borrow sees half of
 * a change.  Running leases keep their terms.
 *
 * Return: 0, or -EINVAL (nothing changed) for a default or unknown
 * negotiation or policy.
 */
int msi_lease_pool_configure(struct msi_lease_pool *pool,
			     const struct msi_lease_pool_conf *conf)
{
	if (conf->negotiation == MSI_LEASE_NEGOTIATE_DEFAULT ||
	    conf->negotiation >= MSI_LEASE_NR_NEGOTIATIONS ||
	    conf->policy == MSI_LEASE_POLICY_DEFAULT ||
	    conf->policy >= MSI_LEASE_NR_POLICIES)
		return -EINVAL;

	might_sleep();
	mutex_lock(&pool->negotiate);
	spin_lock(&pool->lock);
	pool->budget = conf->budget;
	pool->negotiation = conf->negotiation;
	pool->policy = conf->policy;
	pool->max_lease_ns = conf->max_lease_ns;
	spin_unlock(&pool->lock);
	mutex_unlock(&pool->negotiate);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_pool_configure);

/**
 * msi_lease_pool_get_conf() - read a pool's settings
 * @pool: the pool
 * @conf: filled in
 */
void msi_lease_pool_get_conf(struct msi_lease_pool *pool,
			     struct msi_lease_pool_conf *conf)
{
	spin_lock(&pool->lock);
	conf->budget = pool->budget;
	conf->negotiation = pool->negotiation;
	conf->policy = pool->policy;
	conf->max_lease_ns = pool->max_lease_ns;
	spin_unlock(&pool->lock);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_pool_get_conf);

/**
 * msi_lease_pool_revoke() - end a lease now, on an administrator's word
 * @pool: the pool
 * @id: the lease's id
 *
 * The borrower is told it was recalled with no grace, then the lease
 * ends as any other: borrower unbinds, lender reclaims.
 *
 * Context: process context; sleeps.
 * Return: 0, or -ENOENT if @pool has no such active lease.
 */
int msi_lease_pool_revoke(struct msi_lease_pool *pool, u64 id)
{
	const struct msi_lease_client_ops *ops;
	struct msi_lease_client *borrower;
	struct msi_lease_lease *lease;
	bool found = false;

	might_sleep();
	/* Neither party can leave while the event names them. */
	mutex_lock(&pool->negotiate);
	spin_lock(&pool->lock);
	list_for_each_entry(lease, &pool->leases, pool_node) {
		if (lease->piece.id == id && lease->active) {
			kref_get(&lease->ref);
			found = true;
			break;
		}
	}
	spin_unlock(&pool->lock);
	if (!found) {
		mutex_unlock(&pool->negotiate);
		return -ENOENT;
	}

	trace_msi_lease_revoke(lease);
	pool_event(pool, lease, MSI_LEASE_EVENT_REVOKE);
	borrower = lease->borrower;
	ops = borrower->ops;
	if (ops && ops->recalled)
		ops->recalled(borrower, &lease->piece, 0);
	lease_end_now(lease, false);
	kref_put(&lease->ref, lease_free);
	mutex_unlock(&pool->negotiate);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_pool_revoke);

/**
 * msi_lease_pool_walk_leases() - call @fn on each of a pool's active leases
 * @pool: the pool
 * @fn: called under the pool's lock, so it must not sleep
 * @arg: passed to @fn
 *
 * The core knows no text format: sysfs and the tests format what @fn is
 * given.
 *
 * Context: any context that may take a spinlock.
 */
void msi_lease_pool_walk_leases(struct msi_lease_pool *pool,
				msi_lease_lease_fn fn, void *arg)
{
	struct msi_lease_lease_info info;
	struct msi_lease_lease *lease;
	ktime_t now = ktime_get();
	s64 left;

	spin_lock(&pool->lock);
	list_for_each_entry(lease, &pool->leases, pool_node) {
		if (!lease->active)
			continue;
		left = ktime_ms_delta(lease->piece.expires, now);
		info.id = lease->piece.id;
		info.lender = lease->piece.lender;
		info.borrower = lease->borrower;
		info.count = lease->piece.count;
		info.ms_left = left > 0 ? left : 0;
		fn(&info, arg);
	}
	spin_unlock(&pool->lock);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_pool_walk_leases);

/**
 * msi_lease_pool_lent() - vectors out on loan in a pool
 * @pool: the pool
 *
 * Return: vectors in booked leases, from lenders and the free pool.
 */
unsigned int msi_lease_pool_lent(struct msi_lease_pool *pool)
{
	struct msi_lease_lease *lease;
	unsigned int n = 0;

	spin_lock(&pool->lock);
	list_for_each_entry(lease, &pool->leases, pool_node)
		n += lease->booked ? lease->piece.count : 0;
	spin_unlock(&pool->lock);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_pool_lent);

/**
 * msi_lease_core_init() - set up the broker's workqueue
 *
 * Return: 0 or -ENOMEM.
 */
int msi_lease_core_init(void)
{
	/*
	 * Not ordered: a client that hangs in a callback stalls the lease
	 * ends of its own pool (serialised by &msi_lease_pool.ending), not
	 * those of every pool.
	 */
	msi_lease_wq = alloc_workqueue("msi_lease", WQ_UNBOUND, 0);
	return msi_lease_wq ? 0 : -ENOMEM;
}

/**
 * msi_lease_core_exit() - tear the broker's workqueue down
 *
 * Every client has left by now, so no lease is pending.
 */
void msi_lease_core_exit(void)
{
	destroy_workqueue(msi_lease_wq);
}
