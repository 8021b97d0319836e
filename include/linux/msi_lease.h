/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msi_lease: MSI/MSI-X vector accounting and leasing per PCI host bridge.
 *
 * The driver-facing API.  A client (a PCI function's driver, or a fake
 * client in the KUnit suites) joins the pool of its host bridge, says
 * whether and how far it will lend, and may borrow vectors for a time.
 * Documentation/driver-api/msi_lease.rst describes the protocol; the
 * kernel-doc of every function is in drivers/msi_lease/.
 */
#ifndef _LINUX_MSI_LEASE_H
#define _LINUX_MSI_LEASE_H

#include <linux/ktime.h>
#include <linux/types.h>

struct pci_dev;
struct msi_lease_client;
struct msi_lease_lease;

/* Most tiers a lender's counter-offer may have. */
#define MSI_LEASE_MAX_TIERS	4

/**
 * struct msi_lease_tier - one part of a counter-offer
 * @count: vectors offered on these terms
 * @duration_ns: for how long; at most the duration asked for
 */
struct msi_lease_tier {
	unsigned int count;
	u64 duration_ns;
};

/**
 * struct msi_lease_offer - a lender's answer to a lend request
 * @nr_tiers: tiers used; 0 declines
 * @tiers: e.g. { 2 vectors for 1 h, 1 vector for 30 min }
 * @load: the lender's own load in percent (0-100), used by the
 *	least-loaded selection policy
 */
struct msi_lease_offer {
	unsigned int nr_tiers;
	struct msi_lease_tier tiers[MSI_LEASE_MAX_TIERS];
	unsigned int load;
};

/**
 * struct msi_lease_ask - what a lender is asked for
 * @borrower: the client that wants vectors
 * @count: vectors still wanted
 * @duration_ns: for how long
 */
struct msi_lease_ask {
	struct msi_lease_client *borrower;
	unsigned int count;
	u64 duration_ns;
};

/**
 * enum msi_lease_negotiation - how lenders are asked
 * @MSI_LEASE_NEGOTIATE_DEFAULT: the pool's setting
 * @MSI_LEASE_NEGOTIATE_PARALLEL: ask every cooperative client, then choose
 * @MSI_LEASE_NEGOTIATE_SEQUENTIAL: ask one at a time until satisfied; the
 *	rest are never asked
 * @MSI_LEASE_NEGOTIATE_NONE: the free pool only
 * @MSI_LEASE_NR_NEGOTIATIONS: number of values
 */
enum msi_lease_negotiation {
	MSI_LEASE_NEGOTIATE_DEFAULT,
	MSI_LEASE_NEGOTIATE_PARALLEL,
	MSI_LEASE_NEGOTIATE_SEQUENTIAL,
	MSI_LEASE_NEGOTIATE_NONE,
	MSI_LEASE_NR_NEGOTIATIONS,
};

/**
 * enum msi_lease_policy - which offered vectors are taken
 * @MSI_LEASE_POLICY_DEFAULT: the pool's setting
 * @MSI_LEASE_POLICY_CLOSEST: per vector, the terms closest to the request
 *	(the longest lease up to the duration asked for); the pools' default
 * @MSI_LEASE_POLICY_PRIORITY: from the lowest-priority lenders first
 * @MSI_LEASE_POLICY_LEAST_LOADED: from the lenders reporting least load
 * @MSI_LEASE_POLICY_FEWEST_LENDERS: from as few lenders as possible
 * @MSI_LEASE_POLICY_EVEN_SPREAD: one vector from each lender in turn
 * @MSI_LEASE_NR_POLICIES: number of values
 *
 * Ties are broken by the lenders' order of joining the pool.
 */
enum msi_lease_policy {
	MSI_LEASE_POLICY_DEFAULT,
	MSI_LEASE_POLICY_CLOSEST,
	MSI_LEASE_POLICY_PRIORITY,
	MSI_LEASE_POLICY_LEAST_LOADED,
	MSI_LEASE_POLICY_FEWEST_LENDERS,
	MSI_LEASE_POLICY_EVEN_SPREAD,
	MSI_LEASE_NR_POLICIES,
};

/**
 * struct msi_lease_request - a borrow request
 * @count: vectors wanted
 * @duration_ns: for how long
 * @accept_partial: take fewer than @count (and report it) rather than
 *	nothing
 * @negotiation: how to ask lenders
 * @policy: how to choose among offers
 * @deadline_ns: budget for the whole negotiation, 0 for none; lenders not
 *	asked by then are skipped
 */
struct msi_lease_request {
	unsigned int count;
	u64 duration_ns;
	bool accept_partial;
	enum msi_lease_negotiation negotiation;
	enum msi_lease_policy policy;
	u64 deadline_ns;
};

