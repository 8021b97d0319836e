// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the msi_lease broker (drivers/msi_lease/lease.c and
 * select.c) with fake clients: every behaviour of a borrow that
 * Documentation/design/msi_lease.rst ("Negotiation") describes, plus
 * renewal, recall, revoke, early return, clients leaving mid-lease,
 * rollback, deadlines, configuration, and a randomized stress run.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/prandom.h>
#include <linux/sched/task.h>

#include "compat.h"
#include "helpers.h"
#include "lease.h"
#include "select.h"

MSI_LEASE_IMPORT_KUNIT_NS();

#define HOUR	(3600ULL * NSEC_PER_SEC)
#define MINUTE	(60ULL * NSEC_PER_SEC)

/* Callback events, in order, so tests can check who was called when. */
#define LOG_MAX	64

struct world {
	struct kunit *test;
	struct msi_lease_pool pool;
	struct list_head fakes;
	spinlock_t log_lock;		/* protects log and nr_log */
	char log[LOG_MAX][16];
	unsigned int nr_log;
};

struct fake {
	struct msi_lease_client c;
	struct list_head wnode;
	struct world *w;
	char name;
	/* behaviour */
	unsigned int nr_tiers;
	struct msi_lease_tier tiers[MSI_LEASE_MAX_TIERS];
	unsigned int load;
	int release_ret;
	bool renew_ok;
	unsigned int offer_sleep_ms;
	/* observations */
	unsigned int asked, asked_count, released, reclaimed, ended, recalled;
};

/* Log a callback and bump its counter; callbacks may run concurrently. */
static void wlog_add(struct world *w, char who, const char *what,
		     unsigned int *counter, unsigned int n)
{
	spin_lock(&w->log_lock);
	if (w->nr_log < LOG_MAX)
		snprintf(w->log[w->nr_log++], sizeof(w->log[0]), "%c:%s", who,
			 what);
	if (counter)
		*counter += n;
	spin_unlock(&w->log_lock);
}

static void wlog(struct world *w, char who, const char *what)
{
	wlog_add(w, who, what, NULL, 0);
}

static int log_index(struct world *w, const char *entry)
{
	unsigned int i;
	int ret = -1;

	spin_lock(&w->log_lock);
	for (i = 0; i < w->nr_log; i++)
		if (!strcmp(w->log[i], entry)) {
			ret = i;
			break;
		}
	spin_unlock(&w->log_lock);
	return ret;
}

static struct fake *to_fake(struct msi_lease_client *c)
{
	return container_of(c, struct fake, c);
}

static int fake_offer(struct msi_lease_client *lender,
		      const struct msi_lease_ask *ask,
		      struct msi_lease_offer *offer)
{
	struct fake *f = to_fake(lender);
	unsigned int t;

	f->asked_count = ask->count;
	wlog_add(f->w, f->name, "ask", &f->asked, 1);
	if (f->offer_sleep_ms)
		msleep(f->offer_sleep_ms);
	offer->nr_tiers = f->nr_tiers;
	offer->load = f->load;
	for (t = 0; t < f->nr_tiers; t++) {
		offer->tiers[t] = f->tiers[t];
		if (!offer->tiers[t].duration_ns)
			offer->tiers[t].duration_ns = ask->duration_ns;
	}
	return 0;
}

static int fake_release(struct msi_lease_client *lender, unsigned int count)
{
	struct fake *f = to_fake(lender);

	if (f->release_ret) {
		wlog(f->w, f->name, "release");
		return f->release_ret;
	}
	wlog_add(f->w, f->name, "release", &f->released, count);
	return 0;
}

static void fake_reclaim(struct msi_lease_client *lender, unsigned int count)
{
	struct fake *f = to_fake(lender);

	wlog_add(f->w, f->name, "reclaim", &f->reclaimed, count);
}

static void fake_lease_end(struct msi_lease_client *borrower,
			   const struct msi_lease_piece *piece)
{
	struct fake *f = to_fake(borrower);

	wlog_add(f->w, f->name, "end", &f->ended, piece->count);
}

static bool fake_renew(struct msi_lease_client *lender,
		       const struct msi_lease_piece *piece, u64 extra)
{
	return to_fake(lender)->renew_ok;
}

static void fake_recalled(struct msi_lease_client *borrower,
			  const struct msi_lease_piece *piece, u64 grace)
{
	struct fake *f = to_fake(borrower);

	wlog_add(f->w, f->name, "recalled", &f->recalled, 1);
}

static const struct msi_lease_client_ops fake_ops = {
	.offer = fake_offer,
	.release = fake_release,
	.reclaim = fake_reclaim,
	.lease_end = fake_lease_end,
	.renew = fake_renew,
	.recalled = fake_recalled,
};

/* Every client leaves (ending its leases), then the fakes are freed. */
static void world_exit(void *data)
{
	struct world *w = data;
	struct msi_lease_client *c, *tmp;
	struct fake *f, *ftmp;

	list_for_each_entry_safe_reverse(c, tmp, &w->pool.clients, node)
		msi_lease_test_leave(c);
	list_for_each_entry_safe(f, ftmp, &w->fakes, wnode) {
		list_del(&f->wnode);
		kfree(f);
	}
}

static struct world *new_world(struct kunit *test, unsigned int budget)
{
	struct world *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, w);
	w->test = test;
	INIT_LIST_HEAD(&w->fakes);
	spin_lock_init(&w->log_lock);
	msi_lease_pool_init(&w->pool, budget);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, world_exit, w),
			0);
	return w;
}

/* A client holding @held MSI-X vectors, lending down to @floor. */
static struct fake *new_fake(struct world *w, char name, unsigned int held,
			     bool coop, unsigned int floor)
{
	struct fake *f = kzalloc(sizeof(*f), GFP_KERNEL);
	struct msi_lease_client_attrs attrs = {
		.cooperative = coop, .floor = floor, .max_lend = 64,
	};

	KUNIT_ASSERT_NOT_NULL(w->test, f);
	/* Freed by world_exit() after every client has left. */
	list_add_tail(&f->wnode, &w->fakes);
	f->w = w;
	f->name = name;
	msi_lease_client_init(&f->c);
	msi_lease_client_set_held(&f->c, MSI_LEASE_MODE_MSIX, held);
	msi_lease_test_join(&w->pool, &f->c, &fake_ops, &attrs, f);
	return f;
}

static void offers(struct fake *f, unsigned int count, u64 duration)
{
	f->tiers[f->nr_tiers++] = (struct msi_lease_tier){ count, duration };
}

static unsigned int group(struct fake *f)
{
	return msi_lease_client_held(&f->c, NULL);
}

static struct msi_lease_request req(unsigned int count, u64 duration)
{
	return (struct msi_lease_request){
		.count = count, .duration_ns = duration,
		.accept_partial = true,
	};
}

/* Vectors of @grant lent by @f (NULL: the free pool). */
static unsigned int from(struct msi_lease_grant *g, struct fake *f)
{
	unsigned int i, n = 0;

	for (i = 0; i < g->nr_pieces; i++)
		if (g->pieces[i].lender == (f ? &f->c : NULL))
			n += g->pieces[i].count;
	return n;
}

