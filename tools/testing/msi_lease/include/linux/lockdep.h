/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: each mutex and spinlock records its owner (a token
 * per thread), so lockdep_assert_held() really checks that the caller
 * holds the lock, and unlocking a lock held by someone else, or taking a
 * lock twice, fails the run.
 */
#ifndef _ML_SHIM_LOCKDEP_H
#define _ML_SHIM_LOCKDEP_H

#include <linux/kernel.h>

struct ml_lockdep {
	void *owner;		/* &ml_current of the holder, or NULL */
	const char *name;
};

/* One byte per thread: its address identifies the thread. */
extern __thread char ml_current;
/* Spinlocks the current thread holds: sleeping is a bug while > 0. */
extern __thread int ml_spin_depth;

static inline void *ml_lock_owner(const struct ml_lockdep *dep)
{
	return __atomic_load_n(&dep->owner, __ATOMIC_RELAXED);
}

static inline void ml_lock_acquired(struct ml_lockdep *dep)
{
	__atomic_store_n(&dep->owner, (void *)&ml_current, __ATOMIC_RELAXED);
}

static inline void ml_lock_releasing(struct ml_lockdep *dep)
{
	if (ml_lock_owner(dep) != &ml_current)
		ml_fail("unlocking %s not held by this thread", dep->name);
	__atomic_store_n(&dep->owner, NULL, __ATOMIC_RELAXED);
}

static inline void ml_lock_acquiring(struct ml_lockdep *dep)
{
	if (ml_lock_owner(dep) == &ml_current)
		ml_fail("recursive locking of %s: deadlock", dep->name);
}

#define lockdep_assert_held(l) do {					\
	if (ml_lock_owner(&(l)->dep) != &ml_current)			\
		ml_fail("lockdep_assert_held(%s) failed at %s:%d",	\
			#l, __FILE__, __LINE__);			\
} while (0)
#define lockdep_assert_not_held(l) do {					\
	if (ml_lock_owner(&(l)->dep) == &ml_current)			\
		ml_fail("lockdep_assert_not_held(%s) failed at %s:%d",	\
			#l, __FILE__, __LINE__);			\
} while (0)
#define lockdep_is_held(l)	(ml_lock_owner(&(l)->dep) == &ml_current)

#endif
