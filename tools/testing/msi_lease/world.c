// SPDX-License-Identifier: GPL-2.0
/*
 * Fake devices and the operations the stress and fuzz harnesses run on
 * them: everything a driver, an administrator, a sysfs reader or the
 * clock does to the broker core.  See world.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include <linux/slab.h>
#include <linux/workqueue.h>

#include "shim.h"
#include "world.h"

__thread char ml_op_desc[256];
__thread unsigned long ml_op_index;

const char * const ml_op_names[ML_NR_OPS] = {
	[ML_OP_ALLOC] = "alloc", [ML_OP_FREE] = "free",
	[ML_OP_RECONFIGURE] = "reconfigure", [ML_OP_BORROW] = "borrow",
	[ML_OP_RETURN] = "return", [ML_OP_RENEW] = "renew",
	[ML_OP_RECALL] = "recall", [ML_OP_REVOKE] = "revoke",
	[ML_OP_UNBIND] = "unbind", [ML_OP_PLUG] = "plug",
	[ML_OP_ENLIST] = "enlist", [ML_OP_BUDGET] = "budget",
	[ML_OP_CONFIGURE] = "configure", [ML_OP_ATTRS] = "attrs",
	[ML_OP_BEHAVE] = "behave", [ML_OP_READ] = "read",
	[ML_OP_RECOUNT] = "recount", [ML_OP_CLOCK] = "clock",
	[ML_OP_RUN] = "run", [ML_OP_SLAB] = "slab", [ML_OP_CAP] = "cap",
};

#define desc(fmt, ...) \
	snprintf(ml_op_desc, sizeof(ml_op_desc), fmt, ##__VA_ARGS__)

static struct ml_dev *to_dev(struct msi_lease_client *c)
{
	return msi_lease_client_priv(c);
}

/* Allocate @n vectors as pci_msix_alloc_irq_at() under the hook would. */
static int dev_alloc(struct ml_dev *d, unsigned int n)
{
	unsigned int reserved, before = d->real;
	int got;

	lockdep_assert_held(&d->lock);
	if (d->real + n > d->table)
		return -EBUSY;	/* no free table entry */
	got = msi_lease_client_admit(d->c, d->real, n, n, &reserved);
	if (got < 0)
		return got;
	if (got != n)
		ml_fail("%s: admitted %d of min=max=%u", d->name, got, n);
	WRITE_ONCE(d->real, d->real + n);
	msi_lease_client_settle(d->c, MSI_LEASE_MODE_MSIX, before, d->real,
				reserved);
	return 0;
}

static void dev_free(struct ml_dev *d, unsigned int n)
{
	unsigned int before = d->real;

	lockdep_assert_held(&d->lock);
	if (n > d->real)
		ml_fail("%s: freeing %u of %u", d->name, n, d->real);
	WRITE_ONCE(d->real, d->real - n);
	msi_lease_client_settle(d->c, d->real ? MSI_LEASE_MODE_MSIX :
				MSI_LEASE_MODE_NONE, before, d->real, 0);
}

static struct ml_bound *dev_bound(struct ml_dev *d, u64 id)
{
	unsigned int i;

	for (i = 0; i < ML_MAX_BOUND; i++)
		if (d->bound[i].id == id)
			return &d->bound[i];
	return NULL;
}

static unsigned int dev_nr_bound(struct ml_dev *d)
{
	unsigned int i, n = 0;

	for (i = 0; i < ML_MAX_BOUND; i++)
		n += d->bound[i].count;
	return n;
}

/* Every callback: only while the client is enlisted, never atomic. */
static struct ml_dev *cb_enter(struct msi_lease_client *c, const char *what)
{
	struct ml_dev *d = to_dev(c);

	might_sleep();
	if (!d || d->c != c)
		ml_fail("%s callback for a client that is not its device's", what);
	mutex_lock(&d->lock);
	if (d->state != ML_DEV_ENLISTED)
		ml_fail("%s: %s callback after it left (state %d)", d->name,
			what, d->state);
	d->calls++;
	mutex_unlock(&d->lock);
	return d;
}

