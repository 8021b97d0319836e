// SPDX-License-Identifier: GPL-2.0
/*
 * The broker at scale: a million random operations (stress_ops) from
 * several threads over three pools of fake devices that really allocate
 * (fdev.h) and, when the guest has them, the real functions the sample
 * driver leases (their callbacks free and allocate real MSI-X vectors).
 * Every operation of the API and of the administrator is drawn: borrows
 * with every option, returns, renewals, recalls, revokes, leaving and
 * joining again, budgets, policies and negotiation modes, re-counts and
 * readers.  After every operation every pool's books are checked
 * (msi_lease_pool_check()); at the end, with every lease over, each
 * device has exactly its own vectors.
 *
 * Seeded: stress_seed=N replays a run (its eight parts, threads
 * interleaving aside); a failure names the seed, the thread, the
 * operation's index and what it was, and dumps the broken pool.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "compat.h"
#include "fdev.h"
#include "helpers.h"
#include "internal.h"
#include "lease.h"

static unsigned long stress_ops = 1000000;
module_param(stress_ops, ulong, 0444);
MODULE_PARM_DESC(stress_ops, "operations of msi_lease_stress, all threads together");
static unsigned long stress_seed;
module_param(stress_seed, ulong, 0444);
MODULE_PARM_DESC(stress_seed, "seed of msi_lease_stress; 0 draws one");

#define SX_KINDS	17
#define SX_RESIZE	15		/* the kind that resizes */

/*
 * Operations drawn, by bit of sx_kind_names; all by default.  With bit
 * 15 (a driver resizing its own vectors while it lends and borrows), a
 * borrower may fail to bind (its driver grew into the table entries of
 * a lease it had not bound yet): that loses nothing and is reported,
 * not failed.
 */
static unsigned int stress_kinds = GENMASK(SX_KINDS - 1, 0);
module_param(stress_kinds, uint, 0444);
MODULE_PARM_DESC(stress_kinds, "operations drawn, by bit (to narrow a failure down)");
static unsigned int stress_real_share = 64;
module_param(stress_real_share, uint, 0444);
MODULE_PARM_DESC(stress_real_share, "one operation in this many on a real function");
static unsigned int stress_threads = 4;
module_param(stress_threads, uint, 0444);
MODULE_PARM_DESC(stress_threads, "threads of msi_lease_stress");

#define US		1000ULL
#define MS		(1000 * US)
#define HOUR		(3600 * 1000 * MS)
#define SX_POOLS	3
#define SX_DEVS		6		/* per fake pool */
#define SX_TABLE	12
#define SX_REAL		8		/* real functions at most */
#define SX_CLIENTS	(SX_POOLS * SX_DEVS + SX_REAL)
#define SX_IDS		4
#define SX_THREADS	8

static const char * const sx_kind_names[SX_KINDS] = {
	"borrow", "borrow", "borrow", "borrow", "borrow-short", "return",
	"return", "renew", "recall", "revoke", "configure", "budget",
	"leave-join", "recount", "read", "resize", "cap",
};

/* A client the threads drive: a fake device, or a real function. */
struct sx_client {
	struct msi_lease_client *c;
	struct fdev *d;			/* NULL for a real function */
	struct msi_lease_fn *fn;	/* the real function, a reference */
	struct msi_lease_pool *pool;
	u64 ids[SX_IDS];		/* leases it borrowed, by its thread */
	unsigned int own;		/* real: the vectors it began with */
};

struct sx {
	struct fworld *w[SX_POOLS];
	struct sx_client cl[SX_CLIENTS];
	unsigned int nr_cl, nr_real;
	struct msi_lease_pool *pools[SX_POOLS + SX_REAL];
	struct msi_lease_pool_conf real_conf[SX_REAL];
	unsigned int nr_pools, nr_real_pools;
	u64 seed;
	unsigned long per_thread;
	atomic_long_t done, real_done, granted, kinds[SX_KINDS];
	atomic_t failed;
	char why[160];
};

struct sx_thread {
	struct sx *s;
	unsigned int nr;
	struct rnd_state rnd;
	struct completion finished;
	unsigned long sum;	/* what the leases walks saw */
};

/* A lease @pool has, drawn by @r; 0 if none. */
static u64 sx_any_lease(struct msi_lease_pool *pool, u32 r, bool lent,
			struct msi_lease_client *lender)
{
	struct msi_lease_lease *lease;
	unsigned int n = 0, pick;
	u64 id = 0;

