// SPDX-License-Identifier: GPL-2.0
/*
 * msi-lease-verify: compare msi_lease's sysfs view of every PCI function
 * and host bridge with ground truth, inside the test guest.
 *
 * Ground truth comes from three independent places: the PCI core's
 * /sys/bus/pci/devices/<fn>/msi_irqs, /proc/interrupts, and the MSI and
 * MSI-X capabilities decoded from the function's config space.  Written
 * in C because the same checks as shell pipelines cost minutes per pass
 * on a KASAN kernel under TCG.
 *
 * Usage:
 *   msi-lease-verify [PREFIX]  one KTAP result line per function and per
 *                              bridge ("ok NAME" / "not ok NAME", with
 *                              "# NAME: why" lines before failures); the
 *                              caller numbers them
 *   msi-lease-verify --truth FN
 *                              "vectors mode msix_table_size msi_max driver"
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCI_DEVS	"/sys/bus/pci/devices"
#define ML_BRIDGES	"/sys/kernel/msi_lease/bridges"
#define MAX_IRQS	4096

struct truth {
	unsigned int vectors;
	int irqs[MAX_IRQS];
	char mode[8];
	unsigned int msix_size, msi_max;
	char driver[64];
	char bridge[64];
	char diag[1024];
};

static unsigned char proc_irq[1 << 16];

static void diag(struct truth *t, const char *fmt, const char *a,
		 const char *b)
{
	size_t len = strlen(t->diag);

	snprintf(t->diag + len, sizeof(t->diag) - len, fmt, a, b);
}

static int read_str(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	buf[0] = 0;
	if (!f)
		return -1;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = 0;
	while (n && buf[n - 1] == '\n')
		buf[--n] = 0;
	return 0;
}

static void link_base(const char *path, char *buf, size_t size)
{
	char tmp[PATH_MAX];
	ssize_t n = readlink(path, tmp, sizeof(tmp) - 1);

	buf[0] = 0;
	if (n > 0) {
		tmp[n] = 0;
		snprintf(buf, size, "%s", strrchr(tmp, '/') ? strrchr(tmp, '/') + 1 : tmp);
	}
}

static void load_proc_interrupts(void)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[4096];
	int irq;

	memset(proc_irq, 0, sizeof(proc_irq));
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %d:", &irq) == 1 && irq >= 0 &&
		    irq < (int)sizeof(proc_irq))
			proc_irq[irq] = 1;
	fclose(f);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void truth_of(const char *fn, struct truth *t)
{
	char path[PATH_MAX], real[PATH_MAX], buf[64];
	unsigned char cfg[256] = { 0 };
	char msi_modes[32] = "";
	struct dirent *de;
	unsigned int i, p, k;
	int msix_en = 0, msi_en = 0, mme = 0;
	FILE *f;
	DIR *d;

	memset(t, 0, sizeof(*t));

	snprintf(path, sizeof(path), PCI_DEVS "/%s", fn);
	if (realpath(path, real) && !strncmp(real, "/sys/devices/", 13)) {
		snprintf(t->bridge, sizeof(t->bridge), "%s", real + 13);
		*strchrnul(t->bridge, '/') = 0;
	}

	snprintf(path, sizeof(path), PCI_DEVS "/%s/msi_irqs", fn);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || t->vectors >= MAX_IRQS)
			continue;
		t->irqs[t->vectors++] = atoi(de->d_name);
		snprintf(path, sizeof(path), PCI_DEVS "/%s/msi_irqs/%s", fn,
			 de->d_name);
		if (!read_str(path, buf, sizeof(buf)) && !strstr(msi_modes, buf)) {
			strcat(msi_modes, msi_modes[0] ? "," : "");
			strcat(msi_modes, buf);
		}
	}
	if (d)
		closedir(d);
	qsort(t->irqs, t->vectors, sizeof(int), cmp_int);
	for (i = 0; i < t->vectors; i++)
		if (t->irqs[i] >= (int)sizeof(proc_irq) || !proc_irq[t->irqs[i]]) {
			snprintf(buf, sizeof(buf), "%d", t->irqs[i]);
			diag(t, "irq %s not in /proc/interrupts%s; ", buf, "");
		}

	snprintf(path, sizeof(path), PCI_DEVS "/%s/config", fn);
	f = fopen(path, "rb");
	if (f) {
		if (fread(cfg, 1, sizeof(cfg), f) != sizeof(cfg))
			diag(t, "short config read%s%s; ", "", "");
		fclose(f);
	}
	/* Capabilities list present (status bit 4): walk it. */
	if (cfg[6] & 0x10) {
		for (p = cfg[0x34] & 0xfc, k = 0; p && p < 255 && k < 48; k++) {
			unsigned int ctrl = cfg[p + 2] | cfg[p + 3] << 8;

			if (cfg[p] == 0x11) {
				t->msix_size = (ctrl & 0x7ff) + 1;
				msix_en = ctrl >> 15 & 1;
			} else if (cfg[p] == 0x05) {
				t->msi_max = 1u << (ctrl >> 1 & 7);
				msi_en = ctrl & 1;
				mme = 1 << (ctrl >> 4 & 7);
			}
			p = cfg[p + 1] & 0xfc;
		}
	}
	strcpy(t->mode, msix_en ? "msix" : msi_en ? "msi" : "none");
	if (msi_en && t->vectors > (unsigned int)mme)
		diag(t, "more IRQs than MSI enables%s%s; ", "", "");
	if (t->vectors && strcmp(msi_modes, t->mode))
		diag(t, "msi_irqs say %s, config space says %s; ", msi_modes,
		     t->mode);

	snprintf(path, sizeof(path), PCI_DEVS "/%s/driver", fn);
	link_base(path, t->driver, sizeof(t->driver));
}

