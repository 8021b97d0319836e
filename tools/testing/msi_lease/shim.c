// SPDX-License-Identifier: GPL-2.0
/*
 * User-space runtime behind the kernel API shims in include/: failure
 * reporting, printk, might_sleep, the virtual clock, the deterministic
 * workqueue, kmalloc with fault injection.
 */
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "shim.h"

/* <linux/sched.h>: current */
__thread char ml_shim_task;

__thread char ml_current;
__thread int ml_spin_depth;

/* Failures */

void (*ml_fail_hook)(void);
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

void ml_fail(const char *fmt, ...)
{
	va_list ap;

	/* One report: another failing thread waits here until the abort. */
	pthread_mutex_lock(&fail_lock);
	fflush(stdout);
	fprintf(stderr, "ML-FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (ml_fail_hook)
		ml_fail_hook();
	fflush(stderr);
	abort();
}

int ml_verbose;
long ml_nr_warnings;

void ml_printk(int level, const char *fmt, ...)
{
	va_list ap;

	if (level <= 4)
		__atomic_add_fetch(&ml_nr_warnings, 1, __ATOMIC_RELAXED);
	if (!ml_verbose)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void ml_might_sleep(const char *file, int line)
{
	if (ml_spin_depth)
		ml_fail("BUG: sleeping function called from invalid context at %s:%d (%d spinlocks held)",
			file, line, ml_spin_depth);
}

/* The virtual clock */

#define ML_CLOCK_BASE	(1000ULL * NSEC_PER_SEC)

static u64 clock_ns = ML_CLOCK_BASE;

u64 ml_clock_ns(void)
{
	return __atomic_load_n(&clock_ns, __ATOMIC_ACQUIRE);
}

/* The workqueue */

/* A running instance, on its runner's stack. */
struct ml_exec {
	struct list_head node;
	struct work_struct *work;	/* compared, never dereferenced */
	u64 seq;
	void *runner;
};

/* A flusher waiting for instance @seq (or a later one) of @work. */
struct ml_barrier {
	struct list_head node;
	struct work_struct *work;
	u64 seq;
	bool done;
};

static pthread_mutex_t wq_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wq_cond = PTHREAD_COND_INITIALIZER;
static LIST_HEAD(wq_ready);
static LIST_HEAD(wq_timers);
static LIST_HEAD(wq_execs);
static LIST_HEAD(wq_barriers);
static u64 wq_seq;
static unsigned int wq_nr_workers;
static bool wq_stop;
static pthread_t wq_workers[ML_MAX_WORKERS];
static struct workqueue_struct wq_system = { .name = "events" };
struct workqueue_struct *system_wq = &wq_system;

static void wq_check(struct work_struct *work)
{
	if (work->magic != ML_WORK_MAGIC)
		ml_fail("work %p used before INIT_WORK()", work);
}

void ml_init_work(struct work_struct *work, work_func_t func)
{
	work->func = func;
	INIT_LIST_HEAD(&work->entry);
	work->flags = 0;
	work->seq = 0;
	work->wq = NULL;
	work->magic = ML_WORK_MAGIC;
}

void ml_init_delayed_work(struct delayed_work *dwork, work_func_t func)
{
	ml_init_work(&dwork->work, func);
	INIT_LIST_HEAD(&dwork->timer);
	dwork->due = 0;
	dwork->armed_seq = 0;
}

static struct ml_exec *wq_exec_of(struct work_struct *work)
{
	struct ml_exec *e;

	list_for_each_entry(e, &wq_execs, node)
		if (e->work == work)
			return e;
	return NULL;
}

static void wq_complete(struct work_struct *work, u64 seq)
{
	struct ml_barrier *b;

	list_for_each_entry(b, &wq_barriers, node)
		if (b->work == work && b->seq <= seq)
			b->done = true;
	pthread_cond_broadcast(&wq_cond);
}

/* Locked: put @work on the ready queue as a new instance. */
static void wq_enqueue(struct workqueue_struct *wq, struct work_struct *work)
{
	work->flags |= ML_WORK_PENDING | ML_WORK_QUEUED;
	work->seq = ++wq_seq;
	work->wq = wq;
	list_add_tail(&work->entry, &wq_ready);
	pthread_cond_broadcast(&wq_cond);
}

static void wq_arm(struct workqueue_struct *wq, struct delayed_work *dwork,
		   unsigned long delay)
{
	struct delayed_work *pos;

	dwork->work.flags |= ML_WORK_PENDING | ML_WORK_ARMED;
	dwork->work.wq = wq;
	dwork->due = jiffies + delay;
	dwork->armed_seq = ++wq_seq;
	/* Sorted by due time, then arming order: runs are reproducible. */
	list_for_each_entry(pos, &wq_timers, timer)
		if (time_after(pos->due, dwork->due))
			break;
	list_add_tail(&dwork->timer, &pos->timer);
}

/* Locked: take @work's pending instance away; true if there was one. */
static bool wq_grab(struct work_struct *work)
{
	if (!(work->flags & ML_WORK_PENDING))
		return false;
	if (work->flags & ML_WORK_ARMED) {
		list_del_init(&to_delayed_work(work)->timer);
	} else if (work->flags & ML_WORK_QUEUED) {
		list_del_init(&work->entry);
		/* A flush of the cancelled instance is over. */
		wq_complete(work, work->seq);
	}
	work->flags &= ~(ML_WORK_PENDING | ML_WORK_ARMED | ML_WORK_QUEUED);
	return true;
}

/* Locked: run @work, already off the ready queue, on this thread. */
static void wq_run(struct work_struct *work)
{
	struct ml_exec e = {
		.work = work, .seq = work->seq, .runner = &ml_current,
	};
	work_func_t func = work->func;

	work->flags &= ~(ML_WORK_PENDING | ML_WORK_QUEUED);
	list_add_tail(&e.node, &wq_execs);
	pthread_mutex_unlock(&wq_lock);
	if (ml_spin_depth)
		ml_fail("work run with a spinlock held");
	func(work);
	if (ml_spin_depth)
		ml_fail("work %p returned with a spinlock held", work);
	pthread_mutex_lock(&wq_lock);
	list_del(&e.node);
	wq_complete(work, e.seq);
}

/* Locked: the first ready item not running elsewhere (non-reentrancy). */
static struct work_struct *wq_next(void)
{
	struct work_struct *work;

	list_for_each_entry(work, &wq_ready, entry)
		if (!wq_exec_of(work))
			return work;
	return NULL;
}

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
					 int max_active, ...)
{
	struct workqueue_struct *wq = kzalloc(sizeof(*wq), GFP_KERNEL);
	va_list ap;

	if (!wq)
		return NULL;
	va_start(ap, max_active);
	vsnprintf(wq->name, sizeof(wq->name), fmt, ap);
	va_end(ap);
	wq->flags = flags;
	return wq;
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	struct delayed_work *dwork;
	struct work_struct *work;

	might_sleep();
	/* Drain: what is queued runs; nothing may still be armed. */
	if (!wq_nr_workers)
		ml_wq_run_ready(UINT_MAX);
	ml_wq_wait_idle();
	pthread_mutex_lock(&wq_lock);
	list_for_each_entry(dwork, &wq_timers, timer)
		if (dwork->work.wq == wq)
			ml_fail("destroy_workqueue(%s) with a delayed work armed",
				wq->name);
	list_for_each_entry(work, &wq_ready, entry)
		if (work->wq == wq)
			ml_fail("destroy_workqueue(%s) with work queued",
				wq->name);
	pthread_mutex_unlock(&wq_lock);
	kfree(wq);
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	bool ret = false;

	wq_check(work);
	pthread_mutex_lock(&wq_lock);
	if (!(work->flags & (ML_WORK_PENDING | ML_WORK_CANCELING))) {
		wq_enqueue(wq, work);
		ret = true;
	}
	pthread_mutex_unlock(&wq_lock);
	return ret;
}

bool queue_delayed_work(struct workqueue_struct *wq,
			struct delayed_work *dwork, unsigned long delay)
{
	bool ret = false;

	wq_check(&dwork->work);
	pthread_mutex_lock(&wq_lock);
	if (!(dwork->work.flags & (ML_WORK_PENDING | ML_WORK_CANCELING))) {
		if (delay)
			wq_arm(wq, dwork, delay);
		else
			wq_enqueue(wq, &dwork->work);
		ret = true;
	}
	pthread_mutex_unlock(&wq_lock);
	return ret;
}

bool mod_delayed_work(struct workqueue_struct *wq,
		      struct delayed_work *dwork, unsigned long delay)
{
	bool ret;

	wq_check(&dwork->work);
	pthread_mutex_lock(&wq_lock);
	ret = wq_grab(&dwork->work);
	if (!(dwork->work.flags & ML_WORK_CANCELING)) {
		if (delay)
			wq_arm(wq, dwork, delay);
		else
			wq_enqueue(wq, &dwork->work);
	}
	pthread_mutex_unlock(&wq_lock);
	return ret;
}

bool cancel_work(struct work_struct *work)
{
	bool ret;

	wq_check(work);
	pthread_mutex_lock(&wq_lock);
	ret = wq_grab(work);
	pthread_mutex_unlock(&wq_lock);
	return ret;
}

bool cancel_delayed_work(struct delayed_work *dwork)
{
	return cancel_work(&dwork->work);
}

/* Locked: wait until @work's instance @seq (or later) is over. */
static void wq_wait(struct work_struct *work, u64 seq)
{
	struct ml_barrier b = { .work = work, .seq = seq };

	list_add_tail(&b.node, &wq_barriers);
	while (!b.done)
		pthread_cond_wait(&wq_cond, &wq_lock);
	list_del(&b.node);
}

/* Locked: flush_work() proper; may drop the lock. */
static bool wq_flush(struct work_struct *work)
{
	struct ml_exec *e = wq_exec_of(work);
	u64 target;

	if (work->flags & ML_WORK_QUEUED)
		target = work->seq;
	else if (e)
		target = e->seq;
	else
		return false;
	if (e && e->runner == &ml_current)
		ml_fail("flush_work(%p) from its own work function: deadlock",
			work);
	if (!wq_nr_workers && (work->flags & ML_WORK_QUEUED) && !e) {
		/* No worker to wait for: the flusher runs it. */
		list_del_init(&work->entry);
		wq_run(work);
		return true;
	}
	wq_wait(work, target);
	return true;
}

bool flush_work(struct work_struct *work)
{
	bool ret;

	might_sleep();
	wq_check(work);
	pthread_mutex_lock(&wq_lock);
	ret = wq_flush(work);
	pthread_mutex_unlock(&wq_lock);
	return ret;
}

bool flush_delayed_work(struct delayed_work *dwork)
{
	bool ret;

	might_sleep();
	wq_check(&dwork->work);
	pthread_mutex_lock(&wq_lock);
	/* As the kernel: an armed timer fires now. */
	if (dwork->work.flags & ML_WORK_ARMED) {
		list_del_init(&dwork->timer);
		dwork->work.flags &= ~ML_WORK_ARMED;
		wq_enqueue(dwork->work.wq, &dwork->work);
	}
	ret = wq_flush(&dwork->work);
	pthread_mutex_unlock(&wq_lock);
	return ret;
}

bool cancel_work_sync(struct work_struct *work)
{
	struct ml_exec *e;
	bool ret;

	might_sleep();
	wq_check(work);
	pthread_mutex_lock(&wq_lock);
	/* No re-queueing (by the running instance) while this waits. */
	work->flags |= ML_WORK_CANCELING;
	ret = wq_grab(work);
	while ((e = wq_exec_of(work))) {
		if (e->runner == &ml_current)
			ml_fail("cancel_work_sync(%p) from its own work function: deadlock",
				work);
		wq_wait(work, e->seq);
	}
	ret |= wq_grab(work);
	work->flags &= ~ML_WORK_CANCELING;
	pthread_mutex_unlock(&wq_lock);
	return ret;
}

bool cancel_delayed_work_sync(struct delayed_work *dwork)
{
	return cancel_work_sync(&dwork->work);
}

bool work_pending(struct work_struct *work)
{
	bool ret;

	pthread_mutex_lock(&wq_lock);
	ret = work->flags & ML_WORK_PENDING;
	pthread_mutex_unlock(&wq_lock);
	return ret;
}

bool delayed_work_pending(struct delayed_work *dwork)
{
	return work_pending(&dwork->work);
}

/* Locked: timers due by now go to the ready queue, in order. */
static void wq_fire(void)
{
	struct delayed_work *dwork, *n;
	unsigned long now = jiffies;

	list_for_each_entry_safe(dwork, n, &wq_timers, timer) {
		if (time_after(dwork->due, now))
			break;
		list_del_init(&dwork->timer);
		dwork->work.flags &= ~ML_WORK_ARMED;
		wq_enqueue(dwork->work.wq, &dwork->work);
	}
}

void ml_clock_set(u64 ns)
{
	pthread_mutex_lock(&wq_lock);
	__atomic_store_n(&clock_ns, ns, __ATOMIC_RELEASE);
	wq_fire();
	pthread_mutex_unlock(&wq_lock);
}

void ml_clock_advance(u64 ns)
{
	pthread_mutex_lock(&wq_lock);
	if (ns > U64_MAX / 4 - clock_ns)
		ns = U64_MAX / 4 - clock_ns;
	__atomic_store_n(&clock_ns, clock_ns + ns, __ATOMIC_RELEASE);
	wq_fire();
	pthread_mutex_unlock(&wq_lock);
}

u64 ml_wq_next_due_ns(void)
{
	u64 due = 0;

	pthread_mutex_lock(&wq_lock);
	if (!list_empty(&wq_timers))
		due = (u64)list_first_entry(&wq_timers, struct delayed_work,
					    timer)->due * TICK_NSEC;
	pthread_mutex_unlock(&wq_lock);
	return due;
}

unsigned int ml_wq_run_ready(unsigned int max)
{
	struct work_struct *work;
	unsigned int n = 0;

	pthread_mutex_lock(&wq_lock);
	while (n < max && (work = wq_next())) {
		list_del_init(&work->entry);
		wq_run(work);
		n++;
	}
	pthread_mutex_unlock(&wq_lock);
	return n;
}

static void *wq_worker(void *arg)
{
	struct work_struct *work;

	pthread_mutex_lock(&wq_lock);
	for (;;) {
		work = wq_next();
		if (work) {
			list_del_init(&work->entry);
			wq_run(work);
			continue;
		}
		if (wq_stop)
			break;
		pthread_cond_wait(&wq_cond, &wq_lock);
	}
	pthread_mutex_unlock(&wq_lock);
	return NULL;
}

void ml_wq_start_workers(unsigned int n)
{
	unsigned int i;

	n = min(n, (unsigned int)ML_MAX_WORKERS);
	pthread_mutex_lock(&wq_lock);
	wq_stop = false;
	wq_nr_workers = n;
	pthread_mutex_unlock(&wq_lock);
	for (i = 0; i < n; i++)
		if (pthread_create(&wq_workers[i], NULL, wq_worker, NULL))
			ml_fail("cannot start worker %u", i);
}

void ml_wq_stop_workers(void)
{
	unsigned int i, n;

	pthread_mutex_lock(&wq_lock);
	wq_stop = true;
	n = wq_nr_workers;
	pthread_cond_broadcast(&wq_cond);
	pthread_mutex_unlock(&wq_lock);
	for (i = 0; i < n; i++)
		pthread_join(wq_workers[i], NULL);
	pthread_mutex_lock(&wq_lock);
	wq_nr_workers = 0;
	pthread_mutex_unlock(&wq_lock);
}

void ml_wq_wait_idle(void)
{
	pthread_mutex_lock(&wq_lock);
	while (wq_nr_workers && (!list_empty(&wq_ready) ||
				 !list_empty(&wq_execs)))
		pthread_cond_wait(&wq_cond, &wq_lock);
	pthread_mutex_unlock(&wq_lock);
}

unsigned int ml_wq_nr_armed(void)
{
	struct delayed_work *dwork;
	unsigned int n = 0;

	pthread_mutex_lock(&wq_lock);
	list_for_each_entry(dwork, &wq_timers, timer)
		n++;
	pthread_mutex_unlock(&wq_lock);
	return n;
}

unsigned int ml_wq_nr_ready(void)
{
	struct work_struct *work;
	unsigned int n = 0;

	pthread_mutex_lock(&wq_lock);
	list_for_each_entry(work, &wq_ready, entry)
		n++;
	pthread_mutex_unlock(&wq_lock);
	return n;
}

/* Slab */

__thread unsigned long ml_slab_fail_after;
__thread unsigned int ml_slab_fail_rate;
__thread u64 ml_slab_rng = 88172645463325252ULL;
long ml_slab_live;
long ml_slab_failed;

static bool slab_should_fail(void)
{
	if (ml_slab_fail_after && !--ml_slab_fail_after)
		return true;
	if (ml_slab_fail_rate) {
		ml_slab_rng ^= ml_slab_rng << 13;
		ml_slab_rng ^= ml_slab_rng >> 7;
		ml_slab_rng ^= ml_slab_rng << 17;
		return ml_slab_rng % ml_slab_fail_rate == 0;
	}
	return false;
}

void *ml_kmalloc(size_t size, gfp_t flags)
{
	void *p;

	if (!(flags & (GFP_ATOMIC | GFP_NOWAIT)))
		might_sleep();
	if (slab_should_fail()) {
		__atomic_add_fetch(&ml_slab_failed, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	p = (flags & __GFP_ZERO) ? calloc(1, size ?: 1) : malloc(size ?: 1);
	if (!p)
		ml_fail("out of memory (%zu bytes)", size);
	__atomic_add_fetch(&ml_slab_live, 1, __ATOMIC_RELAXED);
	return p;
}

void ml_kfree(const void *p)
{
	if (!p)
		return;
	__atomic_sub_fetch(&ml_slab_live, 1, __ATOMIC_RELAXED);
	free((void *)p);
}
