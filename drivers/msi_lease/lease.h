/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msi_lease leases: borrowing, negotiation, the hand-over of vectors and
 * the end of a lease (lease.c), over the pools of pool.h.  Like the
 * pools, it knows nothing of struct pci_dev.
 */
#ifndef _MSI_LEASE_LEASE_H
#define _MSI_LEASE_LEASE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/msi_lease.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "pool.h"

/**
 * struct msi_lease_pool_conf - a pool's administrative settings
 * @budget: as &msi_lease_pool.budget
 * @negotiation: as &msi_lease_pool.negotiation
 * @policy: as &msi_lease_pool.policy
 * @max_lease_ns: as &msi_lease_pool.max_lease_ns
 */
struct msi_lease_pool_conf {
	unsigned int budget;
	enum msi_lease_negotiation negotiation;
	enum msi_lease_policy policy;
	u64 max_lease_ns;
};

/**
 * struct msi_lease_lease - vectors on loan from one lender to one borrower
 * @piece: id, lender (NULL: the free pool), count and expiry
 * @pool: the pool both clients belong to
 * @borrower: the borrowing client
 * @duration_ns: the lease's length as granted or last renewed
 * @pool_node: entry in &msi_lease_pool.leases
 * @in_node: entry in the borrower's &msi_lease_client.leases_in
 * @out_node: entry in the lender's &msi_lease_client.leases_out
 * @active: still running; cleared (under the pool lock) by whoever ends it
 * @booked: its vectors are counted in the lender's @lent and the
 *	borrower's @borrowed.  A lease stays on the lists until its end has
 *	run to the last callback, so a client leaving meanwhile finds it and
 *	waits for it.
 * @end_now: end at the next run of @end, whatever @piece.expires says
 * @returned: the borrower gave it back early (msi_lease_return())
 * @start: when it was granted
 * @ref: the pool's list holds one; anyone flushing @end holds another
 * @end: ends the lease at expiry; queued early to end it sooner
 */
struct msi_lease_lease {
	struct msi_lease_piece piece;
	struct msi_lease_pool *pool;
	struct msi_lease_client *borrower;
	u64 duration_ns;
	struct list_head pool_node;
	struct list_head in_node;
	struct list_head out_node;
	bool active;
	bool booked;
	bool end_now;
	bool returned;
	ktime_t start;
	struct kref ref;
	struct delayed_work end;
};

int msi_lease_core_init(void);
void msi_lease_core_exit(void);
int msi_lease_client_enlist(struct msi_lease_client *client,
			    const struct msi_lease_client_ops *ops,
			    const struct msi_lease_client_attrs *attrs,
			    void *priv);
void msi_lease_client_retire(struct msi_lease_client *client);
void msi_lease_client_hold(struct msi_lease_client *client, bool hold);
int msi_lease_pool_revoke(struct msi_lease_pool *pool, u64 id);
int msi_lease_pool_configure(struct msi_lease_pool *pool,
			     const struct msi_lease_pool_conf *conf);
void msi_lease_pool_get_conf(struct msi_lease_pool *pool,
			     struct msi_lease_pool_conf *conf);

/**
 * struct msi_lease_lease_info - one active lease, as a walk sees it
 * @id: the lease's id
 * @lender: the client that lent the vectors, or NULL for the free pool
 * @borrower: the client that borrowed them
 * @count: vectors in the lease
 * @ms_left: milliseconds until it ends (0 if due)
 */
struct msi_lease_lease_info {
	u64 id;
	struct msi_lease_client *lender;
	struct msi_lease_client *borrower;
	unsigned int count;
	u64 ms_left;
};

typedef void (*msi_lease_lease_fn)(const struct msi_lease_lease_info *info,
				   void *arg);
void msi_lease_pool_walk_leases(struct msi_lease_pool *pool,
				msi_lease_lease_fn fn, void *arg);
unsigned int msi_lease_pool_lent(struct msi_lease_pool *pool);

#endif /* _MSI_LEASE_LEASE_H */
