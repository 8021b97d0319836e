// SPDX-License-Identifier: GPL-2.0
/*
 * msi_lease sysfs interface:
 *
 *   /sys/kernel/msi_lease/bridges/<bridge>/        one per PCI host bridge
 *       budget negotiation policy max_lease_ms settings    (root may write)
 *       rebalance                                          (root may write)
 *       free lent leases nr_functions vectors vectors_msi vectors_msix
 *       revoke                                             (write only)
 *       device@
 *       functions/<domain:bus:dev.fn>/             one per PCI function
 *           cooperative priority floor max_lend terms      (root may write)
 *           max_vectors method                             (root may write)
 *           resize                                         (write only)
 *           suggest
 *           borrowed demand driver idle interrupts irqs kept leasing
 *           lent mode msi_vectors_max msix_table_size unmet vectors
 *           device@
 *   /sys/kernel/msi_lease/idle_window_ms                   (root may write)
 *
 * The bridges and functions are pci.c's objects; this file gives them
 * their attributes (through &struct msi_lease_view) and nothing else.
 * Every read re-counts from the PCI core first (msi_lease_*_refresh()),
 * so what an admin sees is never stale.  A bad write returns an error
 * and changes nothing; "settings" and "terms" change several values in
 * one step.  Documented file by file in
 * Documentation/ABI/testing/sysfs-kernel-msi_lease.
 */
#include <linux/bits.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "internal.h"
#include "select.h"

static struct kobject *msi_lease_kobj;
/* A kset, so that bridges can send uevents (lease grant, end, revoke). */
static struct kset *msi_lease_bridges;

/* Bridges */

static struct msi_lease_bridge *to_bridge(struct kobject *kobj)
{
	return container_of(kobj, struct msi_lease_bridge, kobj);
}

static void bridge_stats(struct kobject *kobj,
			 struct msi_lease_pool_stats *stats)
{
	struct msi_lease_bridge *bridge = to_bridge(kobj);

	msi_lease_bridge_refresh(bridge);
	msi_lease_pool_stats(&bridge->pool, stats);
}

static ssize_t emit_count(char *buf, unsigned int n)
{
	if (n == MSI_LEASE_UNLIMITED)
		return sysfs_emit(buf, "unlimited\n");
	return sysfs_emit(buf, "%u\n", n);
}

#define BRIDGE_STAT_ATTR(_name, _expr)					\
static ssize_t bridge_##_name##_show(struct kobject *kobj,		\
				     struct kobj_attribute *attr,	\
				     char *buf)				\
{									\
	struct msi_lease_pool_stats s;					\
									\
	bridge_stats(kobj, &s);						\
	return emit_count(buf, (_expr));				\
}									\
static struct kobj_attribute bridge_##_name##_attr =			\
	__ATTR(_name, 0444, bridge_##_name##_show, NULL)

BRIDGE_STAT_ATTR(free, s.free);
BRIDGE_STAT_ATTR(pending, s.pending);
BRIDGE_STAT_ATTR(nr_functions, s.nr_clients);
BRIDGE_STAT_ATTR(vectors, s.held);
BRIDGE_STAT_ATTR(vectors_msi, s.held_by_mode[MSI_LEASE_MODE_MSI]);
BRIDGE_STAT_ATTR(vectors_msix, s.held_by_mode[MSI_LEASE_MODE_MSIX]);

/*
 * Settings and lending terms are knobs: one row of a table each, giving
 * the knob's own file, its key in the one-line file ("settings",
 * "terms") and how it is parsed and shown.
 *
 * A write parses into a copy of the current values and commits the copy
 * with one call (msi_lease_pool_configure(), msi_lease_client_set_attrs()),
 * so a bad write changes nothing and a line of several keys takes effect
 * at once: see "Changing several settings at once" in
 * Documentation/design/msi_lease.rst for why a line, not DAMON's staged
 * files and commit.
 *
 * A new knob: its field in the struct its set edits, a _parse and a _show
 * function, and a KNOB() row in the set's table.
 */

/* The values one set of knobs edits. */
union knob_values {
	struct msi_lease_pool_conf conf;
	struct msi_lease_client_attrs attrs;
};

/* A set of knobs: a bridge's settings or a function's lending terms. */
struct knob_set {
	const struct knob *knobs;
	unsigned int nr;
	void (*get)(struct kobject *kobj, union knob_values *v);
	int (*set)(struct kobject *kobj, const union knob_values *v);
};

struct knob {
	struct kobj_attribute attr;
	const struct knob_set *set;
	int (*parse)(const char *val, union knob_values *v);
	ssize_t (*show)(char *buf, ssize_t at, const union knob_values *v,
			bool alone);
};

/* The one-line file of a set ("settings", "terms"). */
struct knob_line {
	struct kobj_attribute attr;
	const struct knob_set *set;
};

#define KNOB(_s, _name) {						\
	.attr = __ATTR(_name, 0644, knob_attr_show, knob_attr_store),	\
	.set = &(_s##_set),						\
	.parse = _s##_##_name##_parse,					\
	.show = _s##_##_name##_show,					\
}

#define KNOB_LINE(_s, _file) {						\
	.attr = __ATTR(_file, 0644, knob_line_show, knob_line_store),	\
	.set = &(_s##_set),						\
}

static const struct knob *to_knob(struct kobj_attribute *attr)
{
	return container_of(attr, struct knob, attr);
}

static const struct knob *knob_find(const struct knob *knobs,
				    unsigned int nr, const char *key)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (!strcmp(knobs[i].attr.attr.name, key))
			return &knobs[i];
	return NULL;
}

