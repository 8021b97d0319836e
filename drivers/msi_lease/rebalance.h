/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msi_lease rebalancing: when a bridge's rebalance policy is on, which
 * starved function borrows, once per idle window.  Pure: no locks, no
 * clients; pci.c keeps the state and drives the moves.
 */
#ifndef _MSI_LEASE_REBALANCE_H
#define _MSI_LEASE_REBALANCE_H

#include <linux/types.h>

/* Windows a function must be starved before it borrows (hysteresis). */
#define MSI_LEASE_REBALANCE_STARVED	2
/* Windows a function sits out after a move of its (the rate limit). */
#define MSI_LEASE_REBALANCE_CALM	3

/**
 * struct msi_lease_rebalance - one function's rebalancing state
 * @starved: consecutive windows it had unmet demand
 * @calm: windows left before it may borrow again
 */
struct msi_lease_rebalance {
	unsigned int starved;
	unsigned int calm;
};

/**
 * struct msi_lease_rebalance_in - what the policy looks at, per window
 * @movable: its driver can be grown and shrunk by the broker (a stock
 *	driver with a method that re-allocates in place)
 * @unmet: of what its driver asked for, what it lacks
 * @room: more vectors it could take (table, cap)
 * @borrowed: vectors it has on loan now
 */
struct msi_lease_rebalance_in {
	bool movable;
	unsigned int unmet;
	unsigned int room;
	unsigned int borrowed;
};

unsigned int msi_lease_rebalance_window(struct msi_lease_rebalance *st,
					const struct msi_lease_rebalance_in *in);
void msi_lease_rebalance_moved(struct msi_lease_rebalance *st);

#endif /* _MSI_LEASE_REBALANCE_H */