static void expect_consistent(struct kunit *test, struct world *w)
{
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&w->pool), 0);
}

/**
 * msi_lease_test_wait_no_leases() - wait until a pool has no lease left
 * @pool: the pool
 * @ms: at most this long
 *
 * Return: true if the pool's lease list emptied in time.
 */
bool msi_lease_test_wait_no_leases(struct msi_lease_pool *pool,
				   unsigned int ms)
{
	unsigned long until = jiffies + msecs_to_jiffies(ms);
	bool empty;

	do {
		spin_lock(&pool->lock);
		empty = list_empty(&pool->leases);
		spin_unlock(&pool->lock);
		if (empty)
			return true;
		usleep_range(5000, 10000);
	} while (time_before(jiffies, until));
	return false;
}

static bool wait_no_leases(struct world *w, unsigned int ms)
{
	return msi_lease_test_wait_no_leases(&w->pool, ms);
}

/* The worked example's bridge: A, B, D hold 5 vectors, C 3, none free. */
struct fig4 {
	struct world *w;
	struct fake *a, *b, *c, *d;
};

static struct fig4 fig4_bridge(struct kunit *test)
{
	struct fig4 s = { .w = new_world(test, 18) };

	s.a = new_fake(s.w, 'A', 5, true, 0);
	s.b = new_fake(s.w, 'B', 5, true, 0);
	s.c = new_fake(s.w, 'C', 3, true, 0);
	s.d = new_fake(s.w, 'D', 5, true, 0);
	return s;
}

/* C asks 3 of a full bridge: A lends 2, B declines, D lends 1; all return. */
static void fig4_lend_then_expire(struct kunit *test)
{
	struct fig4 s = fig4_bridge(test);
	struct fake *a = s.a, *b = s.b, *c = s.c, *d = s.d;
	struct world *w = s.w;
	struct msi_lease_request r = req(3, 200 * NSEC_PER_MSEC);
	struct msi_lease_grant g;

	offers(a, 2, 0);
	offers(d, 1, 0);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	KUNIT_EXPECT_EQ(test, g.count, 3);
	KUNIT_EXPECT_EQ(test, from(&g, a), 2);
	KUNIT_EXPECT_EQ(test, from(&g, d), 1);
	KUNIT_EXPECT_EQ(test, from(&g, b), 0);
	KUNIT_EXPECT_EQ(test, b->asked, 1);
	KUNIT_EXPECT_EQ(test, group(a), 3);
	KUNIT_EXPECT_EQ(test, group(b), 5);
	KUNIT_EXPECT_EQ(test, group(c), 6);
	KUNIT_EXPECT_EQ(test, group(d), 4);
	KUNIT_EXPECT_EQ(test, a->released, 2);
	KUNIT_EXPECT_EQ(test, d->released, 1);
	expect_consistent(test, w);
	msi_lease_grant_free(&g);

	KUNIT_ASSERT_TRUE(test, wait_no_leases(w, 2000));
	KUNIT_EXPECT_EQ(test, group(a), 5);
	KUNIT_EXPECT_EQ(test, group(b), 5);
	KUNIT_EXPECT_EQ(test, group(c), 3);
	KUNIT_EXPECT_EQ(test, group(d), 5);
	KUNIT_EXPECT_EQ(test, a->reclaimed, 2);
	KUNIT_EXPECT_EQ(test, d->reclaimed, 1);
	KUNIT_EXPECT_EQ(test, c->ended, 3);
	/* The borrower unbinds before the lender gets the vectors back. */
	KUNIT_EXPECT_LT(test, log_index(w, "C:end"), log_index(w, "A:reclaim"));
	KUNIT_EXPECT_LT(test, log_index(w, "C:end"), log_index(w, "D:reclaim"));
	expect_consistent(test, w);
}

/* The free pool first; lenders are asked only for the rest. */
static void free_pool_first(struct kunit *test)
{
	struct world *w = new_world(test, 20);
	struct fake *a = new_fake(w, 'A', 5, true, 0);
	struct fake *c = new_fake(w, 'C', 13, true, 0);
	struct msi_lease_request r = req(3, HOUR);
	struct msi_lease_grant g;

	offers(a, 3, 0);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	KUNIT_EXPECT_EQ(test, from(&g, NULL), 2);
	KUNIT_EXPECT_EQ(test, from(&g, a), 1);
	KUNIT_EXPECT_EQ(test, a->asked_count, 1);
	KUNIT_EXPECT_EQ(test, group(c), 16);
	expect_consistent(test, w);
	msi_lease_grant_free(&g);

	/* Enough free vectors: no lender is asked at all. */
	a->asked = 0;
	msi_lease_test_set_budget(&w->pool, 40);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	KUNIT_EXPECT_EQ(test, from(&g, NULL), 3);
	KUNIT_EXPECT_EQ(test, a->asked, 0);
	msi_lease_grant_free(&g);
}

/* A borrower's cap bounds what it is granted, free vectors or loans. */
static void borrow_stays_within_cap(struct kunit *test)
{
	struct world *w = new_world(test, 12);
	struct fake *a = new_fake(w, 'A', 6, true, 0);
	struct fake *c = new_fake(w, 'C', 4, true, 0);
	struct msi_lease_request r = req(4, HOUR);
	struct msi_lease_grant g;

	offers(a, 4, 0);
	msi_lease_client_set_cap(&c->c, 7);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	KUNIT_EXPECT_EQ(test, g.count, 3);
	KUNIT_EXPECT_EQ(test, from(&g, NULL), 2);
	KUNIT_EXPECT_EQ(test, from(&g, a), 1);
	KUNIT_EXPECT_EQ(test, group(c), 7);
	expect_consistent(test, w);
	msi_lease_grant_free(&g);
	/* At its cap, a borrow is refused and nobody is asked. */
	a->asked = 0;
	KUNIT_EXPECT_LT(test, msi_lease_borrow(&c->c, &r, &g), 0);
	KUNIT_EXPECT_EQ(test, a->asked, 0);
	KUNIT_EXPECT_EQ(test, group(c), 7);
	expect_consistent(test, w);
}

/* Nobody can help: the borrow is denied and nothing changes. */
static void fig5_denial_without_lenders(struct kunit *test)
{
	struct world *w = new_world(test, 8);
	struct fake *a = new_fake(w, 'A', 5, false, 0);
	struct fake *c = new_fake(w, 'C', 3, true, 0);
	struct msi_lease_request r = req(2, HOUR);
	struct msi_lease_grant g;

	offers(a, 2, 0);	/* would lend, but is not cooperative */
	KUNIT_EXPECT_EQ(test, msi_lease_borrow(&c->c, &r, &g), -ENOSPC);
	KUNIT_EXPECT_EQ(test, g.count, 0);
	KUNIT_EXPECT_EQ(test, a->asked, 0);
	KUNIT_EXPECT_EQ(test, group(a), 5);
	KUNIT_EXPECT_EQ(test, group(c), 3);
	expect_consistent(test, w);
}

