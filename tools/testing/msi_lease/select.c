// SPDX-License-Identifier: GPL-2.0
/* The broker core's select.c, built in user space against the shims. */
#include "../../../drivers/msi_lease/select.c"
