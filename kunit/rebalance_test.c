// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the rebalance policy (drivers/msi_lease/rebalance.c):
 * who borrows, after how many windows, and how often.  The moves
 * themselves, on real drivers, are the guest's msi_lease_rebalance suite.
 */
#include <kunit/test.h>

#include "compat.h"
#include "rebalance.h"

MSI_LEASE_IMPORT_KUNIT_NS();

static const struct msi_lease_rebalance_in starved = {
	.movable = true, .unmet = 2, .room = 8,
};

/* Windows until @in makes a borrow, at most @max; returns the count. */
static unsigned int windows_until_move(struct msi_lease_rebalance *st,
				       const struct msi_lease_rebalance_in *in,
				       unsigned int max, unsigned int *want)
{
	unsigned int w;

	for (w = 1; w <= max; w++) {
		*want = msi_lease_rebalance_window(st, in);
		if (*want)
			return w;
	}
	return 0;
}

/* Starved two windows in a row, it borrows its unmet demand. */
static void starved_twice_borrows(struct kunit *test)
{
	struct msi_lease_rebalance st = { };
	unsigned int want = 0;

	KUNIT_EXPECT_EQ(test, windows_until_move(&st, &starved, 10, &want),
			MSI_LEASE_REBALANCE_STARVED);
	KUNIT_EXPECT_EQ(test, want, 2);
}

/* A driver refused once that settles for less moves nothing. */
static void transient_ask_moves_nothing(struct kunit *test)
{
	struct msi_lease_rebalance_in met = starved;
	struct msi_lease_rebalance st = { };
	unsigned int i;

	met.unmet = 0;
	for (i = 0; i < 10; i++) {
		KUNIT_EXPECT_EQ(test, msi_lease_rebalance_window(&st, &starved),
				0);
		KUNIT_EXPECT_EQ(test, msi_lease_rebalance_window(&st, &met), 0);
	}
}

/* What it cannot take or be moved by is never asked for. */
static void only_movable_with_room(struct kunit *test)
{
	struct msi_lease_rebalance_in in = starved;
	struct msi_lease_rebalance st = { };
	unsigned int want = 0;

	in.movable = false;
	KUNIT_EXPECT_EQ(test, windows_until_move(&st, &in, 10, &want), 0);
	in = starved;
	in.room = 0;
	KUNIT_EXPECT_EQ(test, windows_until_move(&st, &in, 10, &want), 0);
	in.room = 1;
	KUNIT_EXPECT_EQ(test, windows_until_move(&st, &in, 10, &want),
			MSI_LEASE_REBALANCE_STARVED);
	KUNIT_EXPECT_EQ(test, want, 1);
}

/* While it has vectors on loan it asks for no more, and starts over. */
static void borrowing_waits(struct kunit *test)
{
	struct msi_lease_rebalance_in in = starved;
	struct msi_lease_rebalance st = { };
	unsigned int want = 0;

	in.borrowed = 2;
	KUNIT_EXPECT_EQ(test, windows_until_move(&st, &in, 10, &want), 0);
	KUNIT_EXPECT_EQ(test, st.starved, 0);
	KUNIT_EXPECT_EQ(test, windows_until_move(&st, &starved, 10, &want),
			MSI_LEASE_REBALANCE_STARVED);
}

/* After a move, it sits out its calm windows however starved it is. */
static void calm_after_move(struct kunit *test)
{
	struct msi_lease_rebalance st = { };
	unsigned int want = 0;

	KUNIT_ASSERT_GT(test, windows_until_move(&st, &starved, 10, &want), 0);
	msi_lease_rebalance_moved(&st);
	KUNIT_EXPECT_EQ(test, windows_until_move(&st, &starved, 10, &want),
			MSI_LEASE_REBALANCE_CALM);
}

static struct kunit_case msi_lease_rebalance_cases[] = {
	KUNIT_CASE(starved_twice_borrows),
	KUNIT_CASE(transient_ask_moves_nothing),
	KUNIT_CASE(only_movable_with_room),
	KUNIT_CASE(borrowing_waits),
	KUNIT_CASE(calm_after_move),
	{}
};

static struct kunit_suite msi_lease_rebalance_suite = {
	.name = "msi_lease_rebalance",
	.test_cases = msi_lease_rebalance_cases,
};

kunit_test_suite(msi_lease_rebalance_suite);
