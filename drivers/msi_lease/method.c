// SPDX-License-Identifier: GPL-2.0
/*
 * msi_lease re-allocation methods: how a driver that knows nothing about
 * msi_lease is made to free its vectors and allocate them again, so that
 * a cap set on its function (max_vectors) takes effect while it runs.
 *
 * Each method goes through the driver's own path, the one it already
 * uses when the kernel or an administrator asks, and each is only as
 * good as the driver: the caller counts the vectors afterwards and calls
 * a method that did not bring them under the cap a failure.
 *
 *   reset     pci_reset_function(): the PCI core calls the driver's
 *             reset_prepare() and reset_done() around the reset; nvme
 *             tears its queues down and sets them up again, vectors
 *             included.  Only for drivers that have both handlers: the
 *             others would be reset under their feet.
 *   channels  the netdev's ethtool set_channels(), as ethtool -L does,
 *             with the checks the ethtool core makes that a module can
 *             make (bounds, a configured RSS table, AF_XDP queues); igb
 *             re-allocates its MSI-X vectors for the new count.  Combined
 *             channels only.  virtio-net changes its queue pairs and
 *             frees nothing: its caller sees no vector go and undoes it.
 *   rebind    device_reprobe(): the driver is unbound and the function
 *             probed again; it works for any driver, and the device is
 *             gone from the system meanwhile.
 *
 * Nothing here calls the rest of msi_lease.
 */
#include <linux/device.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/rtnetlink.h>
#include <net/xdp_sock_drv.h>

#include "compat.h"
#include "method.h"

const char * const msi_lease_method_names[MSI_LEASE_NR_METHODS] = {
	[MSI_LEASE_METHOD_NONE] = "none",
	[MSI_LEASE_METHOD_RESET] = "reset",
	[MSI_LEASE_METHOD_CHANNELS] = "channels",
	[MSI_LEASE_METHOD_REBIND] = "rebind",
};

/* Whether @dev is @pdev or sits below it (virtio, auxiliary devices). */
static bool below(struct device *dev, struct pci_dev *pdev)
{
	for (; dev; dev = dev->parent)
		if (dev == &pdev->dev)
			return true;
	return false;
}

/* The one netdev @pdev's driver registered; NULL if none or several. */
static struct net_device *fn_netdev(struct pci_dev *pdev)
{
	struct net_device *ndev, *found = NULL;

	ASSERT_RTNL();
	for_each_netdev(&init_net, ndev) {
		if (!below(ndev->dev.parent, pdev))
			continue;
		if (found)
			return NULL;
		found = ndev;
	}
	return found;
}

/* @pinned: the caller keeps the driver bound; the device lock is not taken. */
static int reset_usable(struct pci_dev *pdev, bool pinned)
{
	const struct pci_error_handlers *eh = NULL;
	int ret = -EOPNOTSUPP;

	if (!pinned)
		device_lock(&pdev->dev);
	if (pdev->dev.driver)
		eh = to_pci_driver(pdev->dev.driver)->err_handler;
	if (!pdev->dev.driver)
		ret = -ENODEV;
	else if (eh && eh->reset_prepare && eh->reset_done &&
		 pdev->reset_methods[0])
		ret = 0;
	if (!pinned)
		device_unlock(&pdev->dev);
	return ret;
}

/* Called with the RTNL lock and the netdev's ops lock held. */
static int channels_get(struct net_device *ndev, struct ethtool_channels *ch)
{
	const struct ethtool_ops *ops = ndev->ethtool_ops;

	ASSERT_RTNL();
	if (!ops || !ops->get_channels || !ops->set_channels)
		return -EOPNOTSUPP;
	memset(ch, 0, sizeof(*ch));
	ch->cmd = ETHTOOL_GCHANNELS;
	ops->get_channels(ndev, ch);
	if (!ch->combined_count || ch->rx_count || ch->tx_count)
		return -EOPNOTSUPP;
	return 0;
}

/*
 * Set @combined channels, after the ethtool core's own checks that a
 * module can make; called with the RTNL lock and the ops lock held.
 */
