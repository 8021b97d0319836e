/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the msi_lease KUnit suites (one module).
 */
#ifndef _MSI_LEASE_KUNIT_HELPERS_H
#define _MSI_LEASE_KUNIT_HELPERS_H

#include "pool.h"

bool msi_lease_test_wait_no_leases(struct msi_lease_pool *pool,
				   unsigned int ms);

#endif /* _MSI_LEASE_KUNIT_HELPERS_H */
