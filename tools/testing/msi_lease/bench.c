// SPDX-License-Identifier: GPL-2.0
/*
 * How a borrow's cost grows with the number of lenders, on the broker
 * core itself (pool.c, select.c, lease.c as the kernel builds them, over
 * the user-space shims): for each negotiation mode and each selection
 * policy, the time of one borrow of K vectors plus its return, on a pool
 * with nothing free and N cooperative lenders, N = 1, 4, 16, ... up to
 * --max-lenders; the exponent b of a least-squares fit t = a * N^b over
 * all points and over the last two (where fixed costs no longer hide
 * the growth); and the memory a client and a lease take.
 *
 * Every lender holds 8 vectors and offers what it is asked for; every
 * vector really moves: lenders free what they release and re-allocate
 * what comes home, the borrower allocates what it borrows and frees it at
 * the end, all through msi_lease_client_admit()/_settle() as the PCI
 * hooks do, and msi_lease_pool_check() must hold after each round.
 *
 * Output: one "ML-BENCH" line per measurement, for scripts/bench.sh.
 *
 * Usage: bench [--max-lenders N] [--reps R] [--count K]
 */
#include <getopt.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core-dev.h"
#include "shim.h"
#include "../../../kunit/helpers.h"
#include "select.h"

#define HELD		8
#define HOUR_NS		(3600ULL * NSEC_PER_SEC)

struct bdev {
	struct msi_lease_client c;
	unsigned int real;
};

static struct bdev *to_bdev(struct msi_lease_client *c)
{
	return container_of(c, struct bdev, c);
}

static void bdev_change(struct bdev *d, int n)
{
	ml_dev_change(&d->c, &d->real, n);
}

static int b_offer(struct msi_lease_client *lender,
		   const struct msi_lease_ask *ask,
		   struct msi_lease_offer *offer)
{
	offer->nr_tiers = 1;
	offer->tiers[0].count = ask->count;
	offer->tiers[0].duration_ns = ask->duration_ns;
	offer->load = lender->seq % 7;
	return 0;
}

static int b_release(struct msi_lease_client *lender, unsigned int count)
{
	bdev_change(to_bdev(lender), -(int)count);
	return 0;
}

static void b_reclaim(struct msi_lease_client *lender, unsigned int count)
{
	bdev_change(to_bdev(lender), count);
}

static void b_lease_end(struct msi_lease_client *borrower,
			const struct msi_lease_piece *piece)
{
	bdev_change(to_bdev(borrower), -(int)piece->count);
}