/* Claim 2: only clients of the borrower's own bridge are asked. */
static void other_bridge_never_asked(struct kunit *test)
{
	struct world *w1 = new_world(test, 8), *w2 = new_world(test, 8);
	struct fake *c = new_fake(w1, 'C', 8, true, 0);
	struct fake *x = new_fake(w2, 'X', 8, true, 0);
	struct msi_lease_request r = req(2, HOUR);
	struct msi_lease_grant g;

	offers(x, 4, 0);
	KUNIT_EXPECT_EQ(test, msi_lease_borrow(&c->c, &r, &g), -ENOSPC);
	KUNIT_EXPECT_EQ(test, x->asked, 0);
	KUNIT_EXPECT_EQ(test, group(x), 8);
	expect_consistent(test, w1);
	expect_consistent(test, w2);
}

/* A and D both offer 3 for a request of 3: one lender or a split. */
struct surplus_case {
	enum msi_lease_policy policy;
	unsigned int from_a, from_d;
};

static const struct surplus_case surplus_cases[] = {
	{ MSI_LEASE_POLICY_CLOSEST, 3, 0 },
	{ MSI_LEASE_POLICY_FEWEST_LENDERS, 3, 0 },
	{ MSI_LEASE_POLICY_EVEN_SPREAD, 2, 1 },	/* the worked example's split */
};

