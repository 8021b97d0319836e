/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: the kernel re-reads the trace header here to emit the
 * events; <linux/tracepoint.h> already made every trace_*() an empty
 * inline, so there is nothing left to define.
 */