	spin_lock(&pool->lock);
	if (lent) {
		list_for_each_entry(lease, &lender->leases_out, out_node)
			n++;
	} else {
		list_for_each_entry(lease, &pool->leases, pool_node)
			n++;
	}
	pick = n ? r % n : 0;
	if (lent) {
		list_for_each_entry(lease, &lender->leases_out, out_node)
			if (!pick--) {
				id = lease->piece.id;
				break;
			}
	} else {
		list_for_each_entry(lease, &pool->leases, pool_node)
			if (!pick--) {
				id = lease->piece.id;
				break;
			}
	}
	spin_unlock(&pool->lock);
	return id;
}

/* What a broken pool looked like, for the report. */
static void sx_dump(struct msi_lease_pool *pool)
{
	struct msi_lease_client *c;
	struct msi_lease_lease *l;

	spin_lock(&pool->lock);
	pr_err("pool: budget %u held %u pending %u clients %u\n", pool->budget,
	       pool->held, pool->pending, pool->nr_clients);
	list_for_each_entry(c, &pool->clients, node)
		pr_err("  client %llu: held %u lent %u borrowed %u pending %u releasing %u unfreed %u returning %u holding %u table %u kept %u mode %d\n",
		       c->seq, c->held, c->lent, c->borrowed, c->pending,
		       c->releasing, c->unfreed, c->returning, c->holding, c->table,
		       c->kept, c->mode);
	list_for_each_entry(l, &pool->leases, pool_node)
		pr_err("  lease %llu: %u from %lld to %llu active %d booked %d\n",
		       l->piece.id, l->piece.count,
		       l->piece.lender ? (s64)l->piece.lender->seq : -1LL,
		       l->borrower->seq, l->active, l->booked);
	spin_unlock(&pool->lock);
}

/* Borrow with every option; a fake device binds what it gets. */
static void sx_borrow(struct sx *s, struct sx_client *sc, u32 r, bool brief)
{
	struct msi_lease_request req = {
		.count = 1 + (r >> 8) % 4,
		.duration_ns = brief ? 100 * US + (r >> 12) % (2 * MS) :
			(1 + (r >> 12) % 60) * 60000 * MS,
		.accept_partial = r & BIT(18),
		.negotiation = (r >> 19) % MSI_LEASE_NR_NEGOTIATIONS,
		.policy = (r >> 21) % MSI_LEASE_NR_POLICIES,
		.deadline_ns = (r & BIT(24)) ? MS : 0,
	};
	struct msi_lease_grant grant;
	struct fdev *d = sc->d;

	if (msi_lease_borrow(sc->c, &req, &grant))
		return;
	atomic_long_add(grant.count, &s->granted);
	if (grant.nr_pieces)
		sc->ids[(r >> 26) % SX_IDS] = grant.pieces[0].id;
	if (d && fdev_bind(d, &grant))
		sx_dump(sc->pool);
	msi_lease_grant_free(&grant);
}

/*
 * A fake device's driver allocates or frees one vector of its own; a
 * stock driver outside its resets.
 */
static void sx_resize(struct fdev *d, u32 r)
{
	mutex_lock(&d->reset);
	mutex_lock(&d->lock);
	if (r & BIT(10)) {
		if (!fdev_alloc(d, 1))
			d->own++;
	} else if (d->own > 1) {
		/* Lent vectors are freed already: @own is what it has. */
		fdev_free(d, 1);
		d->own--;
		d->mine = min(d->mine, d->own);
	}
	mutex_unlock(&d->lock);
	mutex_unlock(&d->reset);
}

/* A reader of the leases file: everything a lease names must be alive. */
static void sx_lease_seen(const struct msi_lease_lease_info *l, void *arg)
{
	unsigned long *sum = arg;

	*sum += l->count + READ_ONCE(l->borrower->seq) +
		(l->lender ? READ_ONCE(l->lender->seq) : 0);
}

