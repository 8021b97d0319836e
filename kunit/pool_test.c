// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the msi_lease pool core (drivers/msi_lease/pool.c):
 * per host bridge accounting driven with fake clients.
 */
#include <kunit/test.h>
#include <linux/prandom.h>

#include "compat.h"
#include "helpers.h"
#include "pool.h"

MSI_LEASE_IMPORT_KUNIT_NS();

#define NONE	MSI_LEASE_MODE_NONE
#define MSI	MSI_LEASE_MODE_MSI
#define MSIX	MSI_LEASE_MODE_MSIX

static struct msi_lease_pool *new_pool(struct kunit *test, unsigned int budget)
{
	struct msi_lease_pool *pool = kunit_kzalloc(test, sizeof(*pool),
						     GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pool);
	msi_lease_pool_init(pool, budget);
	return pool;
}

static struct msi_lease_client *new_client(struct kunit *test)
{
	struct msi_lease_client *c = kunit_kzalloc(test, sizeof(*c),
						   GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	msi_lease_client_init(c);
	return c;
}

static void pool_empty_is_unlimited(struct kunit *test)
{
	struct msi_lease_pool *pool = new_pool(test, MSI_LEASE_UNLIMITED);
	struct msi_lease_pool_stats s;

	msi_lease_pool_stats(pool, &s);
	KUNIT_EXPECT_EQ(test, s.held, 0);
	KUNIT_EXPECT_EQ(test, s.nr_clients, 0);
	KUNIT_EXPECT_EQ(test, s.free, MSI_LEASE_UNLIMITED);
	KUNIT_EXPECT_EQ(test, s.over, 0);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), 0);
}

static void pool_attach_counts_vectors_already_held(struct kunit *test)
{
	struct msi_lease_pool *pool = new_pool(test, MSI_LEASE_UNLIMITED);
	struct msi_lease_client *c = new_client(test);
	struct msi_lease_pool_stats s;

	/* Vectors a driver allocated before the module loaded. */
	KUNIT_EXPECT_EQ(test, msi_lease_client_set_held(c, MSIX, 4), 4);
	msi_lease_pool_attach(pool, c);
	msi_lease_pool_stats(pool, &s);
	KUNIT_EXPECT_EQ(test, s.held, 4);
	KUNIT_EXPECT_EQ(test, s.held_by_mode[MSIX], 4);
	KUNIT_EXPECT_EQ(test, s.nr_clients, 1);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), 0);
}

static void pool_detach_removes_vectors_once(struct kunit *test)
{
	struct msi_lease_pool *pool = new_pool(test, 16);
	struct msi_lease_client *a = new_client(test), *b = new_client(test);
	struct msi_lease_pool_stats s;

	msi_lease_pool_attach(pool, a);
	msi_lease_pool_attach(pool, b);
	msi_lease_client_set_held(a, MSIX, 5);
	msi_lease_client_set_held(b, MSI, 1);
	msi_lease_pool_detach(a);
	msi_lease_pool_detach(a);
	msi_lease_pool_stats(pool, &s);
	KUNIT_EXPECT_EQ(test, s.held, 1);
	KUNIT_EXPECT_EQ(test, s.free, 15);
	KUNIT_EXPECT_EQ(test, s.nr_clients, 1);
	KUNIT_EXPECT_NULL(test, a->pool);
	/* A detached client still knows what it held. */
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(a, NULL), 5);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), 0);
}

static void pool_budget_below_use_reports_over(struct kunit *test)
{
	struct msi_lease_pool *pool = new_pool(test, 10);
	struct msi_lease_client *c = new_client(test);
	struct msi_lease_pool_stats s;

	msi_lease_pool_attach(pool, c);
	msi_lease_client_set_held(c, MSIX, 4);
	msi_lease_pool_stats(pool, &s);
	KUNIT_EXPECT_EQ(test, s.free, 6);
	KUNIT_EXPECT_EQ(test, s.over, 0);

	msi_lease_client_set_held(c, MSIX, 12);
	msi_lease_pool_stats(pool, &s);
	KUNIT_EXPECT_EQ(test, s.free, 0);
	KUNIT_EXPECT_EQ(test, s.over, 2);
}

