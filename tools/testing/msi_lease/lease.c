// SPDX-License-Identifier: GPL-2.0
/* The broker core's lease.c, built in user space against the shims. */
#include "../../../drivers/msi_lease/lease.c"
