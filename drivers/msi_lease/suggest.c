// SPDX-License-Identifier: GPL-2.0
/*
 * msi_lease request sizing: how many vectors a borrower might ask for,
 * and for how long, from what its own history says (the seed's
 * [0039]-[0041]: a driver sizes its request from past demand, the task
 * at hand and its performance metrics).
 *
 * The model, in order:
 *
 * - Unmet demand: its driver asked for more vectors than it has (the
 *   largest ask since it last freed any).  Ask for the difference.
 * - Otherwise, if every vector it has interrupted over the last idle
 *   window (none idle), its vectors are all in use: ask for a quarter
 *   more, at least one ([0041]: at 80 % utilisation, 25 % more).
 * - Otherwise (an idle vector, or nothing sampled yet) it needs nothing.
 *
 * Never more than it could take (its table and cap).  The duration is
 * how long its leases lasted when it decided (expiry or early return;
 * a moving average with weight 1/4 for the newest, so one odd lease does
 * not swing it), one minute without history, within the pool's longest
 * lease.
 */
#include <linux/kernel.h>
#include <linux/minmax.h>

#include "compat.h"
#include "suggest.h"

/**
 * msi_lease_suggest() - size a borrow request from a client's history
 * @in: what the client's books and interrupt counts say
 * @out: filled in; @out->count is 0 when nothing is needed
 */
void msi_lease_suggest(const struct msi_lease_suggest_in *in,
		       struct msi_lease_suggestion *out)
{
	unsigned int count = 0;
	u64 ns;

	if (in->unmet)
		count = in->unmet;
	else if (in->sampled && !in->idle)
		count = max(DIV_ROUND_UP(in->group, 4), 1U);
	out->count = min(count, in->room);

	ns = in->lease_ns ?: MSI_LEASE_SUGGEST_DEFAULT_NS;
	if (in->max_lease_ns)
		ns = min(ns, in->max_lease_ns);
	out->duration_ns = ns;
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_suggest);
