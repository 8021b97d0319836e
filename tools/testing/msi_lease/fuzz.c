// SPDX-License-Identifier: GPL-2.0
/*
 * msi_lease core fuzz target (libFuzzer).  The input is read as a stream
 * of choices: first the world (pools, devices, their tables and
 * holdings, liars, budgets), then operations, each an opcode, a device
 * and whatever the operation draws (counts, durations, negotiation,
 * policy, deadline, which lease).  Callbacks draw from the same stream:
 * whether a lender offers, fails, lies or releases, whether a borrower
 * keeps its vectors, whether a callback "sleeps" (the virtual clock
 * moves), and the Nth allocation to fail.  Single-threaded, with work
 * run inline: an input always does the same thing.  After every call
 * the pools are checked and every quiet device's count compared with
 * its group; at the end every lease ends and every device must hold
 * exactly its own vectors.
 */
#include <stdio.h>

#include <linux/workqueue.h>

#include "shim.h"
#include "world.h"

#define ML_FUZZ_MAX_OPS	512

static const u8 *in;
static size_t in_len, in_pos;

static unsigned int take(void)
{
	return in_pos < in_len ? in[in_pos++] : 0;
}

unsigned int ml_rand(unsigned int n)
{
	unsigned int v;

	if (n <= 1)
		return 0;
	v = take();
	if (n > 256)
		v |= take() << 8 | take() << 16 | take() << 24;
	return v % n;
}

/* A callback "sleeps": time passes, possibly past deadlines and expiries. */
void ml_nap(void)
{
	ml_clock_advance((u64)ml_rand(64) * ML_MS);
}

static void fail_report(void)
{
	fprintf(stderr, "ML-FAIL: fuzz input byte %zu of %zu, op #%lu: %s\n",
		in_pos, in_len, ml_op_index, ml_op_desc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ml_world w;
	unsigned int i, j, nr_pools, nr_devs;
	unsigned long n;

	in = data;
	in_len = size;
	in_pos = 0;
	ml_fail_hook = fail_report;
	ml_op_index = 0;
	snprintf(ml_op_desc, sizeof(ml_op_desc), "setup");
	ml_clock_set(1000ULL * 1000 * 1000 * 1000);
	if (msi_lease_core_init())
		ml_fail("msi_lease_core_init() failed");

	nr_pools = 1 + ml_rand(3);
	ml_world_init(&w, nr_pools, false);
	for (i = 0; i < nr_pools; i++) {
		struct ml_pool *p = &w.pools[i];
		struct msi_lease_pool_stats st;

		nr_devs = 2 + ml_rand(4);
		for (j = 0; j < nr_devs; j++) {
			unsigned int table = 1 + ml_rand(16);

			ml_dev_add(&w, p, table, ml_rand(table + 1),
				   ml_rand(16) == 0);
		}
		msi_lease_pool_stats(&p->pool, &st);
		switch (ml_rand(3)) {
		case 0:
			msi_lease_test_set_budget(&p->pool, st.held);
			break;
		case 1:
			msi_lease_test_set_budget(&p->pool,
						  st.held + ml_rand(8));
			break;
		}
	}
	ml_check_quiet(&w);

	for (n = 0; in_pos < in_len && n < ML_FUZZ_MAX_OPS; n++) {
		enum ml_op op = ml_rand(ML_NR_OPS);
		struct ml_dev *d = w.devs[ml_rand(w.nr_devs)];

		ml_op_index = n;
		ml_op(&w, op, d);
		if (op != ML_OP_SLAB)
			ml_slab_fail_after = 0;
		ml_check_quiet(&w);
	}

	ml_op_index = n;
	ml_world_finish(&w);
	msi_lease_core_exit();
	if (ml_slab_live)
		ml_fail("%ld allocations of the core never freed", ml_slab_live);
	return 0;
}
