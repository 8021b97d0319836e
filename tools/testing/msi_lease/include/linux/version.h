/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: pretend to be the 6.12 LTS kernel. */
#ifndef _ML_SHIM_VERSION_H
#define _ML_SHIM_VERSION_H
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
#define LINUX_VERSION_CODE	KERNEL_VERSION(6, 12, 0)
#endif