static void sx_step(struct sx_thread *t, struct sx_client *sc, u32 r,
		    unsigned int kind)
{
	struct sx *s = t->s;
	struct msi_lease_pool *pool = sc->pool;
	struct msi_lease_pool_conf conf;
	struct msi_lease_pool_stats stats;
	struct msi_lease_client_state st;
	u64 id;

	switch (kind) {
	case 0 ... 3:
		sx_borrow(s, sc, r, false);
		break;
	case 4:
		sx_borrow(s, sc, r, true);
		break;
	case 5:
	case 6:
		msi_lease_return(sc->c, sc->ids[(r >> 8) % SX_IDS]);
		break;
	case 7:
		msi_lease_renew(sc->c, sc->ids[(r >> 8) % SX_IDS],
				(1 + (r >> 10) % 1000) * MS);
		break;
	case 8:
		id = sx_any_lease(pool, r >> 8, true, sc->c);
		if (id)
			msi_lease_recall(sc->c, id, (r & BIT(7)) ? 0 : MS);
		break;
	case 9:
		id = sx_any_lease(pool, r >> 8, false, NULL);
		if (id)
			msi_lease_pool_revoke(pool, id);
		break;
	case 10:
		msi_lease_pool_get_conf(pool, &conf);
		conf.policy = (r >> 8) % MSI_LEASE_NR_POLICIES ?: 1;
		conf.negotiation = (r >> 11) % MSI_LEASE_NR_NEGOTIATIONS ?: 1;
		conf.max_lease_ns = (r & BIT(14)) ? HOUR : 0;
		msi_lease_pool_configure(pool, &conf);
		break;
	case 11:
		msi_lease_pool_stats(pool, &stats);
		msi_lease_test_set_budget(pool, stats.held > 2 ?
					  stats.held - 2 + (r >> 8) % 8 :
					  (r >> 8) % 8);
		break;
	case 12:
		/* A real function leaves only with its driver: re-count. */
		if (!sc->d)
			break;
		fdev_rejoin(sc->d);
		break;
	case 13:
		if (sc->d)
			fdev_recount(sc->d);
		else
			msi_lease_fn_refresh(sc->fn);
		break;
	case 14:
		msi_lease_pool_stats(pool, &stats);
		msi_lease_client_state(sc->c, &st);
		msi_lease_pool_lent(pool);
		msi_lease_pool_walk_leases(pool, sx_lease_seen, &t->sum);
		break;
	case SX_RESIZE:
		if (sc->d)
			sx_resize(sc->d, r);
		break;
	case 16:
		/* An admin caps any client, or lifts its cap: nothing lost. */
		msi_lease_client_set_cap(sc->c, (r & BIT(8)) ?
					 MSI_LEASE_UNLIMITED : (r >> 9) % 10);
		break;
	}
}

/* -1 if every pool is sound, else the first broken one's index. */
static int sx_broken_pool(struct sx *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_pools; i++)
		if (msi_lease_pool_check(s->pools[i]))
			return i;
	return -1;
}

static bool sx_pools_sound(struct sx *s)
{
	return sx_broken_pool(s) < 0;
}

static int sx_thread_fn(void *data)
{
	struct sx_thread *t = data;
	struct sx *s = t->s;
	unsigned long op;

	for (op = 0; op < s->per_thread && !atomic_read(&s->failed); ) {
		u32 r = prandom_u32_state(&t->rnd);
		unsigned int kind = r % SX_KINDS;
		struct sx_client *sc;
		unsigned int i;
		int broken;

		/*
		 * One in stress_real_share operations on a real function
		 * when there are any (each costs real MSI-X allocations);
		 * borrower-side operations only on a client of this
		 * thread's, as a driver borrows from its own context.
		 */
		if (s->nr_real && !((r >> 4) % max(stress_real_share, 1U)))
			i = s->nr_cl - s->nr_real + (r >> 28) % s->nr_real;
		else
			i = (r >> 28) % (s->nr_cl - s->nr_real);
		if (kind <= 7 || kind == 12 || kind == SX_RESIZE) {
			i -= i % stress_threads;
			i += t->nr;
			if (i >= s->nr_cl)
				i = t->nr % s->nr_cl;
		}
		sc = &s->cl[i];
		if (!(stress_kinds & BIT(kind)))
			continue;
		sx_step(t, sc, r, kind);
		if (!sc->d)
			atomic_long_inc(&s->real_done);
		op++;
		atomic_long_inc(&s->kinds[kind]);
		atomic_long_inc(&s->done);
		broken = sx_broken_pool(s);
		if (broken >= 0 && !atomic_xchg(&s->failed, 1)) {
			snprintf(s->why, sizeof(s->why),
				 "seed %llu thread %u op %lu: %s on client %u broke pool %d",
				 s->seed, t->nr, op, sx_kind_names[kind], i,
				 broken);
			sx_dump(s->pools[broken]);
		}
		if (!(op & 255))
			cond_resched();
	}
	complete(&t->finished);
	return 0;
}

