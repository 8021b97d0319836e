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
 * struct msi_lease_pool - the vectors of one host bridge
 * @lock: protects every field below and the accounting fields of all
 *	attached clients.  Innermost lock of msi_lease: nothing else is
 *	taken, and no client callback is made, while it is held.
 * @budget: vectors the bridge may hand out, or %MSI_LEASE_UNLIMITED
 * @held: vectors held by all attached clients
 * @held_by_mode: @held split by interrupt mode
 * @nr_clients: attached clients
 * @clients: attached clients, linked by &msi_lease_client.node
 */
struct msi_lease_pool {
	spinlock_t lock;		/* innermost; see kernel-doc above */
	unsigned int budget;
	unsigned int held;
	unsigned int held_by_mode[MSI_LEASE_NR_MODES];
	unsigned int nr_clients;
	struct list_head clients;
};

/**
 * struct msi_lease_client - one holder of vectors in a pool (a PCI function)
 * @pool: pool the client is attached to, NULL when detached
 * @node: entry in &msi_lease_pool.clients
 * @held: vectors the client holds
 * @mode: interrupt mode those vectors belong to
 */
struct msi_lease_client {
	struct msi_lease_pool *pool;
	struct list_head node;
	unsigned int held;
	enum msi_lease_mode mode;
};

/**
 * struct msi_lease_pool_stats - consistent snapshot of a pool
 * @budget: as &msi_lease_pool.budget
 * @held: as &msi_lease_pool.held
 * @free: vectors still available, %MSI_LEASE_UNLIMITED without a budget;
 *	0 when the pool is over budget
 * @over: vectors held beyond the budget (after the budget was lowered)
 * @held_by_mode: as &msi_lease_pool.held_by_mode
 * @nr_clients: as &msi_lease_pool.nr_clients
 */
struct msi_lease_pool_stats {
	unsigned int budget;
	unsigned int held;
	unsigned int free;
	unsigned int over;
	unsigned int held_by_mode[MSI_LEASE_NR_MODES];
	unsigned int nr_clients;
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

#endif /* _MSI_LEASE_POOL_H */
