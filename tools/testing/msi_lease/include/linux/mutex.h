/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: struct mutex on a pthread mutex.  mutex_lock() may
 * sleep, so it fails the run under a spinlock, as might_sleep() does.
 */
#ifndef _ML_SHIM_MUTEX_H
#define _ML_SHIM_MUTEX_H

#include <pthread.h>
#include <linux/lockdep.h>

struct mutex {
	pthread_mutex_t m;
	struct ml_lockdep dep;
};

#define mutex_init(lock)	ml_mutex_init(lock, #lock)

static inline void ml_mutex_init(struct mutex *lock, const char *name)
{
	pthread_mutex_init(&lock->m, NULL);
	lock->dep.owner = NULL;
	lock->dep.name = name;
}

static inline void mutex_destroy(struct mutex *lock)
{
	if (ml_lock_owner(&lock->dep))
		ml_fail("mutex_destroy() of held %s", lock->dep.name);
	pthread_mutex_destroy(&lock->m);
}

static inline void mutex_lock(struct mutex *lock)
{
	might_sleep();
	ml_lock_acquiring(&lock->dep);
	pthread_mutex_lock(&lock->m);
	ml_lock_acquired(&lock->dep);
}

static inline int mutex_trylock(struct mutex *lock)
{
	if (pthread_mutex_trylock(&lock->m))
		return 0;
	ml_lock_acquired(&lock->dep);
	return 1;
}

static inline void mutex_unlock(struct mutex *lock)
{
	ml_lock_releasing(&lock->dep);
	pthread_mutex_unlock(&lock->m);
}

static inline bool mutex_is_locked(struct mutex *lock)
{
	return ml_lock_owner(&lock->dep) != NULL;
}

#endif