static void expect(struct truth *t, const char *what, const char *got,
		   const char *want)
{
	char b[256];

	if (strcmp(got, want)) {
		snprintf(b, sizeof(b), "%s: got '%s'", what, got);
		diag(t, "%s want '%s'; ", b, want);
	}
}

static void expect_u(struct truth *t, const char *what, const char *got,
		     unsigned int want)
{
	char w[16];

	snprintf(w, sizeof(w), "%u", want);
	expect(t, what, got, w);
}

static void result(const char *prefix, const char *kind, const char *name,
		   const char *why)
{
	if (why[0]) {
		printf("# %s%s_%s: %s\n", prefix, kind, name, why);
		printf("not ok %s%s_%s\n", prefix, kind, name);
	} else {
		printf("ok %s%s_%s\n", prefix, kind, name);
	}
}

/* msi_lease lists IRQs in MSI-X table order; compare them as a set. */
static char *sort_irqs(char *s)
{
	int v[MAX_IRQS], n = 0, i;
	char *tok, out[4096] = "";

	for (tok = strtok(s, " "); tok && n < MAX_IRQS; tok = strtok(NULL, " "))
		v[n++] = atoi(tok);
	qsort(v, n, sizeof(int), cmp_int);
	for (i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%d",
			 i ? " " : "", v[i]);
	strcpy(s, out);
	return s;
}

static void check_fn(const char *prefix, const char *fn)
{
	char dir[PATH_MAX], path[PATH_MAX], got[4096], irqs[4096] = "";
	char a[PATH_MAX], b[PATH_MAX];
	struct truth *t = calloc(1, sizeof(*t));
	unsigned int i;

	truth_of(fn, t);
	snprintf(dir, sizeof(dir), ML_BRIDGES "/%s/functions/%s", t->bridge, fn);
	if (access(dir, F_OK)) {
		diag(t, "%s missing%s", dir, "");
		goto out;
	}
	for (i = 0; i < t->vectors; i++)
		snprintf(irqs + strlen(irqs), sizeof(irqs) - strlen(irqs),
			 "%s%d", i ? " " : "", t->irqs[i]);

#define FIELD(name) (snprintf(path, sizeof(path), "%s/" name, dir), \
		     read_str(path, got, sizeof(got)), got)
	expect_u(t, "vectors", FIELD("vectors"), t->vectors);
	expect(t, "mode", FIELD("mode"), t->mode);
	expect_u(t, "msix_table_size", FIELD("msix_table_size"), t->msix_size);
	expect_u(t, "msi_vectors_max", FIELD("msi_vectors_max"), t->msi_max);
	expect(t, "driver", FIELD("driver"), t->driver);
	expect(t, "irqs", sort_irqs(FIELD("irqs")), irqs);
