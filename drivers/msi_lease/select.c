// SPDX-License-Identifier: GPL-2.0
/*
 * msi_lease selection: which offered vectors a borrower gets.
 *
 * Input: the sanitised counter-offers of the lenders asked, each up to
 * MSI_LEASE_MAX_TIERS tiers of (count, duration), durations already capped
 * at what the borrower asked for.  Output: picks of (offer, tier, count)
 * adding up to at most the vectors needed.  Pure: no locks, no clients
 * called, no allocation.
 */
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "compat.h"
#include "pool.h"

/* One (offer, tier) with its sort keys. */
struct unit {
	unsigned int cand, tier, avail;
	u64 duration;
	u64 seq;
	s64 key;	/* policy-specific, lower first */
};

static int unit_cmp(const void *a, const void *b)
{
	const struct unit *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	/* Longer leases first, then the earlier-joined lender, then tier. */
	if (x->duration != y->duration)
		return x->duration > y->duration ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->tier < y->tier ? -1 : x->tier > y->tier;
}

static unsigned int offer_total(const struct msi_lease_offer *offer)
{
	unsigned int t, n = 0;

	for (t = 0; t < offer->nr_tiers; t++)
		n += offer->tiers[t].count;
	return n;
}

static void add_pick(struct msi_lease_pick *picks, unsigned int *nr,
		     unsigned int cand, unsigned int tier, unsigned int count)
{
	unsigned int i;

	for (i = 0; i < *nr; i++) {
		if (picks[i].cand == cand && picks[i].tier == tier) {
			picks[i].count += count;
			return;
		}
	}
	picks[*nr] = (struct msi_lease_pick){ cand, tier, count };
	(*nr)++;
}

/* EVEN_SPREAD: one vector from each lender in turn, best tier first. */
static unsigned int select_even(unsigned int need, unsigned int nr_cands,
				struct unit *units,
				unsigned int nr_units,
				struct msi_lease_pick *picks, unsigned int *nr_picks)
{
	unsigned int got = 0, c, u;
	bool progress = true;

	while (got < need && progress) {
		progress = false;
		for (c = 0; c < nr_cands && got < need; c++) {
			/* units are sorted: the first with this cand is best */
			for (u = 0; u < nr_units; u++) {
				if (units[u].cand != c || !units[u].avail)
					continue;
				units[u].avail--;
				add_pick(picks, nr_picks, c, units[u].tier, 1);
				got++;
				progress = true;
				break;
			}
		}
	}
	return got;
}

/**
 * msi_lease_select() - choose among counter-offers
 * @policy: a concrete policy (not %MSI_LEASE_POLICY_DEFAULT)
 * @need: vectors wanted
 * @cands: the offers, in the order the lenders were asked
 * @nr_cands: entries in @cands
 * @picks: output, room for @nr_cands * %MSI_LEASE_MAX_TIERS entries
 * @nr_picks: output, entries used in @picks
 *
 * Context: process context; allocates.
 * Return: vectors picked (at most @need), or -ENOMEM.
 */
int msi_lease_select(enum msi_lease_policy policy, unsigned int need,
		     const struct msi_lease_candidate *cands,
		     unsigned int nr_cands, struct msi_lease_pick *picks,
		     unsigned int *nr_picks)
{
	unsigned int nr_units = 0, c, t, u, got = 0, take;
	struct unit *units;

	*nr_picks = 0;
	units = kmalloc_array(nr_cands * MSI_LEASE_MAX_TIERS, sizeof(*units),
			      GFP_KERNEL);
	if (!units)
		return -ENOMEM;

	for (c = 0; c < nr_cands; c++) {
		const struct msi_lease_offer *o = &cands[c].offer;
		s64 key = 0;

		switch (policy) {
		case MSI_LEASE_POLICY_PRIORITY:
			key = cands[c].priority;
			break;
		case MSI_LEASE_POLICY_LEAST_LOADED:
			key = o->load;
			break;
		case MSI_LEASE_POLICY_FEWEST_LENDERS:
			key = -(s64)offer_total(o);
			break;
		default:
			break;
		}
		for (t = 0; t < o->nr_tiers; t++) {
			if (!o->tiers[t].count)
				continue;
			units[nr_units++] = (struct unit){
				.cand = c, .tier = t, .avail = o->tiers[t].count,
				.duration = o->tiers[t].duration_ns,
				.seq = cands[c].seq, .key = key,
			};
		}
	}
	sort(units, nr_units, sizeof(*units), unit_cmp, NULL);

	if (policy == MSI_LEASE_POLICY_EVEN_SPREAD) {
		got = select_even(need, nr_cands, units, nr_units, picks,
				  nr_picks);
	} else {
		for (u = 0; u < nr_units && got < need; u++) {
			take = min(units[u].avail, need - got);
			add_pick(picks, nr_picks, units[u].cand, units[u].tier,
				 take);
			got += take;
		}
	}
	kfree(units);
	return got;
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_select);

/**
 * msi_lease_policy_name() - name of a selection policy as shown in sysfs
 * @policy: the policy
 *
 * Return: its name, or "invalid".
 */
const char *msi_lease_policy_name(enum msi_lease_policy policy)
{
	static const char * const names[MSI_LEASE_NR_POLICIES] = {
		[MSI_LEASE_POLICY_DEFAULT] = "default",
		[MSI_LEASE_POLICY_CLOSEST] = "closest",
		[MSI_LEASE_POLICY_PRIORITY] = "priority",
		[MSI_LEASE_POLICY_LEAST_LOADED] = "least-loaded",
		[MSI_LEASE_POLICY_FEWEST_LENDERS] = "fewest-lenders",
		[MSI_LEASE_POLICY_EVEN_SPREAD] = "even-spread",
	};

	return policy < MSI_LEASE_NR_POLICIES ? names[policy] : "invalid";
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_policy_name);

/**
 * msi_lease_negotiation_name() - name of a negotiation mode
 * @mode: the mode
 *
 * Return: its name, or "invalid".
 */
const char *msi_lease_negotiation_name(enum msi_lease_negotiation mode)
{
	static const char * const names[MSI_LEASE_NR_NEGOTIATIONS] = {
		[MSI_LEASE_NEGOTIATE_DEFAULT] = "default",
		[MSI_LEASE_NEGOTIATE_PARALLEL] = "parallel",
		[MSI_LEASE_NEGOTIATE_SEQUENTIAL] = "sequential",
		[MSI_LEASE_NEGOTIATE_NONE] = "none",
	};

	return mode < MSI_LEASE_NR_NEGOTIATIONS ? names[mode] : "invalid";
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_negotiation_name);