static int channels_set(struct net_device *ndev, unsigned int combined)
{
	struct ethtool_channels cur, ch;
	unsigned int i;
	int ret;

	ret = channels_get(ndev, &cur);
	if (ret)
		return ret;
	if (combined == cur.combined_count)
		return 0;
	if (!combined || combined > cur.max_combined)
		return -ERANGE;
	if (combined < cur.combined_count) {
		/* An RSS table set by hand may point at queues going away. */
		if (netif_is_rxfh_configured(ndev))
			return -EBUSY;
		for (i = combined; i < cur.combined_count; i++)
			if (xsk_get_pool_from_qid(ndev, i))
				return -EBUSY;
	}
	ch = cur;
	ch.cmd = ETHTOOL_SCHANNELS;
	ch.combined_count = combined;
	ret = ndev->ethtool_ops->set_channels(ndev, &ch);
	if (!ret)
		msi_lease_ethtool_notify(ndev, ETHTOOL_MSG_CHANNELS_NTF);
	return ret;
}

/*
 * Run @op on @pdev's one netdev under the RTNL lock and its ops lock;
 * -EOPNOTSUPP if it has none (or several).
 */
static int on_netdev(struct pci_dev *pdev,
		     int (*op)(struct net_device *ndev, void *arg), void *arg)
{
	struct net_device *ndev;
	int ret = -EOPNOTSUPP;

	rtnl_lock();
	ndev = fn_netdev(pdev);
	if (ndev) {
		msi_lease_netdev_lock_ops(ndev);
		ret = op(ndev, arg);
		msi_lease_netdev_unlock_ops(ndev);
	}
	rtnl_unlock();
	return ret;
}

static int op_get(struct net_device *ndev, void *arg)
{
	return channels_get(ndev, arg);
}

static int op_set(struct net_device *ndev, void *arg)
{
	return channels_set(ndev, *(unsigned int *)arg);
}

static int channels_usable(struct pci_dev *pdev)
{
	struct ethtool_channels ch;

	return on_netdev(pdev, op_get, &ch);
}

/* The combined channels of @pdev's netdev now; 0 if it has none. */
static unsigned int channels_now(struct pci_dev *pdev, unsigned int *max)
{
	struct ethtool_channels ch;

	if (on_netdev(pdev, op_get, &ch))
		return 0;
	*max = ch.max_combined;
	return ch.combined_count;
}

static int channels_to(struct pci_dev *pdev, unsigned int combined)
{
	return on_netdev(pdev, op_set, &combined);
}

/*
 * Channels for @target vectors.  How many vectors a channel takes is the
 * driver's business (igb: one per channel with queue pairs, one per
 * queue without, plus one for link and other causes), so it is measured:
 * one channel less (or more) first, counted, and from the two points the
 * count that fits.  A driver whose vectors do not follow its channels
 * (virtio-net) is found at the first step.
 */
static int channels_run(struct pci_dev *pdev, unsigned int now,
			unsigned int target, struct msi_lease_method_undo *undo,
			unsigned int (*count)(void *arg), void *arg)
{
	unsigned int c0, c1, max = 0, v1, per, fixed, want;
	int ret;

	c0 = channels_now(pdev, &max);
	if (!c0)
		return -EOPNOTSUPP;
	undo->combined = c0;
	if (target == now)
		return 0;
	c1 = target < now ? c0 - 1 : c0 + 1;
	if (!c1 || c1 > max)
		return target < now ? -EOPNOTSUPP : 0;
	ret = channels_to(pdev, c1);
	if (ret)
		return ret;
	v1 = count(arg);
	if (v1 == now)
		return -EOPNOTSUPP;
	per = v1 < now ? now - v1 : v1 - now;
	fixed = now > per * c0 ? now - per * c0 : 0;
	want = target > fixed ? (target - fixed) / per : 1;
	want = clamp(want, 1U, max);
	return want == c1 ? 0 : channels_to(pdev, want);
}

/**
 * msi_lease_method_usable() - whether a method can drive @pdev's driver
 * @pdev: the function
 * @m: the method
 *
 * Context: process context; takes the device lock, or the RTNL lock.
 * Return: 0 if it can; -EPERM for %MSI_LEASE_METHOD_NONE; -ENODEV if no
 * driver is bound; -EOPNOTSUPP if the driver lacks what the method
 * needs (reset handlers, a netdev with combined channels).
 */
int msi_lease_method_usable(struct pci_dev *pdev, enum msi_lease_method m)
{
	might_sleep();
	switch (m) {
	case MSI_LEASE_METHOD_RESET:
		return reset_usable(pdev, false);
	case MSI_LEASE_METHOD_CHANNELS:
		return channels_usable(pdev);
	case MSI_LEASE_METHOD_REBIND:
		return READ_ONCE(pdev->dev.driver) ? 0 : -ENODEV;
	default:
		return -EPERM;
	}
}

