/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fake devices for the user-space stress and fuzz harnesses, modelled on
 * kunit/lifecycle_test.c's fdev: each has an MSI-X table of a fixed size
 * and a count of vectors really allocated, and every allocation or free
 * goes through msi_lease_client_admit() and msi_lease_client_settle() as
 * the PCI hooks do.  A vector lost here is lost for good: the checks look
 * at the devices, not only at the broker's books.
 */
#ifndef _ML_WORLD_H
#define _ML_WORLD_H

#include <pthread.h>

#include <linux/kernel.h>
#include <linux/mutex.h>

#include "../../../drivers/msi_lease/lease.h"
#include "../../../kunit/helpers.h"

#define ML_MAX_POOLS	4
#define ML_MAX_DEVS	8	/* per pool */
#define ML_MAX_BOUND	32
#define ML_MS		(1000ULL * 1000)
#define ML_DAY		(24ULL * 3600 * 1000 * ML_MS)

struct ml_world;
struct ml_pool;

/* What a borrower has bound of one lease. */
struct ml_bound {
	u64 id;
	unsigned int count;
};

enum ml_dev_state {
	ML_DEV_ENLISTED,	/* attached, lends and borrows */
	ML_DEV_RETIRED,		/* attached, its driver unbound */
	ML_DEV_UNPLUGGED,	/* gone from the pool; its client freed */
};

struct ml_dev {
	struct ml_world *w;
	struct ml_pool *p;
	unsigned int idx;		/* in the world */
	char name[16];
	/* The client: allocated on plug, freed on unplug (ASan sees late use). */
	struct msi_lease_client *c;
	pthread_rwlock_t life;		/* readers against unplug's free */
	struct mutex op;		/* the driver's own calls: device_lock */
	struct mutex lock;		/* the driver's state: everything below */
	enum ml_dev_state state;
	unsigned int table;
	unsigned int real;		/* vectors allocated on the device */
	unsigned int own;		/* of them, the driver's own */
	struct ml_bound bound[ML_MAX_BOUND];
	unsigned int lent_out;		/* released, not reclaimed yet */
	/* misbehaviour */
	bool liar;			/* release says yes, frees nothing */
	bool keep_on_end;		/* lease_end frees nothing */
	int release_ret;		/* release fails with this */
	bool no_renew;			/* joined with ops lacking renew */
	bool misbehaved;		/* lied or kept at least once */
	/* observations */
	unsigned int reclaim_failed, release_short, bind_failed, reconf_failed;
	unsigned long calls;
};

struct ml_pool {
	struct msi_lease_pool pool;
	struct ml_world *w;
	unsigned int idx;
	struct ml_dev *devs[ML_MAX_DEVS];
	unsigned int nr_devs;
};

struct ml_world {
	struct ml_pool pools[ML_MAX_POOLS];
	unsigned int nr_pools;
	struct ml_dev *devs[ML_MAX_POOLS * ML_MAX_DEVS];
	unsigned int nr_devs;
	long kept_events, grants, ends, revokes;
	bool threaded;			/* work runs on worker threads */
};

/* Provided by the program: a choice in [0, n) and a callback's "sleep". */
unsigned int ml_rand(unsigned int n);
void ml_nap(void);

/* Let drivers allocate and free while their leases change hands. */
extern bool ml_racy_driver;
extern bool ml_borrower_frees;

/* What the current thread is doing, for failure reports. */
extern __thread char ml_op_desc[256];
extern __thread unsigned long ml_op_index;

enum ml_op {
	ML_OP_ALLOC,
	ML_OP_FREE,
	ML_OP_RECONFIGURE,
	ML_OP_BORROW,
	ML_OP_RETURN,
	ML_OP_RENEW,
	ML_OP_RECALL,
	ML_OP_REVOKE,
	ML_OP_UNBIND,
	ML_OP_PLUG,
	ML_OP_ENLIST,
	ML_OP_BUDGET,
	ML_OP_CONFIGURE,
	ML_OP_ATTRS,
	ML_OP_BEHAVE,
	ML_OP_READ,
	ML_OP_RECOUNT,
	ML_OP_CLOCK,
	ML_OP_RUN,
	ML_OP_SLAB,
	ML_OP_CAP,
	ML_NR_OPS,
};

extern const char * const ml_op_names[ML_NR_OPS];

void ml_world_init(struct ml_world *w, unsigned int nr_pools, bool threaded);
struct ml_dev *ml_dev_add(struct ml_world *w, struct ml_pool *p,
			  unsigned int table, unsigned int own, bool liar);
void ml_op(struct ml_world *w, enum ml_op op, struct ml_dev *d);
void ml_check_pool(struct ml_pool *p);
void ml_check_quiet(struct ml_world *w);
void ml_world_finish(struct ml_world *w);

#endif
