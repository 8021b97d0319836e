/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the msi_lease KUnit suites (one module) and the
 * user-space harnesses (tools/testing/msi_lease): the steps a test takes
 * as one, each made of the calls the PCI glue or sysfs make.
 */
#ifndef _MSI_LEASE_KUNIT_HELPERS_H
#define _MSI_LEASE_KUNIT_HELPERS_H

#include "lease.h"

bool msi_lease_test_wait_no_leases(struct msi_lease_pool *pool,
				   unsigned int ms);

/* Change only the budget, the way a write to sysfs "budget" does. */
static inline int msi_lease_test_set_budget(struct msi_lease_pool *pool,
					    unsigned int budget)
{
	struct msi_lease_pool_conf conf;

	msi_lease_pool_get_conf(pool, &conf);
	conf.budget = budget;
	return msi_lease_pool_configure(pool, &conf);
}

/* Attach and enlist, as a function's accounting and msi_lease_pci_join(). */
static inline int msi_lease_test_join(struct msi_lease_pool *pool,
				      struct msi_lease_client *client,
				      const struct msi_lease_client_ops *ops,
				      const struct msi_lease_client_attrs *attrs,
				      void *priv)
{
	msi_lease_pool_attach(pool, client);
	return msi_lease_client_enlist(client, ops, attrs, priv);
}

/* Retire and detach, as the removal of a function does. */
static inline void msi_lease_test_leave(struct msi_lease_client *client)
{
	msi_lease_client_retire(client);
	msi_lease_pool_detach(client);
}

#endif /* _MSI_LEASE_KUNIT_HELPERS_H */