/*
 * Parse "key=value key=value ..." into @values with the kernel's own
 * parameter splitter; -EINVAL for an unknown key, a word without '=' or
 * an empty line.
 */
static int knobs_parse(const struct knob_set *set, const char *buf,
		       union knob_values *v)
{
	const struct knob *knob;
	char *copy, *args, *key, *val;
	int ret = -EINVAL;

	copy = kstrdup(buf, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	args = skip_spaces(strim(copy));
	while (*args) {
		args = next_arg(args, &key, &val);
		knob = knob_find(set->knobs, set->nr, key);
		if (!knob || !val) {
			ret = -EINVAL;
			break;
		}
		ret = knob->parse(val, v);
		if (ret)
			break;
	}
	kfree(copy);
	return ret;
}

/* Every knob as "key=value", one line. */
static ssize_t knob_line_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	const struct knob_set *set =
		container_of(attr, struct knob_line, attr)->set;
	union knob_values v;
	ssize_t len = 0;
	unsigned int i;

	set->get(kobj, &v);
	for (i = 0; i < set->nr; i++) {
		len += sysfs_emit_at(buf, len, "%s%s=", i ? " " : "",
				     set->knobs[i].attr.attr.name);
		len += set->knobs[i].show(buf, len, &v, false);
	}
	return len + sysfs_emit_at(buf, len, "\n");
}

/* One knob's own file. */
static ssize_t knob_attr_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	const struct knob *knob = to_knob(attr);
	union knob_values v;
	ssize_t len;

	knob->set->get(kobj, &v);
	len = knob->show(buf, 0, &v, true);
	return len + sysfs_emit_at(buf, len, "\n");
}

/*
 * Serialises every read-modify-write of settings and terms: two admins
 * writing different keys at once must both take effect.
 */
static DEFINE_MUTEX(msi_lease_sysfs_lock);

/* One knob (@knob) or a line of them (@knob NULL), all or nothing. */
static ssize_t knobs_store(struct kobject *kobj, const struct knob_set *set,
			   const struct knob *knob, const char *buf,
			   size_t count)
{
	union knob_values v;
	int ret;

	mutex_lock(&msi_lease_sysfs_lock);
	set->get(kobj, &v);
	ret = knob ? knob->parse(buf, &v) : knobs_parse(set, buf, &v);
	if (!ret)
		ret = set->set(kobj, &v);
	mutex_unlock(&msi_lease_sysfs_lock);
	return ret ? ret : count;
}

static ssize_t knob_attr_store(struct kobject *kobj,
			       struct kobj_attribute *attr, const char *buf,
			       size_t count)
{
	const struct knob *knob = to_knob(attr);

	return knobs_store(kobj, knob->set, knob, buf, count);
}

static ssize_t knob_line_store(struct kobject *kobj,
			       struct kobj_attribute *attr, const char *buf,
			       size_t count)
{
	return knobs_store(kobj, container_of(attr, struct knob_line, attr)->set,
			   NULL, buf, count);
}

