// SPDX-License-Identifier: GPL-2.0
/*
 * msi_lease pool core: per host bridge vector accounting.
 *
 * A pool is the set of MSI/MSI-X vectors of one PCI host bridge; every
 * function under the bridge is a client that holds some of them.  The
 * pool keeps running totals so that readers get a consistent snapshot in
 * O(1), and msi_lease_pool_check() re-derives them from the clients to
 * prove the totals right after any operation.
 */
#include <linux/lockdep.h>
#include <linux/sched.h>
#include <linux/bug.h>
#include <linux/errno.h>

#include "compat.h"
#include "lease.h"

/**
 * msi_lease_pool_init() - initialise an empty pool
 * @pool: pool to initialise
 * @budget: vectors the pool may hand out, or %MSI_LEASE_UNLIMITED
 */
void msi_lease_pool_init(struct msi_lease_pool *pool, unsigned int budget)
{
	mutex_init(&pool->negotiate);
	mutex_init(&pool->ending);
	spin_lock_init(&pool->lock);
	pool->budget = budget;
	pool->held = 0;
	pool->pending = 0;
	memset(pool->held_by_mode, 0, sizeof(pool->held_by_mode));
	pool->nr_clients = 0;
	INIT_LIST_HEAD(&pool->clients);
	INIT_LIST_HEAD(&pool->leases);
	pool->next_seq = 0;
	pool->negotiation = MSI_LEASE_NEGOTIATE_PARALLEL;
	pool->policy = MSI_LEASE_POLICY_CLOSEST;
	pool->max_lease_ns = 0;
	pool->ops = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_pool_init);

/**
 * msi_lease_client_init() - initialise a detached client holding nothing
 * @client: client to initialise
 */
void msi_lease_client_init(struct msi_lease_client *client)
{
	memset(client, 0, sizeof(*client));
	INIT_LIST_HEAD(&client->node);
	client->mode = MSI_LEASE_MODE_NONE;
	client->table = MSI_LEASE_UNLIMITED;
	client->cap = MSI_LEASE_UNLIMITED;
	INIT_LIST_HEAD(&client->leases_in);
	INIT_LIST_HEAD(&client->leases_out);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_init);

static unsigned int client_group(const struct msi_lease_client *client)
{
	return client->held - client->lent + client->borrowed;
}

/*
 * Is what @client allocates or frees now its release callback's (or its
 * reclaim's)?  A cooperative driver's callback does it in the calling
 * task.  A stock driver's re-allocation may run anywhere (nvme's reset
 * work): while the broker drives it for its release or reclaim, all of
 * the client's allocations and frees are the callback's.
 */
static bool client_driven(const struct msi_lease_client *client,
			  const struct task_struct *task)
{
	return task && (task == current || (client->stock && client->driving));
}

static bool client_releasing(const struct msi_lease_client *client)
{
	return client_driven(client, client->releaser);
}

static bool client_reclaiming(const struct msi_lease_client *client)
{
	return client_driven(client, client->reclaimer);
}

/*
 * What the current task may have allocated of @client's without taking
 * from the free pool.  Vectors being released are the borrower's,
 * vectors on their way home the reclaim's: only the release callback may
 * re-allocate the former, only the reclaim the latter.  Any other
 * allocation of the client's meanwhile counts beside the released
 * vectors it still has (@unfreed), never in the place of those it
 * freed, nor of the returning ones (a reclaim would find no room on a
 * full bridge).  Admission and settling must agree on it: what one
 * admits from the free pool the other books.
 */
static unsigned int client_usable(const struct msi_lease_client *client)
{
	unsigned int group = client_group(client);

	lockdep_assert_held(&client->pool->lock);

	/*
	 * A stock driver re-allocates its whole table to lend: it re-fills
	 * only what stays its own, so what it frees is what it lends.
	 */
	group += client_releasing(client) && !client->stock ?
		 client->releasing : client->unfreed;
	if (!client_reclaiming(client))
		group -= min(group, client->returning);
	/* A stock borrower's lease_end re-allocates without the lease. */
	return group - min(group, client->unbinding);
}