/* The functions the sample driver leases, if it is bound to any. */
static void sx_find_real(struct sx *s)
{
	struct msi_lease_client_state st;
	struct pci_dev *pdev = NULL;
	struct msi_lease_fn *fn;
	unsigned int i;

	for_each_pci_dev(pdev) {
		if (s->nr_real == SX_REAL)
			break;
		fn = msi_lease_fn_get(pdev);
		if (!fn)
			continue;
		msi_lease_client_state(&fn->client, &st);
		if (!st.leasing || !fn->client.pool) {
			msi_lease_fn_put(fn);
			continue;
		}
		s->cl[s->nr_cl++] = (struct sx_client){
			.c = &fn->client, .fn = fn, .pool = fn->client.pool,
			.own = st.held - st.lent + st.borrowed,
		};
		s->nr_real++;
		for (i = 0; i < s->nr_pools; i++)
			if (s->pools[i] == fn->client.pool)
				break;
		if (i == s->nr_pools) {
			s->pools[s->nr_pools++] = fn->client.pool;
			s->nr_real_pools++;
		}
	}
	pci_dev_put(pdev);
}

static void sx_release_real(void *data)
{
	struct sx *s = data;
	unsigned int i;

	for (i = 0; i < s->nr_cl; i++) {
		if (!s->cl[i].fn)
			continue;
		/* The real functions leave as uncapped as they came. */
		msi_lease_client_set_cap(s->cl[i].c, MSI_LEASE_UNLIMITED);
		msi_lease_fn_put(s->cl[i].fn);
	}
}

/* End every lease left and wait for the last to be home. */
static bool sx_drain(struct sx *s)
{
	unsigned int i;
	u64 id;

	for (i = 0; i < s->nr_pools; i++) {
		while ((id = sx_any_lease(s->pools[i], 0, false, NULL)))
			if (msi_lease_pool_revoke(s->pools[i], id))
				usleep_range(1000, 2000);
		if (!msi_lease_test_wait_no_leases(s->pools[i], 10000))
			return false;
	}
	return true;
}

/* Vectors @pdev really has allocated, from the PCI core. */
static unsigned int sx_real_vectors(struct pci_dev *pdev)
{
	int i, n = 0, limit = pci_msix_vec_count(pdev);

	for (i = 0; i < limit; i++)
		if (pci_irq_vector(pdev, i) > 0)
			n++;
	return n;
}

/*
 * KUnit gives a test case five minutes: the million operations run as
 * SX_PARTS cases of stress_ops / SX_PARTS each, every part on a world of
 * its own, seeded stress_seed + part.
 */
#define SX_PARTS	8
static u64 sx_run_seed;
static const unsigned int sx_parts[SX_PARTS] = { 0, 1, 2, 3, 4, 5, 6, 7 };

static void sx_part_desc(const unsigned int *part, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "part %u of %u", *part + 1,
		 SX_PARTS);
}

KUNIT_ARRAY_PARAM(sx_part, sx_parts, sx_part_desc);