static void client_mode_change_moves_vectors(struct kunit *test)
{
	struct msi_lease_pool *pool = new_pool(test, MSI_LEASE_UNLIMITED);
	struct msi_lease_client *c = new_client(test);
	struct msi_lease_pool_stats s;
	enum msi_lease_mode mode;

	msi_lease_pool_attach(pool, c);
	KUNIT_EXPECT_EQ(test, msi_lease_client_set_held(c, MSI, 1), 1);
	/* A driver that falls back from MSI-X to MSI and back. */
	KUNIT_EXPECT_EQ(test, msi_lease_client_set_held(c, MSIX, 3), 2);
	msi_lease_pool_stats(pool, &s);
	KUNIT_EXPECT_EQ(test, s.held_by_mode[MSI], 0);
	KUNIT_EXPECT_EQ(test, s.held_by_mode[MSIX], 3);
	KUNIT_EXPECT_EQ(test, msi_lease_client_set_held(c, NONE, 0), -3);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(c, &mode), 0);
	KUNIT_EXPECT_EQ(test, mode, NONE);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), 0);
}

static void client_set_held_rejects_bad_input(struct kunit *test)
{
	struct msi_lease_pool *pool = new_pool(test, MSI_LEASE_UNLIMITED);
	struct msi_lease_client *c = new_client(test);
	struct msi_lease_pool_stats s;

	msi_lease_pool_attach(pool, c);
	msi_lease_client_set_held(c, MSIX, 2);
	KUNIT_EXPECT_EQ(test, msi_lease_client_set_held(c, NONE, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, msi_lease_client_set_held(c, MSI_LEASE_NR_MODES, 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, msi_lease_client_set_held(c, MSIX, UINT_MAX),
			-EINVAL);
	msi_lease_pool_stats(pool, &s);
	KUNIT_EXPECT_EQ(test, s.held, 2);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(c, NULL), 2);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), 0);
}

static void pool_check_catches_corruption(struct kunit *test)
{
	struct msi_lease_pool *pool = new_pool(test, MSI_LEASE_UNLIMITED);
	struct msi_lease_client *c = new_client(test);

	msi_lease_pool_attach(pool, c);
	msi_lease_client_set_held(c, MSIX, 3);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), 0);

	pool->held++;
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), -EUCLEAN);
	pool->held--;
	pool->held_by_mode[MSI]++;
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), -EUCLEAN);
	pool->held_by_mode[MSI]--;
	c->mode = NONE;
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), -EUCLEAN);
	c->mode = MSIX;
	pool->nr_clients++;
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), -EUCLEAN);
	pool->nr_clients--;
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), 0);
}

static void mode_names_match_sysfs_abi(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, msi_lease_mode_name(NONE), "none");
	KUNIT_EXPECT_STREQ(test, msi_lease_mode_name(MSI), "msi");
	KUNIT_EXPECT_STREQ(test, msi_lease_mode_name(MSIX), "msix");
	KUNIT_EXPECT_STREQ(test, msi_lease_mode_name(MSI_LEASE_NR_MODES),
			   "invalid");
}

/*
 * Table-driven: a bridge whose functions bind, grow, shrink and leave;
 * after each step the totals must match the sum written in the table.
 */
struct pool_step {
	int client;			/* 0..3 */
	enum { ATTACH, SET, DETACH } op;
	enum msi_lease_mode mode;
	unsigned int held;
	unsigned int want_held, want_msi, want_msix, want_clients;
};

struct pool_case {
	const char *name;
	unsigned int budget, want_free;
	struct pool_step steps[8];
	int nr_steps;
};

