/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fake devices for the msi_lease KUnit suites, ones that really allocate
 * and free: each has an MSI-X table of a fixed size and a count of
 * allocated vectors, and every allocation or free goes through
 * msi_lease_client_admit() and msi_lease_client_settle() exactly as the
 * PCI hooks do.  A vector lost here is lost for good, as on a real
 * device: the tests check the devices, not only the books.
 */
#ifndef _MSI_LEASE_KUNIT_FDEV_H
#define _MSI_LEASE_KUNIT_FDEV_H

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/mutex.h>

#include "lease.h"

#define MAX_BOUND	64
#define NR_DEVS		8

struct fdev;

struct fworld {
	struct kunit *test;
	struct msi_lease_pool pool;
	struct fdev *devs[NR_DEVS];
	unsigned int nr_devs;
	atomic_t kept_events;
	/* once, right after the broker counts @after_count_dev's vectors */
	void (*after_count)(struct fdev *d);
	struct fdev *after_count_dev;
};

/* What a borrower has bound of one lease. */
struct fbound {
	u64 id;
	unsigned int count;
};

struct fdev {
	struct msi_lease_client c;
	struct fworld *w;
	struct mutex lock;		/* the "driver's" lock: everything below */
	/* a stock driver's reset: none of its other re-allocations meanwhile */
	struct mutex reset;
	unsigned int table;
	unsigned int real;		/* vectors allocated on the device */
	unsigned int own;		/* of them, the driver's own */
	struct fbound bound[MAX_BOUND];
	/* misbehaviour */
	bool keep_on_end;		/* lease_end frees nothing */
	bool lie_on_release;		/* release says yes, frees nothing */
	int release_ret;
	struct completion *block_reclaim, *block_recalled, *block_end;
	struct completion *block_release;	/* after freeing, unlocked */
	/* a stock driver's, between freeing its table and allocating */
	void (*between)(struct fdev *d);
	unsigned int wants;		/* a stock driver's: what it asks for */
	unsigned int mine;		/* of its own, it never has fewer */
	/* judge each re-allocation (not where other threads borrow for it) */
	bool strict;
	unsigned int fail_reallocs;	/* its next ones allocate nothing */
	/* observations */
	unsigned int reclaim_failed, bind_failed, reclaimed, ended;
	unsigned int release_short;	/* asked for more than it had */
	unsigned int in_flight;		/* reserved for an allocation under way */
	unsigned int reconf;		/* freed by a reconfigure under way */
};

static inline struct fdev *to_fdev(struct msi_lease_client *c)
{
	return container_of(c, struct fdev, c);
}

extern const struct msi_lease_client_ops fdev_ops;
extern const struct msi_lease_client_ops fdev_stock_ops;

int fdev_alloc(struct fdev *d, unsigned int n);
void fdev_free(struct fdev *d, unsigned int n);
void fdev_recount(struct fdev *d);
struct fbound *fdev_bound(struct fdev *d, u64 id);
struct fworld *fworld_new(struct kunit *test);
struct fdev *fdev_new(struct fworld *w, unsigned int table,
		      unsigned int own);
struct fdev *fdev_new_stock(struct fworld *w, unsigned int table,
			    unsigned int own);
void fdev_rejoin(struct fdev *d);
void fworld_budget_is_use(struct fworld *w);
int fdev_bind(struct fdev *d, const struct msi_lease_grant *grant);
int fdev_borrow(struct fdev *d, unsigned int count, u64 ns,
		bool partial);
u64 fworld_first_lease(struct fworld *w);
u64 fworld_lease_of(struct fworld *w, struct msi_lease_client *borrower);
struct msi_lease_lease *fworld_lease_by_id(struct fworld *w, u64 id);
void fworld_expect_whole(struct kunit *test, struct fworld *w,
			 const unsigned int *own);

#endif /* _MSI_LEASE_KUNIT_FDEV_H */