static int f_offer(struct msi_lease_client *lender,
		   const struct msi_lease_ask *ask, struct msi_lease_offer *offer)
{
	struct ml_dev *d = cb_enter(lender, "offer");
	unsigned int t, style = ml_rand(8);

	if (ml_rand(4) == 0)
		ml_nap();
	offer->load = ml_rand(120);
	switch (style) {
	case 0:			/* declines */
		return 0;
	case 1:			/* fails */
		offer->nr_tiers = 2;
		offer->tiers[0].count = ask->count;
		offer->tiers[0].duration_ns = ask->duration_ns;
		return -EIO;
	case 2:			/* some, shorter */
		offer->nr_tiers = 1;
		offer->tiers[0].count = 1 + ml_rand(ask->count);
		offer->tiers[0].duration_ns = 1 + ml_rand(ask->duration_ns > 1000 ?
							  1000 : ask->duration_ns) *
					      ML_MS;
		break;
	case 3:			/* counter-offer in tiers, some nonsense */
		offer->nr_tiers = 1 + ml_rand(MSI_LEASE_MAX_TIERS + 2);
		for (t = 0; t < MSI_LEASE_MAX_TIERS; t++) {
			offer->tiers[t].count = ml_rand(4);
			offer->tiers[t].duration_ns = ml_rand(3) == 0 ? 0 :
				ml_rand(2) ? ask->duration_ns : ml_rand(500) * ML_MS;
		}
		break;
	case 4:			/* more than it could */
		offer->nr_tiers = 1;
		offer->tiers[0].count = ask->count + ml_rand(64);
		offer->tiers[0].duration_ns = U64_MAX;
		break;
	default:		/* what was asked */
		offer->nr_tiers = 1;
		offer->tiers[0].count = ask->count;
		offer->tiers[0].duration_ns = ask->duration_ns;
		break;
	}
	(void)d;
	return 0;
}

static int f_release(struct msi_lease_client *lender, unsigned int count)
{
	struct ml_dev *d = cb_enter(lender, "release");
	int ret = 0;

	if (ml_rand(8) == 0)
		ml_nap();
	mutex_lock(&d->lock);
	if (d->release_ret || ml_rand(32) == 0) {
		ret = d->release_ret ?: -EIO;
	} else if (d->liar) {
		d->misbehaved = true;
	} else if (count > d->own) {
		d->release_short++;
		ret = -EBUSY;
	} else {
		d->own -= count;
		d->lent_out += count;
		dev_free(d, count);
	}
	mutex_unlock(&d->lock);
	return ret;
}

static void f_reclaim(struct msi_lease_client *lender, unsigned int count)
{
	struct ml_dev *d = cb_enter(lender, "reclaim");

	if (ml_rand(8) == 0)
		ml_nap();
	mutex_lock(&d->lock);
	/* A lender gets back what it lent: no more, and (finish) no less. */
	if (count > d->lent_out && !d->liar)
		ml_fail("%s: reclaims %u, lent %u", d->name, count, d->lent_out);
	d->lent_out -= min(count, d->lent_out);
	if (dev_alloc(d, count))
		d->reclaim_failed += count;
	else
		d->own += count;
	mutex_unlock(&d->lock);
}

static void f_lease_end(struct msi_lease_client *borrower,
			const struct msi_lease_piece *piece)
{
	struct ml_dev *d = cb_enter(borrower, "lease_end");
	struct ml_bound *b;

	if (ml_rand(8) == 0)
		ml_nap();
	mutex_lock(&d->lock);
	b = dev_bound(d, piece->id);
	if (b && b->count != piece->count)
		ml_fail("%s: lease %llu ends with %u vectors, %u bound",
			d->name, piece->id, piece->count, b->count);
	if (b && d->keep_on_end) {
		/* Keeps them: they are its own from now on. */
		d->own += b->count;
		d->misbehaved = true;
	} else if (b) {
		dev_free(d, b->count);
	}
	if (b)
		*b = (struct ml_bound){ };
	mutex_unlock(&d->lock);
}

static bool f_renew(struct msi_lease_client *lender,
		    const struct msi_lease_piece *piece, u64 extra_ns)
{
	cb_enter(lender, "renew");
	if (ml_rand(8) == 0)
		ml_nap();
	return ml_rand(4) != 0;
}

static void f_recalled(struct msi_lease_client *borrower,
		       const struct msi_lease_piece *piece, u64 grace_ns)
{
	cb_enter(borrower, "recalled");
	if (ml_rand(4) == 0)
		ml_nap();
}

static const struct msi_lease_client_ops f_ops = {
	.offer = f_offer, .release = f_release, .reclaim = f_reclaim,
	.lease_end = f_lease_end, .renew = f_renew, .recalled = f_recalled,
};

/* A driver that never consents to renewals and is not told of recalls. */
static const struct msi_lease_client_ops f_ops_terse = {
	.offer = f_offer, .release = f_release, .reclaim = f_reclaim,
	.lease_end = f_lease_end,
};

static int w_count(struct msi_lease_pool *pool, struct msi_lease_client *c)
{
	struct ml_dev *d = to_dev(c);

	if (READ_ONCE(d->state) != ML_DEV_ENLISTED)
		ml_fail("%s: count() while not enlisted", d->name);
	return READ_ONCE(d->real);
}