static const struct pool_case pool_cases[] = {
	{
		.name = "virtio-nvme-e1000e-pcieport",
		.budget = MSI_LEASE_UNLIMITED, .want_free = MSI_LEASE_UNLIMITED,
		.steps = {
			{ 0, ATTACH, NONE, 0, 0, 0, 0, 1 },
			{ 0, SET, MSIX, 3, 3, 0, 3, 1 },
			{ 1, ATTACH, NONE, 0, 3, 0, 3, 2 },
			{ 1, SET, MSIX, 1, 4, 0, 4, 2 },	/* nvme admin */
			{ 1, SET, MSIX, 3, 6, 0, 6, 2 },	/* + io queues */
			{ 2, ATTACH, NONE, 0, 6, 0, 6, 3 },
			{ 2, SET, MSI, 1, 7, 1, 6, 3 },		/* pcieport */
			{ 1, DETACH, NONE, 0, 4, 1, 3, 2 },
		},
		.nr_steps = 8,
	},
	{
		.name = "fig4-groups-5-5-3-5",
		.budget = 20, .want_free = 2,
		.steps = {
			{ 0, ATTACH, NONE, 0, 0, 0, 0, 1 },
			{ 1, ATTACH, NONE, 0, 0, 0, 0, 2 },
			{ 2, ATTACH, NONE, 0, 0, 0, 0, 3 },
			{ 3, ATTACH, NONE, 0, 0, 0, 0, 4 },
			{ 0, SET, MSIX, 5, 5, 0, 5, 4 },
			{ 1, SET, MSIX, 5, 10, 0, 10, 4 },
			{ 2, SET, MSIX, 3, 13, 0, 13, 4 },
			{ 3, SET, MSIX, 5, 18, 0, 18, 4 },
		},
		.nr_steps = 8,
	},
};

static void pool_case_desc(const struct pool_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pool_cases, pool_cases, pool_case_desc);

static void pool_totals_follow_each_step(struct kunit *test)
{
	const struct pool_case *pc = test->param_value;
	struct msi_lease_pool *pool = new_pool(test, pc->budget);
	struct msi_lease_client *c[4];
	struct msi_lease_pool_stats s;
	int i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		c[i] = new_client(test);

	for (i = 0; i < pc->nr_steps; i++) {
		const struct pool_step *st = &pc->steps[i];

		switch (st->op) {
		case ATTACH:
			msi_lease_pool_attach(pool, c[st->client]);
			break;
		case SET:
			msi_lease_client_set_held(c[st->client], st->mode,
						  st->held);
			break;
		case DETACH:
			msi_lease_pool_detach(c[st->client]);
			break;
		}
		msi_lease_pool_stats(pool, &s);
		KUNIT_EXPECT_EQ_MSG(test, s.held, st->want_held, "step %d", i);
		KUNIT_EXPECT_EQ_MSG(test, s.held_by_mode[MSI], st->want_msi,
				    "step %d", i);
		KUNIT_EXPECT_EQ_MSG(test, s.held_by_mode[MSIX], st->want_msix,
				    "step %d", i);
		KUNIT_EXPECT_EQ_MSG(test, s.nr_clients, st->want_clients,
				    "step %d", i);
		KUNIT_EXPECT_EQ_MSG(test, msi_lease_pool_check(pool), 0,
				    "step %d", i);
	}
	KUNIT_EXPECT_EQ(test, s.free, pc->want_free);
}

/*
 * Random attach/detach/set over many clients and pools, with an
 * independent model of the expected totals checked after every operation.
 */
#define RND_POOLS	4
#define RND_CLIENTS	64
#define RND_OPS		20000

struct rnd_world {
	struct msi_lease_pool *pools[RND_POOLS];
	struct msi_lease_client *c[RND_CLIENTS];
	unsigned int model[RND_POOLS];
	int home[RND_CLIENTS];
};

