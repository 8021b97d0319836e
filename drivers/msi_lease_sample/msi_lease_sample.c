// SPDX-License-Identifier: GPL-2.0
/*
 * msi_lease_sample: a cooperative driver for QEMU's ivshmem-doorbell
 * device, showing every part of the msi_lease driver API on a device
 * that really interrupts.
 *
 * The device has an MSI-X table of "vectors" entries (a QEMU property)
 * and a Doorbell register: writing "peer << 16 | vector" makes the
 * device of that peer raise MSI-X on that vector.  The driver rings its
 * own device, so a test can make it interrupt on any vector it chose.
 *
 * What the driver does:
 *   - allocates own_vectors (module parameter, or the "own" file) at
 *     probe and joins its bridge's pool with msi_lease_pci_join();
 *   - lends: answers offers by its "offer" setting (what is asked, a
 *     fixed counter-offer, or nothing), frees lent vectors in release()
 *     and allocates them again in reclaim();
 *   - borrows on demand ("borrow" file), binds every borrowed vector
 *     (pci_msix_alloc_irq_at() from 6.2, a full reallocation on 6.1)
 *     and requests an interrupt handler on it; unbinds in lease_end();
 *   - counts interrupts per vector ("vectors" file).
 *
 * Bound (through driver_override) to any other MSI-X device, such as an
 * SR-IOV virtual function, it does all of the above except ringing.
 *
 * Files under /sys/bus/pci/devices/<dev>/msi_lease_sample/:
 *   vectors  ro  one line per bound vector: index irq interrupts lease
 *                (lease 0: the driver's own vector)
 *   own      rw  own vectors; writing resizes, admitted by msi_lease
 *   offer    rw  "ask" (offer what is asked), "none", or up to four
 *                tiers "count:ms ..." (a counter-offer)
 *   borrow   wo  "count ms [partial]"; the grant is logged and listed
 *   leases   ro  leases borrowed: id lender count
 *   return   wo  a lease id to give back early
 *   renew    wo  "id ms": ask the lender for ms more on a borrowed lease
 *   recall   wo  "id ms": recall a lent lease, its borrower keeps it ms
 *   ring     wo  a vector index, or "all": the device interrupts on it
 *
 * Locking: sdev->lock protects the vector table and is taken by every
 * callback; it is never held across a call into msi_lease that waits for
 * a callback (borrow, return, renew, recall, leave).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/error-injection.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include <linux/msi_lease.h>

/*
 * A driver of its own, this sample tests for dynamic MSI-X (6.2 and
 * later: pci_msix_alloc_irq_at(), pci_msix_free_irq()) as any driver
 * would, by the kernel's own MSI_ANY_INDEX, not through msi_lease's
 * private compat.h.
 */
#ifdef MSI_ANY_INDEX
#define SAMPLE_MSIX_DYN
#endif

#define IVSHMEM_VENDOR		0x1af4
#define IVSHMEM_DEVICE		0x1110
#define IVSHMEM_IVPOSITION	0x08
#define IVSHMEM_DOORBELL	0x0c

static unsigned int own_vectors = 2;
module_param(own_vectors, uint, 0444);
MODULE_PARM_DESC(own_vectors, "MSI-X vectors each device allocates at probe (default 2)");

static bool leave_in_remove = true;
module_param(leave_in_remove, bool, 0644);
MODULE_PARM_DESC(leave_in_remove, "Call msi_lease_pci_leave() in remove() (default); N leaves it to msi_lease, which ends a driver's leases when it starts to unbind");

struct sample_vec {
	int irq;		/* 0: slot unused */
	u64 lease;		/* 0: own vector */
	atomic64_t count;
#ifdef SAMPLE_MSIX_DYN
	struct msi_map map;
#endif
};

struct sample_dev {
	struct pci_dev *pdev;
	void __iomem *regs;
	int peer;
	struct msi_lease_client *client;
	struct mutex lock;	/* protects everything below */
	unsigned int table;
	struct sample_vec *vecs;
	struct msi_lease_tier tiers[MSI_LEASE_MAX_TIERS];
	unsigned int nr_tiers;	/* 0 with !decline: offer what is asked */
	bool decline;
};

static irqreturn_t sample_irq(int irq, void *data)
{
	struct sample_vec *v = data;

	atomic64_inc(&v->count);
	return IRQ_HANDLED;
}

