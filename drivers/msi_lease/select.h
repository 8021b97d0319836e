/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msi_lease selection: which of the lenders' counter-offers a borrower
 * gets, by policy (select.c).  Pure: no locks, no clients called.
 */
#ifndef _MSI_LEASE_SELECT_H
#define _MSI_LEASE_SELECT_H

#include <linux/msi_lease.h>
#include <linux/types.h>

struct msi_lease_client;

/**
 * struct msi_lease_candidate - a lender's offer, as selection sees it
 * @lender: the lender
 * @offer: its sanitised counter-offer
 * @seq: the lender's join order
 * @priority: the lender's priority
 */
struct msi_lease_candidate {
	struct msi_lease_client *lender;
	struct msi_lease_offer offer;
	u64 seq;
	int priority;
};

/**
 * struct msi_lease_pick - vectors taken from one tier of one offer
 * @cand: index into the candidate array
 * @tier: index into that candidate's tiers
 * @count: vectors taken
 */
struct msi_lease_pick {
	unsigned int cand;
	unsigned int tier;
	unsigned int count;
};

int msi_lease_select(enum msi_lease_policy policy, unsigned int need,
		     const struct msi_lease_candidate *cands,
		     unsigned int nr_cands, struct msi_lease_pick *picks,
		     unsigned int *nr_picks);
void msi_lease_select_order(enum msi_lease_policy policy,
			    struct msi_lease_candidate *cands,
			    unsigned int nr_cands);
extern const char * const msi_lease_policy_names[MSI_LEASE_NR_POLICIES];
extern const char * const msi_lease_negotiation_names[MSI_LEASE_NR_NEGOTIATIONS];
const char *msi_lease_policy_name(enum msi_lease_policy policy);
const char *msi_lease_negotiation_name(enum msi_lease_negotiation mode);

#endif /* _MSI_LEASE_SELECT_H */