static void surplus_desc(const struct surplus_case *c, char *desc)
{
	strscpy(desc, msi_lease_policy_name(c->policy), KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(surplus, surplus_cases, surplus_desc);

static void parallel_surplus_offers(struct kunit *test)
{
	const struct surplus_case *sc = test->param_value;
	struct fig4 s = fig4_bridge(test);
	struct fake *a = s.a, *b = s.b, *c = s.c, *d = s.d;
	struct world *w = s.w;
	struct msi_lease_request r = req(3, HOUR);
	struct msi_lease_grant g;

	r.negotiation = MSI_LEASE_NEGOTIATE_PARALLEL;
	r.policy = sc->policy;
	offers(a, 3, 0);
	offers(d, 3, 0);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	/* Parallel: everyone was asked before choosing. */
	KUNIT_EXPECT_EQ(test, a->asked + b->asked + d->asked, 3);
	KUNIT_EXPECT_EQ(test, from(&g, a), sc->from_a);
	KUNIT_EXPECT_EQ(test, from(&g, d), sc->from_d);
	KUNIT_EXPECT_EQ(test, g.count, 3);
	KUNIT_EXPECT_EQ(test, group(a), 5 - sc->from_a);
	KUNIT_EXPECT_EQ(test, group(d), 5 - sc->from_d);
	expect_consistent(test, w);
	msi_lease_grant_free(&g);
}

/* Counter-offers: per vector, the terms closest to the request win. */
static void counteroffer_closest_terms(struct kunit *test)
{
	struct fig4 s = fig4_bridge(test);
	struct fake *a = s.a, *b = s.b, *c = s.c, *d = s.d;
	struct world *w = s.w;
	struct msi_lease_request r = req(3, HOUR);
	struct msi_lease_grant g;
	unsigned int i;

	r.policy = MSI_LEASE_POLICY_CLOSEST;
	offers(a, 2, HOUR);
	offers(a, 1, 30 * MINUTE);
	offers(b, 3, 45 * MINUTE);
	offers(d, 3, 30 * MINUTE);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	KUNIT_EXPECT_EQ(test, from(&g, a), 2);
	KUNIT_EXPECT_EQ(test, from(&g, b), 1);
	KUNIT_EXPECT_EQ(test, from(&g, d), 0);
	for (i = 0; i < g.nr_pieces; i++) {
		u64 len = ktime_to_ns(g.pieces[i].expires) - ktime_get_ns();

		if (g.pieces[i].lender == &a->c)
			KUNIT_EXPECT_GT(test, len, 59 * MINUTE);
		else
			KUNIT_EXPECT_LT(test, len, 45 * MINUTE + 1);
	}
	expect_consistent(test, w);
	msi_lease_grant_free(&g);
}

/* Offers fall short: a partial grant, reported, not refused. */
static void partial_grant_reported(struct kunit *test)
{
	struct fig4 s = fig4_bridge(test);
	struct fake *a = s.a, *b = s.b, *c = s.c, *d = s.d;
	struct world *w = s.w;
	struct msi_lease_request r = req(4, HOUR);
	struct msi_lease_grant g;

	offers(a, 2, 0);
	offers(d, 1, 0);
	r.accept_partial = false;
	KUNIT_EXPECT_EQ(test, msi_lease_borrow(&c->c, &r, &g), -ENOSPC);
	KUNIT_EXPECT_EQ(test, a->released + d->released, 0);
	KUNIT_EXPECT_EQ(test, group(c), 3);
	expect_consistent(test, w);

	r.accept_partial = true;
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	KUNIT_EXPECT_EQ(test, g.count, 3);
	KUNIT_EXPECT_EQ(test, b->asked, 2);
	KUNIT_EXPECT_EQ(test, group(c), 6);
	expect_consistent(test, w);
	msi_lease_grant_free(&g);
}

/* [0054]: denied, the borrower learns what was on offer, and on what terms. */
static void denial_reports_what_was_available(struct kunit *test)
{
	struct fig4 s = fig4_bridge(test);
	struct fake *a = s.a, *c = s.c, *d = s.d;
	struct msi_lease_request r = req(4, HOUR);
	struct msi_lease_grant g;

	offers(a, 2, HOUR / 2);
	offers(d, 1, HOUR);
	r.accept_partial = false;
	KUNIT_EXPECT_EQ(test, msi_lease_borrow(&c->c, &r, &g), -ENOSPC);
	KUNIT_EXPECT_EQ(test, g.count, 0);
	KUNIT_EXPECT_EQ(test, g.available, 3);
	KUNIT_EXPECT_EQ(test, g.available_ns, HOUR / 2);
	KUNIT_EXPECT_EQ(test, a->released + d->released, 0);
	expect_consistent(test, s.w);

	/* Asked again on those terms, all of it is granted. */
	r = req(g.available, g.available_ns);
	r.accept_partial = false;
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	KUNIT_EXPECT_EQ(test, g.count, 3);
	KUNIT_EXPECT_EQ(test, g.available, 0);
	KUNIT_EXPECT_EQ(test, group(c), 6);
	expect_consistent(test, s.w);
	msi_lease_grant_free(&g);
}

/* Sequential: A then D satisfy the request; B is never asked. */
static void sequential_stops_when_satisfied(struct kunit *test)
{
	struct fig4 s = fig4_bridge(test);
	struct fake *a = s.a, *b = s.b, *c = s.c, *d = s.d;
	struct world *w = s.w;
	struct msi_lease_request r = req(3, HOUR);
	struct msi_lease_client_attrs at = a->c.attrs;
	struct msi_lease_grant g;

	/* Ask order by priority: A (0), D (1), B (2). */
	at.priority = 2;
	msi_lease_client_set_attrs(&b->c, &at);
	at.priority = 1;
	msi_lease_client_set_attrs(&d->c, &at);
	offers(a, 2, 0);
	offers(b, 5, 0);
	offers(d, 1, 0);
	r.negotiation = MSI_LEASE_NEGOTIATE_SEQUENTIAL;
	r.policy = MSI_LEASE_POLICY_PRIORITY;
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	KUNIT_EXPECT_EQ(test, a->asked, 1);
	KUNIT_EXPECT_EQ(test, a->asked_count, 3);
	KUNIT_EXPECT_EQ(test, d->asked, 1);
	KUNIT_EXPECT_EQ(test, d->asked_count, 1);
	KUNIT_EXPECT_EQ(test, b->asked, 0);
	KUNIT_EXPECT_EQ(test, from(&g, a), 2);
	KUNIT_EXPECT_EQ(test, from(&g, d), 1);
	KUNIT_EXPECT_LT(test, log_index(w, "A:ask"), log_index(w, "D:ask"));
	expect_consistent(test, w);
	msi_lease_grant_free(&g);
}

/* A lender never goes below its floor nor above its most lendable. */
static void floor_and_max_lend_respected(struct kunit *test)
{
	struct world *w = new_world(test, 12);
	struct fake *a = new_fake(w, 'A', 5, true, 4);
	struct fake *d = new_fake(w, 'D', 5, true, 0);
	struct fake *c = new_fake(w, 'C', 2, true, 0);
	struct msi_lease_client_attrs at = d->c.attrs;
	struct msi_lease_request r = req(5, HOUR);
	struct msi_lease_grant g;

	at.max_lend = 2;
	msi_lease_client_set_attrs(&d->c, &at);
	offers(a, 3, 0);	/* floor 4 leaves 1 to lend */
	offers(d, 4, 0);	/* at most 2 */
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	KUNIT_EXPECT_EQ(test, from(&g, a), 1);
	KUNIT_EXPECT_EQ(test, from(&g, d), 2);
	KUNIT_EXPECT_EQ(test, group(a), 4);
	msi_lease_grant_free(&g);

	/* Nothing more to lend from either. */
	KUNIT_EXPECT_EQ(test, msi_lease_borrow(&c->c, &r, &g), -ENOSPC);
	expect_consistent(test, w);
}

static void renewal_needs_lender_consent(struct kunit *test)
{
	struct world *w = new_world(test, 10);
	struct fake *a = new_fake(w, 'A', 5, true, 0);
	struct fake *c = new_fake(w, 'C', 5, true, 0);
	struct msi_lease_request r = req(1, 300 * NSEC_PER_MSEC);
	struct msi_lease_grant g;
	u64 id;

	offers(a, 1, 0);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	id = g.pieces[0].id;
	msi_lease_grant_free(&g);

	KUNIT_EXPECT_EQ(test, msi_lease_renew(&c->c, id, HOUR), -EPERM);
	a->renew_ok = true;
	KUNIT_EXPECT_EQ(test, msi_lease_renew(&c->c, id, HOUR), 0);
	msleep(600);
	/* Renewed: still running well past its first expiry. */
	KUNIT_EXPECT_EQ(test, group(c), 6);
	KUNIT_EXPECT_EQ(test, c->ended, 0);
	KUNIT_EXPECT_EQ(test, msi_lease_renew(&c->c, id + 1000, MINUTE), -ENOENT);
	KUNIT_EXPECT_EQ(test, msi_lease_renew(&c->c, id, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, msi_lease_return(&c->c, id), 0);
	KUNIT_EXPECT_EQ(test, group(a), 5);
	expect_consistent(test, w);
}

static void recall_ends_after_grace(struct kunit *test)
{
	struct world *w = new_world(test, 10);
	struct fake *a = new_fake(w, 'A', 5, true, 0);
	struct fake *c = new_fake(w, 'C', 5, true, 0);
	struct msi_lease_request r = req(2, HOUR);
	struct msi_lease_grant g;
	ktime_t t0;
	u64 id;

	offers(a, 2, 0);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	id = g.pieces[0].id;
	msi_lease_grant_free(&g);

	/* Only the lender can recall. */
	KUNIT_EXPECT_EQ(test, msi_lease_recall(&c->c, id, 0), -ENOENT);
	t0 = ktime_get();
	KUNIT_EXPECT_EQ(test, msi_lease_recall(&a->c, id, 100 * NSEC_PER_MSEC),
			0);
	KUNIT_EXPECT_EQ(test, c->recalled, 1);
	KUNIT_EXPECT_EQ(test, c->ended, 0);
	KUNIT_ASSERT_TRUE(test, wait_no_leases(w, 2000));
	KUNIT_EXPECT_GE(test, ktime_ms_delta(ktime_get(), t0), 100);
	KUNIT_EXPECT_EQ(test, c->ended, 2);
	KUNIT_EXPECT_EQ(test, a->reclaimed, 2);
	KUNIT_EXPECT_EQ(test, group(a), 5);
	expect_consistent(test, w);
}

static void early_return_gives_back_at_once(struct kunit *test)
{
	struct world *w = new_world(test, 10);
	struct fake *a = new_fake(w, 'A', 5, true, 0);
	struct fake *c = new_fake(w, 'C', 5, true, 0);
	struct msi_lease_request r = req(2, HOUR);
	struct msi_lease_grant g;
	u64 id;

	offers(a, 2, 0);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	id = g.pieces[0].id;
	msi_lease_grant_free(&g);
	KUNIT_EXPECT_EQ(test, msi_lease_return(&c->c, id), 0);
	/* Synchronous: done when return returns. */
	KUNIT_EXPECT_EQ(test, c->ended, 2);
	KUNIT_EXPECT_EQ(test, a->reclaimed, 2);
	KUNIT_EXPECT_EQ(test, group(c), 5);
	KUNIT_EXPECT_EQ(test, msi_lease_return(&c->c, id), -ENOENT);
	expect_consistent(test, w);
}

static u64 lease_ns(struct fake *f)
{
	struct msi_lease_client_state st;

	msi_lease_client_state(&f->c, &st);
	return st.lease_ns;
}

/*
 * How long a borrower's leases last when it decides (early return,
 * expiry) is remembered for request sizing; a revoke says nothing.
 */
static void lease_length_is_remembered(struct kunit *test)
{
	struct world *w = new_world(test, 10);
	struct fake *a = new_fake(w, 'A', 5, true, 0);
	struct fake *c = new_fake(w, 'C', 5, true, 0);
	struct msi_lease_request r = req(1, HOUR);
	struct msi_lease_grant g;
	u64 id, first;

	offers(a, 4, 0);
	KUNIT_EXPECT_EQ(test, lease_ns(c), 0);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	id = g.pieces[0].id;
	msi_lease_grant_free(&g);
	msleep(100);
	KUNIT_ASSERT_EQ(test, msi_lease_return(&c->c, id), 0);
	first = lease_ns(c);
	KUNIT_EXPECT_GE(test, first, 100 * NSEC_PER_MSEC);
	KUNIT_EXPECT_LT(test, first, HOUR / 2);

	/* Revoked: the borrower did not decide; nothing is learnt. */
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	id = g.pieces[0].id;
	msi_lease_grant_free(&g);
	KUNIT_ASSERT_EQ(test, msi_lease_pool_revoke(&w->pool, id), 0);
	KUNIT_EXPECT_EQ(test, lease_ns(c), first);

	/* A 2 s lease run to its end weighs a quarter. */
	r = req(1, 2 * NSEC_PER_SEC);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	msi_lease_grant_free(&g);
	KUNIT_ASSERT_TRUE(test, wait_no_leases(w, 5000));
	KUNIT_EXPECT_GE(test, lease_ns(c),
			first - first / 4 + 2 * NSEC_PER_SEC / 4);
	KUNIT_EXPECT_LT(test, lease_ns(c),
			first - first / 4 + 3 * NSEC_PER_SEC / 4);
	expect_consistent(test, w);
}

static void lender_leaves_mid_lease(struct kunit *test)
{
	struct world *w = new_world(test, 10);
	struct fake *a = new_fake(w, 'A', 5, true, 0);
	struct fake *c = new_fake(w, 'C', 5, true, 0);
	struct msi_lease_request r = req(2, HOUR);
	struct msi_lease_grant g;

	offers(a, 2, 0);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	msi_lease_grant_free(&g);
	msi_lease_test_leave(&a->c);
	KUNIT_EXPECT_EQ(test, c->ended, 2);
	KUNIT_EXPECT_EQ(test, a->reclaimed, 2);
	KUNIT_EXPECT_EQ(test, group(c), 5);
	KUNIT_EXPECT_NULL(test, a->c.pool);
	KUNIT_EXPECT_EQ(test, w->pool.held, 5);
	expect_consistent(test, w);
}

static void borrower_leaves_mid_lease(struct kunit *test)
{
	struct world *w = new_world(test, 12);
	struct fake *a = new_fake(w, 'A', 5, true, 0);
	struct fake *c = new_fake(w, 'C', 5, true, 0);
	struct msi_lease_request r = req(4, HOUR);
	struct msi_lease_grant g;

	offers(a, 2, 0);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	KUNIT_EXPECT_EQ(test, from(&g, NULL), 2);
	msi_lease_grant_free(&g);
	msi_lease_test_leave(&c->c);
	KUNIT_EXPECT_EQ(test, c->ended, 4);
	KUNIT_EXPECT_EQ(test, a->reclaimed, 2);
	KUNIT_EXPECT_EQ(test, group(a), 5);
	KUNIT_EXPECT_EQ(test, w->pool.held, 5);
	expect_consistent(test, w);
}

static void expiry_in_order(struct kunit *test)
{
	struct world *w = new_world(test, 20);
	struct fake *c = new_fake(w, 'C', 1, false, 0);
	struct fake *x = new_fake(w, 'X', 1, false, 0);
	struct fake *y = new_fake(w, 'Y', 1, false, 0);
	struct msi_lease_request r;
	struct msi_lease_grant g;

	r = req(1, 300 * NSEC_PER_MSEC);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	msi_lease_grant_free(&g);
	r = req(1, 100 * NSEC_PER_MSEC);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&x->c, &r, &g), 0);
	msi_lease_grant_free(&g);
	r = req(1, 200 * NSEC_PER_MSEC);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&y->c, &r, &g), 0);
	msi_lease_grant_free(&g);

	KUNIT_ASSERT_TRUE(test, wait_no_leases(w, 3000));
	KUNIT_EXPECT_LT(test, log_index(w, "X:end"), log_index(w, "Y:end"));
	KUNIT_EXPECT_LT(test, log_index(w, "Y:end"), log_index(w, "C:end"));
	expect_consistent(test, w);
}

