// SPDX-License-Identifier: GPL-2.0
/*
 * How much demand leasing serves, on the broker core itself (pool.c,
 * select.c, lease.c over the user-space shims and their virtual clock):
 * N functions with bursty demand share one host bridge of B vectors; each
 * owns B/N (the static split, powerpc's per-PE quota).  Every step of
 * --step-ms of virtual time each function's demand moves along its trace,
 * and then:
 *
 *   static  each function uses at most its own B/N;
 *   oracle  the bridge's B vectors go to the demands, max-min fair, at
 *           every instant (nothing waits while the bridge has room);
 *   leasing each function is a cooperative client of the real broker: a
 *           function short of vectors recalls what it lent, then borrows
 *           the rest (partial grants accepted, --lease-ms long, renewed
 *           while still needed and its lender consents); a function with
 *           more than it needs lends the surplus when asked and returns
 *           borrowed pieces it no longer needs.  Vectors move
 *           only through the broker's callbacks: a lender frees what it
 *           releases and re-allocates what comes home, a borrower
 *           allocates what it is granted and frees it at the lease end,
 *           all through msi_lease_client_admit()/_settle().
 *
 * Served share: demand-time served / demand-time asked.  Wait: how long
 * each stretch of unmet demand of a function lasts, p50 and p99.
 *
 * Traces (seeded, the seed printed):
 *   bursts    on/off per function: off demand 1, on demand uniform in
 *             [B/N + 1, 3 B/N], exponential on and off times (means
 *             --on-ms and --off-ms);
 *   daynight  demand B/N * (1 + 0.9 sin(2 pi t / --period-ms + phase)),
 *             half the functions in antiphase, +-1 of noise.
 *
 * Output: "ML-BENCH utilisation ..." lines for scripts/bench.sh.
 *
 * Usage: sim [--fns N] [--per-fn V] [--seconds S] [--seed S] ...
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core-dev.h"
#include "shim.h"
#include "../../../kunit/helpers.h"
#include "select.h"

#define MAX_FNS		64
#define MAX_PIECES	64
#define MS_NS		1000000ULL

static unsigned int nr_fns = 8, per_fn = 8, seconds = 300;
static unsigned int step_ms = 10, lease_ms = 500;
static unsigned int on_ms = 1000, off_ms = 4000, period_ms = 60000;
static unsigned long long seed = 1;

enum trace { TRACE_BURSTS, TRACE_DAYNIGHT, NR_TRACES };
static const char * const trace_names[NR_TRACES] = { "bursts", "daynight" };

struct sfn {
	struct msi_lease_client c;
	unsigned int idx;
	unsigned int real;	/* vectors allocated on the "device" */
	unsigned int demand;
	/* trace state */
	bool on;
	unsigned int left_ms, on_demand;
	double phase;
	/* borrowed pieces: id, count and expiry */
	u64 ids[MAX_PIECES];
	unsigned int counts[MAX_PIECES];
	ktime_t expires[MAX_PIECES];
};

struct result {
	double served, asked;
	double *waits;
	unsigned int nr_waits, max_waits;
	unsigned int *since;	/* per function: step its wait began, + 1 */
	unsigned long borrows, granted;
};

static u64 rng;

static double rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return ((rng * 0x2545f4914f6cdd1dULL) >> 11) * (1.0 / 9007199254740992.0);
}

static unsigned int rnd_exp_ms(unsigned int mean)
{
	return 1 + (unsigned int)(-log(1.0 - rnd()) * mean);
}

static struct sfn *to_sfn(struct msi_lease_client *c)
{
	return container_of(c, struct sfn, c);
}

static void sfn_change(struct sfn *f, int n)
{
	ml_dev_change(&f->c, &f->real, n);
}

static unsigned int sfn_group(struct sfn *f)
{
	struct msi_lease_client_state st;

	msi_lease_client_state(&f->c, &st);
	return st.held - st.lent + st.borrowed;
}

/* Lend only the surplus over the current demand. */
static int s_offer(struct msi_lease_client *lender,
		   const struct msi_lease_ask *ask,
		   struct msi_lease_offer *offer)
{
	struct sfn *f = to_sfn(lender);
	unsigned int group = sfn_group(f);
	unsigned int spare = group > f->demand ? group - f->demand : 0;

	offer->nr_tiers = 1;
	offer->tiers[0].count = min(ask->count, spare);
	offer->tiers[0].duration_ns = ask->duration_ns;
	offer->load = group ? min(100U, f->demand * 100 / group) : 100;
	return 0;
}

static int s_release(struct msi_lease_client *lender, unsigned int count)
{
	struct sfn *f = to_sfn(lender);

	if (count > f->real)
		return -EBUSY;
	sfn_change(f, -(int)count);
	return 0;
}

