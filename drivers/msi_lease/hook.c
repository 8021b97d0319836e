// SPDX-License-Identifier: GPL-2.0
/*
 * msi_lease allocation hooks: every MSI/MSI-X allocation and free made
 * through the PCI core's driver API passes through msi_lease, on stock
 * kernels, with no kernel patch.
 *
 * Each hooked function gets an ftrace_ops with IPMODIFY, the mechanism
 * livepatch uses: its handler only redirects the call to a wrapper here
 * and does nothing else (no locks, no sleeping).  The wrapper then runs
 * as an ordinary function in the caller's context: it admits the
 * allocation against the bridge's budget (msi_lease_client_admit()),
 * calls the original function (the call comes from this module, so the
 * handler lets it through), re-counts the function's vectors from the PCI
 * core and settles the books (msi_lease_client_settle()).
 *
 * Admission clamps the most vectors asked for to what the bridge has
 * left.  When even the fewest cannot be had, the MSI attempt fails the
 * way the caller allowed: pci_alloc_irq_vectors() falls back to INTx if
 * its flags permit, the other entry points return -ENOSPC.
 *
 * Unloading: after the ftrace_ops are gone no new call is redirected;
 * synchronize_srcu() waits for the wrappers in flight (an allocation can
 * sleep for long), and synchronize_rcu_tasks() for the few instructions
 * of a wrapper outside its SRCU section.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/srcu.h>

#include "compat.h"
#include "internal.h"
#include "trace.h"

#ifdef MSI_LEASE_HAVE_HOOKS

DEFINE_STATIC_SRCU(msi_lease_hook_srcu);

/* One hooked call in flight. */
struct hook_call {
	struct msi_lease_fn *fn;
	unsigned int before;
	unsigned int reserved;
	int idx;
};

static void call_begin(struct hook_call *c, struct pci_dev *dev)
	__acquires(&msi_lease_hook_srcu)
{
	enum msi_lease_mode mode;

	c->idx = srcu_read_lock(&msi_lease_hook_srcu);
	c->reserved = 0;
	c->fn = msi_lease_fn_get(dev);
	c->before = c->fn ? msi_lease_fn_count(dev, &mode) : 0;
}

/*
 * Admit between @min and @max more vectors.  Returns the new maximum, or
 * -ENOSPC to refuse; an unaccounted function or a request the PCI core
 * will reject anyway goes through unchanged.
 */
static int call_admit(struct hook_call *c, int min, int max)
{
	int n;

	if (!c->fn || min < 1 || max < min)
		return max;
	n = msi_lease_client_admit(&c->fn->client, c->before, min, max,
				   &c->reserved);
	/*
	 * [0057]: short of free vectors, a function the broker can shrink
	 * again borrows from lenders before it is clamped; the admission
	 * reserved what is free, so the borrow goes to the lenders, and
	 * the allocation is admitted again with the lease.
	 */
	if (n != -EINVAL && n < max &&
	    msi_lease_fn_borrow_short(c->fn, max - max(n, 0))) {
		msi_lease_client_unreserve(&c->fn->client, &c->reserved);
		n = msi_lease_client_admit(&c->fn->client, c->before, min,
					   max, &c->reserved);
	}
	trace_msi_lease_admit(pci_domain_nr(c->fn->pdev->bus),
			      pci_dev_id(c->fn->pdev), min, max, n);
	return n == -EINVAL ? max : n;
}

static void call_end(struct hook_call *c)
	__releases(&msi_lease_hook_srcu)
{
	enum msi_lease_mode mode;
	unsigned int after;

	if (c->fn) {
		after = msi_lease_fn_count(c->fn->pdev, &mode);
		msi_lease_client_settle(&c->fn->client, mode, c->before, after,
					c->reserved);
		msi_lease_fn_put(c->fn);
	}
	srcu_read_unlock(&msi_lease_hook_srcu, c->idx);
}

/*
 * The wrappers.  Each calls the original and then does more work, so the
 * call is never a tail call: the original's ftrace handler must see this
 * module as its caller.
 */

static int hook_alloc_irq_vectors_affinity(struct pci_dev *dev,
					   unsigned int min_vecs,
					   unsigned int max_vecs,
					   unsigned int flags,
					   struct irq_affinity *affd)
{
	const unsigned int msi = PCI_IRQ_MSI | PCI_IRQ_MSIX;
	struct hook_call c;
	int n, ret;

	call_begin(&c, dev);
	if (flags & msi && min_vecs <= INT_MAX && max_vecs <= INT_MAX) {
		n = call_admit(&c, min_vecs, max_vecs);
		if (n >= 0) {
			max_vecs = n;
		} else {
			/* Let the PCI core fall back as the caller allowed. */
			flags &= ~msi;
			if (!(flags & ~PCI_IRQ_AFFINITY)) {
				ret = -ENOSPC;
				goto out;
			}
		}
	}
	ret = pci_alloc_irq_vectors_affinity(dev, min_vecs, max_vecs, flags,
					     affd);
out:
	call_end(&c);
	return ret;
}

static int hook_enable_msi(struct pci_dev *dev)
{
	struct hook_call c;
	int ret;

	call_begin(&c, dev);
	ret = call_admit(&c, 1, 1);
	if (ret >= 0)
		ret = pci_enable_msi(dev);
	call_end(&c);
	return ret;
}

