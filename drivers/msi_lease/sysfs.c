// SPDX-License-Identifier: GPL-2.0
/*
 * msi_lease sysfs interface:
 *
 *   /sys/kernel/msi_lease/bridges/<bridge>/        one per PCI host bridge
 *       budget negotiation policy max_lease_ms settings    (root may write)
 *       free lent leases nr_functions vectors vectors_msi vectors_msix
 *       revoke                                             (write only)
 *       device@
 *       functions/<domain:bus:dev.fn>/             one per PCI function
 *           cooperative priority floor max_lend terms      (root may write)
 *           borrowed driver irqs kept leasing lent mode msi_vectors_max
 *           msix_table_size vectors device@
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

static struct kobject *msi_lease_kobj;
/*
 * Serialises every read-modify-write of settings and terms: two admins
 * writing different keys at once must both take effect.
 */
static DEFINE_MUTEX(msi_lease_sysfs_lock);
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

/* Largest budget and longest lease a write may set. */
#define MSI_LEASE_MAX_BUDGET	BIT(24)
#define MSI_LEASE_MAX_LEASE_MS	BIT_ULL(40)

static int parse_budget(const char *val, unsigned int *budget)
{
	int ret;

	if (sysfs_streq(val, "unlimited")) {
		*budget = MSI_LEASE_UNLIMITED;
		return 0;
	}
	ret = kstrtouint(val, 0, budget);
	if (ret)
		return ret;
	return *budget > MSI_LEASE_MAX_BUDGET ? -ERANGE : 0;
}

static int parse_name(const char *val, const char *(*name)(int), int nr)
{
	int i;

	/* 0 is "default", meaningless for a pool's own setting. */
	for (i = 1; i < nr; i++)
		if (sysfs_streq(val, name(i)))
			return i;
	return -EINVAL;
}

static const char *negotiation_name(int i)
{
	return msi_lease_negotiation_name(i);
}

static const char *policy_name(int i)
{
	return msi_lease_policy_name(i);
}

static int parse_lease_ms(const char *val, u64 *ns)
{
	u64 ms;
	int ret;

	ret = kstrtou64(val, 0, &ms);
	if (ret)
		return ret;
	if (ms > MSI_LEASE_MAX_LEASE_MS)
		return -ERANGE;
	*ns = ms * NSEC_PER_MSEC;
	return 0;
}

/* Parse one "key=value" of a bridge's settings into @arg. */
static int conf_parse(void *arg, const char *key, const char *val)
{
	struct msi_lease_pool_conf *conf = arg;
	int n;

	if (!strcmp(key, "budget"))
		return parse_budget(val, &conf->budget);
	if (!strcmp(key, "max_lease_ms"))
		return parse_lease_ms(val, &conf->max_lease_ns);
	if (!strcmp(key, "negotiation")) {
		n = parse_name(val, negotiation_name,
			       MSI_LEASE_NR_NEGOTIATIONS);
		conf->negotiation = n;
	} else if (!strcmp(key, "policy")) {
		n = parse_name(val, policy_name, MSI_LEASE_NR_POLICIES);
		conf->policy = n;
	} else {
		return -EINVAL;
	}
	return n < 0 ? n : 0;
}

/*
 * Parse "key=value key=value ..." with @parse into @arg; -EINVAL for a
 * word without '=' or an empty line.  The caller parses into a copy and
 * stores it only on success, so a bad write changes nothing.
 */