static void s_reclaim(struct msi_lease_client *lender, unsigned int count)
{
	sfn_change(to_sfn(lender), count);
}

/* A lender lets a loan run on while it does not need the vectors. */
static bool s_renew(struct msi_lease_client *lender,
		    const struct msi_lease_piece *piece, u64 extra_ns)
{
	struct sfn *f = to_sfn(lender);

	return f->real >= f->demand;
}

static void s_lease_end(struct msi_lease_client *borrower,
			const struct msi_lease_piece *piece)
{
	struct sfn *f = to_sfn(borrower);
	unsigned int i;

	for (i = 0; i < MAX_PIECES; i++)
		if (f->ids[i] == piece->id) {
			sfn_change(f, -(int)f->counts[i]);
			f->ids[i] = 0;
			f->counts[i] = 0;
			return;
		}
}

static const struct msi_lease_client_ops s_ops = {
	.offer = s_offer,
	.release = s_release,
	.reclaim = s_reclaim,
	.lease_end = s_lease_end,
	.renew = s_renew,
};

/* Move every function's demand one step along @trace. */
static void trace_step(struct sfn *fns, enum trace trace, unsigned int step)
{
	double t = (double)step * step_ms;
	unsigned int i;
	int d;

	for (i = 0; i < nr_fns; i++) {
		struct sfn *f = &fns[i];

		if (trace == TRACE_BURSTS) {
			if (f->left_ms <= step_ms) {
				f->on = !f->on;
				f->left_ms = rnd_exp_ms(f->on ? on_ms : off_ms);
				f->on_demand = per_fn + 1 +
					       (unsigned int)(rnd() * 2 * per_fn);
			} else {
				f->left_ms -= step_ms;
			}
			f->demand = f->on ? f->on_demand : 1;
			continue;
		}
		d = (int)lround(per_fn * (1 + 0.9 * sin(2 * M_PI * t /
							period_ms + f->phase)))
		    + (int)(rnd() * 3) - 1;
		f->demand = d > 0 ? d : 0;
	}
}

static void trace_init(struct sfn *fns, u64 s)
{
	unsigned int i;

	rng = s * 0x9e3779b97f4a7c15ULL + 1;
	for (i = 0; i < nr_fns; i++) {
		fns[i].on = rnd() < (double)on_ms / (on_ms + off_ms);
		fns[i].left_ms = rnd_exp_ms(fns[i].on ? on_ms : off_ms);
		fns[i].on_demand = per_fn + 1 + (unsigned int)(rnd() * 2 * per_fn);
		fns[i].phase = (i % 2) * M_PI + rnd() * 0.3;
		fns[i].demand = 0;
	}
}

static void result_init(struct result *r)
{
	memset(r, 0, sizeof(*r));
	r->max_waits = 1024;
	r->waits = calloc(r->max_waits, sizeof(*r->waits));
	r->since = calloc(nr_fns, sizeof(*r->since));
	if (!r->waits || !r->since)
		ml_fail("sim: out of memory");
}

/* Book one step of function @i: @served of its @demand. */
static void result_step(struct result *r, unsigned int i, unsigned int step,
			unsigned int demand, unsigned int served)
{
	r->asked += demand;
	r->served += min(served, demand);
	if (served < demand) {
		if (!r->since[i])
			r->since[i] = step + 1;
		return;
	}
	if (!r->since[i])
		return;
	if (r->nr_waits == r->max_waits) {
		r->max_waits *= 2;
		r->waits = realloc(r->waits, r->max_waits * sizeof(*r->waits));
		if (!r->waits)
			ml_fail("sim: out of memory");
	}
	r->waits[r->nr_waits++] = (double)(step + 1 - r->since[i]) * step_ms;
	r->since[i] = 0;
}

static double result_wait(struct result *r, double q)
{
	if (!r->nr_waits)
		return 0;
	qsort(r->waits, r->nr_waits, sizeof(*r->waits), ml_cmp_double);
	return r->waits[(unsigned int)(q * (r->nr_waits - 1))];
}

static void result_free(struct result *r)
{
	free(r->waits);
	free(r->since);
}

/* The static split and the oracle, on the same trace. */
static void run_bounds(enum trace trace, struct result *st,
		       struct result *orc)
{
	struct sfn *fns = calloc(nr_fns, sizeof(*fns));
	bool *done = calloc(nr_fns, sizeof(*done));
	unsigned int steps = seconds * 1000 / step_ms, s, i, k, left, give;
	unsigned int budget = nr_fns * per_fn, best;