static void w_event(struct msi_lease_pool *pool,
		    const struct msi_lease_lease *lease,
		    enum msi_lease_event event)
{
	struct ml_world *w = container_of(pool, struct ml_pool, pool)->w;

	might_sleep();
	switch (event) {
	case MSI_LEASE_EVENT_KEPT:
		__atomic_add_fetch(&w->kept_events, 1, __ATOMIC_RELAXED);
		break;
	case MSI_LEASE_EVENT_GRANT:
		__atomic_add_fetch(&w->grants, 1, __ATOMIC_RELAXED);
		break;
	case MSI_LEASE_EVENT_END:
		__atomic_add_fetch(&w->ends, 1, __ATOMIC_RELAXED);
		break;
	case MSI_LEASE_EVENT_REVOKE:
		__atomic_add_fetch(&w->revokes, 1, __ATOMIC_RELAXED);
		break;
	}
}

static const struct msi_lease_pool_ops w_ops = {
	.event = w_event, .count = w_count,
};

static const char *dev_name(struct msi_lease_client *c)
{
	return to_dev(c)->name;
}

static struct msi_lease_client_attrs dev_attrs(void)
{
	return (struct msi_lease_client_attrs){
		.cooperative = ml_rand(4) != 0,
		.priority = (int)ml_rand(5) - 2,
		.floor = ml_rand(4),
		.max_lend = ml_rand(12),
		.max_lease_ns = ml_rand(4) ? 0 : (1 + ml_rand(1000)) * ML_MS,
	};
}

/* The device appears (again) in its pool with what it has allocated. */
static void dev_plug(struct ml_dev *d)
{
	struct msi_lease_client *c = calloc(1, sizeof(*c));
	struct msi_lease_client_attrs attrs = dev_attrs();

	if (!c)
		ml_fail("out of memory");
	msi_lease_client_init(c);
	c->table = d->table;
	if (msi_lease_client_set_held(c, d->real ? MSI_LEASE_MODE_MSIX :
				      MSI_LEASE_MODE_NONE, d->real) < 0)
		ml_fail("%s: set_held(%u) refused", d->name, d->real);
	pthread_rwlock_wrlock(&d->life);
	d->c = c;
	pthread_rwlock_unlock(&d->life);
	mutex_lock(&d->lock);
	WRITE_ONCE(d->state, ML_DEV_ENLISTED);
	mutex_unlock(&d->lock);
	msi_lease_test_join(&d->p->pool, c,
			      d->no_renew ? &f_ops_terse : &f_ops, &attrs, d);
}

static void dev_retired(struct ml_dev *d, enum ml_dev_state state)
{
	unsigned int i;

	mutex_lock(&d->lock);
	WRITE_ONCE(d->state, state);
	/* Every lease ended before retire returned: nothing is bound. */
	for (i = 0; i < ML_MAX_BOUND; i++)
		if (d->bound[i].id)
			ml_fail("%s: lease %llu still bound after retire",
				d->name, d->bound[i].id);
	mutex_unlock(&d->lock);
}

static void dev_unplug(struct ml_dev *d)
{
	struct msi_lease_client *c = d->c;

	msi_lease_test_leave(c);
	dev_retired(d, ML_DEV_UNPLUGGED);
	if (c->pool)
		ml_fail("%s: still attached after leave", d->name);
	pthread_rwlock_wrlock(&d->life);
	d->c = NULL;
	pthread_rwlock_unlock(&d->life);
	/* Poison, then free: a late use by the broker is a use after free. */
	memset(c, 0x6b, sizeof(*c));
	free(c);
}

void ml_world_init(struct ml_world *w, unsigned int nr_pools, bool threaded)
{
	unsigned int i;

	memset(w, 0, sizeof(*w));
	w->threaded = threaded;
	w->nr_pools = min(nr_pools, (unsigned int)ML_MAX_POOLS);
	for (i = 0; i < w->nr_pools; i++) {
		struct ml_pool *p = &w->pools[i];

		p->w = w;
		p->idx = i;
		msi_lease_pool_init(&p->pool, MSI_LEASE_UNLIMITED);
		p->pool.ops = &w_ops;
	}
}

struct ml_dev *ml_dev_add(struct ml_world *w, struct ml_pool *p,
			  unsigned int table, unsigned int own, bool liar)
{
	struct ml_dev *d;

	if (p->nr_devs >= ML_MAX_DEVS)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		ml_fail("out of memory");
	d->w = w;
	d->p = p;
	d->idx = w->nr_devs;
	snprintf(d->name, sizeof(d->name), "p%ud%u", p->idx, p->nr_devs);
	pthread_rwlock_init(&d->life, NULL);
	mutex_init(&d->op);
	mutex_init(&d->lock);
	d->table = max(table, 1U);
	d->liar = liar;
	d->no_renew = ml_rand(8) == 0;
	d->state = ML_DEV_UNPLUGGED;
	p->devs[p->nr_devs++] = d;
	w->devs[w->nr_devs++] = d;
	dev_plug(d);
	mutex_lock(&d->lock);
	own = min(own, d->table);
	if (!dev_alloc(d, own))
		d->own += own;
	mutex_unlock(&d->lock);
	return d;
}