/*
 * Table entries left for @client's allocations beside @real allocated
 * and the entries its loans need to come home: every lent vector but
 * those a release callback has yet to free, and those returning.
 */
static unsigned int client_home_room(const struct msi_lease_client *client,
				     unsigned int real)
{
	u64 used = (u64)real + client->lent - client->unfreed +
		   client->returning;
	u64 table = min_t(u64, client->table, INT_MAX);

	lockdep_assert_held(&client->pool->lock);

	return table > used ? table - used : 0;
}

/* Add (or remove) a client's group to (from) its pool's totals. */
void msi_lease_pool_account(struct msi_lease_pool *pool,
			    struct msi_lease_client *client, bool add)
{
	unsigned int group = client_group(client);

	lockdep_assert_held(&pool->lock);

	if (add) {
		pool->held += group;
		pool->held_by_mode[client->mode] += group;
		return;
	}
	/* Taking away more than was added is a bug; never wrap. */
	if (WARN_ON_ONCE(pool->held < group ||
			 pool->held_by_mode[client->mode] < group))
		group = min(pool->held, pool->held_by_mode[client->mode]);
	pool->held -= group;
	pool->held_by_mode[client->mode] -= group;
}

/* Store a client's new holding; returns the change. */
static int client_store(struct msi_lease_client *client,
			enum msi_lease_mode mode, unsigned int held)
{
	int delta = (int)held - (int)client->held;

	client->held = held;
	client->mode = mode;
	return delta;
}

/**
 * msi_lease_pool_attach() - make @client a member of @pool
 * @pool: pool to join
 * @client: detached client; the vectors it already holds are counted
 */
void msi_lease_pool_attach(struct msi_lease_pool *pool,
			   struct msi_lease_client *client)
{
	if (WARN_ON_ONCE(client->pool))
		return;

	spin_lock(&pool->lock);
	client->pool = pool;
	client->seq = pool->next_seq++;
	list_add_tail(&client->node, &pool->clients);
	pool->nr_clients++;
	msi_lease_pool_account(pool, client, true);
	spin_unlock(&pool->lock);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_pool_attach);

/**
 * msi_lease_pool_detach() - remove @client from its pool
 * @client: attached client; its vectors leave the pool's totals with it
 *
 * Detaching a detached client is a no-op, so teardown paths that may race
 * (device removal against module unload) need no extra state.  A client
 * with leases must be retired first (msi_lease_client_retire()).
 */
void msi_lease_pool_detach(struct msi_lease_client *client)
{
	struct msi_lease_pool *pool = client->pool;

	if (!pool)
		return;
	WARN_ON_ONCE(!list_empty(&client->leases_in) ||
		     !list_empty(&client->leases_out));

	spin_lock(&pool->lock);
	msi_lease_pool_account(pool, client, false);
	/* The pool's reservations include every client's. */
	if (WARN_ON_ONCE(pool->pending < client->pending))
		client->pending = pool->pending;
	pool->pending -= client->pending;
	client->pending = 0;
	list_del_init(&client->node);
	pool->nr_clients--;
	client->pool = NULL;
	spin_unlock(&pool->lock);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_pool_detach);

/**
 * msi_lease_client_set_held() - record what a client holds now
 * @client: attached or detached client
 * @mode: interrupt mode of the vectors
 * @held: number of vectors; must be 0 for %MSI_LEASE_MODE_NONE
 *
 * Return: the change in vectors held (may be negative), -EINVAL for an
 * invalid @mode/@held pair, or -EBUSY if @held is below what the client
 * has lent out or has coming home; on error nothing changes.
 */
int msi_lease_client_set_held(struct msi_lease_client *client,
			      enum msi_lease_mode mode, unsigned int held)
{
	struct msi_lease_pool *pool = client->pool;
	int delta;