#undef FIELD
	snprintf(path, sizeof(path), "%s/device", dir);
	snprintf(b, sizeof(b), PCI_DEVS "/%s", fn);
	if (!realpath(path, a) || !realpath(b, got) || strcmp(a, got))
		diag(t, "device link does not lead to %s%s; ", fn, "");
out:
	result(prefix, "fn", fn, t->diag);
	free(t);
}

static void check_bridge(const char *prefix, const char *bridge)
{
	char dir[PATH_MAX], path[PATH_MAX], buf[64], real[PATH_MAX];
	unsigned int sum = 0, msi = 0, msix = 0, listed = 0, want = 0, v;
	struct truth *t = calloc(1, sizeof(*t));
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), ML_BRIDGES "/%s", bridge);
	snprintf(path, sizeof(path), "%s/functions", dir);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/functions/%s/vectors", dir,
			 de->d_name);
		read_str(path, buf, sizeof(buf));
		v = strtoul(buf, NULL, 10);
		sum += v;
		snprintf(path, sizeof(path), "%s/functions/%s/mode", dir,
			 de->d_name);
		read_str(path, buf, sizeof(buf));
		if (!strcmp(buf, "msi"))
			msi += v;
		else if (!strcmp(buf, "msix"))
			msix += v;
		listed++;
	}
	if (d)
		closedir(d);
	else
		diag(t, "%s missing%s; ", dir, "");

	d = opendir(PCI_DEVS);
	while (d && (de = readdir(d))) {
		snprintf(path, sizeof(path), PCI_DEVS "/%s", de->d_name);
		if (de->d_name[0] != '.' && realpath(path, real) &&
		    !strncmp(real + 13, bridge, strlen(bridge)) &&
		    real[13 + strlen(bridge)] == '/')
			want++;
	}
	if (d)
		closedir(d);

#define FIELD(name) (snprintf(path, sizeof(path), "%s/" name, dir), \
		     read_str(path, buf, sizeof(buf)), buf)
	expect_u(t, "nr_functions", FIELD("nr_functions"), want);
	snprintf(buf, sizeof(buf), "%u", listed);
	expect_u(t, "functions listed", buf, want);
	expect_u(t, "vectors", FIELD("vectors"), sum);
	expect_u(t, "vectors_msi", FIELD("vectors_msi"), msi);
	expect_u(t, "vectors_msix", FIELD("vectors_msix"), msix);
	/* free = budget - vectors, never below 0; no budget, no limit. */
	if (!strcmp(FIELD("budget"), "unlimited")) {
		expect(t, "free", FIELD("free"), "unlimited");
	} else {
		unsigned long budget = strtoul(buf, NULL, 10);

		expect_u(t, "free", FIELD("free"),
			 budget > sum ? budget - sum : 0);
	}
#undef FIELD
	snprintf(path, sizeof(path), "%s/device", dir);
	link_base(path, buf, sizeof(buf));
	expect(t, "device", buf, bridge);
	result(prefix, "bridge", bridge, t->diag);
	free(t);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int is_bridge(const struct dirent *d)
{
	return !strncmp(d->d_name, "pci", 3);
}

int main(int argc, char **argv)
{
	struct dirent **list;
	char prefix[128] = "";
	struct truth *t;
	int i, n;

	load_proc_interrupts();
	if (argc == 3 && !strcmp(argv[1], "--truth")) {
		t = calloc(1, sizeof(*t));
		truth_of(argv[2], t);
		printf("%u %s %u %u %s\n", t->vectors, t->mode, t->msix_size,
		       t->msi_max, t->driver[0] ? t->driver : "-");
		return 0;
	}
	if (argc == 2 && argv[1][0])
		snprintf(prefix, sizeof(prefix), "%s_", argv[1]);

	n = scandir(PCI_DEVS, &list, not_dot, by_name);
	for (i = 0; i < n; i++)
		check_fn(prefix, list[i]->d_name);
	n = scandir("/sys/devices", &list, is_bridge, by_name);
	for (i = 0; i < n; i++)
		check_bridge(prefix, list[i]->d_name);
	return 0;
}