/**
 * struct msi_lease_piece - one lease of a grant
 * @id: the lease's id, for renewal and early return
 * @lender: the lending client, NULL for the bridge's free pool
 * @count: vectors in this lease
 * @expires: when the lease ends (CLOCK_MONOTONIC)
 */
struct msi_lease_piece {
	u64 id;
	struct msi_lease_client *lender;
	unsigned int count;
	ktime_t expires;
};

/**
 * struct msi_lease_grant - the answer to a borrow request
 * @count: vectors granted in all; may be less than asked for
 * @nr_pieces: entries in @pieces
 * @pieces: the leases, one per lender (and one for the free pool)
 * @available: when the request was denied (-ENOSPC): the vectors that
 *	were to be had, free ones and lenders' counter-offers together,
 *	fewer than asked for; 0 otherwise
 * @available_ns: with @available: the longest duration all of them
 *	were offered for (the shortest of their terms)
 *
 * A denied borrower may ask again for @available vectors for
 * @available_ns, or with accept_partial set; nothing is held for it
 * meanwhile.
 */
struct msi_lease_grant {
	unsigned int count;
	unsigned int nr_pieces;
	struct msi_lease_piece *pieces;
	unsigned int available;
	u64 available_ns;
};

/**
 * struct msi_lease_client_ops - how the broker talks to a client
 * @offer: (lender) answer a lend request with a counter-offer; leave
 *	@offer->nr_tiers at 0 to decline.  May sleep.
 * @release: (lender) free @count vectors now, before they are handed over;
 *	a non-zero return makes the broker roll the whole grant back
 * @reclaim: (lender) @count lent vectors are back; rebind them
 * @lease_end: (borrower) a lease ends: stop using and unbind its vectors
 *	before returning; the lender gets them right after
 * @renew: (lender) consent to extend a lease by @extra_ns; NULL refuses
 * @recalled: (borrower) the lender recalled a lease; it ends after
 *	@grace_ns.  Optional.
 *
 * Every callback is made in process context with no msi_lease spinlock
 * held.  A callback must not register, unregister, borrow, return, renew
 * or recall on the same pool: those wait for the callback to finish.
 */
struct msi_lease_client_ops {
	int (*offer)(struct msi_lease_client *lender,
		     const struct msi_lease_ask *ask,
		     struct msi_lease_offer *offer);
	int (*release)(struct msi_lease_client *lender, unsigned int count);
	void (*reclaim)(struct msi_lease_client *lender, unsigned int count);
	void (*lease_end)(struct msi_lease_client *borrower,
			  const struct msi_lease_piece *piece);
	bool (*renew)(struct msi_lease_client *lender,
		      const struct msi_lease_piece *piece, u64 extra_ns);
	void (*recalled)(struct msi_lease_client *borrower,
			 const struct msi_lease_piece *piece, u64 grace_ns);
};

/**
 * struct msi_lease_client_attrs - a client's lending terms
 * @cooperative: willing to lend at all
 * @priority: importance; lower lends first under the priority policy
 * @floor: never lend below this many vectors
 * @max_lend: most vectors out on loan at once
 * @max_lease_ns: longest lease it gives, 0 for no limit
 */
struct msi_lease_client_attrs {
	bool cooperative;
	int priority;
	unsigned int floor;
	unsigned int max_lend;
	u64 max_lease_ns;
};

/**
 * struct msi_lease_suggestion - a borrow request sized from history
 * @count: vectors to ask for; 0 when the client has what it needs
 * @duration_ns: for how long
 */
struct msi_lease_suggestion {
	unsigned int count;
	u64 duration_ns;
};

int msi_lease_borrow(struct msi_lease_client *borrower,
		     const struct msi_lease_request *req,
		     struct msi_lease_grant *grant);
void msi_lease_grant_free(struct msi_lease_grant *grant);
int msi_lease_return(struct msi_lease_client *borrower, u64 id);
int msi_lease_renew(struct msi_lease_client *borrower, u64 id, u64 extra_ns);
int msi_lease_recall(struct msi_lease_client *lender, u64 id, u64 grace_ns);
int msi_lease_client_set_attrs(struct msi_lease_client *client,
			       const struct msi_lease_client_attrs *attrs);
void *msi_lease_client_priv(struct msi_lease_client *client);

int msi_lease_pci_vectors(struct pci_dev *pdev);
int msi_lease_pci_suggest(struct pci_dev *pdev,
			  struct msi_lease_suggestion *s);
struct msi_lease_client *msi_lease_pci_join(struct pci_dev *pdev,
					    const struct msi_lease_client_ops *ops,
					    const struct msi_lease_client_attrs *attrs,
					    void *priv);
void msi_lease_pci_leave(struct pci_dev *pdev, struct msi_lease_client *client);
void msi_lease_pci_reconfigure(struct msi_lease_client *client, bool begin);
bool msi_lease_active(struct msi_lease_client *borrower, u64 id);

#endif /* _LINUX_MSI_LEASE_H */
