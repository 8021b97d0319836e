// SPDX-License-Identifier: GPL-2.0
/*
 * msi_lease_bench: timings behind "make bench", measured in the guest.
 *
 * Loaded with two unbound MSI-X functions (dev_a, dev_b), it times:
 *   alloc_ns  one pci_alloc_irq_vectors() + pci_free_irq_vectors() cycle
 *             of @vectors vectors on dev_a; loaded once without and once
 *             with msi_lease, the ratio is the cost of the hooks;
 *   live_ns   moving @move vectors from dev_a to dev_b on live devices:
 *             dev_a frees them with pci_msix_free_irq(), dev_b adds them
 *             with pci_msix_alloc_irq_at() (6.2+);
 *   realloc_ns the same move by full re-allocation, the only way on
 *             6.1: both functions free all their vectors and allocate
 *             their new totals.
 * Each is the median of @rounds (moves=N times only alloc_ns).  Results
 * are read-only parameters.
 * The module does not depend on msi_lease: the hooks see it as any
 * driver.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "compat.h"

static char *dev_a, *dev_b;
static unsigned int vectors = 4, move = 2, rounds = 201;
static bool moves = true;
static unsigned long alloc_ns, live_ns, realloc_ns;
module_param(dev_a, charp, 0444);
module_param(dev_b, charp, 0444);
module_param(vectors, uint, 0444);
module_param(move, uint, 0444);
module_param(rounds, uint, 0444);
module_param(moves, bool, 0444);
module_param(alloc_ns, ulong, 0444);
module_param(live_ns, ulong, 0444);
module_param(realloc_ns, ulong, 0444);
MODULE_PARM_DESC(dev_a, "first unbound MSI-X function (domain:bus:dev.fn)");
MODULE_PARM_DESC(dev_b, "second unbound MSI-X function");
MODULE_PARM_DESC(vectors, "vectors each function starts with (4)");
MODULE_PARM_DESC(move, "vectors moved from dev_a to dev_b (2)");
MODULE_PARM_DESC(rounds, "rounds per timing; the median is kept (201)");
MODULE_PARM_DESC(moves, "time the moves too, not only allocate + free (Y)");
MODULE_PARM_DESC(alloc_ns, "result: ns per allocate + free cycle");
MODULE_PARM_DESC(live_ns, "result: ns per live move, 0 where unsupported");
MODULE_PARM_DESC(realloc_ns, "result: ns per move by re-allocation");

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static struct pci_dev *get_dev(const char *name)
{
	unsigned int domain, bus, slot, fn;

	if (!name || sscanf(name, "%x:%x:%x.%x", &domain, &bus, &slot, &fn) != 4)
		return NULL;
	return pci_get_domain_bus_and_slot(domain, bus, PCI_DEVFN(slot, fn));
}

static int set_vectors(struct pci_dev *pdev, unsigned int n)
{
	int ret;

	pci_free_irq_vectors(pdev);
	ret = pci_alloc_irq_vectors(pdev, n, n, PCI_IRQ_MSIX);
	return ret < 0 ? ret : 0;
}

/* One move of @move vectors from @a to @b, by re-allocating both. */
static int move_realloc(struct pci_dev *a, struct pci_dev *b, bool back)
{
	int ret;

	ret = set_vectors(a, back ? vectors : vectors - move);
	if (!ret)
		ret = set_vectors(b, back ? vectors : vectors + move);
	return ret;
}

#ifdef MSI_LEASE_HAVE_MSIX_DYN
/* One move of @move vectors from @a to @b on live devices, and back. */
static int move_live(struct pci_dev *a, struct pci_dev *b,
		     struct msi_map *maps, bool back)
{
	struct pci_dev *from = back ? b : a, *to = back ? a : b;
	unsigned int i;

	for (i = 0; i < move; i++) {
		struct msi_map m = {
			.index = vectors - 1 - i + (back ? move : 0),
			.virq = pci_irq_vector(from, vectors - 1 - i +
					       (back ? move : 0)),
		};

		pci_msix_free_irq(from, m);
	}
	for (i = 0; i < move; i++) {
		maps[i] = pci_msix_alloc_irq_at(to, MSI_ANY_INDEX, NULL);
		if (maps[i].index < 0)
			return maps[i].index;
	}
	return 0;
}
#endif

static int run(struct pci_dev *a, struct pci_dev *b, u64 *t)
{
	unsigned int r;
	ktime_t t0;
	int ret = 0;

	for (r = 0; r < rounds && !ret; r++) {
		t0 = ktime_get();
		ret = pci_alloc_irq_vectors(a, vectors, vectors, PCI_IRQ_MSIX);
		pci_free_irq_vectors(a);
		t[r] = ktime_to_ns(ktime_sub(ktime_get(), t0));
		ret = ret < 0 ? ret : 0;
	}
	if (ret)
		return ret;
	sort(t, rounds, sizeof(*t), cmp_u64, NULL);
	alloc_ns = t[rounds / 2];
	if (!moves)
		return 0;

	ret = set_vectors(a, vectors) ?: set_vectors(b, vectors);
	for (r = 0; r < rounds && !ret; r++) {
		t0 = ktime_get();
		ret = move_realloc(a, b, false);
		t[r] = ktime_to_ns(ktime_sub(ktime_get(), t0));
		ret = ret ?: move_realloc(a, b, true);
	}
	if (ret)
		return ret;
	sort(t, rounds, sizeof(*t), cmp_u64, NULL);
	realloc_ns = t[rounds / 2];

#ifdef MSI_LEASE_HAVE_MSIX_DYN
	{
		struct msi_map maps[8];

		if (move > ARRAY_SIZE(maps))
			return -EINVAL;
		for (r = 0; r < rounds && !ret; r++) {
			t0 = ktime_get();
			ret = move_live(a, b, maps, false);
			t[r] = ktime_to_ns(ktime_sub(ktime_get(), t0));
			ret = ret ?: move_live(a, b, maps, true);
		}
		if (ret)
			return ret;
		sort(t, rounds, sizeof(*t), cmp_u64, NULL);
		live_ns = t[rounds / 2];
	}
#endif
	return 0;
}

static int __init bench_init(void)
{
	struct pci_dev *a = get_dev(dev_a), *b = get_dev(dev_b);
	u64 *t = NULL;
	int ret = -ENODEV;

	if (!a || !b || a == b || a->driver || b->driver || !rounds ||
	    !vectors || (moves && (!move || move >= vectors)))
		goto out;
	ret = pci_enable_device(a) ?: pci_enable_device(b);
	if (ret)
		goto out;
	t = kcalloc(rounds, sizeof(*t), GFP_KERNEL);
	ret = t ? run(a, b, t) : -ENOMEM;
	pci_free_irq_vectors(a);
	pci_free_irq_vectors(b);
	pci_disable_device(a);
	pci_disable_device(b);
	kfree(t);
	pr_info("alloc %lu ns, move %u live %lu ns, by re-allocation %lu ns: %d\n",
		alloc_ns, move, live_ns, realloc_ns, ret);
out:
	pci_dev_put(a);
	pci_dev_put(b);
	return ret;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);

MODULE_DESCRIPTION("msi_lease benchmarks: hook overhead, live vs re-allocating moves");
MODULE_AUTHOR("The msi-lease developers");
MODULE_LICENSE("GPL");