/*
 * Expiry accuracy: a 250 ms lease never ends early, and ends within a
 * scheduling slop that even a KASAN kernel under TCG keeps (250 ms).
 */
static void expiry_is_on_time(struct kunit *test)
{
	struct world *w = new_world(test, 4);
	struct fake *c = new_fake(w, 'C', 1, false, 0);
	struct msi_lease_request r = req(1, 250 * NSEC_PER_MSEC);
	struct msi_lease_grant g;
	ktime_t t0 = ktime_get();
	s64 ms;

	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	msi_lease_grant_free(&g);
	while (!c->ended && ktime_ms_delta(ktime_get(), t0) < 2000)
		usleep_range(1000, 2000);
	ms = ktime_ms_delta(ktime_get(), t0);
	kunit_info(test, "250 ms lease ended after %lld ms\n", ms);
	KUNIT_EXPECT_GE(test, ms, 250);
	KUNIT_EXPECT_LE(test, ms, 500);
}

/* Two-phase: a lender failing to release rolls the whole grant back. */
static void release_failure_rolls_back(struct kunit *test)
{
	struct world *w = new_world(test, 15);
	struct fake *a = new_fake(w, 'A', 5, true, 0);
	struct fake *c = new_fake(w, 'C', 5, true, 0);
	struct fake *d = new_fake(w, 'D', 5, true, 0);
	struct msi_lease_request r = req(3, HOUR);
	struct msi_lease_grant g;

	offers(a, 2, 0);
	offers(d, 1, 0);
	d->release_ret = -EIO;
	KUNIT_EXPECT_EQ(test, msi_lease_borrow(&c->c, &r, &g), -EIO);
	KUNIT_EXPECT_EQ(test, g.count, 0);
	KUNIT_EXPECT_EQ(test, a->released, 2);
	KUNIT_EXPECT_EQ(test, a->reclaimed, 2);
	KUNIT_EXPECT_EQ(test, group(a), 5);
	KUNIT_EXPECT_EQ(test, group(c), 5);
	KUNIT_EXPECT_EQ(test, group(d), 5);
	KUNIT_EXPECT_TRUE(test, list_empty(&w->pool.leases));
	expect_consistent(test, w);
}

/* A deadline stops the negotiation; the lenders not asked stay unasked. */
static void deadline_bounds_negotiation(struct kunit *test)
{
	struct world *w = new_world(test, 20);
	struct fake *f[4], *c = new_fake(w, 'C', 0, false, 0);
	struct msi_lease_request r = req(4, HOUR);
	struct msi_lease_grant g;
	unsigned int i, asked = 0;

	for (i = 0; i < 4; i++) {
		f[i] = new_fake(w, 'E' + i, 5, true, 0);
		f[i]->offer_sleep_ms = 40;
		offers(f[i], 1, 0);
	}
	r.deadline_ns = 60 * NSEC_PER_MSEC;
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	for (i = 0; i < 4; i++)
		asked += f[i]->asked;
	KUNIT_EXPECT_GE(test, asked, 1);
	KUNIT_EXPECT_LT(test, asked, 4);
	KUNIT_EXPECT_EQ(test, g.count, asked);
	msi_lease_grant_free(&g);
}

