// SPDX-License-Identifier: GPL-2.0
/*
 * msi_lease core stress: fake devices in several pools, several threads
 * of random operations (borrow with every option, return, renew, recall,
 * revoke, plug/unplug, retire/enlist, budget and policy changes, readers,
 * the clock), misbehaving clients, work on worker threads, and
 * msi_lease_pool_check() after every operation.  At the end every device
 * must hold exactly its own vectors and no lease remain.
 *
 *   stress --seed S --ops N [--threads T] [--workers W] [--pools P]
 *          [--devs D] [--slab-fail-rate R] [--racy] [--resize] [--verbose]
 *
 * Each thread's operations follow from the seed; with --threads 1
 * --workers 0 (work runs inline) the whole run is reproducible.
 */
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <linux/workqueue.h>

#include "shim.h"
#include "world.h"

static u64 seed;
static unsigned long nr_ops = 1000000;
static unsigned int nr_threads = 4, nr_workers = 2, nr_pools = 3;
static unsigned int nr_devs = 5, slab_fail_rate = 4096;
static struct ml_world world;

static __thread u64 rng;
static __thread int thread_id = -1;

unsigned int ml_rand(unsigned int n)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return n ? (unsigned int)((rng * 0x2545f4914f6cdd1dULL) >> 32) % n : 0;
}

/* A callback "sleeps": yields, naps for real, or lets time pass. */
void ml_nap(void)
{
	switch (ml_rand(16)) {
	case 0:
		usleep(1 + ml_rand(50));
		break;
	case 1:
	case 2:
		ml_clock_advance(ml_rand(5) * ML_MS);
		break;
	default:
		sched_yield();
		break;
	}
}

static void seed_thread(int id)
{
	thread_id = id;
	rng = seed * 0x9e3779b97f4a7c15ULL + (u64)(id + 1) * 0xbf58476d1ce4e5b9ULL;
	if (!rng)
		rng = 1;
	ml_slab_rng = rng | 1;
	ml_rand(1);
}

static void fail_report(void)
{
	fprintf(stderr, "ML-FAIL: seed %llu, thread %d%s, op #%lu: %s\n",
		seed, thread_id, thread_id < 0 ? " (worker or main)" : "",
		ml_op_index, ml_op_desc);
	fprintf(stderr, "ML-FAIL: reproduce: stress --seed %llu --ops %lu --threads %u --workers %u --pools %u --devs %u --slab-fail-rate %u%s%s\n",
		seed, nr_ops, nr_threads, nr_workers, nr_pools, nr_devs,
		slab_fail_rate, ml_racy_driver ? " --racy" : "",
		ml_borrower_frees ? " --resize" : "");
}

/* Operation weights: cheap readers and the clock often, borrows often. */
static const unsigned char weights[ML_NR_OPS] = {
	[ML_OP_ALLOC] = 8, [ML_OP_FREE] = 6, [ML_OP_RECONFIGURE] = 2,
	[ML_OP_BORROW] = 16, [ML_OP_RETURN] = 6, [ML_OP_RENEW] = 4,
	[ML_OP_RECALL] = 4, [ML_OP_REVOKE] = 3, [ML_OP_UNBIND] = 2,
	[ML_OP_PLUG] = 1, [ML_OP_ENLIST] = 1, [ML_OP_BUDGET] = 3,
	[ML_OP_CONFIGURE] = 2, [ML_OP_ATTRS] = 2, [ML_OP_BEHAVE] = 1,
	[ML_OP_READ] = 8, [ML_OP_RECOUNT] = 8, [ML_OP_CLOCK] = 12,
	[ML_OP_RUN] = 2, [ML_OP_SLAB] = 1, [ML_OP_CAP] = 2,
};
static unsigned int weight_sum;

static enum ml_op pick_op(void)
{
	unsigned int r = ml_rand(weight_sum), op;

	for (op = 0; op < ML_NR_OPS; op++) {
		if (r < weights[op])
			return op;
		r -= weights[op];
	}
	return ML_OP_READ;
}

struct thread {
	pthread_t t;
	int id;
	unsigned long ops;
};

