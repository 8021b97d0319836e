/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msi_lease tracepoints: one event per state transition of a borrow and
 * of a lease.  Watch them with
 *   echo 1 > /sys/kernel/tracing/events/msi_lease/enable
 *   cat /sys/kernel/tracing/trace_pipe
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM msi_lease

#if !defined(_MSI_LEASE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MSI_LEASE_TRACE_H

#include <linux/tracepoint.h>

#include "lease.h"

TRACE_EVENT(msi_lease_borrow,
	TP_PROTO(struct msi_lease_client *borrower,
		 const struct msi_lease_request *req, unsigned int granted,
		 unsigned int asked, int ret),
	TP_ARGS(borrower, req, granted, asked, ret),
	TP_STRUCT__entry(
		__field(u64, borrower)
		__field(unsigned int, count)
		__field(u64, duration_ns)
		__field(unsigned int, granted)
		__field(unsigned int, asked)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->borrower = borrower->seq;
		__entry->count = req->count;
		__entry->duration_ns = req->duration_ns;
		__entry->granted = granted;
		__entry->asked = asked;
		__entry->ret = ret;
	),
	TP_printk("borrower=%llu count=%u duration_ns=%llu granted=%u lenders_asked=%u ret=%d",
		  __entry->borrower, __entry->count, __entry->duration_ns,
		  __entry->granted, __entry->asked, __entry->ret)
);

TRACE_EVENT(msi_lease_offer,
	TP_PROTO(struct msi_lease_client *borrower,
		 struct msi_lease_client *lender,
		 const struct msi_lease_ask *ask,
		 const struct msi_lease_offer *offer),
	TP_ARGS(borrower, lender, ask, offer),
	TP_STRUCT__entry(
		__field(u64, borrower)
		__field(u64, lender)
		__field(unsigned int, asked)
		__field(unsigned int, tiers)
		__field(unsigned int, count0)
		__field(u64, duration0)
	),
	TP_fast_assign(
		__entry->borrower = borrower->seq;
		__entry->lender = lender->seq;
		__entry->asked = ask->count;
		__entry->tiers = offer->nr_tiers;
		__entry->count0 = offer->nr_tiers ? offer->tiers[0].count : 0;
		__entry->duration0 = offer->nr_tiers ?
				     offer->tiers[0].duration_ns : 0;
	),
	TP_printk("borrower=%llu lender=%llu asked=%u tiers=%u first_count=%u first_duration_ns=%llu",
		  __entry->borrower, __entry->lender, __entry->asked,
		  __entry->tiers, __entry->count0, __entry->duration0)
);

TRACE_EVENT(msi_lease_rollback,
	TP_PROTO(struct msi_lease_client *borrower,
		 struct msi_lease_client *lender, int ret),
	TP_ARGS(borrower, lender, ret),
	TP_STRUCT__entry(
		__field(u64, borrower)
		__field(u64, lender)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->borrower = borrower->seq;
		__entry->lender = lender->seq;
		__entry->ret = ret;
	),
	TP_printk("borrower=%llu failed_lender=%llu ret=%d",
		  __entry->borrower, __entry->lender, __entry->ret)
);

/* The function by PCI domain and bus/devfn, as pci_dev_id() gives it. */
TRACE_EVENT(msi_lease_admit,
	TP_PROTO(int domain, u16 devid, int min, int max, int ret),
	TP_ARGS(domain, devid, min, max, ret),
	TP_STRUCT__entry(
		__field(int, domain)
		__field(u16, devid)
		__field(int, min)
		__field(int, max)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->domain = domain;
		__entry->devid = devid;
		__entry->min = min;
		__entry->max = max;
		__entry->ret = ret;
	),
	TP_printk("dev=%04x:%02x:%02x.%d min=%d max=%d admitted=%d",
		  __entry->domain, __entry->devid >> 8,
		  (__entry->devid >> 3) & 0x1f, __entry->devid & 0x7,
		  __entry->min, __entry->max,
		  __entry->ret)
);

/* A stock driver made to re-allocate for a new cap (enum msi_lease_method). */
TRACE_EVENT(msi_lease_resize,
	TP_PROTO(int domain, u16 devid, int method,
		 unsigned int before, unsigned int target, unsigned int after,
		 int ret),
	TP_ARGS(domain, devid, method, before, target, after, ret),
	TP_STRUCT__entry(
		__field(int, domain)
		__field(u16, devid)
		__field(int, method)
		__field(unsigned int, before)
		__field(unsigned int, target)
		__field(unsigned int, after)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->domain = domain;
		__entry->devid = devid;
		__entry->method = method;
		__entry->before = before;
		__entry->target = target;
		__entry->after = after;
		__entry->ret = ret;
	),
	TP_printk("dev=%04x:%02x:%02x.%d method=%s before=%u target=%u after=%u ret=%d",
		  __entry->domain, __entry->devid >> 8,
		  (__entry->devid >> 3) & 0x1f, __entry->devid & 0x7,
		  __print_symbolic(__entry->method, { 0, "none" },
				   { 1, "reset" }, { 2, "channels" },
				   { 3, "rebind" }),
		  __entry->before, __entry->target,
		  __entry->after, __entry->ret)
);

DECLARE_EVENT_CLASS(msi_lease_lease_class,
	TP_PROTO(struct msi_lease_lease *lease),
	TP_ARGS(lease),
	TP_STRUCT__entry(
		__field(u64, id)
		__field(u64, borrower)
		__field(s64, lender)
		__field(unsigned int, count)
		__field(s64, expires_ns)
	),
	TP_fast_assign(
		__entry->id = lease->piece.id;
		__entry->borrower = lease->borrower->seq;
		__entry->lender = lease->piece.lender ?
				  (s64)lease->piece.lender->seq : -1;
		__entry->count = lease->piece.count;
		__entry->expires_ns = ktime_to_ns(lease->piece.expires);
	),
	TP_printk("id=%llu borrower=%llu lender=%lld count=%u expires_ns=%lld",
		  __entry->id, __entry->borrower, __entry->lender,
		  __entry->count, __entry->expires_ns)
);

DEFINE_EVENT(msi_lease_lease_class, msi_lease_grant,
	TP_PROTO(struct msi_lease_lease *lease), TP_ARGS(lease));
DEFINE_EVENT(msi_lease_lease_class, msi_lease_renew,
	TP_PROTO(struct msi_lease_lease *lease), TP_ARGS(lease));
DEFINE_EVENT(msi_lease_lease_class, msi_lease_recall,
	TP_PROTO(struct msi_lease_lease *lease), TP_ARGS(lease));
DEFINE_EVENT(msi_lease_lease_class, msi_lease_revoke,
	TP_PROTO(struct msi_lease_lease *lease), TP_ARGS(lease));
DEFINE_EVENT(msi_lease_lease_class, msi_lease_return,
	TP_PROTO(struct msi_lease_lease *lease), TP_ARGS(lease));
DEFINE_EVENT(msi_lease_lease_class, msi_lease_end,
	TP_PROTO(struct msi_lease_lease *lease), TP_ARGS(lease));

#endif /* _MSI_LEASE_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