static void priority_and_load_policies(struct kunit *test)
{
	struct world *w = new_world(test, 15);
	struct fake *a = new_fake(w, 'A', 5, true, 0);
	struct fake *b = new_fake(w, 'B', 5, true, 0);
	struct fake *c = new_fake(w, 'C', 5, true, 0);
	struct msi_lease_client_attrs at = a->c.attrs;
	struct msi_lease_request r = req(2, HOUR);
	struct msi_lease_grant g;

	at.priority = 5;
	msi_lease_client_set_attrs(&a->c, &at);
	offers(a, 2, 0);
	offers(b, 2, 0);
	a->load = 10;
	b->load = 90;
	r.policy = MSI_LEASE_POLICY_PRIORITY;	/* B (0) before A (5) */
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	KUNIT_EXPECT_EQ(test, from(&g, b), 2);
	msi_lease_grant_free(&g);
	r.policy = MSI_LEASE_POLICY_LEAST_LOADED;	/* A (10 %) */
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	KUNIT_EXPECT_EQ(test, from(&g, a), 2);
	msi_lease_grant_free(&g);
	expect_consistent(test, w);
}

static void bad_requests_rejected(struct kunit *test)
{
	struct world *w = new_world(test, 10);
	struct fake *c = new_fake(w, 'C', 5, true, 0);
	struct msi_lease_client lone;
	struct msi_lease_request r;
	struct msi_lease_grant g;

	r = req(0, HOUR);
	KUNIT_EXPECT_EQ(test, msi_lease_borrow(&c->c, &r, &g), -EINVAL);
	r = req(1, 0);
	KUNIT_EXPECT_EQ(test, msi_lease_borrow(&c->c, &r, &g), -EINVAL);
	r = req(1, HOUR);
	r.policy = MSI_LEASE_NR_POLICIES;
	KUNIT_EXPECT_EQ(test, msi_lease_borrow(&c->c, &r, &g), -EINVAL);
	r = req(1, HOUR);
	r.negotiation = 99;
	KUNIT_EXPECT_EQ(test, msi_lease_borrow(&c->c, &r, &g), -EINVAL);
	/* A client that never joined cannot borrow, return or recall. */
	msi_lease_client_init(&lone);
	r = req(1, HOUR);
	KUNIT_EXPECT_EQ(test, msi_lease_borrow(&lone, &r, &g), -EINVAL);
	KUNIT_EXPECT_EQ(test, msi_lease_return(&lone, 1), -ENOENT);
	KUNIT_EXPECT_EQ(test, msi_lease_recall(&lone, 1, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, msi_lease_return(&c->c, 12345), -ENOENT);
	/* Lent vectors cannot vanish from under their borrower. */
	KUNIT_EXPECT_EQ(test, group(c), 5);
	expect_consistent(test, w);
}

static void held_cannot_drop_below_lent(struct kunit *test)
{
	struct world *w = new_world(test, 10);
	struct fake *a = new_fake(w, 'A', 5, true, 0);
	struct fake *c = new_fake(w, 'C', 5, true, 0);
	struct msi_lease_request r = req(3, HOUR);
	struct msi_lease_grant g;

	offers(a, 3, 0);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	msi_lease_grant_free(&g);
	KUNIT_EXPECT_EQ(test,
			msi_lease_client_set_held(&a->c, MSI_LEASE_MODE_MSIX, 2),
			-EBUSY);
	KUNIT_EXPECT_EQ(test,
			msi_lease_client_set_held(&a->c, MSI_LEASE_MODE_MSIX, 4),
			-1);
	KUNIT_EXPECT_EQ(test, group(a), 1);
	expect_consistent(test, w);
}

/*
 * A configuration applies all at once or not at all: a bad value leaves
 * every setting as it was, a good one changes the next borrow's terms.
 */
static void configure_is_all_or_nothing(struct kunit *test)
{
	struct world *w = new_world(test, 10);
	struct fake *a = new_fake(w, 'A', 5, true, 0);
	struct fake *c = new_fake(w, 'C', 5, true, 0);
	struct msi_lease_request r = req(2, HOUR);
	struct msi_lease_pool_conf conf, now;
	struct msi_lease_grant g;

	msi_lease_pool_get_conf(&w->pool, &conf);
	KUNIT_EXPECT_EQ(test, conf.budget, 10);
	conf.budget = 20;
	conf.max_lease_ns = MINUTE;
	conf.policy = MSI_LEASE_NR_POLICIES;
	KUNIT_EXPECT_EQ(test, msi_lease_pool_configure(&w->pool, &conf),
			-EINVAL);
	conf.policy = MSI_LEASE_POLICY_DEFAULT;
	KUNIT_EXPECT_EQ(test, msi_lease_pool_configure(&w->pool, &conf),
			-EINVAL);
	conf.policy = MSI_LEASE_POLICY_PRIORITY;
	conf.negotiation = MSI_LEASE_NEGOTIATE_DEFAULT;
	KUNIT_EXPECT_EQ(test, msi_lease_pool_configure(&w->pool, &conf),
			-EINVAL);
	msi_lease_pool_get_conf(&w->pool, &now);
	KUNIT_EXPECT_EQ(test, now.budget, 10);
	KUNIT_EXPECT_EQ(test, now.max_lease_ns, 0);
	KUNIT_EXPECT_EQ(test, now.policy, MSI_LEASE_POLICY_CLOSEST);
	KUNIT_EXPECT_EQ(test, now.negotiation, MSI_LEASE_NEGOTIATE_PARALLEL);

	/* No negotiation: lenders are not asked; leases are capped. */
	conf.negotiation = MSI_LEASE_NEGOTIATE_NONE;
	KUNIT_EXPECT_EQ(test, msi_lease_pool_configure(&w->pool, &conf), 0);
	msi_lease_pool_get_conf(&w->pool, &now);
	KUNIT_EXPECT_EQ(test, now.budget, 20);
	KUNIT_EXPECT_EQ(test, now.max_lease_ns, MINUTE);
	KUNIT_EXPECT_EQ(test, now.policy, MSI_LEASE_POLICY_PRIORITY);
	offers(a, 2, 0);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	KUNIT_EXPECT_EQ(test, from(&g, NULL), 2);
	KUNIT_EXPECT_EQ(test, a->asked, 0);
	KUNIT_EXPECT_LE(test, g.pieces[0].expires,
			ktime_add_ns(ktime_get(), MINUTE));
	msi_lease_grant_free(&g);
	expect_consistent(test, w);
}

/* An administrator's revoke ends a lease before it returns. */
static void revoke_ends_lease_now(struct kunit *test)
{
	struct world *w = new_world(test, 10);
	struct fake *a = new_fake(w, 'A', 5, true, 0);
	struct fake *c = new_fake(w, 'C', 5, true, 0);
	struct msi_lease_request r = req(2, HOUR);
	struct msi_lease_grant g;
	u64 id;

	offers(a, 2, 0);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	id = g.pieces[0].id;
	msi_lease_grant_free(&g);
	KUNIT_EXPECT_EQ(test, group(a), 3);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_revoke(&w->pool, id + 1000),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_revoke(&w->pool, id), 0);
	KUNIT_EXPECT_EQ(test, c->recalled, 1);
	KUNIT_EXPECT_EQ(test, c->ended, 2);
	KUNIT_EXPECT_EQ(test, a->reclaimed, 2);
	KUNIT_EXPECT_EQ(test, group(a), 5);
	KUNIT_EXPECT_EQ(test, group(c), 5);
	KUNIT_EXPECT_FALSE(test, msi_lease_active(&c->c, id));
	KUNIT_EXPECT_EQ(test, msi_lease_pool_revoke(&w->pool, id), -ENOENT);
	expect_consistent(test, w);
}

