// SPDX-License-Identifier: GPL-2.0
/*
 * Leases end on time: expiry_leases leases of one vector each from a
 * pool's free vectors, all live at once, their expiries spread evenly
 * over expiry_window_ms.  The borrower's lease_end times each end
 * against the expiry its grant named.  No lease may end before its
 * expiry, and every one must end; how late they end (p50, p99, max) is
 * printed, not judged: make bench loads this suite alone with 1, 100 and
 * 10,000 leases.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "compat.h"
#include "helpers.h"
#include "lease.h"

static unsigned int expiry_leases = 100;
module_param(expiry_leases, uint, 0444);
MODULE_PARM_DESC(expiry_leases, "live leases of msi_lease_expiry (100)");
static unsigned int expiry_window_ms = 500;
module_param(expiry_window_ms, uint, 0444);
MODULE_PARM_DESC(expiry_window_ms, "their expiries spread over this long (500)");

#define EX_MAX_LEASES	100000

struct ex {
	struct msi_lease_pool pool;
	struct msi_lease_client c;
	unsigned int n;
	atomic_t ended;
	s64 *late_ns;		/* one per lease end, in the order they came */
};

static void ex_lease_end(struct msi_lease_client *borrower,
			 const struct msi_lease_piece *piece)
{
	struct ex *ex = msi_lease_client_priv(borrower);
	s64 late = ktime_to_ns(ktime_sub(ktime_get(), piece->expires));
	unsigned int i = atomic_inc_return(&ex->ended) - 1;

	if (i < ex->n)
		ex->late_ns[i] = late;
}

static const struct msi_lease_client_ops ex_ops = {
	.lease_end = ex_lease_end,
};

static void ex_leave(void *data)
{
	struct ex *ex = data;

	msi_lease_test_leave(&ex->c);
}

static int cmp_s64(const void *a, const void *b)
{
	s64 x = *(const s64 *)a, y = *(const s64 *)b;

	return x < y ? -1 : x > y;
}

static void leases_end_on_time(struct kunit *test)
{
	struct msi_lease_client_attrs attrs = { .floor = 0 };
	unsigned int n = clamp(expiry_leases, 1U, EX_MAX_LEASES), i, wait_ms;
	u64 window = (u64)expiry_window_ms * NSEC_PER_MSEC;
	/* Every borrow is made before the first expiry. */
	u64 base = NSEC_PER_SEC + (u64)n * 100 * NSEC_PER_USEC;
	struct msi_lease_grant grant;
	struct ex *ex;
	ktime_t t0;
	s64 p50, p99, max;

	ex = kunit_kzalloc(test, sizeof(*ex), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ex);
	ex->late_ns = kunit_kcalloc(test, n, sizeof(*ex->late_ns), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ex->late_ns);
	ex->n = n;
	msi_lease_pool_init(&ex->pool, MSI_LEASE_UNLIMITED);
	msi_lease_client_init(&ex->c);
	ex->c.table = n;
	KUNIT_ASSERT_EQ(test, msi_lease_test_join(&ex->pool, &ex->c, &ex_ops,
						  &attrs, ex), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ex_leave, ex),
			0);

	t0 = ktime_get();
	for (i = 0; i < n; i++) {
		struct msi_lease_request req = {
			.count = 1,
			.duration_ns = base + div_u64(window * i, n),
		};

		KUNIT_ASSERT_EQ(test, msi_lease_borrow(&ex->c, &req, &grant), 0);
		KUNIT_ASSERT_EQ(test, grant.count, 1);
		msi_lease_grant_free(&grant);
	}
	kunit_info(test, "%u leases borrowed in %lld ms\n", n,
		   ktime_ms_delta(ktime_get(), t0));
	wait_ms = div_u64(base + window, NSEC_PER_MSEC) + 60000;
	KUNIT_ASSERT_TRUE(test, msi_lease_test_wait_no_leases(&ex->pool,
							      wait_ms));
	KUNIT_ASSERT_EQ(test, atomic_read(&ex->ended), n);
	KUNIT_EXPECT_EQ(test, msi_lease_pool_check(&ex->pool), 0);
	KUNIT_EXPECT_EQ(test, msi_lease_client_held(&ex->c, NULL), 0);

	sort(ex->late_ns, n, sizeof(*ex->late_ns), cmp_s64, NULL);
	KUNIT_EXPECT_GE_MSG(test, ex->late_ns[0], 0,
			    "a lease ended before its expiry");
	p50 = ex->late_ns[(n - 1) / 2];
	p99 = ex->late_ns[(n - 1) * 99 / 100];
	max = ex->late_ns[n - 1];
	kunit_info(test, "lateness: p50 %lld us, p99 %lld us, max %lld us\n",
		   div_s64(p50, NSEC_PER_USEC), div_s64(p99, NSEC_PER_USEC),
		   div_s64(max, NSEC_PER_USEC));
	pr_info("### ML-BENCH expiry: %u live leases, ends spread over %u ms: lateness p50 %lld us, p99 %lld us, max %lld us\n",
		n, expiry_window_ms, div_s64(p50, NSEC_PER_USEC),
		div_s64(p99, NSEC_PER_USEC), div_s64(max, NSEC_PER_USEC));
}

static struct kunit_case msi_lease_expiry_cases[] = {
	KUNIT_CASE(leases_end_on_time),
	{}
};

static struct kunit_suite msi_lease_expiry_suite = {
	.name = "msi_lease_expiry",
	.test_cases = msi_lease_expiry_cases,
};

kunit_test_suite(msi_lease_expiry_suite);
