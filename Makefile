# SPDX-License-Identifier: GPL-2.0
#
# msi-lease: thin wrapper around Kbuild, plus the project's entry points.
#
#   make [KDIR=...]    build msi_lease.ko (and msi_lease_kunit.ko with KUnit)
#   make demo          boot the default QEMU topology and show the accounting
#   make check         every test on every kernel lane, and the static checks
#   make bench         hook overhead and live vs re-allocating moves, as ratios
#   make tools         the msilease CLI (tools/msilease/msilease)
#
KDIR ?= /lib/modules/$(shell uname -r)/build

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

demo:
	scripts/demo.sh

check:
	scripts/check.sh

bench:
	scripts/bench.sh

tools: tools/msilease/msilease

tools/msilease/msilease: tools/msilease/msilease.c
	$(CC) -O2 -Wall -Wextra -Werror -o $@ $<

.PHONY: all modules clean demo check bench tools