	if (mode >= MSI_LEASE_NR_MODES || (mode == MSI_LEASE_MODE_NONE && held) ||
	    held > INT_MAX)
		return -EINVAL;

	if (!pool)
		return client_store(client, mode, held);

	spin_lock(&pool->lock);
	if (held < (u64)client->lent + client->returning) {
		/*
		 * Vectors out on loan cannot vanish from under the borrower,
		 * nor those on their way home from under the reclaim.
		 */
		spin_unlock(&pool->lock);
		return -EBUSY;
	}
	msi_lease_pool_account(pool, client, false);
	delta = client_store(client, mode, held);
	msi_lease_pool_account(pool, client, true);
	spin_unlock(&pool->lock);
	return delta;
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_set_held);

/**
 * msi_lease_pool_free_locked() - vectors a pool can still hand out
 * @pool: the pool; the caller holds its lock
 *
 * Return: the budget less what clients hold and what allocations in
 * flight were admitted; %MSI_LEASE_UNLIMITED without a budget.
 */
unsigned int msi_lease_pool_free_locked(struct msi_lease_pool *pool)
{
	unsigned int used;

	lockdep_assert_held(&pool->lock);

	if (pool->budget == MSI_LEASE_UNLIMITED)
		return MSI_LEASE_UNLIMITED;
	used = pool->held + pool->pending;
	return pool->budget > used ? pool->budget - used : 0;
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_pool_free_locked);

/**
 * msi_lease_client_admit() - admit an allocation against the pool
 * @client: an attached client about to allocate vectors
 * @real: vectors the client has allocated now
 * @min: fewest more vectors the allocation can live with
 * @max: most more vectors it asks for
 * @reserved: set to the vectors reserved from the pool's free vectors;
 *	pass it to msi_lease_client_settle() when the allocation is over
 *
 * A client may always fill its own group (vectors it holds, less those
 * lent, plus those borrowed: a borrower binding borrowed vectors, a
 * lender taking lent ones back); past that, it takes from the pool's
 * free vectors.  Those are reserved until msi_lease_client_settle(), so
 * concurrent allocations on the same pool cannot both have them.  Past
 * its group, a client grows only up to its cap.  What was asked for
 * raises the client's demand, admitted or not.
 *
 * Return: vectors admitted, between @min and @max (@max for a detached
 * client: nothing to account against), or -ENOSPC if not even @min fits
 * (nothing is reserved then), or -EINVAL.
 */
int msi_lease_client_admit(struct msi_lease_client *client, unsigned int real,
			   unsigned int min, unsigned int max,
			   unsigned int *reserved)
{
	struct msi_lease_pool *pool = READ_ONCE(client->pool);
	unsigned int group, slack, free, room, cap;

	*reserved = 0;
	if (min > max || max > INT_MAX || real > INT_MAX)
		return -EINVAL;
	if (!pool)
		return max;

	spin_lock(&pool->lock);
	if (client->pool != pool) {
		/* Detached meanwhile: nothing to account against. */
		spin_unlock(&pool->lock);
		return max;
	}
	/*
	 * A driver refused often asks again for fewer (virtio: a vector
	 * per queue, then two shared, then INTx): the first ask is what it
	 * wants.  Only a free says it wants less.
	 */
	client->demand = max_t(u64, client->demand,
			       min_t(u64, (u64)real + max,
				     min_t(unsigned int, client->table,
					   INT_MAX)));
	group = client_usable(client);
	slack = group > real ? group - real : 0;
	free = msi_lease_pool_free_locked(pool);
	/*
	 * While loans are out, growth past the group must leave the table
	 * room that lent vectors need to come home and borrowed ones to bind.
	 */
	if (client->lent || client->borrowed)
		free = min(free, msi_lease_client_room(client));
	/*
	 * A loan always comes home.  If the client has allocated more than
	 * the books know (its own growth taken for a binding, which a count
	 * cannot tell apart), its returning vectors no longer fit in its
	 * group: the reclaim gets them anyway, and settling books the excess
	 * to the client, over the budget if it must be, so that the books
	 * hold what it has.
	 */
	if (client_reclaiming(client) && client->returning > slack)
		free = max(free, client->returning - slack);
	room = free > INT_MAX - slack ? INT_MAX : slack + free;
	/* Nothing but the reclaim takes a table entry a loan needs. */
	if (!client_reclaiming(client) &&
	    (client->lent > client->unfreed || client->returning))
		room = min(room, client_home_room(client, real));
	/*
	 * The cap bounds growth past the group: what the client has a
	 * right to (its own in a hold, borrowed vectors to bind) it
	 * re-fills whatever the cap says, and a reclaim, forced past its
	 * group above, takes its loan home.
	 */
	cap = max(client->cap, group);
	if (!client_reclaiming(client))
		room = min(room, cap > real ? cap - real : 0);
	if (room < min) {
		spin_unlock(&pool->lock);
		return -ENOSPC;
	}
	max = min(max, room);
	/* Reserved even without a budget: settle books it as the client's. */
	if (max > slack) {
		*reserved = max - slack;
		pool->pending += *reserved;
		client->pending += *reserved;
	}
	spin_unlock(&pool->lock);
	return max;
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_admit);