struct walk_seen {
	unsigned int nr, from_free, from_a;
	u64 ids[4];
	u64 longest_ms;
};

static void walk_one(const struct msi_lease_lease_info *l, void *arg)
{
	struct walk_seen *seen = arg;

	if (seen->nr < ARRAY_SIZE(seen->ids))
		seen->ids[seen->nr] = l->id;
	seen->nr++;
	if (l->lender)
		seen->from_a += l->count;
	else
		seen->from_free += l->count;
	seen->longest_ms = max(seen->longest_ms, l->ms_left);
}

/* The leases file's walk: every active lease once, with its terms. */
static void leases_walk_sees_active_leases(struct kunit *test)
{
	struct world *w = new_world(test, 12);
	struct fake *a = new_fake(w, 'A', 5, true, 0);
	struct fake *c = new_fake(w, 'C', 5, true, 0);
	struct msi_lease_request r = req(4, HOUR);
	struct walk_seen seen = { };
	struct msi_lease_grant g;
	unsigned int i;

	msi_lease_pool_walk_leases(&w->pool, walk_one, &seen);
	KUNIT_EXPECT_EQ(test, seen.nr, 0);

	offers(a, 2, 0);
	KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
	KUNIT_ASSERT_EQ(test, g.nr_pieces, 2);
	msi_lease_pool_walk_leases(&w->pool, walk_one, &seen);
	KUNIT_EXPECT_EQ(test, seen.nr, 2);
	KUNIT_EXPECT_EQ(test, seen.from_free, 2);
	KUNIT_EXPECT_EQ(test, seen.from_a, 2);
	KUNIT_EXPECT_LE(test, seen.longest_ms, HOUR / NSEC_PER_MSEC);
	KUNIT_EXPECT_GT(test, seen.longest_ms, HOUR / NSEC_PER_MSEC - 60000);
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_TRUE(test, seen.ids[i] == g.pieces[0].id ||
				  seen.ids[i] == g.pieces[1].id);

	/* A lease that ended is not shown. */
	KUNIT_EXPECT_EQ(test, msi_lease_return(&c->c, g.pieces[0].id), 0);
	memset(&seen, 0, sizeof(seen));
	msi_lease_pool_walk_leases(&w->pool, walk_one, &seen);
	KUNIT_EXPECT_EQ(test, seen.nr, 1);
	KUNIT_EXPECT_EQ(test, seen.ids[0], g.pieces[1].id);
	msi_lease_grant_free(&g);
	expect_consistent(test, w);
}

/* Randomized: many clients, pools and operations; invariants after each. */
#define ST_POOLS	4
#define ST_CLIENTS	64
#define ST_OPS		100000
#define ST_IDS		8

struct st_client {
	struct fake f;
	int pool;		/* -1: not joined */
	u64 ids[ST_IDS];
};

struct st_world {
	struct world *w[ST_POOLS];
	struct st_client c[ST_CLIENTS];
};

static void st_join(struct st_world *s, int i, int p, u32 r)
{
	struct msi_lease_client_attrs at = {
		.cooperative = r & 1, .priority = (r >> 1) % 4,
		.floor = (r >> 3) % 3, .max_lend = 1 + (r >> 5) % 4,
	};
	struct fake *f = &s->c[i].f;

	memset(f, 0, sizeof(*f));
	f->w = s->w[p];
	f->name = 'a' + i % 26;
	offers(f, 1 + (r >> 8) % 3, 0);
	offers(f, 1, HOUR / 2);
	f->renew_ok = r & 2;
	f->release_ret = ((r >> 12) % 50) ? 0 : -EIO;
	msi_lease_client_init(&f->c);
	msi_lease_client_set_held(&f->c, MSI_LEASE_MODE_MSIX, 2 + (r >> 16) % 6);
	msi_lease_test_join(&s->w[p]->pool, &f->c, &fake_ops, &at, f);
	s->c[i].pool = p;
	memset(s->c[i].ids, 0, sizeof(s->c[i].ids));
}

static void st_exit(void *data)
{
	struct st_world *s = data;
	int i;

	for (i = 0; i < ST_CLIENTS; i++)
		msi_lease_test_leave(&s->c[i].f.c);
}

static void stress_random_operations(struct kunit *test)
{
	struct st_world *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	unsigned int op, i, granted = 0, ops_done[8] = { };
	struct rnd_state rnd;

	KUNIT_ASSERT_NOT_NULL(test, s);
	prandom_seed_state(&rnd, 42);
	for (i = 0; i < ST_POOLS; i++)
		s->w[i] = new_world(test, 24 + 8 * i);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, st_exit, s), 0);
	for (i = 0; i < ST_CLIENTS; i++)
		st_join(s, i, i % ST_POOLS, prandom_u32_state(&rnd));

	for (op = 0; op < ST_OPS; op++) {
		u32 r = prandom_u32_state(&rnd);
		struct st_client *sc = &s->c[r % ST_CLIENTS];
		unsigned int kind = (r >> 8) % 8, slot = (r >> 12) % ST_IDS;
		struct msi_lease_client *cl = &sc->f.c;
		struct msi_lease_request rq;
		struct msi_lease_grant g;
		int p = sc->pool;

		if (p < 0) {
			st_join(s, sc - s->c, (r >> 20) % ST_POOLS, r);
			continue;
		}
		switch (kind) {
		case 0:
		case 1:
			rq = req(1 + (r >> 16) % 4, HOUR);
			rq.accept_partial = r & (1 << 20);
			rq.negotiation = (r >> 21) % MSI_LEASE_NR_NEGOTIATIONS;
			rq.policy = (r >> 23) % MSI_LEASE_NR_POLICIES;
			if (!msi_lease_borrow(cl, &rq, &g)) {
				granted += g.count;
				sc->ids[slot] = g.pieces[0].id;
				msi_lease_grant_free(&g);
			}
			break;
		case 2:
			msi_lease_return(cl, sc->ids[slot]);
			break;
		case 3:
			msi_lease_renew(cl, sc->ids[slot], MINUTE);
			break;
		case 4: {
			/* Recall one of the leases this client lent. */
			struct msi_lease_lease *l;
			u64 id = 0;

			spin_lock(&cl->pool->lock);
			l = list_first_entry_or_null(&cl->leases_out,
						     struct msi_lease_lease,
						     out_node);
			if (l)
				id = l->piece.id;
			spin_unlock(&cl->pool->lock);
			if (id)
				msi_lease_recall(cl, id, 0);
			break;
		}
		case 5:
			msi_lease_client_set_held(cl, MSI_LEASE_MODE_MSIX,
						  (r >> 16) % 9);
			break;
		case 6:
			if (((r >> 16) % 16) == 0) {
				msi_lease_test_leave(cl);
				sc->pool = -1;
			}
			break;
		case 7:
			msi_lease_test_set_budget(&s->w[p]->pool,
						  16 + (r >> 16) % 40);
			break;
		}
		ops_done[kind]++;
		for (i = 0; i < ST_POOLS; i++) {
			if (msi_lease_pool_check(&s->w[i]->pool)) {
				KUNIT_FAIL(test, "op %u kind %u: pool %u broken",
					   op, kind, i);
				return;
			}
		}
	}
	kunit_info(test, "%u ops, %u vectors granted, %u borrows, %u returns\n",
		   ST_OPS, granted, ops_done[0] + ops_done[1], ops_done[2]);
	KUNIT_EXPECT_GT(test, granted, 1000);

	st_exit(s);
	for (i = 0; i < ST_POOLS; i++) {
		KUNIT_EXPECT_TRUE(test, list_empty(&s->w[i]->pool.leases));
		KUNIT_EXPECT_EQ(test, s->w[i]->pool.held, 0);
	}
}