static unsigned int count_vecs(struct sample_dev *sdev, u64 lease)
{
	unsigned int i, n = 0;

	for (i = 0; i < sdev->table; i++)
		if (sdev->vecs[i].irq && sdev->vecs[i].lease == lease)
			n++;
	return n;
}

static int vec_request(struct sample_dev *sdev, struct sample_vec *v)
{
	int ret;

	atomic64_set(&v->count, 0);
	ret = request_irq(v->irq, sample_irq, 0, "msi_lease_sample", v);
	if (ret)
		v->irq = 0;
	return ret;
}

#ifdef SAMPLE_MSIX_DYN
/* 6.2+: add one vector to the live device, tagged with @lease. */
static int vec_add(struct sample_dev *sdev, u64 lease)
{
	struct msi_map map;
	struct sample_vec *v;

	map = pci_msix_alloc_irq_at(sdev->pdev, MSI_ANY_INDEX, NULL);
	if (map.index < 0)
		return map.index;
	if (WARN_ON_ONCE(map.index >= sdev->table)) {
		pci_msix_free_irq(sdev->pdev, map);
		return -ENOSPC;
	}
	v = &sdev->vecs[map.index];
	v->map = map;
	v->irq = map.virq;
	v->lease = lease;
	if (vec_request(sdev, v)) {
		pci_msix_free_irq(sdev->pdev, map);
		return -EIO;
	}
	return 0;
}

static void vec_del(struct sample_dev *sdev, struct sample_vec *v)
{
	free_irq(v->irq, v);
	pci_msix_free_irq(sdev->pdev, v->map);
	v->irq = 0;
}

/*
 * Add or remove vectors of @lease until there are @want of them.  Open to
 * fail_function, as a driver that cannot bind or unbind vectors.
 */
static noinline __noclone int
sample_vecs_resize(struct sample_dev *sdev, u64 lease, unsigned int want)
{
	unsigned int have = count_vecs(sdev, lease);
	int i, ret;

	lockdep_assert_held(&sdev->lock);

	for (; have < want; have++) {
		ret = vec_add(sdev, lease);
		if (ret)
			return ret;
	}
	for (i = sdev->table - 1; i >= 0 && have > want; i--) {
		struct sample_vec *v = &sdev->vecs[i];

		if (v->irq && v->lease == lease) {
			vec_del(sdev, v);
			have--;
		}
	}
	return 0;
}
#else
/*
 * 6.1 has no dynamic MSI-X: to change the number of vectors the driver
 * frees them all and allocates the new total, then requests every
 * handler again (the documented reconfigure path).  msi_lease is told,
 * so that freeing everything on the way does not give the function's
 * own vectors back to the pool.  Interrupt counts restart.
 */
static noinline __noclone int
sample_vecs_resize(struct sample_dev *sdev, u64 lease, unsigned int want)
{
	unsigned int have = count_vecs(sdev, lease), keep, total = 0, i;
	u64 *tags;
	int n, ret = 0;

	lockdep_assert_held(&sdev->lock);

	if (have == want)
		return 0;
	tags = kcalloc(sdev->table, sizeof(*tags), GFP_KERNEL);
	if (!tags)
		return -ENOMEM;
	/* The new layout: every other vector kept, @lease's resized. */
	keep = min(have, want);
	for (i = 0; i < sdev->table; i++) {
		struct sample_vec *v = &sdev->vecs[i];

		if (!v->irq)
			continue;
		if (v->lease != lease)
			tags[total++] = v->lease;
		else if (keep)
			tags[total++] = lease, keep--;
		free_irq(v->irq, v);
		v->irq = 0;
	}
	for (; have < want && total < sdev->table; have++)
		tags[total++] = lease;

	if (sdev->client)
		msi_lease_pci_reconfigure(sdev->client, true);
	pci_free_irq_vectors(sdev->pdev);
	n = total ? pci_alloc_irq_vectors(sdev->pdev, total, total,
					  PCI_IRQ_MSIX) : 0;
	if (sdev->client)
		msi_lease_pci_reconfigure(sdev->client, false);
	if (n < 0) {
		ret = n;
		total = 0;
	}
	for (i = 0; i < total; i++) {
		struct sample_vec *v = &sdev->vecs[i];

		v->irq = pci_irq_vector(sdev->pdev, i);
		v->lease = tags[i];
		if (v->irq > 0 && !vec_request(sdev, v))
			continue;
		ret = -EIO;
	}
	kfree(tags);
	return ret;
}
#endif

