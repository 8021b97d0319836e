// SPDX-License-Identifier: GPL-2.0
/*
 * msi_lease sysfs interface, read-only for now:
 *
 *   /sys/kernel/msi_lease/bridges/<bridge>/        one per PCI host bridge
 *       budget free nr_functions vectors vectors_msi vectors_msix device@
 *       functions/<domain:bus:dev.fn>/             one per PCI function
 *           driver irqs mode msi_vectors_max msix_table_size vectors device@
 *
 * Every read re-counts from the PCI core first (msi_lease_*_refresh()),
 * so what an admin sees is never stale.  Documented file by file in
 * Documentation/ABI/testing/sysfs-kernel-msi_lease.
 */
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "internal.h"

static struct kobject *msi_lease_kobj;
static struct kobject *msi_lease_bridges_dir;

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

BRIDGE_STAT_ATTR(budget, s.budget);
BRIDGE_STAT_ATTR(free, s.free);
BRIDGE_STAT_ATTR(nr_functions, s.nr_clients);
BRIDGE_STAT_ATTR(vectors, s.held);
BRIDGE_STAT_ATTR(vectors_msi, s.held_by_mode[MSI_LEASE_MODE_MSI]);
BRIDGE_STAT_ATTR(vectors_msix, s.held_by_mode[MSI_LEASE_MODE_MSIX]);

static struct attribute *bridge_attrs[] = {
	&bridge_budget_attr.attr,
	&bridge_free_attr.attr,
	&bridge_nr_functions_attr.attr,
	&bridge_vectors_attr.attr,
	&bridge_vectors_msi_attr.attr,
	&bridge_vectors_msix_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(bridge);

static void bridge_release(struct kobject *kobj)
{
	struct msi_lease_bridge *bridge = to_bridge(kobj);

	if (bridge->host)
		put_device(&bridge->host->dev);
	kfree(bridge);
}

static const struct kobj_type bridge_ktype = {
	.release = bridge_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = bridge_groups,
};

/**
 * msi_lease_sysfs_bridge_alloc() - allocate a bridge with its kobject
 *
 * Return: the bridge, to be freed with kobject_put(), or NULL.
 */
struct msi_lease_bridge *msi_lease_sysfs_bridge_alloc(void)
{
	struct msi_lease_bridge *bridge;

	bridge = kzalloc(sizeof(*bridge), GFP_KERNEL);
	if (bridge)
		kobject_init(&bridge->kobj, &bridge_ktype);
	return bridge;
}

/**
 * msi_lease_sysfs_bridge_add() - show a bridge in sysfs
 * @bridge: bridge from msi_lease_sysfs_bridge_alloc() with @host set
 *
 * Return: 0 or a negative errno; on error the caller puts the kobject.
 */
int msi_lease_sysfs_bridge_add(struct msi_lease_bridge *bridge)
{
	int ret;

	ret = kobject_add(&bridge->kobj, msi_lease_bridges_dir, "%s",
			  dev_name(&bridge->host->dev));
	if (ret)
		return ret;
	bridge->functions_dir = kobject_create_and_add("functions",
						       &bridge->kobj);
	if (!bridge->functions_dir) {
		kobject_del(&bridge->kobj);
		return -ENOMEM;
	}
	ret = sysfs_create_link(&bridge->kobj, &bridge->host->dev.kobj,
				"device");
	if (ret) {
		kobject_put(bridge->functions_dir);
		kobject_del(&bridge->kobj);
	}
	return ret;
}

/**
 * msi_lease_sysfs_bridge_del() - remove a bridge from sysfs
 * @bridge: bridge added with msi_lease_sysfs_bridge_add()
 *
 * Waits for readers; the caller holds no msi_lease lock.
 */
void msi_lease_sysfs_bridge_del(struct msi_lease_bridge *bridge)
{
	sysfs_remove_link(&bridge->kobj, "device");
	kobject_put(bridge->functions_dir);
	kobject_del(&bridge->kobj);
}

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
	NULL,
};
ATTRIBUTE_GROUPS(fn);

static void fn_release(struct kobject *kobj)
{
	struct msi_lease_fn *fn = to_fn(kobj);

	pci_dev_put(fn->pdev);
	kfree(fn);
}

static const struct kobj_type fn_ktype = {
	.release = fn_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = fn_groups,
};

/**
 * msi_lease_sysfs_fn_alloc() - allocate a function with its kobject
 *
 * Return: the function, to be freed with kobject_put(), or NULL.
 */
struct msi_lease_fn *msi_lease_sysfs_fn_alloc(void)
{
	struct msi_lease_fn *fn;

	fn = kzalloc(sizeof(*fn), GFP_KERNEL);
	if (fn)
		kobject_init(&fn->kobj, &fn_ktype);
	return fn;
}

/**
 * msi_lease_sysfs_fn_add() - show a function under its bridge
 * @fn: function from msi_lease_sysfs_fn_alloc() with @bridge and @pdev set
 *
 * Return: 0 or a negative errno; on error the caller puts the kobject.
 */
int msi_lease_sysfs_fn_add(struct msi_lease_fn *fn)
{
	int ret;

	ret = kobject_add(&fn->kobj, fn->bridge->functions_dir, "%s",
			  pci_name(fn->pdev));
	if (ret)
		return ret;
	ret = sysfs_create_link(&fn->kobj, &fn->pdev->dev.kobj, "device");
	if (ret)
		kobject_del(&fn->kobj);
	return ret;
}

/**
 * msi_lease_sysfs_fn_del() - remove a function from sysfs
 * @fn: function added with msi_lease_sysfs_fn_add()
 *
 * Waits for readers; the caller holds no msi_lease lock and no device lock.
 */
void msi_lease_sysfs_fn_del(struct msi_lease_fn *fn)
{
	sysfs_remove_link(&fn->kobj, "device");
	kobject_del(&fn->kobj);
}

/**
 * msi_lease_sysfs_init() - create /sys/kernel/msi_lease/bridges/
 *
 * Return: 0 or -ENOMEM.
 */
int msi_lease_sysfs_init(void)
{
	msi_lease_kobj = kobject_create_and_add("msi_lease", kernel_kobj);
	if (!msi_lease_kobj)
		return -ENOMEM;
	msi_lease_bridges_dir = kobject_create_and_add("bridges",
						       msi_lease_kobj);
	if (!msi_lease_bridges_dir) {
		kobject_put(msi_lease_kobj);
		return -ENOMEM;
	}
	return 0;
}

/**
 * msi_lease_sysfs_exit() - remove /sys/kernel/msi_lease/
 */
void msi_lease_sysfs_exit(void)
{
	kobject_put(msi_lease_bridges_dir);
	kobject_put(msi_lease_kobj);
}