/* Bridge settings */

/* Largest budget and longest lease a write may set. */
#define MSI_LEASE_MAX_BUDGET	BIT(24)
#define MSI_LEASE_MAX_LEASE_MS	BIT_ULL(40)

static int conf_budget_parse(const char *val, union knob_values *v)
{
	struct msi_lease_pool_conf *conf = &v->conf;
	unsigned int budget;
	int ret;

	if (sysfs_streq(val, "unlimited")) {
		conf->budget = MSI_LEASE_UNLIMITED;
		return 0;
	}
	ret = kstrtouint(val, 0, &budget);
	if (ret)
		return ret;
	if (budget > MSI_LEASE_MAX_BUDGET)
		return -ERANGE;
	conf->budget = budget;
	return 0;
}

static ssize_t conf_budget_show(char *buf, ssize_t at, const union knob_values *v,
				bool alone)
{
	const struct msi_lease_pool_conf *conf = &v->conf;

	if (conf->budget == MSI_LEASE_UNLIMITED)
		return sysfs_emit_at(buf, at, "unlimited");
	return sysfs_emit_at(buf, at, "%u", conf->budget);
}

/* A name out of @names; 0 ("default") means nothing for a pool. */
static int parse_choice(const char * const *names, int nr, const char *val)
{
	int i = __sysfs_match_string(names, nr, val);

	return i > 0 ? i : -EINVAL;
}

/*
 * Alone: every choice, the current one in brackets, as the block layer's
 * scheduler file does; in a line: the current one.
 */
static ssize_t emit_choice(char *buf, ssize_t at, const char * const *names,
			   int nr, int cur, bool alone)
{
	ssize_t len = 0;
	int i;

	if (!alone)
		return sysfs_emit_at(buf, at, "%s", names[cur]);
	for (i = 1; i < nr; i++)
		len += sysfs_emit_at(buf, at + len,
				     i == cur ? "%s[%s]" : "%s%s",
				     i > 1 ? " " : "", names[i]);
	return len;
}

static int conf_negotiation_parse(const char *val, union knob_values *v)
{
	struct msi_lease_pool_conf *conf = &v->conf;
	int i = parse_choice(msi_lease_negotiation_names,
			     MSI_LEASE_NR_NEGOTIATIONS, val);

	if (i < 0)
		return i;
	conf->negotiation = i;
	return 0;
}

static ssize_t conf_negotiation_show(char *buf, ssize_t at,
				     const union knob_values *v, bool alone)
{
	const struct msi_lease_pool_conf *conf = &v->conf;

	return emit_choice(buf, at, msi_lease_negotiation_names,
			   MSI_LEASE_NR_NEGOTIATIONS, conf->negotiation, alone);
}

static int conf_policy_parse(const char *val, union knob_values *v)
{
	struct msi_lease_pool_conf *conf = &v->conf;
	int i = parse_choice(msi_lease_policy_names, MSI_LEASE_NR_POLICIES,
			     val);

	if (i < 0)
		return i;
	conf->policy = i;
	return 0;
}

static ssize_t conf_policy_show(char *buf, ssize_t at, const union knob_values *v,
				bool alone)
{
	const struct msi_lease_pool_conf *conf = &v->conf;

	return emit_choice(buf, at, msi_lease_policy_names,
			   MSI_LEASE_NR_POLICIES, conf->policy, alone);
}

static int conf_max_lease_ms_parse(const char *val, union knob_values *v)
{
	struct msi_lease_pool_conf *conf = &v->conf;
	u64 ms;
	int ret;

	ret = kstrtou64(val, 0, &ms);
	if (ret)
		return ret;
	if (ms > MSI_LEASE_MAX_LEASE_MS)
		return -ERANGE;
	conf->max_lease_ns = ms * NSEC_PER_MSEC;
	return 0;
}

static ssize_t conf_max_lease_ms_show(char *buf, ssize_t at,
				      const union knob_values *v, bool alone)
{
	const struct msi_lease_pool_conf *conf = &v->conf;

	return sysfs_emit_at(buf, at, "%llu",
			     conf->max_lease_ns / NSEC_PER_MSEC);
}

static void conf_get(struct kobject *kobj, union knob_values *v)
{
	msi_lease_pool_get_conf(&to_bridge(kobj)->pool, &v->conf);
}