/* A lease of @p chosen by @pick: as borrower, as lender or any. */
enum { ANY, AS_BORROWER, AS_LENDER };

static u64 pick_lease(struct ml_pool *p, struct msi_lease_client *c, int as)
{
	struct msi_lease_lease *lease;
	unsigned int n = 0, k;
	u64 id = 0;

	spin_lock(&p->pool.lock);
	list_for_each_entry(lease, &p->pool.leases, pool_node)
		n += as == ANY || (as == AS_BORROWER && lease->borrower == c) ||
		     (as == AS_LENDER && lease->piece.lender == c);
	k = n ? ml_rand(n) : 0;
	list_for_each_entry(lease, &p->pool.leases, pool_node) {
		if (!(as == ANY || (as == AS_BORROWER && lease->borrower == c) ||
		      (as == AS_LENDER && lease->piece.lender == c)))
			continue;
		if (!k--) {
			id = lease->piece.id;
			break;
		}
	}
	spin_unlock(&p->pool.lock);
	/* Sometimes a stale or foreign id: the broker must refuse it. */
	if (!id || ml_rand(8) == 0)
		id = ml_rand(2) ? U64_MAX : (u64)ml_rand(100000);
	return id;
}

static u64 pick_ns(void)
{
	switch (ml_rand(16)) {
	case 0:
		return 0;
	case 1:
		return U64_MAX;
	case 2:
		return ML_DAY;
	case 3:
		return 1;
	default:
		return (1 + ml_rand(400)) * ML_MS;
	}
}

/* Borrow and bind what was granted, as a driver does after the grant. */
static void op_borrow(struct ml_dev *d)
{
	static const unsigned int counts[] = { 1, 1, 2, 2, 3, 4, 8, 0, INT_MAX,
					       (unsigned int)INT_MAX + 1 };
	struct msi_lease_request req = {
		.count = ml_rand(2) ? 1 + ml_rand(4) :
			 counts[ml_rand(ARRAY_SIZE(counts))],
		.duration_ns = pick_ns(),
		.accept_partial = ml_rand(2),
		.negotiation = ml_rand(MSI_LEASE_NR_NEGOTIATIONS + 1),
		.policy = ml_rand(MSI_LEASE_NR_POLICIES + 1),
		.deadline_ns = ml_rand(2) ? 0 : pick_ns(),
	};
	struct msi_lease_grant grant;
	unsigned int i, total = 0;
	int ret;

	if (req.negotiation == MSI_LEASE_NR_NEGOTIATIONS && ml_rand(4))
		req.negotiation = MSI_LEASE_NEGOTIATE_DEFAULT;
	if (req.policy == MSI_LEASE_NR_POLICIES && ml_rand(4))
		req.policy = MSI_LEASE_POLICY_DEFAULT;
	desc("borrow %s count=%u duration=%llu partial=%d negotiation=%u policy=%u deadline=%llu",
	     d->name, req.count, req.duration_ns, req.accept_partial,
	     req.negotiation, req.policy, req.deadline_ns);
	ret = msi_lease_borrow(d->c, &req, &grant);
	if (ret) {
		if (grant.count || grant.pieces)
			ml_fail("borrow failed (%d) with a grant", ret);
		if (ret != -EINVAL && ret != -ENOSPC && ret != -EAGAIN &&
		    ret != -ENOMEM && ret != -EBUSY && ret != -EIO)
			ml_fail("borrow: unexpected error %d", ret);
		return;
	}
	if (!grant.count || !grant.nr_pieces)
		ml_fail("borrow succeeded with nothing");
	if (grant.count > req.count)
		ml_fail("granted %u of %u", grant.count, req.count);
	mutex_lock(&d->lock);
	for (i = 0; i < grant.nr_pieces; i++) {
		const struct msi_lease_piece *piece = &grant.pieces[i];
		struct ml_bound *b;

		total += piece->count;
		if (!msi_lease_active(d->c, piece->id))
			continue;
		b = dev_bound(d, 0);
		if (!b || dev_alloc(d, piece->count)) {
			d->bind_failed++;
			continue;
		}
		b->id = piece->id;
		b->count = piece->count;
	}
	mutex_unlock(&d->lock);
	if (total != grant.count)
		ml_fail("grant count %u, pieces add up to %u", grant.count,
			total);
	msi_lease_grant_free(&grant);
}

