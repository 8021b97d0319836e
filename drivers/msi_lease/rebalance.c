// SPDX-License-Identifier: GPL-2.0
/*
 * msi_lease rebalancing: the policy that, on a bridge where the
 * administrator turned it on, moves vectors from idle functions to
 * starved ones without anyone asking.
 *
 * Every idle window, each function is looked at once:
 *
 * - A function is starved in a window when its driver asked for more
 *   than it has (unmet demand), it could take more (table, cap), it has
 *   nothing on loan already, and the broker can grow and shrink it.
 * - It borrows only after MSI_LEASE_REBALANCE_STARVED windows starved in
 *   a row: a driver that is refused once and settles for less (a
 *   transient ask) does not trigger a move.
 * - It asks for its unmet demand, within its room.  The vectors come from
 *   the free pool first, then from lenders' idle vectors (a stock lender
 *   offers only vectors with no interrupt over the last window), as for
 *   any borrow; every move is a lease.
 * - After a move (granted or not) it sits out MSI_LEASE_REBALANCE_CALM
 *   windows, and again after its lease ends: at most one move a
 *   function per few windows, so nothing flaps faster than that.
 *
 * pci.c moves at most one function per bridge per window (the most
 * starved).
 */
#include <linux/kernel.h>
#include <linux/minmax.h>

#include "compat.h"
#include "rebalance.h"

/**
 * msi_lease_rebalance_window() - one window of a function's rebalancing
 * @st: its state, updated
 * @in: what its books say now
 *
 * Return: vectors it should borrow now, 0 for none.
 */
unsigned int msi_lease_rebalance_window(struct msi_lease_rebalance *st,
					const struct msi_lease_rebalance_in *in)
{
	unsigned int want = min(in->unmet, in->room);

	if (st->calm)
		st->calm--;
	if (!in->movable || !want || in->borrowed) {
		st->starved = 0;
		return 0;
	}
	if (st->starved < MSI_LEASE_REBALANCE_STARVED)
		st->starved++;
	if (st->starved < MSI_LEASE_REBALANCE_STARVED || st->calm)
		return 0;
	return want;
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_rebalance_window);

/**
 * msi_lease_rebalance_moved() - a move of the function's began or ended
 * @st: its state
 */
void msi_lease_rebalance_moved(struct msi_lease_rebalance *st)
{
	st->starved = 0;
	st->calm = MSI_LEASE_REBALANCE_CALM;
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_rebalance_moved);
