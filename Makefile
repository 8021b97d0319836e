# SPDX-License-Identifier: GPL-2.0
#
# msi-lease: thin wrapper around Kbuild, plus the project's entry points.
#
#   make [KDIR=...]    build msi_lease.ko (and msi_lease_kunit.ko with KUnit)
#   make demo          boot the default QEMU topology and show the accounting
#   make check         every test on every kernel lane, and the static checks
#   make bench         hook overhead and live vs re-allocating moves, as ratios
#   make tools         the msilease CLI (tools/msilease/msilease)
#   make install       the modules (for KDIR's kernel), msilease and its man page
#   make deb           Debian packages msi-lease-dkms and msi-lease-tools, built
#                      from a copy of the tree into $MSI_LEASE_CACHE/deb, lintian-clean
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

deb:
	scripts/deb.sh

tools: tools/msilease/msilease

PREFIX ?= /usr/local

install: modules tools
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) modules_install
	install -D -m 0755 tools/msilease/msilease $(DESTDIR)$(PREFIX)/sbin/msilease
	install -D -m 0644 tools/msilease/msilease.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/msilease.8

# CFLAGS, CPPFLAGS and LDFLAGS from the environment or the command line
# (dpkg-buildflags' hardening flags in the Debian package).
CFLAGS ?= -O2

tools/msilease/msilease: tools/msilease/msilease.c
	$(CC) -Wall -Wextra -Werror $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

.PHONY: all modules clean demo check bench deb tools install