static int conf_set_values(struct kobject *kobj, const union knob_values *v)
{
	return msi_lease_pool_configure(&to_bridge(kobj)->pool, &v->conf);
}

static const struct knob_set conf_set;

/* In the order "settings" shows them. */
static struct knob conf_knobs[] = {
	KNOB(conf, budget),
	KNOB(conf, negotiation),
	KNOB(conf, policy),
	KNOB(conf, max_lease_ms),
};

static const struct knob_set conf_set = {
	.knobs = conf_knobs,
	.nr = ARRAY_SIZE(conf_knobs),
	.get = conf_get,
	.set = conf_set_values,
};

static struct knob_line conf_line = KNOB_LINE(conf, settings);

static ssize_t lent_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  msi_lease_pool_lent(&to_bridge(kobj)->pool));
}

struct leases_page {
	char *buf;
	ssize_t len;
};

/* One line per lease: id, lender (or "free"), borrower, vectors, ms left. */
static void leases_line(const struct msi_lease_lease_info *l, void *arg)
{
	struct leases_page *p = arg;

	p->len += sysfs_emit_at(p->buf, p->len, "%llu %s %s %u %llu\n", l->id,
				l->lender ? msi_lease_client_name(l->lender) :
					    "free",
				msi_lease_client_name(l->borrower), l->count,
				l->ms_left);
}

static ssize_t leases_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct leases_page page = { .buf = buf };

	msi_lease_pool_walk_leases(&to_bridge(kobj)->pool, leases_line, &page);
	return page.len;
}

static ssize_t revoke_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	u64 id;
	int ret;

	ret = kstrtou64(buf, 0, &id);
	if (!ret)
		ret = msi_lease_pool_revoke(&to_bridge(kobj)->pool, id);
	return ret ? ret : count;
}

static ssize_t rebalance_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  msi_lease_bridge_rebalance(to_bridge(kobj)));
}

static ssize_t rebalance_store(struct kobject *kobj,
			       struct kobj_attribute *attr, const char *buf,
			       size_t count)
{
	bool on;
	int ret;

	ret = kstrtobool(buf, &on);
	if (ret)
		return ret;
	msi_lease_bridge_set_rebalance(to_bridge(kobj), on);
	return count;
}

static struct kobj_attribute bridge_rebalance_attr = __ATTR_RW(rebalance);
static struct kobj_attribute bridge_lent_attr = __ATTR_RO(lent);
static struct kobj_attribute bridge_leases_attr = __ATTR_RO(leases);
static struct kobj_attribute bridge_revoke_attr = __ATTR_WO(revoke);

static struct attribute *bridge_attrs[] = {
	&conf_knobs[0].attr.attr,
	&conf_knobs[1].attr.attr,
	&conf_knobs[2].attr.attr,
	&conf_knobs[3].attr.attr,
	&conf_line.attr.attr,
	&bridge_free_attr.attr,
	&bridge_pending_attr.attr,
	&bridge_lent_attr.attr,
	&bridge_leases_attr.attr,
	&bridge_revoke_attr.attr,
	&bridge_rebalance_attr.attr,
	&bridge_nr_functions_attr.attr,
	&bridge_vectors_attr.attr,
	&bridge_vectors_msi_attr.attr,
	&bridge_vectors_msix_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(bridge);

/* Functions */

static struct msi_lease_fn *to_fn(struct kobject *kobj)
{
	return container_of(kobj, struct msi_lease_fn, kobj);
}

static ssize_t vectors_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct msi_lease_fn *fn = to_fn(kobj);

	msi_lease_fn_refresh(fn);
	return sysfs_emit(buf, "%u\n", msi_lease_client_held(&fn->client, NULL));
}

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct msi_lease_fn *fn = to_fn(kobj);
	enum msi_lease_mode mode;

	msi_lease_fn_refresh(fn);
	msi_lease_client_held(&fn->client, &mode);
	return sysfs_emit(buf, "%s\n", msi_lease_mode_name(mode));
}

static ssize_t msix_table_size_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	int n = pci_msix_vec_count(to_fn(kobj)->pdev);

	return sysfs_emit(buf, "%d\n", n > 0 ? n : 0);
}

