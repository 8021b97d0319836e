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
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "compat.h"
#include "select.h"

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

static s64 key_none(const struct msi_lease_candidate *cand)
{
	return 0;
}

static s64 key_priority(const struct msi_lease_candidate *cand)
{
	return cand->priority;
}

static s64 key_load(const struct msi_lease_candidate *cand)
{
	return cand->offer.load;
}

static s64 key_most_offered(const struct msi_lease_candidate *cand)
{
	return -(s64)offer_total(&cand->offer);
}

/* Lowest priority first, then the earlier-joined lender. */
static int cand_cmp_priority(const void *a, const void *b)
{
	const struct msi_lease_candidate *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/**
 * struct policy - a selection policy: the one place that defines it
 * @key: sort key of a lender's offer, lower taken first
 * @even: one vector from each lender in turn rather than by key
 * @ask_order: if set, the order in which sequential negotiation asks
 *	lenders (else the order they joined in)
 *
 * Adding a policy: a value in enum msi_lease_policy, its name in
 * msi_lease_policy_names[] and a row here.
 */
struct policy {
	s64 (*key)(const struct msi_lease_candidate *cand);
	bool even;
	cmp_func_t ask_order;
};

static const struct policy policies[MSI_LEASE_NR_POLICIES] = {
	[MSI_LEASE_POLICY_CLOSEST] = { .key = key_none },
	[MSI_LEASE_POLICY_PRIORITY] = { .key = key_priority,
					.ask_order = cand_cmp_priority },
	[MSI_LEASE_POLICY_LEAST_LOADED] = { .key = key_load },
	[MSI_LEASE_POLICY_FEWEST_LENDERS] = { .key = key_most_offered },
	[MSI_LEASE_POLICY_EVEN_SPREAD] = { .key = key_none, .even = true },
};

/* The row of a concrete policy; CLOSEST for anything else. */
static const struct policy *policy_get(enum msi_lease_policy policy)
{
	if (WARN_ON_ONCE(policy >= MSI_LEASE_NR_POLICIES ||
			 !policies[policy].key))
		policy = MSI_LEASE_POLICY_CLOSEST;
	return &policies[policy];
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
	const struct policy *pol = policy_get(policy);
	unsigned int nr_units = 0, c, t, u, got = 0, take;
	struct unit *units;

	*nr_picks = 0;
	units = kmalloc_array(nr_cands * MSI_LEASE_MAX_TIERS, sizeof(*units),
			      GFP_KERNEL);
	if (!units)
		return -ENOMEM;

	for (c = 0; c < nr_cands; c++) {
		const struct msi_lease_offer *o = &cands[c].offer;
		s64 key = pol->key(&cands[c]);

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

	if (pol->even) {
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
 * msi_lease_select_order() - put lenders in the order they are asked
 * @policy: a concrete policy
 * @cands: the lenders to ask one after the other
 * @nr_cands: entries in @cands
 *
 * Sequential negotiation asks the lenders one at a time and stops when
 * it has enough: the policy decides who is asked first.
 */
void msi_lease_select_order(enum msi_lease_policy policy,
			    struct msi_lease_candidate *cands,
			    unsigned int nr_cands)
{
	const struct policy *pol = policy_get(policy);

	if (pol->ask_order)
		sort(cands, nr_cands, sizeof(*cands), pol->ask_order, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_select_order);

/* Names as sysfs shows and parses them; 0 is "the pool's setting". */
const char * const msi_lease_policy_names[MSI_LEASE_NR_POLICIES] = {
	[MSI_LEASE_POLICY_DEFAULT] = "default",
	[MSI_LEASE_POLICY_CLOSEST] = "closest",
	[MSI_LEASE_POLICY_PRIORITY] = "priority",
	[MSI_LEASE_POLICY_LEAST_LOADED] = "least-loaded",
	[MSI_LEASE_POLICY_FEWEST_LENDERS] = "fewest-lenders",
	[MSI_LEASE_POLICY_EVEN_SPREAD] = "even-spread",
};
EXPORT_SYMBOL_IF_KUNIT(msi_lease_policy_names);

const char * const msi_lease_negotiation_names[MSI_LEASE_NR_NEGOTIATIONS] = {
	[MSI_LEASE_NEGOTIATE_DEFAULT] = "default",
	[MSI_LEASE_NEGOTIATE_PARALLEL] = "parallel",
	[MSI_LEASE_NEGOTIATE_SEQUENTIAL] = "sequential",
	[MSI_LEASE_NEGOTIATE_NONE] = "none",
};
EXPORT_SYMBOL_IF_KUNIT(msi_lease_negotiation_names);

/**
 * msi_lease_policy_name() - name of a selection policy as shown in sysfs
 * @policy: the policy
 *
 * Return: its name, or "invalid".
 */
const char *msi_lease_policy_name(enum msi_lease_policy policy)
{
	return policy < MSI_LEASE_NR_POLICIES ? msi_lease_policy_names[policy] :
						"invalid";
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
	return mode < MSI_LEASE_NR_NEGOTIATIONS ?
	       msi_lease_negotiation_names[mode] : "invalid";
}
EXPORT_SYMBOL_IF_KUNIT(msi_lease_negotiation_name);