ALLOW_ERROR_INJECTION(sample_vecs_resize, ERRNO);

static ssize_t vectors_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct sample_dev *sdev = dev_get_drvdata(dev);
	ssize_t len = 0;
	unsigned int i;

	mutex_lock(&sdev->lock);
	for (i = 0; i < sdev->table; i++) {
		struct sample_vec *v = &sdev->vecs[i];

		if (v->irq)
			len += sysfs_emit_at(buf, len, "%u %d %lld %llu\n", i,
					     v->irq,
					     (long long)atomic64_read(&v->count),
					     v->lease);
	}
	mutex_unlock(&sdev->lock);
	return len;
}
static DEVICE_ATTR_RO(vectors);

static ssize_t own_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct sample_dev *sdev = dev_get_drvdata(dev);
	unsigned int n;

	mutex_lock(&sdev->lock);
	n = count_vecs(sdev, 0);
	mutex_unlock(&sdev->lock);
	return sysfs_emit(buf, "%u\n", n);
}

static ssize_t own_store(struct device *dev, struct device_attribute *attr,
			 const char *buf, size_t count)
{
	struct sample_dev *sdev = dev_get_drvdata(dev);
	unsigned int n;
	int ret;

	ret = kstrtouint(buf, 0, &n);
	if (ret)
		return ret;
	mutex_lock(&sdev->lock);
	if (n > sdev->table)
		ret = -ERANGE;
	else
		ret = sample_vecs_resize(sdev, 0, n);
	mutex_unlock(&sdev->lock);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(own);

static ssize_t offer_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct sample_dev *sdev = dev_get_drvdata(dev);
	ssize_t len = 0;
	unsigned int t;

	mutex_lock(&sdev->lock);
	if (sdev->decline)
		len = sysfs_emit(buf, "none");
	else if (!sdev->nr_tiers)
		len = sysfs_emit(buf, "ask");
	for (t = 0; t < sdev->nr_tiers; t++)
		len += sysfs_emit_at(buf, len, "%s%u:%llu", t ? " " : "",
				     sdev->tiers[t].count,
				     sdev->tiers[t].duration_ns / NSEC_PER_MSEC);
	mutex_unlock(&sdev->lock);
	return len + sysfs_emit_at(buf, len, "\n");
}

static ssize_t offer_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	struct sample_dev *sdev = dev_get_drvdata(dev);
	struct msi_lease_tier tiers[MSI_LEASE_MAX_TIERS];
	unsigned int n = 0, c;
	const char *p = buf;
	bool decline = false;
	u64 ms;
	int used;

	if (sysfs_streq(buf, "none")) {
		decline = true;
	} else if (!sysfs_streq(buf, "ask")) {
		while (sscanf(p, " %u:%llu%n", &c, &ms, &used) == 2) {
			if (n == MSI_LEASE_MAX_TIERS || !c || !ms ||
			    ms > U64_MAX / NSEC_PER_MSEC)
				return -EINVAL;
			tiers[n].count = c;
			tiers[n++].duration_ns = ms * NSEC_PER_MSEC;
			p += used;
		}
		if (!n || *skip_spaces(p))
			return -EINVAL;
	}
	mutex_lock(&sdev->lock);
	sdev->decline = decline;
	sdev->nr_tiers = n;
	memcpy(sdev->tiers, tiers, n * sizeof(*tiers));
	mutex_unlock(&sdev->lock);
	return count;
}
static DEVICE_ATTR_RW(offer);