static void op_reconfigure(struct ml_dev *d)
{
	unsigned int own;

	desc("reconfigure %s", d->name);
	msi_lease_client_hold(d->c, true);
	mutex_lock(&d->lock);
	own = d->own;
	d->own = 0;
	dev_free(d, own);
	if (dev_alloc(d, own))
		d->reconf_failed++;
	else
		d->own = own;
	mutex_unlock(&d->lock);
	msi_lease_client_hold(d->c, false);
}

/* What sysfs prints of a lease; every client it names must be alive. */
static void read_lease(const struct msi_lease_lease_info *l, void *arg)
{
	size_t *len = arg;

	if (!l->count || !l->borrower || l->lender == l->borrower)
		ml_fail("lease %llu: %u vectors, borrower %p, lender %p", l->id,
			l->count, l->borrower, l->lender);
	*len += snprintf(NULL, 0, "%llu %s %s %u %llu\n", l->id,
			 l->lender ? dev_name(l->lender) : "free",
			 dev_name(l->borrower), l->count, l->ms_left);
}

static void op_read(struct ml_world *w, struct ml_pool *p, struct ml_dev *d)
{
	struct msi_lease_client_state st;
	struct msi_lease_pool_stats stats;
	struct msi_lease_pool_conf conf;
	enum msi_lease_mode mode;
	size_t len = 0;

	desc("read %s", d->name);
	msi_lease_pool_stats(&p->pool, &stats);
	if (stats.budget != MSI_LEASE_UNLIMITED && stats.over &&
	    stats.held != stats.budget + stats.over)
		ml_fail("stats: held %u, budget %u, over %u", stats.held,
			stats.budget, stats.over);
	msi_lease_pool_get_conf(&p->pool, &conf);
	msi_lease_pool_lent(&p->pool);
	msi_lease_pool_walk_leases(&p->pool, read_lease, &len);
	if (len >= 4096)
		ml_fail("the leases file would take %zu bytes of a page", len);
	pthread_rwlock_rdlock(&d->life);
	if (d->c) {
		msi_lease_client_state(d->c, &st);
		if (st.lent > st.held)
			ml_fail("%s: lent %u > held %u", d->name, st.lent,
				st.held);
		msi_lease_client_held(d->c, &mode);
		/*
		 * Not msi_lease_active(): the driver's own call; with
		 * lockdep, lease_find() re-reads client->pool, which a
		 * concurrent unplug clears (see the README's findings).
		 */
	}
	pthread_rwlock_unlock(&d->life);
}

/* A sysfs reader's re-count, as pci.c does it. */
static void op_recount(struct ml_dev *d)
{
	unsigned long gen;
	unsigned int n;

	desc("recount %s", d->name);
	pthread_rwlock_rdlock(&d->life);
	if (d->c) {
		gen = msi_lease_client_changes(d->c);
		n = READ_ONCE(d->real);
		if (ml_rand(4) == 0)
			ml_nap();	/* overtaken, as a sysfs reader can be */
		msi_lease_client_recount(d->c, n ? MSI_LEASE_MODE_MSIX :
					 MSI_LEASE_MODE_NONE, n, gen);
	}
	pthread_rwlock_unlock(&d->life);
}

static void op_budget(struct ml_pool *p)
{
	struct msi_lease_pool_stats st;
	unsigned int budget;

	msi_lease_pool_stats(&p->pool, &st);
	switch (ml_rand(5)) {
	case 0:
		budget = MSI_LEASE_UNLIMITED;
		break;
	case 1:
		budget = st.held - min(st.held, ml_rand(4));
		break;
	default:
		budget = st.held + ml_rand(6);
		break;
	}
	desc("budget p%u %u", p->idx, budget);
	msi_lease_test_set_budget(&p->pool, budget);
}

static void op_configure(struct ml_pool *p)
{
	struct msi_lease_pool_conf conf;
	int ret;

	msi_lease_pool_get_conf(&p->pool, &conf);
	conf.negotiation = ml_rand(MSI_LEASE_NR_NEGOTIATIONS + 1);
	conf.policy = ml_rand(MSI_LEASE_NR_POLICIES + 1);
	if (ml_rand(2))
		conf.max_lease_ns = ml_rand(2) ? 0 : pick_ns();
	if (ml_rand(4) == 0)
		conf.budget = ml_rand(3) ? conf.budget + ml_rand(4) :
			      MSI_LEASE_UNLIMITED;
	desc("configure p%u negotiation=%u policy=%u max=%llu budget=%u",
	     p->idx, conf.negotiation, conf.policy, conf.max_lease_ns,
	     conf.budget);
	ret = msi_lease_pool_configure(&p->pool, &conf);
	if (ret && ret != -EINVAL)
		ml_fail("configure: %d", ret);
}

