// SPDX-License-Identifier: GPL-2.0
/*
 * msi_lease interrupt activity: how often each vector of a PCI function
 * interrupts, and which vectors do not interrupt at all.
 *
 * The counts are the kernel's own (the per-IRQ totals /proc/interrupts
 * shows), read without touching the device or its driver.  A sample
 * takes every allocated vector's total; what a vector gained since the
 * previous sample of the same vector is its activity over the window
 * between the two.  A vector with no interrupt over a whole window is
 * idle.  A vector allocated since the previous sample (a new entry, or
 * the same entry with another IRQ after a re-allocation) is not judged
 * until the next one.  Who samples, and how often, is the caller's
 * business (pci.c, every idle_window_ms).
 */
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "activity.h"

/* One table entry as last sampled. */
struct vec_sample {
	unsigned int irq;	/* 0: no vector allocated */
	unsigned int total;	/* interrupts since the IRQ was set up */
	unsigned int recent;	/* interrupts over the last window */
	bool judged;		/* @recent covers a whole window */
};

/**
 * struct msi_lease_activity - a function's vectors as last sampled
 * @lock: serialises samples against readers
 * @nr: entries in @vecs (the table's size at the last sample)
 * @vecs: one per table entry (MSI-X) or message (MSI)
 */
struct msi_lease_activity {
	struct mutex lock;	/* see kernel-doc above */
	unsigned int nr;
	struct vec_sample *vecs;
};

/**
 * msi_lease_activity_alloc() - activity of a function nothing sampled yet
 *
 * Return: the new object, or NULL without memory.
 */
struct msi_lease_activity *msi_lease_activity_alloc(void)
{
	struct msi_lease_activity *act = kzalloc(sizeof(*act), GFP_KERNEL);

	if (act)
		mutex_init(&act->lock);
	return act;
}

/**
 * msi_lease_activity_free() - free what msi_lease_activity_alloc() gave
 * @act: the object, or NULL
 */
void msi_lease_activity_free(struct msi_lease_activity *act)
{
	if (!act)
		return;
	mutex_destroy(&act->lock);
	kfree(act->vecs);
	kfree(act);
}

/*
 * Interrupts an IRQ has handled, as /proc/interrupts sums them.  MSI
 * vectors are never per-CPU IRQs, so the descriptor's running total is
 * the sum.  Descriptors are freed after an RCU grace period, so a vector
 * freed meanwhile reads as 0 or its last total, never freed memory.
 */
static unsigned int irq_total(unsigned int irq)
{
	struct irq_data *data;
	unsigned int n;

	rcu_read_lock();
	data = irq_get_irq_data(irq);
	/* Bumped locklessly by the interrupt; a torn read is one sample. */
	n = data ? data_race(irq_data_to_desc(data)->tot_count) : 0;
	rcu_read_unlock();
	return n;
}

static unsigned int table_size(struct pci_dev *pdev)
{
	int n = 0;

	if (pdev->msix_enabled)
		n = pci_msix_vec_count(pdev);
	else if (pdev->msi_enabled)
		n = pci_msi_vec_count(pdev);
	return n > 0 ? n : 0;
}

/**
 * msi_lease_activity_sample() - take every vector's interrupt count
 * @act: the function's activity
 * @pdev: the function
 *
 * Context: process context; the caller keeps @pdev's driver from
 * unbinding (holds its device lock), as for every MSI descriptor read.
 */
void msi_lease_activity_sample(struct msi_lease_activity *act,
			       struct pci_dev *pdev)
{
	unsigned int i, nr = table_size(pdev), total;
	struct vec_sample *v;
	int irq;

	might_sleep();
	mutex_lock(&act->lock);
	if (nr != act->nr) {
		/* MSI enabled or disabled, or another table: start over. */
		kfree(act->vecs);
		act->vecs = nr ? kcalloc(nr, sizeof(*act->vecs), GFP_KERNEL) :
				 NULL;
		act->nr = act->vecs ? nr : 0;
	}
	for (i = 0; i < act->nr; i++) {
		v = &act->vecs[i];
		irq = pci_irq_vector(pdev, i);
		if (irq <= 0) {
			memset(v, 0, sizeof(*v));
			continue;
		}
		total = irq_total(irq);
		if (v->irq == irq) {
			v->recent = total - v->total;
			v->judged = true;
		} else {
			memset(v, 0, sizeof(*v));
			v->irq = irq;
		}
		v->total = total;
	}
	mutex_unlock(&act->lock);
}

/**
 * msi_lease_activity_idle() - vectors with no interrupt over a window
 * @act: the function's activity
 * @judged: if not NULL, set to the vectors sampled twice (judged)
 *
 * Return: how many vectors had no interrupt between the last two
 * samples; vectors not sampled twice yet are not counted.
 */
unsigned int msi_lease_activity_idle(struct msi_lease_activity *act,
				     unsigned int *judged)
{
	unsigned int i, n = 0, j = 0;

	mutex_lock(&act->lock);
	for (i = 0; i < act->nr; i++) {
		if (!act->vecs[i].irq || !act->vecs[i].judged)
			continue;
		j++;
		if (!act->vecs[i].recent)
			n++;
	}
	mutex_unlock(&act->lock);
	if (judged)
		*judged = j;
	return n;
}

/**
 * msi_lease_activity_show() - every sampled vector, one per line
 * @act: the function's activity
 * @buf: sysfs buffer
 *
 * Each line: table entry, Linux IRQ, interrupts over the last window
 * ("-" if not sampled twice yet), interrupts in all at the last sample;
 * as many vectors as fit in the page.
 *
 * Return: bytes written.
 */
ssize_t msi_lease_activity_show(struct msi_lease_activity *act, char *buf)
{
	const struct vec_sample *v;
	ssize_t len = 0;
	unsigned int i;

	mutex_lock(&act->lock);
	for (i = 0; i < act->nr; i++) {
		v = &act->vecs[i];
		if (!v->irq)
			continue;
		/* A line is at most 4 numbers of 10 digits. */
		if (len > PAGE_SIZE - 48)
			break;
		if (v->judged)
			len += sysfs_emit_at(buf, len, "%u %u %u %u\n", i,
					     v->irq, v->recent, v->total);
		else
			len += sysfs_emit_at(buf, len, "%u %u - %u\n", i,
					     v->irq, v->total);
	}
	mutex_unlock(&act->lock);
	return len;
}