static void million_operations_lose_nothing(struct kunit *test)
{
	unsigned int part = *(const unsigned int *)test->param_value;
	unsigned long ops = DIV_ROUND_UP(stress_ops, SX_PARTS);
	struct sx_thread *t;
	struct sx *s;
	unsigned int i, j, k, nthreads;
	struct task_struct *task;
	unsigned long start = jiffies;

	nthreads = clamp_t(unsigned int, stress_threads, 1, SX_THREADS);
	if (!(stress_kinds & GENMASK(SX_KINDS - 1, 0)))
		stress_kinds = GENMASK(SX_KINDS - 1, 0);
	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	t = kunit_kcalloc(test, nthreads, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, t);
	stress_threads = nthreads;
	if (!part || !sx_run_seed)
		sx_run_seed = stress_seed ?: get_random_u64();
	s->seed = sx_run_seed + part * SX_THREADS;
	kunit_info(test, "stress_seed=%llu, part %u: %lu operations, %u threads\n",
		   sx_run_seed, part, ops, nthreads);

	for (i = 0; i < SX_POOLS; i++) {
		s->w[i] = fworld_new(test);
		s->pools[s->nr_pools++] = &s->w[i]->pool;
		for (j = 0; j < SX_DEVS; j++) {
			/* One stock lender a pool, lending by re-allocation. */
			struct fdev *d = j ? fdev_new(s->w[i], SX_TABLE,
						      2 + j % 4) :
				fdev_new_stock(s->w[i], SX_TABLE, 2);

			/*
			 * It always asks for its whole table, as nvme would;
			 * it is judged at the end, when nothing moves.
			 */
			if (!j) {
				d->wants = SX_TABLE;
				d->strict = false;
			}

			s->cl[s->nr_cl++] = (struct sx_client){
				.c = &d->c, .d = d, .pool = &s->w[i]->pool,
			};
		}
		fworld_budget_is_use(s->w[i]);
	}
	sx_find_real(s);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, sx_release_real,
							s), 0);
	for (i = 0; i < s->nr_real_pools; i++) {
		struct msi_lease_pool *pool = s->pools[SX_POOLS + i];

		msi_lease_pool_get_conf(pool, &s->real_conf[i]);
		/* Nothing free: borrows go to the lenders. */
		msi_lease_test_set_budget(pool, pool->held);
	}
	kunit_info(test, "%u real functions on %u bridges\n", s->nr_real,
		   s->nr_real_pools);

	s->per_thread = DIV_ROUND_UP(ops, nthreads);
	for (i = 0; i < nthreads; i++) {
		t[i].s = s;
		t[i].nr = i;
		prandom_seed_state(&t[i].rnd, s->seed + i);
		init_completion(&t[i].finished);
	}
	for (k = 0; k < nthreads; k++) {
		task = kthread_run(sx_thread_fn, &t[k], "msi_lease_sx%u", k);
		if (IS_ERR(task))
			break;
	}
	for (i = 0; i < k; i++)
		wait_for_completion(&t[i].finished);
	KUNIT_ASSERT_EQ(test, k, nthreads);

	kunit_info(test, "%ld operations in %u ms, %ld vectors granted\n",
		   atomic_long_read(&s->done),
		   jiffies_to_msecs(jiffies - start),
		   atomic_long_read(&s->granted));
	for (i = 0; i < SX_KINDS; i++)
		if (i == 0 || strcmp(sx_kind_names[i], sx_kind_names[i - 1]))
			kunit_info(test, "  %s: %ld\n", sx_kind_names[i],
				   atomic_long_read(&s->kinds[i]));
	pr_info("### ML-SCALE kunit.stress.ops %ld %u.%03us\n",
		atomic_long_read(&s->done),
		jiffies_to_msecs(jiffies - start) / 1000,
		jiffies_to_msecs(jiffies - start) % 1000);
	pr_info("### ML-SCALE kunit.stress.ops_on_real_functions %ld\n",
		atomic_long_read(&s->real_done));
	KUNIT_EXPECT_FALSE_MSG(test, atomic_read(&s->failed), "%s", s->why);
	KUNIT_EXPECT_GE(test, (unsigned long)atomic_long_read(&s->done), ops);
	KUNIT_EXPECT_GT(test, atomic_long_read(&s->granted), 0);

	/*
	 * Nothing lost: every device has exactly its own vectors.  (A
	 * driver that freed vectors of its own while a borrow booked them
	 * refuses to release them and the borrow is rolled back: release
	 * refusals are expected here, lost vectors are not.)
	 */
	KUNIT_ASSERT_TRUE(test, sx_drain(s));
	for (i = 0; i < s->nr_real_pools; i++)
		msi_lease_pool_configure(s->pools[SX_POOLS + i],
					 &s->real_conf[i]);
	KUNIT_EXPECT_TRUE(test, sx_pools_sound(s));
	for (i = 0; i < s->nr_cl; i++) {
		struct sx_client *sc = &s->cl[i];
		struct fdev *d = sc->d;

		if (!d) {
			KUNIT_EXPECT_EQ_MSG(test, sx_real_vectors(sc->fn->pdev),
					    sc->own, "real function %s",
					    pci_name(sc->fn->pdev));
			continue;
		}
		if (d->real != d->own ||
		    msi_lease_client_held(&d->c, NULL) != d->real)
			sx_dump(sc->pool);
		KUNIT_EXPECT_EQ_MSG(test, d->real, d->own, "client %u", i);
		KUNIT_EXPECT_EQ_MSG(test, msi_lease_client_held(&d->c, NULL),
				    d->real, "client %u", i);
		KUNIT_EXPECT_EQ_MSG(test, d->reclaim_failed, 0, "client %u", i);
		/* A stock driver never has fewer than its own. */
		if (d->wants)
			KUNIT_EXPECT_GE_MSG(test, d->own, d->mine,
					    "client %u", i);
		if (d->bind_failed && (stress_kinds & BIT(SX_RESIZE)))
			kunit_info(test, "client %u: %u leases not bound beside its own growth\n",
				   i, d->bind_failed);
		else
			KUNIT_EXPECT_EQ_MSG(test, d->bind_failed, 0,
					    "client %u", i);
	}
}

static struct kunit_case msi_lease_stress_cases[] = {
	MSI_LEASE_KUNIT_CASE_PARAM_SLOW(million_operations_lose_nothing,
					sx_part_gen_params),
	{}
};

static struct kunit_suite msi_lease_stress_suite = {
	.name = "msi_lease_stress",
	.test_cases = msi_lease_stress_cases,
};

kunit_test_suite(msi_lease_stress_suite);