static ssize_t msi_vectors_max_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	int n = pci_msi_vec_count(to_fn(kobj)->pdev);

	return sysfs_emit(buf, "%d\n", n > 0 ? n : 0);
}

static ssize_t driver_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct device *dev = &to_fn(kobj)->pdev->dev;
	ssize_t len;

	device_lock(dev);
	len = sysfs_emit(buf, "%s\n", dev->driver ? dev->driver->name : "");
	device_unlock(dev);
	return len;
}

static ssize_t irqs_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return msi_lease_fn_show_irqs(to_fn(kobj), buf);
}

static ssize_t lent_borrowed_show(struct kobject *kobj, char *buf, bool lent)
{
	struct msi_lease_client_state st;

	msi_lease_client_state(&to_fn(kobj)->client, &st);
	return sysfs_emit(buf, "%u\n", lent ? st.lent : st.borrowed);
}

static ssize_t fn_lent_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return lent_borrowed_show(kobj, buf, true);
}

static ssize_t borrowed_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return lent_borrowed_show(kobj, buf, false);
}

static ssize_t kept_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct msi_lease_client_state st;

	msi_lease_client_state(&to_fn(kobj)->client, &st);
	return sysfs_emit(buf, "%u\n", st.kept);
}

static ssize_t leasing_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct msi_lease_client_state st;

	msi_lease_client_state(&to_fn(kobj)->client, &st);
	return sysfs_emit(buf, "%d\n", st.leasing);
}

static ssize_t max_vectors_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct msi_lease_client_state st;

	msi_lease_client_state(&to_fn(kobj)->client, &st);
	return emit_count(buf, st.cap);
}

static ssize_t max_vectors_store(struct kobject *kobj,
				 struct kobj_attribute *attr, const char *buf,
				 size_t count)
{
	unsigned int cap;
	int ret;

	if (sysfs_streq(buf, "unlimited")) {
		cap = MSI_LEASE_UNLIMITED;
	} else {
		ret = kstrtouint(buf, 0, &cap);
		if (ret)
			return ret;
		if (cap > MSI_LEASE_MAX_BUDGET)
			return -ERANGE;
	}
	msi_lease_client_set_cap(&to_fn(kobj)->client, cap);
	return count;
}

static ssize_t demand_unmet_show(struct kobject *kobj, char *buf, bool unmet)
{
	struct msi_lease_fn *fn = to_fn(kobj);
	struct msi_lease_client_state st;

	msi_lease_fn_refresh(fn);
	msi_lease_client_state(&fn->client, &st);
	return sysfs_emit(buf, "%u\n", unmet ? st.unmet : st.demand);
}

static ssize_t demand_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return demand_unmet_show(kobj, buf, false);
}

static ssize_t unmet_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return demand_unmet_show(kobj, buf, true);
}

static ssize_t interrupts_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return msi_lease_activity_show(to_fn(kobj)->activity, buf);
}

static ssize_t idle_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  msi_lease_activity_idle(to_fn(kobj)->activity, NULL));
}

static ssize_t suggest_show(struct kobject *kobj,
			    struct kobj_attribute *attr, char *buf)
{
	struct msi_lease_suggestion s;
	int ret;

	ret = msi_lease_pci_suggest(to_fn(kobj)->pdev, &s);
	if (ret)
		return ret;
	return sysfs_emit(buf, "%u %llu\n", s.count,
			  div_u64(s.duration_ns, NSEC_PER_MSEC));
}

/* Every method, the allowed one in brackets. */
static ssize_t method_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	enum msi_lease_method cur = msi_lease_fn_method(to_fn(kobj));
	ssize_t len = 0;
	int i;

	for (i = 0; i < MSI_LEASE_NR_METHODS; i++)
		len += sysfs_emit_at(buf, len, i == cur ? "%s[%s]" : "%s%s",
				     i ? " " : "", msi_lease_method_names[i]);
	return len + sysfs_emit_at(buf, len, "\n");
}

static ssize_t method_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	int i = __sysfs_match_string(msi_lease_method_names,
				     MSI_LEASE_NR_METHODS, buf);
	int ret;

	if (i < 0)
		return -EINVAL;
	ret = msi_lease_fn_set_method(to_fn(kobj), i);
	return ret ? ret : count;
}