/**
 * msi_lease_client_unreserve() - drop what an admission reserved
 * @client: an attached client
 * @reserved: what msi_lease_client_admit() reserved; 0 afterwards
 *
 * For an allocation admitted again before it is made (after a borrow
 * for it): its first reservation goes back to the free vectors.
 */
void msi_lease_client_unreserve(struct msi_lease_client *client,
				unsigned int *reserved)
{
	struct msi_lease_pool *pool = READ_ONCE(client->pool);
	unsigned int r;

	if (!pool)
		return;
	spin_lock(&pool->lock);
	r = min3(*reserved, client->pending, pool->pending);
	pool->pending -= r;
	client->pending -= r;
	spin_unlock(&pool->lock);
	*reserved = 0;
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_unreserve);

static void client_settle(struct msi_lease_client *client,
			  enum msi_lease_mode mode, unsigned int before,
			  unsigned int after, unsigned int reserved)
{
	struct msi_lease_pool *pool = client->pool;
	unsigned int group, held;

	lockdep_assert_held(&pool->lock);
	if (WARN_ON_ONCE(mode >= MSI_LEASE_NR_MODES) ||
	    before > INT_MAX || after > INT_MAX)
		return;

	reserved = min3(reserved, client->pending, pool->pending);
	pool->pending -= reserved;
	client->pending -= reserved;
	/* The release callback frees what it lends. */
	if (client_releasing(client)) {
		client->released += (int)before - (int)after;
		if (after < before)
			client->unfreed -= min(client->unfreed, before - after);
	}

	group = client_usable(client);
	held = client->held;
	if (!client->lent && !client->borrowed && !client->pending &&
	    !client->holding)
		held = after;
	else if (after > before && after > group)
		held += min3(after - group, after - before, reserved);
	else if (after < before && after < held - client->lent &&
		 !client->holding)
		held -= min(before - after, held - client->lent - after);

	/* A driver that freed vectors now wants what it kept. */
	if (after < before)
		client->demand = min(client->demand, after);

	/* Vectors lent out keep the mode they were held in. */
	if (mode == MSI_LEASE_MODE_NONE && held)
		mode = client->mode != MSI_LEASE_MODE_NONE ? client->mode :
		       MSI_LEASE_MODE_MSIX;
	msi_lease_pool_account(pool, client, false);
	client_store(client, held ? mode : MSI_LEASE_MODE_NONE, held);
	msi_lease_pool_account(pool, client, true);
}