static ssize_t borrow_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct sample_dev *sdev = dev_get_drvdata(dev);
	struct msi_lease_request req = { };
	struct msi_lease_grant grant;
	char partial[16] = "";
	unsigned int i, n;
	int ret;
	u64 ms;

	if (sscanf(buf, "%u %llu %15s", &n, &ms, partial) < 2 || !n || !ms ||
	    ms > U64_MAX / NSEC_PER_MSEC ||
	    (*partial && strcmp(partial, "partial")))
		return -EINVAL;
	req.count = n;
	req.duration_ns = ms * NSEC_PER_MSEC;
	req.accept_partial = *partial;

	/* Lenders' callbacks run meanwhile: sdev->lock is not held. */
	ret = msi_lease_borrow(sdev->client, &req, &grant);
	if (ret == -ENOSPC && grant.available)
		dev_info(dev, "denied: %u vectors were to be had, for %llu ms\n",
			 grant.available,
			 div_u64(grant.available_ns, NSEC_PER_MSEC));
	if (ret)
		return ret;

	mutex_lock(&sdev->lock);
	for (i = 0; i < grant.nr_pieces; i++) {
		struct msi_lease_piece *piece = &grant.pieces[i];

		dev_info(dev, "lease %llu: %u vectors from %s\n", piece->id,
			 piece->count, piece->lender ? "a lender" : "the free pool");
		/* A lease that already ended has nothing left to bind. */
		if (!msi_lease_active(sdev->client, piece->id))
			continue;
		ret = sample_vecs_resize(sdev, piece->id, piece->count);
		if (!ret) {
			piece->count = 0;	/* bound: keep it */
			continue;
		}
		dev_warn(dev, "lease %llu: cannot bind: %d; giving it back\n",
			 piece->id, ret);
		sample_vecs_resize(sdev, piece->id, 0);
	}
	mutex_unlock(&sdev->lock);
	/*
	 * What could not be bound is of no use here but lent by someone:
	 * give it back now rather than at expiry (lease_end takes the lock).
	 */
	for (i = 0; i < grant.nr_pieces; i++)
		if (grant.pieces[i].count)
			msi_lease_return(sdev->client, grant.pieces[i].id);
	msi_lease_grant_free(&grant);
	return count;
}
static DEVICE_ATTR_WO(borrow);

static ssize_t leases_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct sample_dev *sdev = dev_get_drvdata(dev);
	unsigned int i, j, n;
	ssize_t len = 0;
	u64 id;

	mutex_lock(&sdev->lock);
	for (i = 0; i < sdev->table; i++) {
		id = sdev->vecs[i].lease;
		if (!sdev->vecs[i].irq || !id)
			continue;
		for (j = 0; j < i; j++)
			if (sdev->vecs[j].irq && sdev->vecs[j].lease == id)
				break;
		if (j < i)
			continue;
		n = count_vecs(sdev, id);
		len += sysfs_emit_at(buf, len, "%llu %u\n", id, n);
	}
	mutex_unlock(&sdev->lock);
	return len;
}
static DEVICE_ATTR_RO(leases);

static ssize_t return_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct sample_dev *sdev = dev_get_drvdata(dev);
	u64 id;
	int ret;

	ret = kstrtou64(buf, 0, &id);
	if (!ret)
		ret = msi_lease_return(sdev->client, id);
	return ret ? ret : count;
}

/* "return" is a C keyword: DEVICE_ATTR_WO() cannot name it. */
static struct device_attribute dev_attr_return =
	__ATTR(return, 0200, NULL, return_store);

/* Parse "ID MS" into a lease id and nanoseconds. */
static int parse_id_ms(const char *buf, u64 *id, u64 *ns)
{
	u64 ms;

	if (sscanf(buf, "%llu %llu", id, &ms) != 2 ||
	    ms > U64_MAX / NSEC_PER_MSEC)
		return -EINVAL;
	*ns = ms * NSEC_PER_MSEC;
	return 0;
}

/* "ID MS": ask the lender of borrowed lease ID for MS more. */
static ssize_t renew_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	struct sample_dev *sdev = dev_get_drvdata(dev);
	u64 id, ns;
	int ret;

	ret = parse_id_ms(buf, &id, &ns);
	if (!ret)
		ret = msi_lease_renew(sdev->client, id, ns);
	return ret ? ret : count;
}
static DEVICE_ATTR_WO(renew);

/* "ID MS": recall lent lease ID, leaving its borrower MS. */
static ssize_t recall_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct sample_dev *sdev = dev_get_drvdata(dev);
	u64 id, ns;
	int ret;

	ret = parse_id_ms(buf, &id, &ns);
	if (!ret)
		ret = msi_lease_recall(sdev->client, id, ns);
	return ret ? ret : count;
}
static DEVICE_ATTR_WO(recall);

static ssize_t ring_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	struct sample_dev *sdev = dev_get_drvdata(dev);
	unsigned int first, last, v;
	int ret;

	if (sdev->peer < 0)
		return -ENODEV;	/* no ivshmem server: no doorbell */
	if (sysfs_streq(buf, "all")) {
		first = 0;
		last = sdev->table - 1;
	} else {
		ret = kstrtouint(buf, 0, &first);
		if (ret)
			return ret;
		if (first >= sdev->table)
			return -ERANGE;
		last = first;
	}
	for (v = first; v <= last; v++)
		writel((sdev->peer << 16) | v, sdev->regs + IVSHMEM_DOORBELL);
	return count;
}
static DEVICE_ATTR_WO(ring);