static int parse_pairs(const char *buf, void *arg,
		       int (*parse)(void *arg, const char *key,
				    const char *val))
{
	char *copy, *cur, *word, *val;
	int ret = -EINVAL;

	copy = kstrdup(buf, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	cur = strim(copy);
	while ((word = strsep(&cur, " \t\n")) != NULL) {
		if (!*word)
			continue;
		val = strchr(word, '=');
		if (!val) {
			ret = -EINVAL;
			break;
		}
		*val++ = '\0';
		ret = parse(arg, word, val);
		if (ret)
			break;
	}
	kfree(copy);
	return ret;
}

/*
 * Apply one setting (@key) or a line of them (@key NULL) to a copy of
 * the current settings; store the copy only if everything parsed.
 */
static ssize_t bridge_store_conf(struct kobject *kobj, const char *key,
				 const char *buf, size_t count)
{
	struct msi_lease_bridge *bridge = to_bridge(kobj);
	struct msi_lease_pool_conf conf;
	int ret;

	mutex_lock(&msi_lease_sysfs_lock);
	msi_lease_pool_get_conf(&bridge->pool, &conf);
	ret = key ? conf_parse(&conf, key, buf) :
		    parse_pairs(buf, &conf, conf_parse);
	if (!ret)
		ret = msi_lease_pool_configure(&bridge->pool, &conf);
	mutex_unlock(&msi_lease_sysfs_lock);
	return ret ? ret : count;
}

/* Every choice, the current one in brackets, as the block layer does. */
static ssize_t emit_choices(char *buf, const char *(*name)(int), int nr,
			    int cur)
{
	ssize_t len = 0;
	int i;

	for (i = 1; i < nr; i++)
		len += sysfs_emit_at(buf, len, i == cur ? "%s[%s]" : "%s%s",
				     i > 1 ? " " : "", name(i));
	return len + sysfs_emit_at(buf, len, "\n");
}

/* budget, negotiation, policy and max_lease_ms: one setting each. */
static ssize_t conf_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	const char *name = attr->attr.name;
	struct msi_lease_pool_conf conf;

	msi_lease_pool_get_conf(&to_bridge(kobj)->pool, &conf);
	if (!strcmp(name, "budget"))
		return emit_count(buf, conf.budget);
	if (!strcmp(name, "negotiation"))
		return emit_choices(buf, negotiation_name,
				    MSI_LEASE_NR_NEGOTIATIONS, conf.negotiation);
	if (!strcmp(name, "policy"))
		return emit_choices(buf, policy_name, MSI_LEASE_NR_POLICIES,
				    conf.policy);
	return sysfs_emit(buf, "%llu\n", conf.max_lease_ns / NSEC_PER_MSEC);
}

static ssize_t conf_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	return bridge_store_conf(kobj, attr->attr.name, buf, count);
}

static ssize_t settings_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	struct msi_lease_pool_conf conf;
	ssize_t len;

	msi_lease_pool_get_conf(&to_bridge(kobj)->pool, &conf);
	if (conf.budget == MSI_LEASE_UNLIMITED)
		len = sysfs_emit(buf, "budget=unlimited");
	else
		len = sysfs_emit(buf, "budget=%u", conf.budget);
	return len + sysfs_emit_at(buf, len,
				   " negotiation=%s policy=%s max_lease_ms=%llu\n",
				   negotiation_name(conf.negotiation),
				   policy_name(conf.policy),
				   conf.max_lease_ns / NSEC_PER_MSEC);
}

static ssize_t settings_store(struct kobject *kobj, struct kobj_attribute *attr,
			      const char *buf, size_t count)
{
	return bridge_store_conf(kobj, NULL, buf, count);
}

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

static struct kobj_attribute bridge_budget_attr =
	__ATTR(budget, 0644, conf_show, conf_store);
static struct kobj_attribute bridge_negotiation_attr =
	__ATTR(negotiation, 0644, conf_show, conf_store);
static struct kobj_attribute bridge_policy_attr =
	__ATTR(policy, 0644, conf_show, conf_store);
static struct kobj_attribute bridge_max_lease_ms_attr =
	__ATTR(max_lease_ms, 0644, conf_show, conf_store);
static struct kobj_attribute bridge_settings_attr = __ATTR_RW(settings);
static struct kobj_attribute bridge_lent_attr = __ATTR_RO(lent);
static struct kobj_attribute bridge_leases_attr = __ATTR_RO(leases);
static struct kobj_attribute bridge_revoke_attr = __ATTR_WO(revoke);