/**
 * msi_lease_method_lends() - whether the broker may lend through a method
 * @pdev: the function; the caller keeps its driver bound
 * @m: the method
 *
 * A reset or a channel change re-allocates the driver where it runs;
 * a rebind runs the next driver's probe, which may join the broker
 * (and wait for the negotiation that drives it), so it never lends.
 * The device lock is not taken: the broker asks under its pool's
 * mutexes, which a driver's unbind waits for with that lock held.
 *
 * Context: process context; the channels method takes the RTNL lock.
 * Return: 0 if it may; -EPERM for none or rebind; -ENODEV or
 * -EOPNOTSUPP as msi_lease_method_usable().
 */
int msi_lease_method_lends(struct pci_dev *pdev, enum msi_lease_method m)
{
	might_sleep();
	switch (m) {
	case MSI_LEASE_METHOD_RESET:
		return reset_usable(pdev, true);
	case MSI_LEASE_METHOD_CHANNELS:
		return channels_usable(pdev);
	default:
		return -EPERM;
	}
}

/**
 * msi_lease_method_run() - make @pdev's driver allocate its vectors again
 * @pdev: the function, its cap already set
 * @m: the method
 * @now: vectors it has allocated now
 * @target: vectors it should end up with
 * @undo: filled in with what the run changed besides vectors
 * @count: counts the vectors @pdev has allocated now (a method that
 *	measures its steps calls it)
 * @arg: for @count
 *
 * Context: process context, no msi_lease lock held: the driver
 * allocates through the admission hooks meanwhile, and a rebind goes
 * through the bus notifier.
 * @how: whether the run may wait for the device lock, must only try it,
 *	or runs with it held
 *
 * Return: 0 or the method's error (-EAGAIN: the device lock was taken,
 * with %MSI_LEASE_RUN_TRY; -EOPNOTSUPP: a rebind not allowed to wait);
 * whether the vectors really moved is for the caller to count.
 */
int msi_lease_method_run(struct pci_dev *pdev, enum msi_lease_method m,
			 unsigned int now, unsigned int target,
			 struct msi_lease_method_undo *undo,
			 unsigned int (*count)(void *arg), void *arg,
			 enum msi_lease_run how)
{
	might_sleep();
	memset(undo, 0, sizeof(*undo));
	switch (m) {
	case MSI_LEASE_METHOD_RESET:
		if (how == MSI_LEASE_RUN_LOCKED)
			return pci_reset_function_locked(pdev);
		return how == MSI_LEASE_RUN_TRY ? pci_try_reset_function(pdev) :
						  pci_reset_function(pdev);
	case MSI_LEASE_METHOD_CHANNELS:
		return channels_run(pdev, now, target, undo, count, arg);
	case MSI_LEASE_METHOD_REBIND:
		return how == MSI_LEASE_RUN_WAIT ?
		       device_reprobe(&pdev->dev) : -EOPNOTSUPP;
	default:
		return -EPERM;
	}
}

/**
 * msi_lease_method_undo() - undo what a run changed besides the vectors
 * @pdev: the function
 * @m: the method that ran
 * @undo: what msi_lease_method_run() filled in
 *
 * Only the channels method changes something else (the channel count);
 * it is set back, and the driver re-allocates for it as it did before.
 *
 * Context: process context; takes the RTNL lock.
 * Return: 0, or the driver's error setting the channels back.
 */
int msi_lease_method_undo(struct pci_dev *pdev, enum msi_lease_method m,
			  const struct msi_lease_method_undo *undo)
{
	int ret;

	might_sleep();
	if (m != MSI_LEASE_METHOD_CHANNELS || !undo->combined)
		return 0;
	ret = channels_to(pdev, undo->combined);
	if (ret)
		pci_warn(pdev, "msi_lease: could not restore %u channels\n",
			 undo->combined);
	return ret;
}

/**
 * msi_lease_method_unit() - vectors a method frees or takes at a time
 * @pdev: the function; the caller keeps its driver bound
 * @m: the method
 * @now: vectors the function has allocated now
 *
 * A reset lets the driver re-allocate any count; a channel takes what
 * the driver gives it, estimated as the vectors per channel now (igb
 * without queue pairs: two, with one left over for the link).
 *
 * Context: process context; the channels method takes the RTNL lock.
 * Return: the unit, at least 1; 0 if the function has no channels.
 */
unsigned int msi_lease_method_unit(struct pci_dev *pdev,
				   enum msi_lease_method m, unsigned int now)
{
	unsigned int c, max = 0;

	might_sleep();
	if (m != MSI_LEASE_METHOD_CHANNELS)
		return 1;
	c = channels_now(pdev, &max);
	return c ? max(now / c, 1U) : 0;
}