	if (!fns || !done)
		ml_fail("sim: out of memory");
	trace_init(fns, seed);
	for (s = 0; s < steps; s++) {
		trace_step(fns, trace, s);
		for (i = 0; i < nr_fns; i++) {
			result_step(st, i, s, fns[i].demand,
				    min(fns[i].demand, per_fn));
			done[i] = false;
		}
		/* Max-min fair: the smallest demand first, each its share. */
		left = budget;
		for (k = nr_fns; k; k--) {
			best = nr_fns;
			for (i = 0; i < nr_fns; i++)
				if (!done[i] && (best == nr_fns ||
						 fns[i].demand < fns[best].demand))
					best = i;
			give = min(fns[best].demand, left / k);
			left -= give;
			done[best] = true;
			result_step(orc, best, s, fns[best].demand, give);
		}
	}
	free(done);
	free(fns);
}

/* A function short of vectors: recall what it lent, borrow the rest. */
static void sfn_short(struct msi_lease_pool *pool, struct sfn *f,
		      struct result *r)
{
	struct msi_lease_client_state st;
	struct msi_lease_request req = {
		.duration_ns = lease_ms * MS_NS, .accept_partial = true,
	};
	struct msi_lease_grant g;
	unsigned int p, i, group;

	msi_lease_client_state(&f->c, &st);
	group = st.held - st.lent + st.borrowed;
	if (group >= f->demand)
		return;
	if (st.lent) {
		struct msi_lease_lease *lease;
		u64 ids[MAX_PIECES];
		unsigned int n = 0, back = 0;

		/* Only as many loans as cover the shortfall. */
		spin_lock(&pool->lock);
		list_for_each_entry(lease, &f->c.leases_out, out_node) {
			if (!lease->active || n == MAX_PIECES ||
			    group + back >= f->demand)
				continue;
			ids[n++] = lease->piece.id;
			back += lease->piece.count;
		}
		spin_unlock(&pool->lock);
		for (i = 0; i < n; i++)
			msi_lease_recall(&f->c, ids[i], 0);
		/* They come home at the next run of the lease work. */
		group += back;
	}
	if (group >= f->demand)
		return;
	req.count = f->demand - group;
	r->borrows++;
	if (msi_lease_borrow(&f->c, &req, &g))
		return;
	r->granted += g.count;
	for (p = 0; p < g.nr_pieces; p++) {
		for (i = 0; i < MAX_PIECES && f->ids[i]; i++)
			;
		if (i == MAX_PIECES ||
		    !msi_lease_active(&f->c, g.pieces[p].id))
			continue;
		f->ids[i] = g.pieces[p].id;
		f->counts[i] = g.pieces[p].count;
		f->expires[i] = g.pieces[p].expires;
		sfn_change(f, g.pieces[p].count);
	}
	msi_lease_grant_free(&g);
}

/*
 * A function with more than it needs gives back borrowed pieces; one
 * that still needs a piece about to expire asks to renew it.
 */
static void sfn_surplus(struct sfn *f)
{
	unsigned int i, group = sfn_group(f);
	ktime_t soon = ktime_add_ns(ktime_get(), 2 * step_ms * MS_NS);

	for (i = 0; i < MAX_PIECES; i++) {
		if (!f->ids[i])
			continue;
		if (group - f->counts[i] >= f->demand) {
			group -= f->counts[i];
			msi_lease_return(&f->c, f->ids[i]);
		} else if (f->expires[i] <= soon &&
			   !msi_lease_renew(&f->c, f->ids[i],
					    lease_ms * MS_NS)) {
			f->expires[i] += lease_ms * MS_NS;
		}
	}
}

static void run_leasing(enum trace trace, enum msi_lease_negotiation mode,
			enum msi_lease_policy policy, struct result *r)
{
	struct msi_lease_client_attrs attrs = {
		.cooperative = true, .max_lend = 4 * per_fn,
	};
	unsigned int steps = seconds * 1000 / step_ms, s, i, k;
	struct msi_lease_pool_conf conf;
	struct msi_lease_pool pool;
	struct sfn *fns = calloc(nr_fns, sizeof(*fns));

	if (!fns)
		ml_fail("sim: out of memory");
	trace_init(fns, seed);
	msi_lease_pool_init(&pool, nr_fns * per_fn);
	for (i = 0; i < nr_fns; i++) {
		fns[i].idx = i;
		msi_lease_client_init(&fns[i].c);
		msi_lease_client_set_table(&fns[i].c, 4 * per_fn);
		fns[i].real = per_fn;
		msi_lease_client_set_held(&fns[i].c, MSI_LEASE_MODE_MSIX,
					  per_fn);
		attrs.priority = (int)(i % 3) - 1;
		if (msi_lease_test_join(&pool, &fns[i].c, &s_ops, &attrs,
					NULL))
			ml_fail("sim: join failed");
	}
	msi_lease_pool_get_conf(&pool, &conf);
	conf.negotiation = mode;
	conf.policy = policy;
	if (msi_lease_pool_configure(&pool, &conf))
		ml_fail("sim: configure failed");