/**
 * msi_lease_client_settle() - bring a client's holding in line with reality
 * @client: an attached client
 * @mode: the interrupt mode it uses now
 * @before: vectors it had allocated before the operation
 * @after: vectors it has allocated now, counted from the PCI core
 * @reserved: what msi_lease_client_admit() reserved for the allocation
 *	that just ended; 0 after a free or a plain re-count
 *
 * A client with no lease and nothing in flight holds what it has
 * allocated: that also picks up changes made behind the broker's back.
 * A leasing client's holding changes only by what it did: allocating
 * past its group (with vectors admitted from the free pool) makes those
 * its own; freeing gives its own back only below what it holds and has
 * not lent (a borrower unbinding borrowed vectors early keeps its own),
 * and never while it is held (lease end, reclaim, reconfigure).
 * Releases @reserved.
 */
void msi_lease_client_settle(struct msi_lease_client *client,
			     enum msi_lease_mode mode, unsigned int before,
			     unsigned int after, unsigned int reserved)
{
	struct msi_lease_pool *pool = READ_ONCE(client->pool);

	if (!pool)
		return;
	spin_lock(&pool->lock);
	/* A client detached meanwhile keeps its last count. */
	if (client->pool == pool) {
		if (before != after || reserved)
			client->changes++;
		client_settle(client, mode, before, after, reserved);
	}
	spin_unlock(&pool->lock);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_settle);

/**
 * msi_lease_client_changes() - where a re-count of a client starts from
 * @client: the client
 *
 * Return: a token for msi_lease_client_recount(); take it before counting.
 */
unsigned long msi_lease_client_changes(struct msi_lease_client *client)
{
	struct msi_lease_pool *pool = READ_ONCE(client->pool);
	unsigned long gen;

	if (!pool)
		return 0;
	spin_lock(&pool->lock);
	gen = client->changes;
	spin_unlock(&pool->lock);
	return gen;
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_changes);

/**
 * msi_lease_client_recount() - book what a client was counted to hold
 * @client: the client
 * @mode: the interrupt mode it was counted in
 * @n: vectors counted from the PCI core
 * @gen: msi_lease_client_changes() from before the count
 *
 * A reader counts without keeping the client's driver from allocating or
 * freeing meanwhile; if the driver did (an allocation or free settled
 * since @gen), the count may be stale and is dropped: the settle that
 * moved @gen on booked fresher numbers.
 */
void msi_lease_client_recount(struct msi_lease_client *client,
			      enum msi_lease_mode mode, unsigned int n,
			      unsigned long gen)
{
	struct msi_lease_pool *pool = READ_ONCE(client->pool);

	if (!pool)
		return;
	spin_lock(&pool->lock);
	if (client->pool == pool && client->changes == gen)
		client_settle(client, mode, n, n, 0);
	spin_unlock(&pool->lock);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_recount);

/**
 * msi_lease_client_lendable() - vectors a client could lend right now
 * @client: an attached client; the caller holds its pool's lock
 *
 * Return: 0 for a client that does not cooperate; otherwise what it can
 * lend without going below its floor or above its most lendable.
 */
unsigned int msi_lease_client_lendable(struct msi_lease_client *client)
{
	unsigned int group = client_group(client), room, own;

	lockdep_assert_held(&client->pool->lock);

	/* What it has allocated of its own: not what is still coming home. */
	own = client->held - client->lent;
	own = own > client->returning ? own - client->returning : 0;
	if (!client->ops || !client->attrs.cooperative ||
	    group <= client->attrs.floor || !own)
		return 0;
	room = client->attrs.max_lend > client->lent ?
	       client->attrs.max_lend - client->lent : 0;
	return min3(room, group - client->attrs.floor, own);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_lendable);

/**
 * msi_lease_client_room() - vectors a client's table could still take
 * @client: an attached client; the caller holds its pool's lock
 *
 * Everything the client holds (lent vectors too: they come home), has
 * borrowed, or is allocating takes a table entry.  Its cap bounds what it
 * uses (lent vectors not included) and is allocating.
 *
 * Return: free table entries within the cap; for an unknown table and no
 * cap, what keeps every count of the client within INT_MAX.
 */