static ssize_t resize_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	unsigned int n;
	int ret;

	ret = kstrtouint(buf, 0, &n);
	if (ret)
		return ret;
	if (n > MSI_LEASE_MAX_BUDGET)
		return -ERANGE;
	ret = msi_lease_fn_resize(to_fn(kobj), n);
	return ret ? ret : count;
}

/* Function lending terms */

/* Largest floor or most lendable a write may set. */
#define MSI_LEASE_MAX_TERM	BIT(16)

/*
 * A whole word only: kstrtobool() looks at the first characters, so it
 * would read "floor=1" or "no thanks" as an answer.
 */
static int terms_cooperative_parse(const char *val, union knob_values *v)
{
	static const char * const words[] = {
		"0", "n", "no", "off", "false", "1", "y", "yes", "on", "true",
	};
	struct msi_lease_client_attrs *attrs = &v->attrs;
	int i = __sysfs_match_string(words, ARRAY_SIZE(words), val);

	if (i < 0)
		return -EINVAL;
	attrs->cooperative = i >= ARRAY_SIZE(words) / 2;
	return 0;
}

static ssize_t terms_cooperative_show(char *buf, ssize_t at,
				      const union knob_values *v, bool alone)
{
	const struct msi_lease_client_attrs *attrs = &v->attrs;

	return sysfs_emit_at(buf, at, "%d", attrs->cooperative);
}

static int terms_priority_parse(const char *val, union knob_values *v)
{
	struct msi_lease_client_attrs *attrs = &v->attrs;

	return kstrtoint(val, 0, &attrs->priority);
}

static ssize_t terms_priority_show(char *buf, ssize_t at, const union knob_values *v,
				   bool alone)
{
	const struct msi_lease_client_attrs *attrs = &v->attrs;

	return sysfs_emit_at(buf, at, "%d", attrs->priority);
}

static int parse_term(const char *val, unsigned int *term)
{
	unsigned int n;
	int ret;

	ret = kstrtouint(val, 0, &n);
	if (ret)
		return ret;
	if (n > MSI_LEASE_MAX_TERM)
		return -ERANGE;
	*term = n;
	return 0;
}

static int terms_floor_parse(const char *val, union knob_values *v)
{
	struct msi_lease_client_attrs *attrs = &v->attrs;

	return parse_term(val, &attrs->floor);
}

static ssize_t terms_floor_show(char *buf, ssize_t at, const union knob_values *v,
				bool alone)
{
	const struct msi_lease_client_attrs *attrs = &v->attrs;

	return sysfs_emit_at(buf, at, "%u", attrs->floor);
}

static int terms_max_lend_parse(const char *val, union knob_values *v)
{
	struct msi_lease_client_attrs *attrs = &v->attrs;

	return parse_term(val, &attrs->max_lend);
}

static ssize_t terms_max_lend_show(char *buf, ssize_t at, const union knob_values *v,
				   bool alone)
{
	const struct msi_lease_client_attrs *attrs = &v->attrs;

	return sysfs_emit_at(buf, at, "%u", attrs->max_lend);
}

static void terms_get(struct kobject *kobj, union knob_values *v)
{
	struct msi_lease_client_state st;

	msi_lease_client_state(&to_fn(kobj)->client, &st);
	v->attrs = st.attrs;
}

static int terms_set_values(struct kobject *kobj, const union knob_values *v)
{
	return msi_lease_client_set_attrs(&to_fn(kobj)->client, &v->attrs);
}

static const struct knob_set terms_set;

/* In the order "terms" shows them. */
static struct knob terms_knobs[] = {
	KNOB(terms, cooperative),
	KNOB(terms, priority),
	KNOB(terms, floor),
	KNOB(terms, max_lend),
};

static const struct knob_set terms_set = {
	.knobs = terms_knobs,
	.nr = ARRAY_SIZE(terms_knobs),
	.get = terms_get,
	.set = terms_set_values,
};

static struct knob_line terms_line = KNOB_LINE(terms, terms);

static struct kobj_attribute fn_lent_attr = __ATTR(lent, 0444, fn_lent_show,
						   NULL);