static void *stress_thread(void *arg)
{
	struct thread *th = arg;
	unsigned long i;

	seed_thread(th->id);
	ml_slab_fail_rate = slab_fail_rate;
	for (i = 0; i < th->ops; i++) {
		struct ml_dev *d = world.devs[ml_rand(world.nr_devs)];
		enum ml_op op = pick_op();

		ml_op_index = i;
		ml_op(&world, op, d);
		ml_check_pool(d->p);
		if (!(i & 63))
			ml_check_pool(&world.pools[ml_rand(world.nr_pools)]);
	}
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: stress [--seed S] [--ops N] [--threads T] [--workers W] [--pools P] [--devs D] [--slab-fail-rate R] [--racy] [--resize] [--verbose]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "ops", required_argument, NULL, 'n' },
		{ "threads", required_argument, NULL, 't' },
		{ "workers", required_argument, NULL, 'w' },
		{ "pools", required_argument, NULL, 'p' },
		{ "devs", required_argument, NULL, 'd' },
		{ "slab-fail-rate", required_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "racy", no_argument, NULL, 'r' },
		{ "resize", no_argument, NULL, 'z' },
		{ }
	};
	struct thread threads[64];
	unsigned int i, j, op;
	unsigned long done = 0;
	double t0, t;
	int c;

	seed = (u64)time(NULL);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			nr_ops = strtoul(optarg, NULL, 0);
			break;
		case 't':
			nr_threads = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			nr_workers = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			nr_pools = strtoul(optarg, NULL, 0);
			break;
		case 'd':
			nr_devs = strtoul(optarg, NULL, 0);
			break;
		case 'f':
			slab_fail_rate = strtoul(optarg, NULL, 0);
			break;
		case 'v':
			ml_verbose = 1;
			break;
		case 'r':
			ml_racy_driver = true;
			break;
		case 'z':
			ml_borrower_frees = true;
			break;
		default:
			usage();
		}
	}
	if (!nr_threads || nr_threads > ARRAY_SIZE(threads) || !nr_pools ||
	    nr_pools > ML_MAX_POOLS || nr_devs < 2 || nr_devs > ML_MAX_DEVS ||
	    nr_workers > ML_MAX_WORKERS)
		usage();
	for (op = 0; op < ML_NR_OPS; op++)
		weight_sum += weights[op];

	printf("msi_lease stress: seed %llu, %lu ops, %u threads, %u workers, %u pools x %u devices, 1/%u allocations fail\n",
	       seed, nr_ops, nr_threads, nr_workers, nr_pools, nr_devs,
	       slab_fail_rate);
	fflush(stdout);
	ml_fail_hook = fail_report;
	seed_thread(-1);
	snprintf(ml_op_desc, sizeof(ml_op_desc), "setup");
	if (msi_lease_core_init())
		ml_fail("msi_lease_core_init() failed");

	ml_world_init(&world, nr_pools, nr_workers > 0);
	for (i = 0; i < nr_pools; i++) {
		struct ml_pool *p = &world.pools[i];
		struct msi_lease_pool_stats st;

		for (j = 0; j < nr_devs; j++) {
			unsigned int table = 2 + ml_rand(15);

			/* The last device of the second pool lies. */
			ml_dev_add(&world, p, table, ml_rand(table / 2 + 2),
				   i == 1 && j == nr_devs - 1);
		}
		/* Pool 0: nothing free; pool 1: a little; pool 2: unlimited. */
		msi_lease_pool_stats(&p->pool, &st);
		if (i < 2)
			msi_lease_test_set_budget(&p->pool, st.held + 2 * i);
	}
	if (nr_workers)
		ml_wq_start_workers(nr_workers);

	t0 = now_s();
	for (i = 0; i < nr_threads; i++) {
		threads[i].id = i;
		threads[i].ops = nr_ops / nr_threads +
				 (i < nr_ops % nr_threads);
		if (pthread_create(&threads[i].t, NULL, stress_thread,
				   &threads[i]))
			ml_fail("cannot start thread %u", i);
	}
	for (i = 0; i < nr_threads; i++) {
		pthread_join(threads[i].t, NULL);
		done += threads[i].ops;
	}
	ml_op_index = done;
	ml_world_finish(&world);
	if (nr_workers)
		ml_wq_stop_workers();
	msi_lease_core_exit();
	if (ml_slab_live)
		ml_fail("%ld allocations of the core never freed", ml_slab_live);
	t = now_s() - t0;

	printf("msi_lease stress: %lu ops ok: %ld grants, %ld lease ends, %ld revokes, %ld kept, %ld core warnings, %ld allocations failed\n",
	       done, world.grants, world.ends, world.revokes,
	       world.kept_events, ml_nr_warnings, ml_slab_failed);
	printf("ML-SCALE core.stress.ops %lu %.1fs\n", done, t);
	return 0;
}