static void pool_random_ops_keep_totals(struct kunit *test)
{
	struct rnd_world *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct rnd_state rnd;
	int i, op;

	KUNIT_ASSERT_NOT_NULL(test, w);
	prandom_seed_state(&rnd, 0x6d73696c65617365ULL);
	for (i = 0; i < RND_POOLS; i++)
		w->pools[i] = new_pool(test, MSI_LEASE_UNLIMITED);
	for (i = 0; i < RND_CLIENTS; i++) {
		w->c[i] = new_client(test);
		w->home[i] = -1;
	}

	for (op = 0; op < RND_OPS; op++) {
		u32 r = prandom_u32_state(&rnd);
		int ci = r % RND_CLIENTS, p = (r >> 8) % RND_POOLS;
		struct msi_lease_client *c = w->c[ci];
		unsigned int n = (r >> 16) % 33;
		struct msi_lease_pool_stats s;

		switch ((r >> 24) % 3) {
		case 0:
			if (w->home[ci] < 0) {
				msi_lease_pool_attach(w->pools[p], c);
				w->home[ci] = p;
				w->model[p] += c->held;
			}
			break;
		case 1:
			if (w->home[ci] >= 0) {
				w->model[w->home[ci]] -= c->held;
				msi_lease_pool_detach(c);
				w->home[ci] = -1;
			}
			break;
		case 2:
			if (w->home[ci] >= 0)
				w->model[w->home[ci]] += n - c->held;
			msi_lease_client_set_held(c, n ? MSIX : NONE, n);
			break;
		}
		for (i = 0; i < RND_POOLS; i++) {
			msi_lease_pool_stats(w->pools[i], &s);
			if (s.held != w->model[i] ||
			    msi_lease_pool_check(w->pools[i])) {
				KUNIT_FAIL(test, "op %d: pool %d held %u, model %u",
					   op, i, s.held, w->model[i]);
				return;
			}
		}
	}
}

/* Admission: what the allocation hooks ask of the pool (hook.c). */

static struct msi_lease_client *holding(struct kunit *test,
					struct msi_lease_pool *pool,
					unsigned int n)
{
	struct msi_lease_client *c = new_client(test);

	msi_lease_pool_attach(pool, c);
	msi_lease_client_settle(c, n ? MSIX : NONE, 0, n, 0);
	return c;
}

static void admit_clamps_and_reserves(struct kunit *test)
{
	struct msi_lease_pool *pool = new_pool(test, 10);
	struct msi_lease_client *a = holding(test, pool, 6);
	struct msi_lease_client *b = holding(test, pool, 0);
	struct msi_lease_client *c = holding(test, pool, 0);
	struct msi_lease_pool_stats s;
	unsigned int rb, rc;

	/* b asks for up to 8, gets the 4 left, reserved while it allocates. */
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(b, 0, 1, 8, &rb), 4);
	KUNIT_EXPECT_EQ(test, rb, 4);
	/* c probes at the same time: nothing is left for it. */
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(c, 0, 1, 8, &rc), -ENOSPC);
	KUNIT_EXPECT_EQ(test, rc, 0);
	msi_lease_pool_stats(pool, &s);
	KUNIT_EXPECT_EQ(test, s.pending, 4);
	KUNIT_EXPECT_EQ(test, s.free, 0);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), 0);

	/* b got only 3 of them: the fourth goes back to the free pool. */
	msi_lease_client_settle(b, MSIX, 0, 3, rb);
	msi_lease_pool_stats(pool, &s);
	KUNIT_EXPECT_EQ(test, s.pending, 0);
	KUNIT_EXPECT_EQ(test, s.held, 9);
	KUNIT_EXPECT_EQ(test, s.free, 1);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(b, NULL), 3);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), 0);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(a, NULL), 6);
}

static void admit_refuses_below_minimum(struct kunit *test)
{
	struct msi_lease_pool *pool = new_pool(test, 10);
	struct msi_lease_client *b;
	struct msi_lease_pool_stats s;
	unsigned int r;

	holding(test, pool, 7);
	b = holding(test, pool, 0);
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(b, 0, 4, 4, &r), -ENOSPC);
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(b, 0, 5, 4, &r), -EINVAL);
	msi_lease_pool_stats(pool, &s);
	KUNIT_EXPECT_EQ(test, s.pending, 0);
	KUNIT_EXPECT_EQ(test, s.free, 3);
	/*
	 * Without a budget nothing is refused; the growth is still reserved
	 * until it settles, so it is booked as the client's own.
	 */
	msi_lease_test_set_budget(pool, MSI_LEASE_UNLIMITED);
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(b, 0, 64, 64, &r), 64);
	KUNIT_EXPECT_EQ(test, r, 64);
	msi_lease_client_settle(b, MSIX, 0, 64, r);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(b, NULL), 64);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), 0);
}