static const struct msi_lease_client_ops b_ops = {
	.offer = b_offer,
	.release = b_release,
	.reclaim = b_reclaim,
	.lease_end = b_lease_end,
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Median time (ns) of @reps borrow + bind + return rounds over @n lenders. */
static double measure(unsigned int n, enum msi_lease_negotiation mode,
		      enum msi_lease_policy policy, unsigned int count,
		      unsigned int reps)
{
	struct msi_lease_client_attrs attrs = {
		.cooperative = true, .max_lend = HELD,
	};
	struct msi_lease_pool_conf conf;
	struct msi_lease_pool pool;
	struct bdev *devs, *b;
	double *t, med;
	unsigned int i;

	devs = calloc(n + 1, sizeof(*devs));
	t = calloc(reps, sizeof(*t));
	if (!devs || !t)
		ml_fail("bench: out of memory");
	msi_lease_pool_init(&pool, (n + 1) * HELD);
	for (i = 0; i <= n; i++) {
		msi_lease_client_init(&devs[i].c);
		msi_lease_client_set_table(&devs[i].c, 2 * HELD + count);
		devs[i].real = HELD;
		msi_lease_client_set_held(&devs[i].c, MSI_LEASE_MODE_MSIX, HELD);
		if (msi_lease_test_join(&pool, &devs[i].c, &b_ops, &attrs,
					NULL))
			ml_fail("bench: join failed");
	}
	b = &devs[n];
	msi_lease_pool_get_conf(&pool, &conf);
	conf.negotiation = mode;
	conf.policy = policy;
	if (msi_lease_pool_configure(&pool, &conf))
		ml_fail("bench: configure failed");

	for (i = 0; i < reps; i++) {
		struct msi_lease_request req = {
			.count = count, .duration_ns = HOUR_NS,
			.accept_partial = false,
		};
		struct msi_lease_grant g;
		unsigned int p;
		double t0 = now_ns();

		if (msi_lease_borrow(&b->c, &req, &g))
			ml_fail("bench: borrow of %u from %u lenders failed",
				count, n);
		bdev_change(b, g.count);
		for (p = 0; p < g.nr_pieces; p++)
			msi_lease_return(&b->c, g.pieces[p].id);
		t[i] = now_ns() - t0;
		msi_lease_grant_free(&g);
		if (msi_lease_pool_check(&pool))
			ml_fail("bench: pool broken after round %u", i);
	}
	for (i = 0; i <= n; i++) {
		if (devs[i].real != HELD)
			ml_fail("bench: client %u has %u vectors, not %u", i,
				devs[i].real, HELD);
		msi_lease_test_leave(&devs[i].c);
	}
	qsort(t, reps, sizeof(*t), ml_cmp_double);
	med = t[reps / 2];
	free(t);
	free(devs);
	return med;
}

/* Least-squares slope of log(t) against log(n). */
static double fit_exponent(const unsigned int *n, const double *t,
			   unsigned int nr)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, x, y;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		x = log(n[i]);
		y = log(t[i]);
		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
	}
	return (nr * sxy - sx * sy) / (nr * sxx - sx * sx);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "max-lenders", required_argument, NULL, 'n' },
		{ "reps", required_argument, NULL, 'r' },
		{ "count", required_argument, NULL, 'k' },
		{ }
	};
	static const enum msi_lease_negotiation modes[] = {
		MSI_LEASE_NEGOTIATE_PARALLEL, MSI_LEASE_NEGOTIATE_SEQUENTIAL,
	};
	unsigned int max_lenders = 4096, reps = 21, count = 4;
	unsigned int ns[16], nr, m, i;
	double t[16];
	int c, p;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			max_lenders = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			reps = strtoul(optarg, NULL, 0) ?: 1;
			break;
		case 'k':
			count = strtoul(optarg, NULL, 0) ?: 1;
			break;
		default:
			fprintf(stderr, "usage: bench [--max-lenders N] [--reps R] [--count K]\n");
			return 2;
		}
	}
	if (msi_lease_core_init())
		ml_fail("msi_lease_core_init() failed");
	/*
	 * Keep freed memory: the figures are the broker's work, not glibc
	 * mapping and faulting in fresh pages for each large array (the
	 * kernel's kmalloc() has no such cost), and the first configuration
	 * would otherwise pay for all.  One unmeasured round warms up.
	 */
	mallopt(M_MMAP_THRESHOLD, 256 << 20);
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	measure(max_lenders, MSI_LEASE_NEGOTIATE_PARALLEL,
		MSI_LEASE_POLICY_CLOSEST, count, 1);

	printf("ML-BENCH core memory: struct msi_lease_client %zu bytes, struct msi_lease_lease %zu bytes, a grant's piece %zu bytes\n",
	       sizeof(struct msi_lease_client),
	       sizeof(struct msi_lease_lease),
	       sizeof(struct msi_lease_piece));
	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		for (p = 1; p < MSI_LEASE_NR_POLICIES; p++) {
			nr = 0;
			for (i = 1; i <= max_lenders && nr < ARRAY_SIZE(ns);
			     i *= 4) {
				ns[nr] = i;
				t[nr] = measure(i, modes[m], p, count, reps);
				nr++;
			}
			printf("ML-BENCH negotiation %s %s: borrow+return of %u from N lenders, median of %u:",
			       msi_lease_negotiation_name(modes[m]),
			       msi_lease_policy_name(p), count, reps);
			for (i = 0; i < nr; i++)
				printf(" N=%u %.0f ns;", ns[i], t[i]);
			/* The fit over all points, and over the last two. */
			printf(" exponent %.2f, last step %.2f\n",
			       fit_exponent(ns, t, nr),
			       nr > 1 ? fit_exponent(ns + nr - 2, t + nr - 2, 2) :
					0);
		}
	}
	return 0;
}
