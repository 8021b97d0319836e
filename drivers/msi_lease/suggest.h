/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msi_lease request sizing: what a borrower might ask for, from its own
 * history (the seed's [0039]-[0041]).  Pure: no locks, no clients.
 */
#ifndef _MSI_LEASE_SUGGEST_H
#define _MSI_LEASE_SUGGEST_H

#include <linux/msi_lease.h>
#include <linux/time64.h>
#include <linux/types.h>

/* A lease's duration when the client has no history yet. */
#define MSI_LEASE_SUGGEST_DEFAULT_NS	(60 * NSEC_PER_SEC)

/**
 * struct msi_lease_suggest_in - what the model looks at
 * @group: vectors the client uses
 * @unmet: of what its driver asked for, what it lacks
 * @room: more vectors it could take (table, cap)
 * @sampled: its vectors judged over the last idle window
 * @idle: of @sampled, those with no interrupt
 * @lease_ns: how long its leases lasted when it decided (moving
 *	average), 0 without history
 * @max_lease_ns: the pool's longest lease, 0 for no limit
 */
struct msi_lease_suggest_in {
	unsigned int group;
	unsigned int unmet;
	unsigned int room;
	unsigned int sampled;
	unsigned int idle;
	u64 lease_ns;
	u64 max_lease_ns;
};

void msi_lease_suggest(const struct msi_lease_suggest_in *in,
		       struct msi_lease_suggestion *out);

#endif /* _MSI_LEASE_SUGGEST_H */
