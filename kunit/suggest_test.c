// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for request sizing (drivers/msi_lease/suggest.c): the model
 * case by case.  How a client's lease history is kept is tested with the
 * broker (lease_length_is_remembered in lease_test.c).
 */
#include <kunit/test.h>

#include "compat.h"
#include "suggest.h"

MSI_LEASE_IMPORT_KUNIT_NS();

#define SEC	NSEC_PER_SEC

struct suggest_case {
	const char *name;
	struct msi_lease_suggest_in in;
	unsigned int count;
	u64 duration_ns;
};

static const struct suggest_case suggest_cases[] = {
	{ "unmet-demand-asked-for",
	  { .group = 1, .unmet = 2, .room = 8, .sampled = 1, .idle = 1 },
	  2, 60 * SEC },
	{ "unmet-demand-within-room",
	  { .group = 1, .unmet = 5, .room = 3 }, 3, 60 * SEC },
	{ "all-busy-a-quarter-more",
	  { .group = 8, .room = 8, .sampled = 8, .idle = 0 }, 2, 60 * SEC },
	{ "all-busy-at-least-one",
	  { .group = 2, .room = 8, .sampled = 2, .idle = 0 }, 1, 60 * SEC },
	{ "one-idle-needs-nothing",
	  { .group = 8, .room = 8, .sampled = 8, .idle = 1 }, 0, 60 * SEC },
	{ "nothing-sampled-needs-nothing",
	  { .group = 8, .room = 8 }, 0, 60 * SEC },
	{ "no-room-nothing",
	  { .group = 4, .unmet = 2, .room = 0 }, 0, 60 * SEC },
	{ "history-gives-duration",
	  { .group = 2, .unmet = 1, .room = 4, .lease_ns = 5 * SEC },
	  1, 5 * SEC },
	{ "pool-limit-bounds-duration",
	  { .unmet = 1, .room = 4, .lease_ns = 3600 * SEC,
	    .max_lease_ns = 600 * SEC }, 1, 600 * SEC },
	{ "pool-limit-bounds-default",
	  { .unmet = 1, .room = 4, .max_lease_ns = 10 * SEC }, 1, 10 * SEC },
};

static void suggest_desc(const struct suggest_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(suggest_cases, suggest_cases, suggest_desc);

static void suggest_follows_the_model(struct kunit *test)
{
	const struct suggest_case *c = test->param_value;
	struct msi_lease_suggestion s;

	msi_lease_suggest(&c->in, &s);
	KUNIT_EXPECT_EQ(test, s.count, c->count);
	KUNIT_EXPECT_EQ(test, s.duration_ns, c->duration_ns);
}

static struct kunit_case msi_lease_suggest_cases[] = {
	KUNIT_CASE_PARAM(suggest_follows_the_model, suggest_cases_gen_params),
	{}
};

static struct kunit_suite msi_lease_suggest_suite = {
	.name = "msi_lease_suggest",
	.test_cases = msi_lease_suggest_cases,
};

kunit_test_suite(msi_lease_suggest_suite);