static struct attribute *sample_attrs[] = {
	&dev_attr_vectors.attr,
	&dev_attr_own.attr,
	&dev_attr_offer.attr,
	&dev_attr_borrow.attr,
	&dev_attr_leases.attr,
	&dev_attr_return.attr,
	&dev_attr_renew.attr,
	&dev_attr_recall.attr,
	&dev_attr_ring.attr,
	NULL,
};

static const struct attribute_group sample_group = {
	.name = "msi_lease_sample",
	.attrs = sample_attrs,
};

static const struct attribute_group *sample_groups[] = {
	&sample_group,
	NULL,
};

/* The broker's callbacks */

static struct sample_dev *to_sdev(struct msi_lease_client *client)
{
	return msi_lease_client_priv(client);
}

static int sample_offer(struct msi_lease_client *lender,
			const struct msi_lease_ask *ask,
			struct msi_lease_offer *offer)
{
	struct sample_dev *sdev = to_sdev(lender);

	mutex_lock(&sdev->lock);
	if (sdev->nr_tiers) {
		offer->nr_tiers = sdev->nr_tiers;
		memcpy(offer->tiers, sdev->tiers, sizeof(sdev->tiers));
	} else if (!sdev->decline) {
		/* The broker clamps this to the terms the admin set. */
		offer->nr_tiers = 1;
		offer->tiers[0].count = ask->count;
		offer->tiers[0].duration_ns = ask->duration_ns;
	}
	offer->load = 0;
	mutex_unlock(&sdev->lock);
	return 0;
}

static int sample_lend_resize(struct msi_lease_client *lender, int delta)
{
	struct sample_dev *sdev = to_sdev(lender);
	int ret;

	mutex_lock(&sdev->lock);
	ret = sample_vecs_resize(sdev, 0, count_vecs(sdev, 0) + delta);
	mutex_unlock(&sdev->lock);
	return ret;
}

static int sample_release(struct msi_lease_client *lender, unsigned int count)
{
	struct sample_dev *sdev = to_sdev(lender);
	unsigned int own;
	int ret;

	/* Never "release" by growing: refuse what it does not have. */
	mutex_lock(&sdev->lock);
	own = count_vecs(sdev, 0);
	ret = count > own ? -EBUSY : sample_vecs_resize(sdev, 0, own - count);
	mutex_unlock(&sdev->lock);
	return ret;
}

static void sample_reclaim(struct msi_lease_client *lender, unsigned int count)
{
	int ret = sample_lend_resize(lender, count);

	if (ret)
		dev_warn(&to_sdev(lender)->pdev->dev,
			 "cannot take back %u vectors: %d\n", count, ret);
}

static void sample_lease_end(struct msi_lease_client *borrower,
			     const struct msi_lease_piece *piece)
{
	struct sample_dev *sdev = to_sdev(borrower);
	unsigned int i;

	mutex_lock(&sdev->lock);
	if (sample_vecs_resize(sdev, piece->id, 0)) {
		/*
		 * Vectors it cannot unbind stay allocated, and msi_lease
		 * charges them to this function as its own: count them so.
		 */
		for (i = 0; i < sdev->table; i++)
			if (sdev->vecs[i].irq && sdev->vecs[i].lease == piece->id)
				sdev->vecs[i].lease = 0;
		dev_warn(&sdev->pdev->dev, "lease %llu: cannot unbind all; kept\n",
			 piece->id);
	}
	mutex_unlock(&sdev->lock);
	dev_info(&sdev->pdev->dev, "lease %llu ended\n", piece->id);
}

static bool sample_renew(struct msi_lease_client *lender,
			 const struct msi_lease_piece *piece, u64 extra_ns)
{
	return true;
}

static void sample_recalled(struct msi_lease_client *borrower,
			    const struct msi_lease_piece *piece, u64 grace_ns)
{
	dev_info(&to_sdev(borrower)->pdev->dev,
		 "lease %llu recalled, %llu ms left\n", piece->id,
		 grace_ns / NSEC_PER_MSEC);
}