unsigned int msi_lease_client_room(struct msi_lease_client *client)
{
	u64 used = (u64)client->held + client->borrowed + client->pending;
	u64 table = min_t(u64, client->table, INT_MAX);
	u64 capped = (u64)client_group(client) + client->pending;
	u64 cap = min_t(u64, client->cap, INT_MAX);

	lockdep_assert_held(&client->pool->lock);

	return min(table > used ? table - used : 0,
		   cap > capped ? cap - capped : 0);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_room);

/**
 * msi_lease_client_entitled() - most vectors a client may have allocated
 * @client: an attached client; the caller holds its pool's lock
 *
 * Its group, what it is allocating, and what it still has to release.
 *
 * Return: the count the PCI core may show for the client right now.
 */
unsigned int msi_lease_client_entitled(struct msi_lease_client *client)
{
	lockdep_assert_held(&client->pool->lock);

	return client_group(client) + client->pending + client->releasing;
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_entitled);

/**
 * msi_lease_client_set_table() - record a client's table size
 * @client: the client
 * @table: most vectors it can have allocated at once
 */
void msi_lease_client_set_table(struct msi_lease_client *client,
				unsigned int table)
{
	struct msi_lease_pool *pool = READ_ONCE(client->pool);

	if (!pool) {
		client->table = table;
		return;
	}
	spin_lock(&pool->lock);
	client->table = table;
	spin_unlock(&pool->lock);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_set_table);

/**
 * msi_lease_client_set_cap() - limit the vectors a client may allocate
 * @client: the client
 * @cap: most vectors it may have allocated at once, or
 *	%MSI_LEASE_UNLIMITED
 *
 * Takes nothing away: what the client has stays until its driver frees
 * it; the cap applies from its next allocation and borrow on.
 */
void msi_lease_client_set_cap(struct msi_lease_client *client,
			      unsigned int cap)
{
	struct msi_lease_pool *pool = READ_ONCE(client->pool);

	if (!pool) {
		client->cap = cap;
		return;
	}
	spin_lock(&pool->lock);
	client->cap = cap;
	spin_unlock(&pool->lock);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_set_cap);

/**
 * msi_lease_client_set_stock() - mark a client's driver as unmodified
 * @client: a client that is not enlisted
 * @stock: true if the broker lends its vectors by driving its driver's
 *	re-allocation (a reset, a channel change) rather than through
 *	callbacks of its own
 *
 * Such a driver frees and allocates from whatever task it uses, and
 * re-allocates its whole table: while the broker drives it for a release
 * or reclaim (msi_lease_client_drive()), every allocation and free of the
 * client's is taken for that callback's, and its release re-fills only
 * what stays its own.
 */
void msi_lease_client_set_stock(struct msi_lease_client *client, bool stock)
{
	struct msi_lease_pool *pool = READ_ONCE(client->pool);

	if (!pool) {
		client->stock = stock;
		return;
	}
	spin_lock(&pool->lock);
	client->stock = stock;
	spin_unlock(&pool->lock);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_set_stock);

/**
 * msi_lease_client_drive() - the broker drives a stock client's driver
 * @client: a stock client
 * @driving: true before the driver is made to re-allocate (a reset, a
 *	channel change), false once it is done
 *
 * While a release or reclaim of the client runs and it is driven, every
 * allocation and free of the client's, whatever the task, is taken for
 * that callback's; an allocation of the driver's own outside the window
 * is admitted as any other.  Calls nest.
 */
void msi_lease_client_drive(struct msi_lease_client *client, bool driving)
{
	struct msi_lease_pool *pool = READ_ONCE(client->pool);

	if (!pool)
		return;
	spin_lock(&pool->lock);
	if (driving)
		client->driving++;
	else if (!WARN_ON_ONCE(!client->driving))
		client->driving--;
	spin_unlock(&pool->lock);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_drive);