static void budget_below_use_takes_nothing(struct kunit *test)
{
	struct msi_lease_pool *pool = new_pool(test, MSI_LEASE_UNLIMITED);
	struct msi_lease_client *a = holding(test, pool, 6);
	unsigned int r;

	msi_lease_test_set_budget(pool, 4);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(a, NULL), 6);
	/* a may re-allocate what it holds, but not one more. */
	msi_lease_client_settle(a, MSIX, 6, 0, 0);
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(a, 0, 6, 6, &r), -ENOSPC);
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(a, 0, 1, 6, &r), 4);
	msi_lease_client_settle(a, MSIX, 0, 4, r);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(a, NULL), 4);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), 0);
}

static void hold_keeps_vectors_through_reallocation(struct kunit *test)
{
	struct msi_lease_pool *pool = new_pool(test, 8);
	struct msi_lease_client *a = holding(test, pool, 5);
	struct msi_lease_client *b = holding(test, pool, 3);
	unsigned int r;

	/* 6.1 reconfigure: free everything, allocate again, keep the 5. */
	msi_lease_client_hold(a, true);
	msi_lease_client_settle(a, NONE, 5, 0, 0);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(a, NULL), 5);
	/* Meanwhile nobody else gets a's vectors. */
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(b, 3, 1, 1, &r), -ENOSPC);
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(a, 0, 5, 5, &r), 5);
	KUNIT_EXPECT_EQ(test, r, 0);
	msi_lease_client_settle(a, MSIX, 0, 5, r);
	msi_lease_client_hold(a, false);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(a, NULL), 5);

	/* Not held, a free gives the vectors back. */
	msi_lease_client_settle(a, MSIX, 5, 2, 0);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(a, NULL), 2);
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(b, 3, 1, 8, &r), 3);
	msi_lease_client_settle(b, MSIX, 3, 6, r);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), 0);
}

static void expect_demand(struct kunit *test, struct msi_lease_client *c,
			  unsigned int demand, unsigned int unmet)
{
	struct msi_lease_client_state st;

	msi_lease_client_state(c, &st);
	KUNIT_EXPECT_EQ(test, st.demand, demand);
	KUNIT_EXPECT_EQ(test, st.unmet, unmet);
}

static void cap_takes_nothing_until_reallocation(struct kunit *test)
{
	struct msi_lease_pool *pool = new_pool(test, MSI_LEASE_UNLIMITED);
	struct msi_lease_client *a = holding(test, pool, 6);
	struct msi_lease_client_state st;
	unsigned int r;

	msi_lease_client_set_cap(a, 4);
	msi_lease_client_state(a, &st);
	KUNIT_EXPECT_EQ(test, st.cap, 4);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(a, NULL), 6);
	/* Above its cap: not one more, even without a budget. */
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(a, 6, 1, 2, &r), -ENOSPC);
	KUNIT_EXPECT_EQ(test, r, 0);
	/* It re-allocates: what it asks for is clamped to the cap. */
	msi_lease_client_settle(a, MSIX, 6, 0, 0);
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(a, 0, 1, 8, &r), 4);
	msi_lease_client_settle(a, MSIX, 0, 4, r);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(a, NULL), 4);
	/* Growth one vector at a time stops at the cap too. */
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(a, 4, 1, 1, &r), -ENOSPC);
	msi_lease_client_set_cap(a, 5);
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(a, 4, 1, 1, &r), 1);
	msi_lease_client_settle(a, MSIX, 4, 5, r);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(a, NULL), 5);
	msi_lease_client_set_cap(a, MSI_LEASE_UNLIMITED);
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(a, 5, 1, 3, &r), 3);
	msi_lease_client_settle(a, MSIX, 5, 8, r);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(a, NULL), 8);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), 0);
}