static const struct msi_lease_client_ops sample_ops = {
	.offer = sample_offer,
	.release = sample_release,
	.reclaim = sample_reclaim,
	.lease_end = sample_lease_end,
	.renew = sample_renew,
	.recalled = sample_recalled,
};

static int sample_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct msi_lease_client_attrs attrs = {
		.cooperative = true,
		.floor = 1,
		.max_lend = UINT_MAX >> 1,
	};
	struct sample_dev *sdev;
	int ret, n;

	sdev = devm_kzalloc(&pdev->dev, sizeof(*sdev), GFP_KERNEL);
	if (!sdev)
		return -ENOMEM;
	sdev->pdev = pdev;
	mutex_init(&sdev->lock);
	pci_set_drvdata(pdev, sdev);

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	/* MSI-X messages are memory writes by the device: it must master. */
	pci_set_master(pdev);
	/*
	 * Bound through driver_override to another MSI-X device (an SR-IOV
	 * virtual function, say), the driver leases but has no doorbell.
	 */
	sdev->peer = -1;
	if (pdev->vendor == IVSHMEM_VENDOR && pdev->device == IVSHMEM_DEVICE) {
		sdev->regs = pcim_iomap(pdev, 0, 0);
		if (!sdev->regs)
			return -ENOMEM;
		sdev->peer = readl(sdev->regs + IVSHMEM_IVPOSITION);
	}
	n = pci_msix_vec_count(pdev);
	if (n <= 0)
		return -ENODEV;
	sdev->table = n;
	sdev->vecs = devm_kcalloc(&pdev->dev, n, sizeof(*sdev->vecs),
				  GFP_KERNEL);
	if (!sdev->vecs)
		return -ENOMEM;

	/* Own vectors; msi_lease admits them against the bridge's budget. */
	n = pci_alloc_irq_vectors(pdev, 1, clamp(own_vectors, 1U, sdev->table),
				  PCI_IRQ_MSIX);
	if (n < 0)
		return n;
	mutex_lock(&sdev->lock);
	for (ret = 0; ret < n; ret++) {
		sdev->vecs[ret].irq = pci_irq_vector(pdev, ret);
#ifdef SAMPLE_MSIX_DYN
		sdev->vecs[ret].map = (struct msi_map){
			.index = ret, .virq = sdev->vecs[ret].irq,
		};
#endif
		if (vec_request(sdev, &sdev->vecs[ret]))
			break;
	}
	mutex_unlock(&sdev->lock);
	if (ret < n) {
		ret = -EIO;
		goto free;
	}

	sdev->client = msi_lease_pci_join(pdev, &sample_ops, &attrs, sdev);
	if (IS_ERR(sdev->client)) {
		ret = PTR_ERR(sdev->client);
		sdev->client = NULL;
		goto free;
	}
	dev_info(&pdev->dev, "peer %d, %u of %u vectors\n", sdev->peer, n,
		 sdev->table);
	return 0;

free:
	mutex_lock(&sdev->lock);
	sample_vecs_resize(sdev, 0, 0);
	mutex_unlock(&sdev->lock);
	pci_free_irq_vectors(pdev);
	return ret;
}

static void sample_remove(struct pci_dev *pdev)
{
	struct sample_dev *sdev = pci_get_drvdata(pdev);
	unsigned int i;

	/*
	 * Leases end first: borrowed vectors go back, lent ones come home.
	 * msi_lease has done so already as the driver began to unbind; the
	 * explicit call is what a driver that leaves while bound would do.
	 */
	if (leave_in_remove)
		msi_lease_pci_leave(pdev, sdev->client);
	mutex_lock(&sdev->lock);
	for (i = 0; i < sdev->table; i++)
		if (sdev->vecs[i].irq)
			free_irq(sdev->vecs[i].irq, &sdev->vecs[i]);
	mutex_unlock(&sdev->lock);
	pci_free_irq_vectors(pdev);
}

static const struct pci_device_id sample_ids[] = {
	{ PCI_DEVICE(IVSHMEM_VENDOR, IVSHMEM_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, sample_ids);

static struct pci_driver sample_driver = {
	.name = "msi_lease_sample",
	.id_table = sample_ids,
	.probe = sample_probe,
	.remove = sample_remove,
	.dev_groups = sample_groups,
};
module_pci_driver(sample_driver);

MODULE_DESCRIPTION("msi_lease sample cooperative driver for QEMU ivshmem-doorbell");
MODULE_AUTHOR("The msi-lease developers");
MODULE_LICENSE("GPL");