/* Concurrency: borrowers on several pools, expiries firing meanwhile. */
struct race_arg {
	struct fake *borrower;
	unsigned int iters, granted;
	struct completion done;
};

static int race_thread(void *data)
{
	struct race_arg *ra = data;
	struct msi_lease_request rq = req(2, 2 * NSEC_PER_MSEC);
	struct msi_lease_grant g;
	unsigned int i, k;

	for (i = 0; i < ra->iters; i++) {
		/*
		 * Let 2 ms leases expire between tries, or on a fast kernel one
		 * thread runs all its tries while another holds the whole pool.
		 */
		if (i)
			usleep_range(500, 1000);
		rq.duration_ns = (i % 3) ? 2 * NSEC_PER_MSEC : HOUR;
		if (msi_lease_borrow(&ra->borrower->c, &rq, &g))
			continue;
		ra->granted += g.count;
		/* Long leases go back early, short ones expire on their own. */
		for (k = 0; rq.duration_ns == HOUR && k < g.nr_pieces; k++)
			msi_lease_return(&ra->borrower->c, g.pieces[k].id);
		msi_lease_grant_free(&g);
	}
	complete(&ra->done);
	return 0;
}

static void concurrent_borrows_across_pools(struct kunit *test)
{
	struct world *w[2] = { new_world(test, 20), new_world(test, 20) };
	struct race_arg ra[4] = { };
	struct task_struct *t[4];
	int i;

	for (i = 0; i < 2; i++) {
		offers(new_fake(w[i], 'L', 6, true, 1), 3, 0);
		offers(new_fake(w[i], 'M', 6, true, 1), 3, 0);
	}
	for (i = 0; i < 4; i++) {
		ra[i].borrower = new_fake(w[i % 2], 'B' + i, 2, false, 0);
		ra[i].iters = 300;
		init_completion(&ra[i].done);
		t[i] = kthread_run(race_thread, &ra[i], "msi_lease_race%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t[i]));
		get_task_struct(t[i]);
	}
	for (i = 0; i < 4; i++) {
		/* Stopping a thread that has not run yet would skip its work. */
		wait_for_completion(&ra[i].done);
		kthread_stop(t[i]);
		put_task_struct(t[i]);
		KUNIT_EXPECT_GT(test, ra[i].granted, 0);
	}
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_TRUE(test, wait_no_leases(w[i], 3000));
		expect_consistent(test, w[i]);
	}
}

/* The cost of one borrow against 8 and against 1024 cooperative lenders. */
static u64 time_borrow(struct kunit *test, unsigned int lenders)
{
	struct world *w = new_world(test, MSI_LEASE_UNLIMITED);
	struct fake *c, *f;
	struct msi_lease_request r = req(4, HOUR);
	struct msi_lease_grant g;
	unsigned int i, rounds = 20;
	ktime_t t0;
	u64 ns;

	/* No free vectors, so every borrow negotiates. */
	msi_lease_test_set_budget(&w->pool, 0);
	c = new_fake(w, 'C', 0, false, 0);
	for (i = 0; i < lenders; i++) {
		f = new_fake(w, 'L', 64, true, 0);
		offers(f, 1, 0);
	}
	msi_lease_test_set_budget(&w->pool, 64 * lenders);
	r.negotiation = MSI_LEASE_NEGOTIATE_PARALLEL;
	t0 = ktime_get();
	for (i = 0; i < rounds; i++) {
		unsigned int k;

		KUNIT_ASSERT_EQ(test, msi_lease_borrow(&c->c, &r, &g), 0);
		for (k = 0; k < g.nr_pieces; k++)
			msi_lease_return(&c->c, g.pieces[k].id);
		msi_lease_grant_free(&g);
	}
	ns = ktime_to_ns(ktime_sub(ktime_get(), t0)) / rounds;
	world_exit(w);
	return ns;
}

static void borrow_cost_scales(struct kunit *test)
{
	u64 small = time_borrow(test, 8), big = time_borrow(test, 1024);

	kunit_info(test, "borrow+return: 8 lenders %llu ns, 1024 lenders %llu ns, ratio %llu.%02llu\n",
		   small, big, div64_u64(big, small),
		   div64_u64(100 * big, small) % 100);
	KUNIT_EXPECT_GT(test, small, 0);
}

static struct kunit_case msi_lease_broker_cases[] = {
	KUNIT_CASE(fig4_lend_then_expire),
	KUNIT_CASE(free_pool_first),
	KUNIT_CASE(borrow_stays_within_cap),
	KUNIT_CASE(fig5_denial_without_lenders),
	KUNIT_CASE(other_bridge_never_asked),
	KUNIT_CASE_PARAM(parallel_surplus_offers, surplus_gen_params),
	KUNIT_CASE(counteroffer_closest_terms),
	KUNIT_CASE(partial_grant_reported),
	KUNIT_CASE(denial_reports_what_was_available),
	KUNIT_CASE(sequential_stops_when_satisfied),
	KUNIT_CASE(floor_and_max_lend_respected),
	KUNIT_CASE(renewal_needs_lender_consent),
	KUNIT_CASE(recall_ends_after_grace),
	KUNIT_CASE(early_return_gives_back_at_once),
	KUNIT_CASE_SLOW(lease_length_is_remembered),
	KUNIT_CASE(lender_leaves_mid_lease),
	KUNIT_CASE(borrower_leaves_mid_lease),
	KUNIT_CASE(expiry_in_order),
	KUNIT_CASE(expiry_is_on_time),
	KUNIT_CASE(release_failure_rolls_back),
	KUNIT_CASE(deadline_bounds_negotiation),
	KUNIT_CASE(priority_and_load_policies),
	KUNIT_CASE(bad_requests_rejected),
	KUNIT_CASE(held_cannot_drop_below_lent),
	KUNIT_CASE(configure_is_all_or_nothing),
	KUNIT_CASE(revoke_ends_lease_now),
	KUNIT_CASE(leases_walk_sees_active_leases),
	KUNIT_CASE_SLOW(stress_random_operations),
	KUNIT_CASE_SLOW(concurrent_borrows_across_pools),
	KUNIT_CASE_SLOW(borrow_cost_scales),
	{}
};

static struct kunit_suite msi_lease_broker_suite = {
	.name = "msi_lease_broker",
	.test_cases = msi_lease_broker_cases,
};

kunit_test_suite(msi_lease_broker_suite);