	for (s = 0; s < steps; s++) {
		trace_step(fns, trace, s);
		/* A different function goes first at every step. */
		for (k = 0; k < nr_fns; k++) {
			struct sfn *f = &fns[(s + k) % nr_fns];

			sfn_surplus(f);
			if (f->demand > f->real)
				sfn_short(&pool, f, r);
		}
		ml_clock_advance(step_ms * MS_NS);
		ml_wq_run_ready(UINT_MAX);
		if (msi_lease_pool_check(&pool))
			ml_fail("sim: pool broken at step %u", s);
		for (i = 0; i < nr_fns; i++)
			result_step(r, i, s, fns[i].demand, fns[i].real);
	}
	for (i = 0; i < nr_fns; i++)
		msi_lease_test_leave(&fns[i].c);
	for (i = 0; i < nr_fns; i++)
		if (fns[i].real != per_fn)
			ml_fail("sim: function %u ends with %u vectors, not %u",
				i, fns[i].real, per_fn);
	free(fns);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fns", required_argument, NULL, 'n' },
		{ "per-fn", required_argument, NULL, 'v' },
		{ "seconds", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'r' },
		{ "step-ms", required_argument, NULL, 't' },
		{ "lease-ms", required_argument, NULL, 'l' },
		{ "on-ms", required_argument, NULL, 'o' },
		{ "off-ms", required_argument, NULL, 'f' },
		{ "period-ms", required_argument, NULL, 'p' },
		{ }
	};
	static const enum msi_lease_negotiation modes[] = {
		MSI_LEASE_NEGOTIATE_PARALLEL, MSI_LEASE_NEGOTIATE_SEQUENTIAL,
	};
	struct result st, orc, r;
	unsigned int m, p;
	int c, t;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		unsigned long v = optarg ? strtoul(optarg, NULL, 0) : 0;

		switch (c) {
		case 'n':
			nr_fns = clamp(v, 2UL, (unsigned long)MAX_FNS);
			break;
		case 'v':
			per_fn = clamp(v, 1UL, 1024UL);
			break;
		case 's':
			seconds = v ?: 1;
			break;
		case 'r':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			step_ms = v ?: 1;
			break;
		case 'l':
			lease_ms = v ?: 1;
			break;
		case 'o':
			on_ms = v ?: 1;
			break;
		case 'f':
			off_ms = v ?: 1;
			break;
		case 'p':
			period_ms = v ?: 1;
			break;
		default:
			fprintf(stderr, "usage: sim [--fns N] [--per-fn V] [--seconds S] [--seed S] [--step-ms T] [--lease-ms L] [--on-ms A] [--off-ms B] [--period-ms P]\n");
			return 2;
		}
	}
	if (msi_lease_core_init())
		ml_fail("msi_lease_core_init() failed");

	for (t = 0; t < NR_TRACES; t++) {
		result_init(&st);
		result_init(&orc);
		run_bounds(t, &st, &orc);
		printf("ML-BENCH utilisation %s (seed %llu, %u functions x %u vectors, %u s in %u ms steps, leases %u ms): served share of demand: static split %.1f%% (p99 wait %.0f ms), oracle %.1f%% (p99 wait %.0f ms)\n",
		       trace_names[t], seed, nr_fns, per_fn, seconds, step_ms,
		       lease_ms, 100 * st.served / st.asked,
		       result_wait(&st, 0.99), 100 * orc.served / orc.asked,
		       result_wait(&orc, 0.99));
		for (m = 0; m < ARRAY_SIZE(modes); m++) {
			for (p = 1; p < MSI_LEASE_NR_POLICIES; p++) {
				result_init(&r);
				run_leasing(t, modes[m], p, &r);
				printf("ML-BENCH utilisation %s leasing %s %s: %.1f%% served, %.3f of the oracle, %.2fx the static split; wait p50 %.0f ms, p99 %.0f ms; %lu borrows, %lu vectors granted\n",
				       trace_names[t],
				       msi_lease_negotiation_name(modes[m]),
				       msi_lease_policy_name(p),
				       100 * r.served / r.asked,
				       r.served / orc.served,
				       r.served / st.served,
				       result_wait(&r, 0.5),
				       result_wait(&r, 0.99), r.borrows,
				       r.granted);
				result_free(&r);
			}
		}
		result_free(&st);
		result_free(&orc);
	}
	return 0;
}