/* A cap lowered under a hold: what the client holds it gets back. */
static void cap_never_refuses_what_is_held(struct kunit *test)
{
	struct msi_lease_pool *pool = new_pool(test, 8);
	struct msi_lease_client *a = holding(test, pool, 5);
	unsigned int r;

	msi_lease_client_set_cap(a, 2);
	msi_lease_client_hold(a, true);
	msi_lease_client_settle(a, NONE, 5, 0, 0);
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(a, 0, 5, 5, &r), 5);
	KUNIT_EXPECT_EQ(test, r, 0);
	msi_lease_client_settle(a, MSIX, 0, 5, r);
	/* Past what it holds, the cap stands. */
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(a, 5, 1, 1, &r), -ENOSPC);
	msi_lease_client_hold(a, false);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(a, NULL), 5);
	/* Freed for good, it comes back at its cap. */
	msi_lease_client_settle(a, MSIX, 5, 0, 0);
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(a, 0, 1, 5, &r), 2);
	msi_lease_client_settle(a, MSIX, 0, 2, r);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(a, NULL), 2);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), 0);
}

static void demand_records_what_was_asked(struct kunit *test)
{
	struct msi_lease_pool *pool = new_pool(test, 10);
	struct msi_lease_client *a = holding(test, pool, 6);
	struct msi_lease_client *b = holding(test, pool, 0);
	struct msi_lease_client *c = holding(test, pool, 0);
	unsigned int r;

	/* b asks for 8 and gets the 4 left: 4 unmet. */
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(b, 0, 1, 8, &r), 4);
	msi_lease_client_settle(b, MSIX, 0, 4, r);
	expect_demand(test, b, 8, 4);
	/*
	 * c is refused a vector per queue, then two shared ones, and falls
	 * back to INTx: it still wants the first.
	 */
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(c, 0, 4, 4, &r), -ENOSPC);
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(c, 0, 2, 2, &r), -ENOSPC);
	expect_demand(test, c, 4, 4);
	/* Freeing one says b now wants only the 3 it kept. */
	msi_lease_client_settle(b, MSIX, 4, 3, 0);
	expect_demand(test, b, 3, 0);
	/* Nobody can ask for more than its table holds. */
	msi_lease_client_set_table(b, 5);
	KUNIT_EXPECT_EQ(test, msi_lease_client_admit(b, 3, 1, 8, &r), 1);
	msi_lease_client_settle(b, MSIX, 3, 4, r);
	expect_demand(test, b, 5, 1);
	/* A re-count changes no demand; an unbound driver has none. */
	msi_lease_client_recount(b, MSIX, 4, msi_lease_client_changes(b));
	expect_demand(test, b, 5, 1);
	msi_lease_client_forget_demand(c);
	expect_demand(test, c, 0, 0);
	/* a allocated before anything saw it ask: it wants what it has. */
	expect_demand(test, a, 6, 0);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(pool), 0);
}

static struct kunit_case msi_lease_pool_cases[] = {
	KUNIT_CASE(pool_empty_is_unlimited),
	KUNIT_CASE(pool_attach_counts_vectors_already_held),
	KUNIT_CASE(pool_detach_removes_vectors_once),
	KUNIT_CASE(pool_budget_below_use_reports_over),
	KUNIT_CASE(client_mode_change_moves_vectors),
	KUNIT_CASE(client_set_held_rejects_bad_input),
	KUNIT_CASE(pool_check_catches_corruption),
	KUNIT_CASE(mode_names_match_sysfs_abi),
	KUNIT_CASE(admit_clamps_and_reserves),
	KUNIT_CASE(admit_refuses_below_minimum),
	KUNIT_CASE(budget_below_use_takes_nothing),
	KUNIT_CASE(hold_keeps_vectors_through_reallocation),
	KUNIT_CASE(cap_takes_nothing_until_reallocation),
	KUNIT_CASE(cap_never_refuses_what_is_held),
	KUNIT_CASE(demand_records_what_was_asked),
	KUNIT_CASE_PARAM(pool_totals_follow_each_step, pool_cases_gen_params),
	KUNIT_CASE_SLOW(pool_random_ops_keep_totals),
	{}
};

static struct kunit_suite msi_lease_pool_suite = {
	.name = "msi_lease_pool",
	.test_cases = msi_lease_pool_cases,
};

kunit_test_suite(msi_lease_pool_suite);

MODULE_DESCRIPTION("KUnit tests for the msi_lease pool core");
MODULE_LICENSE("GPL");