static void op_clock(struct ml_world *w)
{
	u64 ns;

	switch (ml_rand(64)) {
	case 0:
		ns = ML_DAY + ml_rand(1000) * ML_MS;
		break;
	case 1:
		ns = U64_MAX;	/* saturates far in the future */
		break;
	case 2:
	case 3:
		ns = (1 + ml_rand(2000)) * ML_MS;
		break;
	default:
		ns = ml_rand(20) * ML_MS + ml_rand(1000);
		break;
	}
	/* Not too far too often: leases should also end early. */
	if (ns == U64_MAX && ml_rand(4))
		ns = ML_DAY;
	desc("clock +%llu", ns);
	ml_clock_advance(ns);
	if (!w->threaded)
		ml_wq_run_ready(UINT_MAX);
}

bool ml_racy_driver;
/* Borrowers free vectors of their own too (stress --resize). */
bool ml_borrower_frees;

/*
 * Unless ml_racy_driver, a driver's own allocations and frees wait for
 * the pool's negotiations and lease ends: they do not race with a lease
 * of theirs being handed over or coming home.
 */
static void quiet_begin(struct ml_dev *d)
{
	if (ml_racy_driver)
		return;
	mutex_lock(&d->p->pool.negotiate);
	mutex_lock(&d->p->pool.ending);
}

static void quiet_end(struct ml_dev *d)
{
	if (ml_racy_driver)
		return;
	mutex_unlock(&d->p->pool.ending);
	mutex_unlock(&d->p->pool.negotiate);
}

/* Has borrowed leases; stable while the caller holds d->op. */
static bool dev_borrowing(struct ml_dev *d)
{
	bool ret;

	spin_lock(&d->p->pool.lock);
	ret = !list_empty(&d->c->leases_in);
	spin_unlock(&d->p->pool.lock);
	return ret;
}

