/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msi_lease pool core: per host bridge vector accounting.
 *
 * Knows nothing about struct pci_dev; the PCI glue (pci.c) feeds it, and
 * KUnit drives it with fake clients.
 */
#ifndef _MSI_LEASE_POOL_H
#define _MSI_LEASE_POOL_H

#include <linux/list.h>
#include <linux/msi_lease.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/* A budget of MSI_LEASE_UNLIMITED means "account, never refuse". */
#define MSI_LEASE_UNLIMITED	UINT_MAX

/**
 * enum msi_lease_mode - interrupt mode a client currently uses
 * @MSI_LEASE_MODE_NONE: no MSI or MSI-X vectors (INTx or no interrupt)
 * @MSI_LEASE_MODE_MSI: MSI enabled
 * @MSI_LEASE_MODE_MSIX: MSI-X enabled
 * @MSI_LEASE_NR_MODES: number of modes
 */
enum msi_lease_mode {
	MSI_LEASE_MODE_NONE,
	MSI_LEASE_MODE_MSI,
	MSI_LEASE_MODE_MSIX,
	MSI_LEASE_NR_MODES,
};

/**
 * enum msi_lease_event - what a pool tells its owner about leases
 * @MSI_LEASE_EVENT_GRANT: a lease was granted
 * @MSI_LEASE_EVENT_END: a lease ended; its vectors are back with the lender
 * @MSI_LEASE_EVENT_REVOKE: an administrator revoked a lease; it ends now
 * @MSI_LEASE_EVENT_KEPT: the borrower still had vectors allocated after
 *	its lease_end callback returned; they were charged to it as its own
 */
enum msi_lease_event {
	MSI_LEASE_EVENT_GRANT,
	MSI_LEASE_EVENT_END,
	MSI_LEASE_EVENT_REVOKE,
	MSI_LEASE_EVENT_KEPT,
};

struct msi_lease_lease;
struct msi_lease_pool;

/**
 * struct msi_lease_pool_ops - what the pool's owner does for the broker
 * @event: a lease changed state; called in process context with no
 *	msi_lease spinlock held (the PCI glue sends uevents from it)
 * @count: vectors @client really has allocated now, counted from the
 *	platform (the PCI core), or a negative errno if unknown.  Called
 *	in process context, only while @client is enlisted, right after one
 *	of its callbacks returned or its reconfigure ended: the broker
 *	checks what a lender released and what a borrower unbound against
 *	it, and books what a client freed while it was held.  May be NULL
 *	(no checks).
 */
struct msi_lease_pool_ops {
	void (*event)(struct msi_lease_pool *pool,
		      const struct msi_lease_lease *lease,
		      enum msi_lease_event event);
	int (*count)(struct msi_lease_pool *pool,
		     struct msi_lease_client *client);
};

/**
 * struct msi_lease_pool - the vectors of one host bridge
 * @negotiate: serialises borrows, renewals, recalls, revokes and the
 *	joining and leaving of leasing clients on this pool, so no client
 *	leaves while another operation may still call it.  Client callbacks
 *	are made under it (never under @lock).  Ranks above @ending and
 *	@lock.
 * @ending: serialises the ends of this pool's leases and its lenders'
 *	releases, so a client never sees two of its lease_end, reclaim or
 *	release callbacks at once, and a lease end never counts a client
 *	halfway through a release; ends in other pools run beside them.
 *	Ranks above @lock.
 * @lock: protects every field below, the accounting fields of all
 *	attached clients and the state of the pool's leases.  Innermost lock
 *	of msi_lease: nothing else is taken, and no client callback is made,
 *	while it is held.
 * @budget: vectors the bridge may hand out, or %MSI_LEASE_UNLIMITED
 * @held: vectors held by all attached clients (their groups)
 * @pending: vectors admitted to allocations still in progress
 * @held_by_mode: @held split by interrupt mode
 * @nr_clients: attached clients
 * @clients: attached clients, linked by &msi_lease_client.node, in the
 *	order they joined
 * @leases: active leases, linked by &msi_lease_lease.pool_node
 * @next_seq: join order of the next client
 * @negotiation: default negotiation mode of borrows on this pool
 * @policy: default selection policy of borrows on this pool
 * @max_lease_ns: longest lease granted on this pool, 0 for no limit
 * @ops: lease events for the pool's owner, may be NULL
 */
struct msi_lease_pool {
	struct mutex negotiate;		/* outer; see kernel-doc above */
	struct mutex ending;		/* see kernel-doc above */
	spinlock_t lock;		/* innermost; see kernel-doc above */
	unsigned int budget;
	unsigned int held;
	unsigned int pending;
	unsigned int held_by_mode[MSI_LEASE_NR_MODES];
	unsigned int nr_clients;
	struct list_head clients;
	struct list_head leases;
	u64 next_seq;
	enum msi_lease_negotiation negotiation;
	enum msi_lease_policy policy;
	u64 max_lease_ns;
	const struct msi_lease_pool_ops *ops;
};