static struct kobj_attribute fn_borrowed_attr = __ATTR_RO(borrowed);
static struct kobj_attribute fn_leasing_attr = __ATTR_RO(leasing);
static struct kobj_attribute fn_kept_attr = __ATTR_RO(kept);
static struct kobj_attribute fn_max_vectors_attr = __ATTR_RW(max_vectors);
static struct kobj_attribute fn_demand_attr = __ATTR_RO(demand);
static struct kobj_attribute fn_unmet_attr = __ATTR_RO(unmet);
static struct kobj_attribute fn_interrupts_attr = __ATTR_RO(interrupts);
static struct kobj_attribute fn_idle_attr = __ATTR_RO(idle);
static struct kobj_attribute fn_method_attr = __ATTR_RW(method);
static struct kobj_attribute fn_resize_attr = __ATTR_WO(resize);
static struct kobj_attribute fn_suggest_attr = __ATTR_RO(suggest);

static struct kobj_attribute fn_vectors_attr = __ATTR_RO(vectors);
static struct kobj_attribute fn_mode_attr = __ATTR_RO(mode);
static struct kobj_attribute fn_msix_table_size_attr =
	__ATTR_RO(msix_table_size);
static struct kobj_attribute fn_msi_vectors_max_attr =
	__ATTR_RO(msi_vectors_max);
static struct kobj_attribute fn_driver_attr = __ATTR_RO(driver);
static struct kobj_attribute fn_irqs_attr = __ATTR_RO(irqs);

static struct attribute *fn_attrs[] = {
	&fn_vectors_attr.attr,
	&fn_mode_attr.attr,
	&fn_msix_table_size_attr.attr,
	&fn_msi_vectors_max_attr.attr,
	&fn_driver_attr.attr,
	&fn_irqs_attr.attr,
	&terms_knobs[0].attr.attr,
	&terms_knobs[1].attr.attr,
	&terms_knobs[2].attr.attr,
	&terms_knobs[3].attr.attr,
	&terms_line.attr.attr,
	&fn_lent_attr.attr,
	&fn_borrowed_attr.attr,
	&fn_leasing_attr.attr,
	&fn_kept_attr.attr,
	&fn_max_vectors_attr.attr,
	&fn_demand_attr.attr,
	&fn_unmet_attr.attr,
	&fn_interrupts_attr.attr,
	&fn_idle_attr.attr,
	&fn_method_attr.attr,
	&fn_resize_attr.attr,
	&fn_suggest_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(fn);

/* The module */

/* Longest idle window a write may set: a day. */
#define MSI_LEASE_MAX_IDLE_WINDOW_MS	(24U * 3600 * 1000)

static ssize_t idle_window_ms_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", msi_lease_pci_idle_window());
}

static ssize_t idle_window_ms_store(struct kobject *kobj,
				    struct kobj_attribute *attr,
				    const char *buf, size_t count)
{
	unsigned int ms;
	int ret;

	ret = kstrtouint(buf, 0, &ms);
	if (ret)
		return ret;
	if (ms > MSI_LEASE_MAX_IDLE_WINDOW_MS)
		return -ERANGE;
	msi_lease_pci_set_idle_window(ms);
	return count;
}

static struct kobj_attribute idle_window_ms_attr = __ATTR_RW(idle_window_ms);

/**
 * msi_lease_sysfs_init() - create /sys/kernel/msi_lease/bridges/
 * @view: filled in with where and how bridges and functions are shown
 *
 * Return: 0 or -ENOMEM.
 */
int msi_lease_sysfs_init(struct msi_lease_view *view)
{
	msi_lease_kobj = kobject_create_and_add("msi_lease", kernel_kobj);
	if (!msi_lease_kobj)
		return -ENOMEM;
	if (sysfs_create_file(msi_lease_kobj, &idle_window_ms_attr.attr)) {
		kobject_put(msi_lease_kobj);
		return -ENOMEM;
	}
	msi_lease_bridges = kset_create_and_add("bridges", NULL,
						msi_lease_kobj);
	if (!msi_lease_bridges) {
		kobject_put(msi_lease_kobj);
		return -ENOMEM;
	}
	view->bridges = msi_lease_bridges;
	view->bridge_groups = bridge_groups;
	view->fn_groups = fn_groups;
	return 0;
}

/**
 * msi_lease_sysfs_exit() - remove /sys/kernel/msi_lease/
 */
void msi_lease_sysfs_exit(void)
{
	kset_unregister(msi_lease_bridges);
	kobject_put(msi_lease_kobj);
}
