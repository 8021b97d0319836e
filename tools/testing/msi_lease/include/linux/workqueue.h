/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: a deterministic workqueue on the virtual clock.
 *
 * A delayed work is armed with a due time in jiffies of the virtual
 * clock; ml_clock_advance() moves the due ones to one ready queue (in
 * due order, then arming order).  Ready work runs either on worker
 * threads (ml_wq_start_workers(), the stress program) or, with no
 * workers, inline: from ml_wq_run_ready() (the fuzz loop) and from
 * flush_work() on the item it flushes.  As in the kernel, an item never
 * runs on two threads at once, its PENDING bit clears before it runs (it
 * may re-queue itself), flush_work() waits for the instance queued or
 * running when it was called, and cancel_*_sync() waits for a running
 * instance.  Nothing is touched after a work function returns: it may
 * have freed its work item.
 */
#ifndef _ML_SHIM_WORKQUEUE_H
#define _ML_SHIM_WORKQUEUE_H

#include <linux/jiffies.h>
#include <linux/list.h>

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	work_func_t func;
	struct list_head entry;		/* on the ready queue */
	unsigned int flags;		/* ML_WORK_*, under the wq lock */
	u64 seq;			/* instance queued last */
	struct workqueue_struct *wq;
	u32 magic;			/* initialised? */
};

struct delayed_work {
	struct work_struct work;
	struct list_head timer;		/* on the timer list while armed */
	unsigned long due;		/* jiffies */
	u64 armed_seq;
};

struct workqueue_struct {
	char name[32];
	unsigned int flags;
};

#define ML_WORK_PENDING		0x1u
#define ML_WORK_QUEUED		0x2u
#define ML_WORK_ARMED		0x4u
#define ML_WORK_CANCELING	0x8u
#define ML_WORK_MAGIC		0x6d6c776bu

#define WQ_UNBOUND		0x2u
#define WQ_FREEZABLE		0x4u
#define WQ_MEM_RECLAIM		0x8u
#define WQ_HIGHPRI		0x10u

extern struct workqueue_struct *system_wq;

void ml_init_work(struct work_struct *work, work_func_t func);
void ml_init_delayed_work(struct delayed_work *dwork, work_func_t func);

#define INIT_WORK(w, f)			ml_init_work(w, f)
#define INIT_DELAYED_WORK(w, f)		ml_init_delayed_work(w, f)

static inline struct delayed_work *to_delayed_work(struct work_struct *work)
{
	return container_of(work, struct delayed_work, work);
}

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
					 int max_active, ...) __printf(1, 4);
void destroy_workqueue(struct workqueue_struct *wq);

bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
bool queue_delayed_work(struct workqueue_struct *wq,
			struct delayed_work *dwork, unsigned long delay);
bool mod_delayed_work(struct workqueue_struct *wq,
		      struct delayed_work *dwork, unsigned long delay);
bool cancel_work(struct work_struct *work);
bool cancel_delayed_work(struct delayed_work *dwork);
bool cancel_work_sync(struct work_struct *work);
bool cancel_delayed_work_sync(struct delayed_work *dwork);
bool flush_work(struct work_struct *work);
bool flush_delayed_work(struct delayed_work *dwork);
bool work_pending(struct work_struct *work);
bool delayed_work_pending(struct delayed_work *dwork);

#define schedule_work(w)		queue_work(system_wq, w)
#define schedule_delayed_work(w, d)	queue_delayed_work(system_wq, w, d)

/* Harness side (shim.c). */
void ml_clock_set(u64 ns);
void ml_clock_advance(u64 ns);
unsigned int ml_wq_run_ready(unsigned int max);
void ml_wq_start_workers(unsigned int n);
void ml_wq_stop_workers(void);
void ml_wq_wait_idle(void);
unsigned int ml_wq_nr_armed(void);
unsigned int ml_wq_nr_ready(void);
u64 ml_wq_next_due_ns(void);

#endif