/* Device operations: the driver's own calls, serialised as device_lock. */
static void dev_op(struct ml_world *w, enum ml_op op, struct ml_dev *d)
{
	struct ml_pool *p = d->p;
	unsigned int n, i;
	u64 id;
	int ret;

	mutex_lock(&d->op);
	if (op == ML_OP_PLUG) {
		if (d->state == ML_DEV_UNPLUGGED) {
			desc("plug %s real=%u", d->name, d->real);
			dev_plug(d);
		} else if (!d->liar || ml_rand(4) == 0) {
			desc("unplug %s", d->name);
			dev_unplug(d);
		}
		goto out;
	}
	if (d->state == ML_DEV_UNPLUGGED)
		goto out;

	switch (op) {
	case ML_OP_ALLOC:
		/* A liar's allocations could hide its lies from count(). */
		if (d->liar)
			break;
		n = 1 + ml_rand(3);
		desc("alloc %s %u", d->name, n);
		quiet_begin(d);
		mutex_lock(&d->lock);
		if (!dev_alloc(d, n))
			d->own += n;
		mutex_unlock(&d->lock);
		quiet_end(d);
		break;
	case ML_OP_FREE:
		/*
		 * The broker cannot tell a borrower's own vectors from
		 * borrowed ones: a borrower freeing some unbinds borrowed
		 * ones as far as it knows, and may be asked to lend what it
		 * no longer has until its last lease ends.  Only
		 * non-borrowers free here, unless ml_borrower_frees.
		 */
		if (d->liar || (!ml_borrower_frees && dev_borrowing(d)))
			break;
		quiet_begin(d);
		mutex_lock(&d->lock);
		n = d->own ? 1 + ml_rand(d->own) : 0;
		desc("free %s %u", d->name, n);
		d->own -= n;
		dev_free(d, n);
		mutex_unlock(&d->lock);
		quiet_end(d);
		break;
	case ML_OP_RECONFIGURE:
		if (!d->liar)
			op_reconfigure(d);
		break;
	case ML_OP_BORROW:
		op_borrow(d);
		break;
	case ML_OP_RETURN:
		/* A bound lease, or any (unbound, foreign, stale). */
		mutex_lock(&d->lock);
		id = d->bound[ml_rand(ML_MAX_BOUND)].id;
		mutex_unlock(&d->lock);
		if (!id || !ml_rand(4))
			id = pick_lease(p, d->c, AS_BORROWER);
		desc("return %s %llu", d->name, id);
		ret = msi_lease_return(d->c, id);
		if (ret && ret != -ENOENT)
			ml_fail("return: %d", ret);
		break;
	case ML_OP_RENEW:
		desc("renew %s", d->name);
		ret = msi_lease_renew(d->c, pick_lease(p, d->c, AS_BORROWER),
				      pick_ns());
		if (ret && ret != -ENOENT && ret != -EPERM && ret != -EINVAL)
			ml_fail("renew: %d", ret);
		break;
	case ML_OP_RECALL:
		desc("recall %s", d->name);
		ret = msi_lease_recall(d->c, pick_lease(p, d->c, AS_LENDER),
				       ml_rand(2) ? 0 : pick_ns());
		if (ret && ret != -ENOENT)
			ml_fail("recall: %d", ret);
		break;
	case ML_OP_UNBIND:
		/* Unbind borrowed vectors early; the lease still runs. */
		mutex_lock(&d->lock);
		i = ml_rand(ML_MAX_BOUND);
		desc("unbind %s slot %u", d->name, i);
		if (d->bound[i].id) {
			dev_free(d, d->bound[i].count);
			d->bound[i] = (struct ml_bound){ };
		}
		mutex_unlock(&d->lock);
		break;
	case ML_OP_ENLIST:
		if (d->state == ML_DEV_ENLISTED) {
			desc("retire %s", d->name);
			msi_lease_client_retire(d->c);
			dev_retired(d, ML_DEV_RETIRED);
		} else {
			struct msi_lease_client_attrs attrs = dev_attrs();

			desc("enlist %s", d->name);
			mutex_lock(&d->lock);
			WRITE_ONCE(d->state, ML_DEV_ENLISTED);
			mutex_unlock(&d->lock);
			ret = msi_lease_client_enlist(d->c, d->no_renew ?
						      &f_ops_terse : &f_ops,
						      &attrs, d);
			if (ret)
				ml_fail("enlist: %d", ret);
		}
		break;
	case ML_OP_ATTRS: {
		struct msi_lease_client_attrs attrs = dev_attrs();

		desc("attrs %s cooperative=%d floor=%u max_lend=%u", d->name,
		     attrs.cooperative, attrs.floor, attrs.max_lend);
		if (ml_rand(16) == 0)
			attrs.floor = (unsigned int)INT_MAX + 1;
		ret = msi_lease_client_set_attrs(d->c, &attrs);
		if (ret && attrs.floor <= INT_MAX)
			ml_fail("set_attrs: %d", ret);
		break;
	}
	case ML_OP_CAP: {
		/* An admin caps the function, or lifts its cap. */
		unsigned int cap = ml_rand(2) ? MSI_LEASE_UNLIMITED :
				   ml_rand(d->table + 2);

		desc("cap %s %u", d->name, cap);
		msi_lease_client_set_cap(d->c, cap);
		break;
	}
	case ML_OP_BEHAVE:
		mutex_lock(&d->lock);
		switch (ml_rand(4)) {
		case 0:
			d->keep_on_end = ml_rand(4) == 0;
			break;
		case 1:
			d->release_ret = ml_rand(4) == 0 ? -EIO : 0;
			break;
		default:
			break;
		}
		desc("behave %s keep=%d release_ret=%d", d->name,
		     d->keep_on_end, d->release_ret);
		mutex_unlock(&d->lock);
		break;
	default:
		break;
	}
out:
	mutex_unlock(&d->op);
}

void ml_op(struct ml_world *w, enum ml_op op, struct ml_dev *d)
{
	struct ml_pool *p = d->p;

	snprintf(ml_op_desc, sizeof(ml_op_desc), "%s %s", ml_op_names[op],
		 d->name);
	switch (op) {
	case ML_OP_REVOKE: {
		u64 id = pick_lease(p, NULL, ANY);
		int ret;

		desc("revoke p%u %llu", p->idx, id);
		ret = msi_lease_pool_revoke(&p->pool, id);
		if (ret && ret != -ENOENT)
			ml_fail("revoke: %d", ret);
		break;
	}
	case ML_OP_BUDGET:
		op_budget(p);
		break;
	case ML_OP_CONFIGURE:
		op_configure(p);
		break;
	case ML_OP_READ:
		op_read(w, p, d);
		break;
	case ML_OP_RECOUNT:
		op_recount(d);
		break;
	case ML_OP_CLOCK:
		op_clock(w);
		break;
	case ML_OP_RUN:
		if (!w->threaded)
			ml_wq_run_ready(1 + ml_rand(3));
		break;
	case ML_OP_SLAB:
		/* The Nth allocation of this thread's next calls fails. */
		ml_slab_fail_after = 1 + ml_rand(8);
		break;
	default:
		dev_op(w, op, d);
		break;
	}
}

void ml_check_pool(struct ml_pool *p)
{
	if (msi_lease_pool_check(&p->pool))
		ml_fail("msi_lease_pool_check(p%u) failed", p->idx);
}

/*
 * Between calls, with no work running (single-threaded): every device's
 * count is what it bound and owns, and a device with no lease, nothing
 * in flight and no misbehaviour has exactly its group allocated.
 */
