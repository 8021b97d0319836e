/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: TRACE_EVENT() and friends declare empty static inline
 * trace_<event>() functions with the event's prototype, so the calls in
 * the core are type-checked and cost nothing.  The TP_STRUCT__entry,
 * TP_fast_assign and TP_printk arguments are dropped unexpanded.
 */
#ifndef _ML_SHIM_TRACEPOINT_H
#define _ML_SHIM_TRACEPOINT_H

#include <linux/kernel.h>

#define TP_PROTO(args...)	args
#define TP_ARGS(args...)	args

#define TRACE_EVENT(name, proto, args, tstruct, assign, print)		\
	static inline void trace_##name(proto) { }			\
	static inline bool trace_##name##_enabled(void) { return false; }
#define DECLARE_EVENT_CLASS(name, proto, args, tstruct, assign, print)
#define DEFINE_EVENT(template, name, proto, args)			\
	static inline void trace_##name(proto) { }			\
	static inline bool trace_##name##_enabled(void) { return false; }
#define DECLARE_TRACE(name, proto, args)				\
	static inline void trace_##name(proto) { }

#endif