/**
 * msi_lease_client_quiet() - is nothing of the broker's under way on it?
 * @client: an attached client
 *
 * Return: false while a release, reclaim or lease end of the client
 * runs, or its driver is held or driven: the broker is making it
 * re-allocate, and may hold the negotiation for it.
 */
bool msi_lease_client_quiet(struct msi_lease_client *client)
{
	struct msi_lease_pool *pool = READ_ONCE(client->pool);
	bool quiet;

	if (!pool)
		return false;
	spin_lock(&pool->lock);
	quiet = !client->releaser && !client->reclaimer && !client->holding &&
		!client->driving;
	spin_unlock(&pool->lock);
	return quiet;
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_quiet);

/**
 * msi_lease_client_forget_demand() - the client's driver went away
 * @client: the client
 *
 * What an unbound driver asked for is nobody's demand any more.
 */
void msi_lease_client_forget_demand(struct msi_lease_client *client)
{
	struct msi_lease_pool *pool = READ_ONCE(client->pool);

	if (!pool) {
		client->demand = 0;
		return;
	}
	spin_lock(&pool->lock);
	client->demand = 0;
	spin_unlock(&pool->lock);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_forget_demand);

/**
 * msi_lease_client_held() - vectors a client uses: its group
 * @client: the client
 * @mode: if not NULL, set to the mode of those vectors
 *
 * Return: the client's own vectors, less those lent, plus those borrowed.
 */
unsigned int msi_lease_client_held(struct msi_lease_client *client,
				   enum msi_lease_mode *mode)
{
	struct msi_lease_pool *pool = client->pool;
	struct msi_lease_client snap;

	if (pool) {
		spin_lock(&pool->lock);
		snap = *client;
		spin_unlock(&pool->lock);
	} else {
		snap = *client;
	}
	if (mode)
		*mode = snap.mode;
	return client_group(&snap);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_held);

static void client_snapshot(const struct msi_lease_client *client,
			    struct msi_lease_client_state *st)
{
	st->held = client->held;
	st->lent = client->lent;
	st->borrowed = client->borrowed;
	st->kept = client->kept;
	st->cap = client->cap;
	/* A driver that allocated before msi_lease saw it wants what it has. */
	st->demand = max(client->demand, client_group(client));
	st->unmet = st->demand - client_group(client);
	st->room = 0;
	st->lease_ns = client->lease_ns;
	st->mode = client->mode;
	st->leasing = client->ops;
	st->attrs = client->attrs;
}

/**
 * msi_lease_client_state() - snapshot a client
 * @client: the client, attached or not
 * @st: filled in
 */
void msi_lease_client_state(struct msi_lease_client *client,
			    struct msi_lease_client_state *st)
{
	struct msi_lease_pool *pool = READ_ONCE(client->pool);

	if (!pool) {
		client_snapshot(client, st);
		return;
	}
	spin_lock(&pool->lock);
	client_snapshot(client, st);
	if (client->pool == pool)
		st->room = msi_lease_client_room(client);
	spin_unlock(&pool->lock);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_client_state);

/**
 * msi_lease_pool_stats() - take a consistent snapshot of a pool's totals
 * @pool: the pool
 * @stats: filled in
 */
void msi_lease_pool_stats(struct msi_lease_pool *pool,
			  struct msi_lease_pool_stats *stats)
{
	spin_lock(&pool->lock);
	stats->budget = pool->budget;
	stats->held = pool->held;
	stats->pending = pool->pending;
	memcpy(stats->held_by_mode, pool->held_by_mode,
	       sizeof(stats->held_by_mode));
	stats->nr_clients = pool->nr_clients;
	spin_unlock(&pool->lock);

