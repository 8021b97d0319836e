/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: spinlock_t on a pthread mutex (threads outnumber the
 * cores, and a preempted holder must not be spun on), counting the
 * spinlocks each thread holds so might_sleep() can tell atomic context.
 */
#ifndef _ML_SHIM_SPINLOCK_H
#define _ML_SHIM_SPINLOCK_H

#include <pthread.h>
#include <linux/lockdep.h>

typedef struct {
	pthread_mutex_t m;
	struct ml_lockdep dep;
} spinlock_t;

#define spin_lock_init(lock)	ml_spin_lock_init(lock, #lock)

static inline void ml_spin_lock_init(spinlock_t *lock, const char *name)
{
	pthread_mutex_init(&lock->m, NULL);
	lock->dep.owner = NULL;
	lock->dep.name = name;
}

static inline void spin_lock(spinlock_t *lock)
{
	ml_lock_acquiring(&lock->dep);
	pthread_mutex_lock(&lock->m);
	ml_lock_acquired(&lock->dep);
	ml_spin_depth++;
}

static inline void spin_unlock(spinlock_t *lock)
{
	ml_spin_depth--;
	ml_lock_releasing(&lock->dep);
	pthread_mutex_unlock(&lock->m);
}

#define spin_lock_irq(l)		spin_lock(l)
#define spin_unlock_irq(l)		spin_unlock(l)
#define spin_lock_bh(l)			spin_lock(l)
#define spin_unlock_bh(l)		spin_unlock(l)
#define spin_lock_irqsave(l, f)		do { (f) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, f)	do { (void)(f); spin_unlock(l); } while (0)

#endif