static struct attribute *bridge_attrs[] = {
	&bridge_budget_attr.attr,
	&bridge_negotiation_attr.attr,
	&bridge_policy_attr.attr,
	&bridge_max_lease_ms_attr.attr,
	&bridge_settings_attr.attr,
	&bridge_free_attr.attr,
	&bridge_pending_attr.attr,
	&bridge_lent_attr.attr,
	&bridge_leases_attr.attr,
	&bridge_revoke_attr.attr,
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

/* Largest floor or most lendable a write may set. */
#define MSI_LEASE_MAX_TERM	BIT(16)

/*
 * A whole word only: kstrtobool() looks at the first characters, so it
 * would read "floor=1" or "no thanks" as an answer.
 */
static int parse_bool(const char *val, bool *b)
{
	static const char * const words[] = {
		"0", "n", "no", "off", "false", "1", "y", "yes", "on", "true",
	};
	int i = __sysfs_match_string(words, ARRAY_SIZE(words), val);

	if (i < 0)
		return -EINVAL;
	*b = i >= ARRAY_SIZE(words) / 2;
	return 0;
}

/* Parse one "key=value" of a function's lending terms into @arg. */
static int terms_parse(void *arg, const char *key, const char *val)
{
	struct msi_lease_client_attrs *attrs = arg;
	unsigned int n;
	int ret;

	if (!strcmp(key, "cooperative"))
		return parse_bool(val, &attrs->cooperative);
	if (!strcmp(key, "priority"))
		return kstrtoint(val, 0, &attrs->priority);
	if (strcmp(key, "floor") && strcmp(key, "max_lend"))
		return -EINVAL;
	ret = kstrtouint(val, 0, &n);
	if (ret)
		return ret;
	if (n > MSI_LEASE_MAX_TERM)
		return -ERANGE;
	if (!strcmp(key, "floor"))
		attrs->floor = n;
	else
		attrs->max_lend = n;
	return 0;
}

/* As bridge_store_conf(), for a function's lending terms. */
static ssize_t fn_store_terms(struct kobject *kobj, const char *key,
			      const char *buf, size_t count)
{
	struct msi_lease_client *client = &to_fn(kobj)->client;
	struct msi_lease_client_state st;
	int ret;

	mutex_lock(&msi_lease_sysfs_lock);
	msi_lease_client_state(client, &st);
	ret = key ? terms_parse(&st.attrs, key, buf) :
		    parse_pairs(buf, &st.attrs, terms_parse);
	if (!ret)
		ret = msi_lease_client_set_attrs(client, &st.attrs);
	mutex_unlock(&msi_lease_sysfs_lock);
	return ret ? ret : count;
}

/* cooperative, priority, floor and max_lend: one term each, by name. */
static ssize_t term_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct msi_lease_client_state st;
	const char *name = attr->attr.name;

	msi_lease_client_state(&to_fn(kobj)->client, &st);
	if (!strcmp(name, "cooperative"))
		return sysfs_emit(buf, "%d\n", st.attrs.cooperative);
	if (!strcmp(name, "priority"))
		return sysfs_emit(buf, "%d\n", st.attrs.priority);
	return sysfs_emit(buf, "%u\n", !strcmp(name, "floor") ?
			  st.attrs.floor : st.attrs.max_lend);
}

static ssize_t term_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	return fn_store_terms(kobj, attr->attr.name, buf, count);
}

static struct kobj_attribute fn_cooperative_attr =
	__ATTR(cooperative, 0644, term_show, term_store);
static struct kobj_attribute fn_priority_attr =
	__ATTR(priority, 0644, term_show, term_store);
static struct kobj_attribute fn_floor_attr =
	__ATTR(floor, 0644, term_show, term_store);
static struct kobj_attribute fn_max_lend_attr =
	__ATTR(max_lend, 0644, term_show, term_store);

static ssize_t terms_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct msi_lease_client_state st;

	msi_lease_client_state(&to_fn(kobj)->client, &st);
	return sysfs_emit(buf, "cooperative=%d priority=%d floor=%u max_lend=%u\n",
			  st.attrs.cooperative, st.attrs.priority,
			  st.attrs.floor, st.attrs.max_lend);
}

static ssize_t terms_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	return fn_store_terms(kobj, NULL, buf, count);
}

static struct kobj_attribute fn_terms_attr = __ATTR_RW(terms);
static struct kobj_attribute fn_lent_attr = __ATTR(lent, 0444, fn_lent_show,
						   NULL);
static struct kobj_attribute fn_borrowed_attr = __ATTR_RO(borrowed);
static struct kobj_attribute fn_leasing_attr = __ATTR_RO(leasing);
static struct kobj_attribute fn_kept_attr = __ATTR_RO(kept);

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
	&fn_cooperative_attr.attr,
	&fn_priority_attr.attr,
	&fn_floor_attr.attr,
	&fn_max_lend_attr.attr,
	&fn_terms_attr.attr,
	&fn_lent_attr.attr,
	&fn_borrowed_attr.attr,
	&fn_leasing_attr.attr,
	&fn_kept_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(fn);

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