/**
 * struct msi_lease_client - one holder of vectors in a pool (a PCI function)
 * @pool: pool the client is attached to, NULL when detached
 * @node: entry in &msi_lease_pool.clients
 * @held: vectors the client holds of its own right
 * @mode: interrupt mode of those vectors
 * @lent: of @held, vectors out on loan (or being handed over)
 * @borrowed: vectors on loan to the client
 * @pending: of &msi_lease_pool.pending, the part admitted to this client
 * @releasing: of @lent, vectors booked for a borrow whose release
 *	callback has not returned: its release callback (@releaser) may
 *	re-allocate as many meanwhile
 * @unfreed: of @releasing, vectors the release callback has not freed
 *	yet: still allocated, so the client's other allocations are admitted
 *	beside them, but never in their place once freed
 * @releaser: the task running the client's release callback, NULL if
 *	none
 * @released: vectors the running release callback has freed, net of
 *	what it allocated (a whole-table re-allocation frees all, then
 *	allocates all but the released ones); counted from its own settles
 *	only, and 0 again once the broker has read it
 * @returning: vectors whose loan ended and that the client is taking
 *	back (its reclaim callback has not returned): its own, but not
 *	allocated yet, so not lendable, and kept for the reclaim: only
 *	@reclaimer may allocate them
 * @reclaimer: the task running the client's reclaim callback, NULL if
 *	none
 * @changes: bumped by every settle that saw vectors allocated or freed;
 *	a re-count begun before a change is stale and dropped
 * @holding: non-zero while the client's lease_end or reclaim callback
 *	runs or its driver reconfigures: vectors it frees then are not
 *	given back
 * @reconfiguring: of @holding, the driver's reconfigurations: a count
 *	taken meanwhile may catch it between freeing and allocating
 * @table: most vectors the client can have allocated at once (its MSI-X
 *	table), %MSI_LEASE_UNLIMITED if unknown.  The broker never grants
 *	a borrower more than fits beside everything it holds, lent
 *	vectors included, so a lender's loans always fit when they come
 *	home.  Set before the client is attached.
 * @kept: vectors the client kept after a lease ended, charged to it
 * @cap: most vectors an administrator lets the client have allocated at
 *	once (its max_vectors), %MSI_LEASE_UNLIMITED for no cap.  Growth
 *	past its group, from the free vectors or by a borrow, keeps within
 *	it; re-filling its group (its own re-allocated in a hold, borrowed
 *	vectors bound, a loan coming home) never fails for it.  So lowering
 *	it takes nothing away: it bites when the driver frees and allocates
 *	again.
 * @demand: vectors the client's driver wants allocated: the most it
 *	asked to have (what it had plus the most it asked for, within its
 *	table) since it last freed vectors; a free lowers it to what the
 *	driver kept
 * @lease_ns: how long its leases as a borrower last when it decides
 *	(expiry or early return), a moving average; 0 before the first
 * @stock: its driver is unmodified: the broker lends its vectors by
 *	driving the driver's own re-allocation, which may run in any task
 *	(msi_lease_client_set_stock())
 * @driving: non-zero while the broker drives a stock client's driver to
 *	re-allocate (msi_lease_client_drive()): only then are its
 *	allocations and frees, from any task, its release's or reclaim's
 * @unbinding: a stock borrower's vectors whose lease is ending: its
 *	lease_end re-allocates without them, so they are not its to re-fill
 * @seq: join order within the pool; breaks ties between lenders
 * @ops: callbacks; NULL for a client that neither lends nor borrows
 * @priv: the client owner's pointer
 * @attrs: lending terms
 * @leases_in: leases the client borrowed (&msi_lease_lease.in_node)
 * @leases_out: leases the client lent (&msi_lease_lease.out_node)
 *
 * The client's group, the vectors it uses, is @held - @lent + @borrowed.
 */
struct msi_lease_client {
	struct msi_lease_pool *pool;
	struct list_head node;
	unsigned int held;
	enum msi_lease_mode mode;
	unsigned int lent;
	unsigned int borrowed;
	unsigned int pending;
	unsigned int releasing;
	unsigned int unfreed;
	struct task_struct *releaser;
	int released;
	unsigned int returning;
	struct task_struct *reclaimer;
	unsigned long changes;
	unsigned int holding;
	unsigned int reconfiguring;
	unsigned int table;
	unsigned int kept;
	unsigned int cap;
	unsigned int demand;
	u64 lease_ns;
	bool stock;
	unsigned int driving;
	unsigned int unbinding;
	u64 seq;
	const struct msi_lease_client_ops *ops;
	void *priv;
	struct msi_lease_client_attrs attrs;
	struct list_head leases_in;
	struct list_head leases_out;
};