static int hook_enable_msix_range(struct pci_dev *dev,
				  struct msix_entry *entries, int minvec,
				  int maxvec)
{
	struct hook_call c;
	int ret;

	call_begin(&c, dev);
	ret = call_admit(&c, minvec, maxvec);
	if (ret >= 0)
		ret = pci_enable_msix_range(dev, entries, minvec, ret);
	call_end(&c);
	return ret;
}

static void hook_free_irq_vectors(struct pci_dev *dev)
{
	struct hook_call c;

	call_begin(&c, dev);
	pci_free_irq_vectors(dev);
	call_end(&c);
}

static void hook_disable_msi(struct pci_dev *dev)
{
	struct hook_call c;

	call_begin(&c, dev);
	pci_disable_msi(dev);
	call_end(&c);
}

static void hook_disable_msix(struct pci_dev *dev)
{
	struct hook_call c;

	call_begin(&c, dev);
	pci_disable_msix(dev);
	call_end(&c);
}

#ifdef MSI_LEASE_HAVE_MSIX_DYN
static struct msi_map hook_msix_alloc_irq_at(struct pci_dev *dev,
					     unsigned int index,
					     const struct irq_affinity_desc *affdesc)
{
	struct msi_map map = { .index = -ENOSPC };
	struct hook_call c;

	call_begin(&c, dev);
	if (call_admit(&c, 1, 1) >= 0)
		map = pci_msix_alloc_irq_at(dev, index, affdesc);
	call_end(&c);
	return map;
}

static void hook_msix_free_irq(struct pci_dev *dev, struct msi_map map)
{
	struct hook_call c;

	call_begin(&c, dev);
	pci_msix_free_irq(dev, map);
	call_end(&c);
}
#endif

struct hook {
	const char *name;
	void *func;
	void *wrapper;
	bool registered;
	struct ftrace_ops ops;
};

#define HOOK(_func, _wrapper) \
	{ .name = #_func, .func = _func, .wrapper = _wrapper }

static struct hook msi_lease_hooks[] = {
	HOOK(pci_alloc_irq_vectors_affinity, hook_alloc_irq_vectors_affinity),
	HOOK(pci_enable_msi, hook_enable_msi),
	HOOK(pci_enable_msix_range, hook_enable_msix_range),
	HOOK(pci_free_irq_vectors, hook_free_irq_vectors),
	HOOK(pci_disable_msi, hook_disable_msi),
	HOOK(pci_disable_msix, hook_disable_msix),
#ifdef MSI_LEASE_HAVE_MSIX_DYN
	HOOK(pci_msix_alloc_irq_at, hook_msix_alloc_irq_at),
	HOOK(pci_msix_free_irq, hook_msix_free_irq),
#endif
};

/*
 * The ftrace handler: runs at the entry of a hooked function with
 * preemption disabled.  Calls made by the wrappers themselves (this
 * module) go on to the original; every other call goes to the wrapper.
 */
static void notrace hook_redirect(unsigned long ip, unsigned long parent_ip,
				  struct ftrace_ops *ops,
				  struct ftrace_regs *fregs)
{
	struct hook *h = container_of(ops, struct hook, ops);

	if (!within_module(parent_ip, THIS_MODULE))
		msi_lease_ftrace_set_ip(fregs, (unsigned long)h->wrapper);
}

static void hook_unregister(struct hook *h)
{
	if (!h->registered)
		return;
	WARN_ON_ONCE(unregister_ftrace_function(&h->ops));
	ftrace_free_filter(&h->ops);
	h->registered = false;
}

static int hook_register(struct hook *h)
{
	int ret;

	h->ops.func = hook_redirect;
	/*
	 * Permanent: "sysctl kernel.ftrace_enabled=0" would switch
	 * admission off without a word; with this it is refused (EBUSY).
	 */
	h->ops.flags = MSI_LEASE_FTRACE_OPS_FLAGS | FTRACE_OPS_FL_PERMANENT;
	ret = ftrace_set_filter_ip(&h->ops, (unsigned long)h->func, 0, 0);
	if (ret)
		goto fail;
	ret = register_ftrace_function(&h->ops);
	if (ret) {
		ftrace_free_filter(&h->ops);
		goto fail;
	}
	h->registered = true;
	return 0;
fail:
	pr_err("cannot hook %s: %d%s\n", h->name, ret,
	       ret == -EBUSY ? " (another IPMODIFY user, livepatch?)" : "");
	return ret;
}

/**
 * msi_lease_hook_init() - start admitting allocations
 *
 * Return: 0, or the error of the hook that could not be placed (then no
 * hook stays in place).
 */
int msi_lease_hook_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(msi_lease_hooks); i++) {
		ret = hook_register(&msi_lease_hooks[i]);
		if (ret) {
			msi_lease_hook_exit();
			return ret;
		}
	}
	return 0;
}

/**
 * msi_lease_hook_exit() - stop admitting; wait for calls in flight
 */
void msi_lease_hook_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(msi_lease_hooks); i++)
		hook_unregister(&msi_lease_hooks[i]);
	synchronize_srcu(&msi_lease_hook_srcu);
	synchronize_rcu_tasks();
}

#else /* !MSI_LEASE_HAVE_HOOKS */

int msi_lease_hook_init(void)
{
	pr_warn("kernel lacks ftrace with IPMODIFY: accounting only, no admission\n");
	return 0;
}

void msi_lease_hook_exit(void)
{
}

#endif /* MSI_LEASE_HAVE_HOOKS */