void ml_check_quiet(struct ml_world *w)
{
	unsigned int i;

	for (i = 0; i < w->nr_pools; i++)
		ml_check_pool(&w->pools[i]);
	for (i = 0; i < w->nr_devs; i++) {
		struct ml_dev *d = w->devs[i];
		struct msi_lease_client *c = d->c;
		unsigned int group;
		bool quiet;

		if (d->real > d->table || d->real != d->own + dev_nr_bound(d))
			ml_fail("%s: real %u, own %u, bound %u, table %u",
				d->name, d->real, d->own, dev_nr_bound(d),
				d->table);
		if (!c)
			continue;
		spin_lock(&d->p->pool.lock);
		group = c->held - c->lent + c->borrowed;
		quiet = list_empty(&c->leases_in) && list_empty(&c->leases_out) &&
			!c->pending && !c->holding && !c->releasing &&
			!c->returning;
		spin_unlock(&d->p->pool.lock);
		if (quiet && group != d->real)
			ml_fail("%s: no lease, group %u, allocated %u", d->name,
				group, d->real);
	}
}

/*
 * The end: every lease ends, then every device must hold exactly its
 * own vectors and the broker agree with every device; then everyone
 * leaves and the pools are empty.
 */
void ml_world_finish(struct ml_world *w)
{
	unsigned int i, j;

	ml_slab_fail_after = 0;
	ml_slab_fail_rate = 0;
	snprintf(ml_op_desc, sizeof(ml_op_desc), "finish: retire all");
	for (i = 0; i < w->nr_devs; i++) {
		struct ml_dev *d = w->devs[i];

		mutex_lock(&d->op);
		if (d->state == ML_DEV_ENLISTED) {
			msi_lease_client_retire(d->c);
			dev_retired(d, ML_DEV_RETIRED);
		}
		mutex_unlock(&d->op);
	}
	if (w->threaded)
		ml_wq_wait_idle();
	else
		ml_wq_run_ready(UINT_MAX);
	snprintf(ml_op_desc, sizeof(ml_op_desc), "finish: check");
	for (i = 0; i < w->nr_pools; i++) {
		struct ml_pool *p = &w->pools[i];
		unsigned int sum = 0;

		ml_check_pool(p);
		if (!list_empty(&p->pool.leases))
			ml_fail("p%u: leases left after every client retired",
				i);
		if (p->pool.pending)
			ml_fail("p%u: %u vectors pending", i, p->pool.pending);
		for (j = 0; j < p->nr_devs; j++) {
			struct ml_dev *d = p->devs[j];

			if (d->real != d->own || dev_nr_bound(d))
				ml_fail("%s: allocated %u, own %u, bound %u",
					d->name, d->real, d->own,
					dev_nr_bound(d));
			if (d->lent_out && !d->liar)
				ml_fail("%s: lent %u vectors that never came back",
					d->name, d->lent_out);
			if (d->c && msi_lease_client_held(d->c, NULL) != d->real)
				ml_fail("%s: broker says %u, device has %u",
					d->name, msi_lease_client_held(d->c, NULL),
					d->real);
			if (!d->misbehaved &&
			    (d->reclaim_failed ||
			     (d->release_short && !ml_borrower_frees) ||
			     d->bind_failed || d->reconf_failed))
				ml_fail("%s: reclaim failed %u, release short %u, bind failed %u, reconfigure failed %u",
					d->name, d->reclaim_failed,
					d->release_short, d->bind_failed,
					d->reconf_failed);
			if (d->c)
				sum += d->real;
		}
		if (p->pool.held != sum)
			ml_fail("p%u: held %u, devices have %u", i,
				p->pool.held, sum);
	}
	snprintf(ml_op_desc, sizeof(ml_op_desc), "finish: unplug all");
	for (i = 0; i < w->nr_devs; i++) {
		struct ml_dev *d = w->devs[i];

		if (d->state != ML_DEV_UNPLUGGED)
			dev_unplug(d);
	}
	for (i = 0; i < w->nr_pools; i++) {
		struct ml_pool *p = &w->pools[i];

		if (p->pool.held || p->pool.nr_clients ||
		    !list_empty(&p->pool.clients))
			ml_fail("p%u: held %u by %u clients after all left", i,
				p->pool.held, p->pool.nr_clients);
		mutex_destroy(&p->pool.negotiate);
		mutex_destroy(&p->pool.ending);
	}
	if (ml_wq_nr_armed() || ml_wq_nr_ready())
		ml_fail("work left: %u armed, %u ready", ml_wq_nr_armed(),
			ml_wq_nr_ready());
	for (i = 0; i < w->nr_devs; i++) {
		pthread_rwlock_destroy(&w->devs[i]->life);
		free(w->devs[i]);
	}
	w->nr_devs = 0;
}