/**
 * struct msi_lease_pool_stats - consistent snapshot of a pool
 * @budget: as &msi_lease_pool.budget
 * @held: as &msi_lease_pool.held
 * @pending: as &msi_lease_pool.pending
 * @free: vectors still available, %MSI_LEASE_UNLIMITED without a budget;
 *	0 when the pool is over budget
 * @over: vectors held beyond the budget (after the budget was lowered)
 * @held_by_mode: as &msi_lease_pool.held_by_mode
 * @nr_clients: as &msi_lease_pool.nr_clients
 */
struct msi_lease_pool_stats {
	unsigned int budget;
	unsigned int held;
	unsigned int pending;
	unsigned int free;
	unsigned int over;
	unsigned int held_by_mode[MSI_LEASE_NR_MODES];
	unsigned int nr_clients;
};

/**
 * struct msi_lease_client_state - consistent snapshot of a client
 * @held: as &msi_lease_client.held
 * @lent: as &msi_lease_client.lent
 * @borrowed: as &msi_lease_client.borrowed
 * @kept: as &msi_lease_client.kept
 * @cap: as &msi_lease_client.cap
 * @demand: as &msi_lease_client.demand, but at least the client's group
 * @unmet: of @demand, what the client's group (the vectors it uses) lacks
 * @room: more vectors it could take (msi_lease_client_room())
 * @lease_ns: as &msi_lease_client.lease_ns
 * @mode: as &msi_lease_client.mode
 * @leasing: enlisted with callbacks: may lend and borrow
 * @attrs: its lending terms
 */
struct msi_lease_client_state {
	unsigned int held;
	unsigned int lent;
	unsigned int borrowed;
	unsigned int kept;
	unsigned int cap;
	unsigned int demand;
	unsigned int unmet;
	unsigned int room;
	u64 lease_ns;
	enum msi_lease_mode mode;
	bool leasing;
	struct msi_lease_client_attrs attrs;
};

void msi_lease_pool_init(struct msi_lease_pool *pool, unsigned int budget);
void msi_lease_client_init(struct msi_lease_client *client);
void msi_lease_pool_attach(struct msi_lease_pool *pool,
			   struct msi_lease_client *client);
void msi_lease_pool_detach(struct msi_lease_client *client);
int msi_lease_client_set_held(struct msi_lease_client *client,
			      enum msi_lease_mode mode, unsigned int held);
unsigned int msi_lease_client_held(struct msi_lease_client *client,
				   enum msi_lease_mode *mode);
void msi_lease_pool_stats(struct msi_lease_pool *pool,
			  struct msi_lease_pool_stats *stats);
int msi_lease_pool_check(struct msi_lease_pool *pool);
const char *msi_lease_mode_name(enum msi_lease_mode mode);
unsigned int msi_lease_client_lendable(struct msi_lease_client *client);
unsigned int msi_lease_client_room(struct msi_lease_client *client);
unsigned int msi_lease_client_entitled(struct msi_lease_client *client);
void msi_lease_client_set_table(struct msi_lease_client *client,
				unsigned int table);
void msi_lease_client_set_cap(struct msi_lease_client *client,
			      unsigned int cap);
void msi_lease_client_set_stock(struct msi_lease_client *client, bool stock);
void msi_lease_client_drive(struct msi_lease_client *client, bool driving);
bool msi_lease_client_quiet(struct msi_lease_client *client);
void msi_lease_client_forget_demand(struct msi_lease_client *client);
void msi_lease_pool_account(struct msi_lease_pool *pool,
			    struct msi_lease_client *client, bool add);
void msi_lease_client_state(struct msi_lease_client *client,
			    struct msi_lease_client_state *st);
unsigned int msi_lease_pool_free_locked(struct msi_lease_pool *pool);
int msi_lease_client_admit(struct msi_lease_client *client, unsigned int real,
			   unsigned int min, unsigned int max,
			   unsigned int *reserved);
void msi_lease_client_unreserve(struct msi_lease_client *client,
				unsigned int *reserved);
void msi_lease_client_settle(struct msi_lease_client *client,
			     enum msi_lease_mode mode, unsigned int before,
			     unsigned int after, unsigned int reserved);
unsigned long msi_lease_client_changes(struct msi_lease_client *client);
void msi_lease_client_recount(struct msi_lease_client *client,
			      enum msi_lease_mode mode, unsigned int n,
			      unsigned long gen);

#endif /* _MSI_LEASE_POOL_H */