	if (stats->budget == MSI_LEASE_UNLIMITED) {
		stats->free = MSI_LEASE_UNLIMITED;
		stats->over = 0;
	} else if (stats->held <= stats->budget) {
		stats->free = stats->budget - stats->held;
		stats->free -= min(stats->free, stats->pending);
		stats->over = 0;
	} else {
		stats->free = 0;
		stats->over = stats->held - stats->budget;
	}
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_pool_stats);

/**
 * msi_lease_pool_check() - verify a pool's totals against its clients
 * @pool: the pool
 *
 * Recomputes every running total from the clients and their leases and
 * compares (Documentation/design/msi_lease.rst, "Invariants"): the pool's
 * held equals the sum of the clients' groups; what a client lent or
 * borrowed equals the sum of its booked leases; nobody lends more than
 * it holds; a client with loans out or in has table room for all of
 * them; every lease stays inside the pool.  Cheap enough for tests to
 * call after every operation.
 *
 * Return: 0 if consistent, -EUCLEAN if not.  Silent: the caller decides
 * whether an inconsistency is a bug (WARN) or an expected test outcome.
 */
int msi_lease_pool_check(struct msi_lease_pool *pool)
{
	unsigned int by_mode[MSI_LEASE_NR_MODES] = { };
	struct msi_lease_client *client;
	struct msi_lease_lease *lease;
	unsigned int held = 0, pending = 0, n = 0, sum;
	int ret = 0, m;

	spin_lock(&pool->lock);
	list_for_each_entry(client, &pool->clients, node) {
		if (client->pool != pool ||
		    client->mode >= MSI_LEASE_NR_MODES ||
		    (client->mode == MSI_LEASE_MODE_NONE && client->held) ||
		    client->lent > client->held ||
		    client->releasing > client->lent ||
		    client->unfreed > client->releasing ||
		    client->returning > client->held - client->lent ||
		    client->unbinding > client->borrowed ||
		    ((client->lent || client->borrowed) &&
		     client->table != MSI_LEASE_UNLIMITED &&
		     (u64)client->held + client->borrowed > client->table)) {
			ret = -EUCLEAN;
			break;
		}
		/* Every vector lent or borrowed is in exactly one lease. */
		sum = 0;
		list_for_each_entry(lease, &client->leases_out, out_node)
			sum += lease->booked ? lease->piece.count : 0;
		if (sum != client->lent) {
			ret = -EUCLEAN;
			break;
		}
		sum = 0;
		list_for_each_entry(lease, &client->leases_in, in_node)
			sum += lease->booked ? lease->piece.count : 0;
		if (sum != client->borrowed) {
			ret = -EUCLEAN;
			break;
		}
		held += client_group(client);
		pending += client->pending;
		by_mode[client->mode] += client_group(client);
		n++;
	}
	list_for_each_entry(lease, &pool->leases, pool_node)
		if (ret || lease->pool != pool || !lease->piece.count ||
		    lease->borrower->pool != pool ||
		    (lease->piece.lender && lease->piece.lender->pool != pool)) {
			ret = -EUCLEAN;
			break;
		}
	if (!ret && (held != pool->held || pending != pool->pending ||
		     n != pool->nr_clients))
		ret = -EUCLEAN;
	for (m = 0; !ret && m < MSI_LEASE_NR_MODES; m++)
		if (by_mode[m] != pool->held_by_mode[m])
			ret = -EUCLEAN;
	spin_unlock(&pool->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_pool_check);

/**
 * msi_lease_mode_name() - name of an interrupt mode as shown in sysfs
 * @mode: the mode
 *
 * Return: "none", "msi", "msix", or "invalid".
 */
const char *msi_lease_mode_name(enum msi_lease_mode mode)
{
	static const char * const names[MSI_LEASE_NR_MODES] = {
		[MSI_LEASE_MODE_NONE] = "none",
		[MSI_LEASE_MODE_MSI] = "msi",
		[MSI_LEASE_MODE_MSIX] = "msix",
	};

	return mode < MSI_LEASE_NR_MODES ? names[mode] : "invalid";
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_mode_name);
