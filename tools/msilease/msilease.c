// SPDX-License-Identifier: GPL-2.0
/*
 * msilease: read and steer msi_lease's pools from the command line.
 *
 * A thin client of /sys/kernel/msi_lease/ (see
 * Documentation/ABI/testing/sysfs-kernel-msi_lease): it reads files and
 * writes the administrator's knobs, nothing else.  libc only.
 *
 * Exit status: 0 done; 1 the kernel refused a change (the reason is
 * printed); 2 bad usage; 3 msi_lease is not loaded or the bridge,
 * function or lease does not exist.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VERSION "0.3"

#ifndef CONF_DIR
#define CONF_DIR "/etc"
#endif

enum { EX_OK, EX_REFUSED, EX_USAGE, EX_MISSING };

static const char *root = "/sys/kernel/msi_lease";
static int json;

static void usage(FILE *f)
{
	fprintf(f,
"usage: msilease [--json] [--root DIR] COMMAND [ARGS]\n"
"\n"
"Read commands (--json for machine-readable output):\n"
"  status                    one line per PCI host bridge: budget, vectors,\n"
"                            free, lent, negotiation, policy, longest lease\n"
"  devices [BRIDGE]          one line per PCI function: driver, mode,\n"
"                            vectors, lent, borrowed, lending terms\n"
"  leases [BRIDGE]           active leases: id, lender, borrower, vectors,\n"
"                            milliseconds left\n"
"  watch [SECONDS [COUNT]]   status and leases, refreshed (default 1 s,\n"
"                            until interrupted)\n"
"  top [-b] [-d SECONDS] [-n COUNT] [BRIDGE]\n"
"                            per bridge and function: vectors, cap,\n"
"                            demand, unmet, idle vectors, interrupts per\n"
"                            second; refreshed (-b: batch, no screen\n"
"                            clearing)\n"
"\n"
"Admin commands (root):\n"
"  set BRIDGE KEY=VALUE...   change budget, negotiation, policy,\n"
"                            max_lease_ms of a bridge, all at once\n"
"  terms FUNCTION KEY=VALUE...\n"
"                            change cooperative, priority, floor, max_lend\n"
"                            of a function, all at once\n"
"  revoke BRIDGE ID          end a lease now\n"
"  cap FUNCTION N|unlimited  most vectors the function may allocate, from\n"
"                            its driver's next allocation on\n"
"  method FUNCTION none|reset|channels|rebind\n"
"                            how its driver may be made to re-allocate\n"
"  resize FUNCTION N         cap it at N and re-allocate through its method\n"
"  apply [-n] [--function ADDR] [FILE]\n"
"                            apply msi-lease.conf(5) settings (default:\n"
"                            " CONF_DIR "/msi-lease.conf and " CONF_DIR "/msi-lease.d/*.conf),\n"
"                            one atomic write per bridge and function;\n"
"                            -n shows what would change\n"
"  dump                      every bridge's and function's settings, in\n"
"                            msi-lease.conf(5) form\n"
"\n"
"Exit status: 0 done, 1 refused by the kernel (or a bad line), 2 bad usage,\n"
"3 msi_lease not loaded or no such bridge, function or lease.\n"
"See msilease(8).\n");
}

/* Read a sysfs file into @buf without its trailing newline; "" if absent. */
static char *readf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static char *readf(char *buf, size_t len, const char *fmt, ...)
{
	char path[4096];
	va_list ap;
	ssize_t n;
	int fd;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return buf;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return buf;
}

/* The current choice of "a [b] c". */
static const char *choice(char *s)
{
	char *a = strchr(s, '['), *b;

	if (!a)
		return s;
	b = strchr(++a, ']');
	if (b)
		*b = '\0';
	return a;
}

/* The entries of @dir but "." ones, sorted; none if it cannot be read. */
static int names(const char *dir, struct dirent ***list)
{
	int n = scandir(dir, list, NULL, alphasort), i, k = 0;

	if (n < 0) {
		*list = NULL;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if ((*list)[i]->d_name[0] == '.')
			free((*list)[i]);
		else
			(*list)[k++] = (*list)[i];
	}
	return k;
}

static void free_names(struct dirent **list, int n)
{
	while (n-- > 0)
		free(list[n]);
	free(list);
}

static int loaded(void)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/bridges", root);
	if (access(path, F_OK)) {
		fprintf(stderr, "msilease: msi_lease is not loaded (%s)\n",
			path);
		return 0;
	}
	return 1;
}

/* @val as a JSON string: quoted, with quotes and control bytes escaped. */
static void jquote(const char *val)
{
	const unsigned char *p;

	putchar('"');
	for (p = (const unsigned char *)val; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void jstr(const char *key, const char *val, int last)
{
	printf("\"%s\": ", key);
	jquote(val);
	printf("%s", last ? "" : ", ");
}

static void jnum(const char *key, const char *val, int last)
{
	char *end;

	strtoll(val, &end, 10);
	if (*val && !*end)
		printf("\"%s\": %s%s", key, val, last ? "" : ", ");
	else
		jstr(key, val, last);
}

static int cmd_status(void)
{
	static const char *const f[] = { "budget", "vectors", "free",
		"pending", "lent", "nr_functions", "negotiation", "policy",
		"max_lease_ms" };
	char v[9][256], dir[4096];
	struct dirent **b;
	int n, i, k;

	snprintf(dir, sizeof(dir), "%s/bridges", root);
	n = names(dir, &b);
	if (json)
		printf("[");
	else
		printf("%-11s %9s %7s %9s %7s %4s %9s %-11s %-15s %s\n",
		       "BRIDGE", "BUDGET", "VECTORS", "FREE", "PENDING",
		       "LENT", "FUNCTIONS", "NEGOTIATION", "POLICY",
		       "MAX_LEASE_MS");
	for (i = 0; i < n; i++) {
		for (k = 0; k < 9; k++)
			readf(v[k], sizeof(v[k]), "%s/%s/%s", dir,
			      b[i]->d_name, f[k]);
		if (json) {
			printf("%s{", i ? ", " : "");
			jstr("bridge", b[i]->d_name, 0);
			for (k = 0; k < 9; k++)
				jnum(f[k], k >= 6 && k <= 7 ? choice(v[k]) :
				     v[k], k == 8);
			printf("}");
		} else {
			printf("%-11s %9s %7s %9s %7s %4s %9s %-11s %-15s %s\n",
			       b[i]->d_name, v[0], v[1], v[2], v[3], v[4],
			       v[5], choice(v[6]), choice(v[7]), v[8]);
		}
	}
	if (json)
		printf("]\n");
	free_names(b, n);
	return EX_OK;
}

static int cmd_devices(const char *only)
{
	static const char *const f[] = { "driver", "mode", "vectors",
		"lent", "borrowed", "leasing", "terms" };
	char v[7][256], dir[4096], fdir[8192];
	struct dirent **b, **fn;
	int nb, nf, i, j, k, first = 1, found = !only;

	snprintf(dir, sizeof(dir), "%s/bridges", root);
	nb = names(dir, &b);
	if (json)
		printf("[");
	else
		printf("%-11s %-13s %-17s %-5s %7s %4s %8s %7s %s\n", "BRIDGE",
		       "FUNCTION", "DRIVER", "MODE", "VECTORS", "LENT",
		       "BORROWED", "LEASING", "TERMS");
	for (i = 0; i < nb; i++) {
		if (only && strcmp(only, b[i]->d_name))
			continue;
		found = 1;
		snprintf(fdir, sizeof(fdir), "%s/%s/functions", dir,
			 b[i]->d_name);
		nf = names(fdir, &fn);
		for (j = 0; j < nf; j++) {
			for (k = 0; k < 7; k++)
				readf(v[k], sizeof(v[k]), "%s/%s/%s", fdir,
				      fn[j]->d_name, f[k]);
			if (json) {
				printf("%s{", first ? "" : ", ");
				jstr("bridge", b[i]->d_name, 0);
				jstr("function", fn[j]->d_name, 0);
				for (k = 0; k < 7; k++)
					jnum(f[k], v[k], k == 6);
				printf("}");
			} else {
				printf("%-11s %-13s %-17s %-5s %7s %4s %8s %7s %s\n",
				       b[i]->d_name, fn[j]->d_name,
				       *v[0] ? v[0] : "-", v[1], v[2], v[3],
				       v[4], v[5], v[6]);
			}
			first = 0;
		}
		free_names(fn, nf);
	}
	if (json)
		printf("]\n");
	free_names(b, nb);
	if (!found) {
		fprintf(stderr, "msilease: no bridge %s\n", only);
		return EX_MISSING;
	}
	return EX_OK;
}

static int cmd_leases(const char *only)
{
	char dir[4096], buf[65536], *line, *save;
	char id[32], lender[64], borrower[64];
	unsigned int count;
	long long left;
	struct dirent **b;
	int nb, i, first = 1, found = !only;

	snprintf(dir, sizeof(dir), "%s/bridges", root);
	nb = names(dir, &b);
	if (json)
		printf("[");
	else
		printf("%-8s %-11s %-13s %-13s %7s %9s\n", "ID", "BRIDGE",
		       "LENDER", "BORROWER", "VECTORS", "LEFT_MS");
	for (i = 0; i < nb; i++) {
		if (only && strcmp(only, b[i]->d_name))
			continue;
		found = 1;
		readf(buf, sizeof(buf), "%s/%s/leases", dir, b[i]->d_name);
		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (sscanf(line, "%31s %63s %63s %u %lld", id, lender,
				   borrower, &count, &left) != 5)
				continue;
			if (json) {
				printf("%s{", first ? "" : ", ");
				jnum("id", id, 0);
				jstr("bridge", b[i]->d_name, 0);
				jstr("lender", lender, 0);
				jstr("borrower", borrower, 0);
				printf("\"vectors\": %u, \"left_ms\": %lld}",
				       count, left);
			} else {
				printf("%-8s %-11s %-13s %-13s %7u %9lld\n", id,
				       b[i]->d_name, lender, borrower, count,
				       left);
			}
			first = 0;
		}
	}
	if (json)
		printf("]\n");
	free_names(b, nb);
	if (!found) {
		fprintf(stderr, "msilease: no bridge %s\n", only);
		return EX_MISSING;
	}
	return EX_OK;
}

/*
 * Write @val to root/@dir/@file; on refusal say why, as the kernel put
 * it.  The path is built from data, never used as a format.
 */
static int writef(const char *val, const char *what, const char *dir,
		  const char *file)
{
	char path[8192];
	ssize_t n;
	int fd, err;

	if (snprintf(path, sizeof(path), "%s/%s/%s", root, dir, file) >=
	    (int)sizeof(path)) {
		fprintf(stderr, "msilease: %s: name too long\n", what);
		return EX_USAGE;
	}
	fd = open(path, O_WRONLY);
	if (fd < 0) {
		err = errno;
		fprintf(stderr, "msilease: %s: %s\n", what, strerror(err));
		return err == ENOENT ? EX_MISSING : EX_REFUSED;
	}
	n = write(fd, val, strlen(val));
	err = errno;
	close(fd);
	if (n < 0) {
		fprintf(stderr, "msilease: %s '%s': %s\n", what, val,
			strerror(err));
		return err == ENOENT ? EX_MISSING : EX_REFUSED;
	}
	return EX_OK;
}

/* Join KEY=VALUE arguments into one line for an atomic write. */
static int pairs(int argc, char **argv, char *line, size_t len)
{
	size_t used = 0;
	int i;

	line[0] = '\0';
	for (i = 0; i < argc; i++) {
		if (!strchr(argv[i], '=') || strchr(argv[i], ' ') ||
		    used + strlen(argv[i]) + 2 > len) {
			fprintf(stderr, "msilease: expected KEY=VALUE, got '%s'\n",
				argv[i]);
			return -1;
		}
		used += snprintf(line + used, len - used, "%s%s",
				 i ? " " : "", argv[i]);
	}
	return argc ? 0 : -1;
}

/*
 * Settings that survive a reboot: msi-lease.conf(5).  One line per bridge
 * or function, with the keys of its sysfs knobs:
 *
 *   bridge   SELECTOR KEY=VALUE...	budget negotiation policy max_lease_ms
 *					rebalance
 *   function SELECTOR KEY=VALUE...	cooperative priority floor max_lend
 *					max_vectors method
 *
 * A bridge is selected by its name or "*"; a function by its PCI address
 * (0000:41:00.0, or 41:00.0 in domain 0), by vendor:device in hex, by
 * driver=NAME, or by "*".  Every line that selects an object adds its
 * keys, later lines winning; each object then gets one write of what
 * changed to its settings or terms file, which the kernel applies whole
 * or not at all.  A bridge's rebalance, a function's max_vectors and
 * method are files of their own: each is written after the settings or
 * terms, if it changed.
 */
#define NR_KEYS 6

struct kind {
	const char *word;		/* first word of a line */
	const char *file;		/* the all-at-once file */
	int nr_atomic;			/* keys[] that go into it */
	const char *keys[NR_KEYS];	/* the rest: files of their own */
};

static const struct kind kinds[] = {
	{ "bridge", "settings", 4,
	  { "budget", "negotiation", "policy", "max_lease_ms", "rebalance" } },
	{ "function", "terms", 4,
	  { "cooperative", "priority", "floor", "max_lend", "max_vectors",
	    "method" } },
};

struct rule {
	const struct kind *kind;
	char sel[64];
	char val[NR_KEYS][32];		/* "" when the line does not set it */
	char where[256];		/* FILE:LINE */
};

static struct rule *rules;
static int nr_rules, bad_lines;

static void bad(const char *where, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void bad(const char *where, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "msilease: %s: ", where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	bad_lines++;
}

static int all_of(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

/* Values as the kernel takes them: numbers, or one word. */
static int value_ok(const char *key, const char *val)
{
	const char *digits = "0123456789";

	if (!strcmp(key, "budget") || !strcmp(key, "max_vectors"))
		return !strcmp(val, "unlimited") || all_of(val, digits);
	if (!strcmp(key, "cooperative") || !strcmp(key, "rebalance"))
		return !strcmp(val, "0") || !strcmp(val, "1");
	if (!strcmp(key, "priority"))
		return all_of(val + (*val == '-'), digits);
	if (!strcmp(key, "negotiation") || !strcmp(key, "policy") ||
	    !strcmp(key, "method"))
		return all_of(val, "abcdefghijklmnopqrstuvwxyz-");
	return all_of(val, digits);
}

/* A PCI address, with its domain added if it had none; 0 if not one. */
static int pci_addr(const char *s, char *out, size_t len)
{
	unsigned int d = 0, b, dev, fn;
	char tail;

	if (sscanf(s, "%x:%x:%x.%x%c", &d, &b, &dev, &fn, &tail) != 4 &&
	    (d = 0, sscanf(s, "%x:%x.%x%c", &b, &dev, &fn, &tail) != 3))
		return 0;
	if (d > 0xffff || b > 0xff || dev > 0x1f || fn > 7)
		return 0;
	snprintf(out, len, "%04x:%02x:%02x.%x", d, b, dev, fn);
	return 1;
}

static int selector_ok(const struct kind *k, char *sel)
{
	unsigned int v, d;
	char tail, addr[32];

	if (!strcmp(sel, "*"))
		return 1;
	if (k == &kinds[0])
		return all_of(sel, "abcdefghijklmnopqrstuvwxyz0123456789:._-");
	if (!strncmp(sel, "driver=", 7))
		return all_of(sel + 7, "abcdefghijklmnopqrstuvwxyz"
			      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
	if (pci_addr(sel, addr, sizeof(addr))) {
		snprintf(sel, 64, "%s", addr);
		return 1;
	}
	return strlen(sel) == 9 && sel[4] == ':' &&
	       sscanf(sel, "%4x:%4x%c", &v, &d, &tail) == 2;
}

/* One line of a configuration file; a bad one is reported and skipped. */
static void parse_line(char *line, const char *where)
{
	char *save, *word, *sel, *pair, *eq;
	const struct kind *k = NULL;
	struct rule r = { 0 };
	int i, any = 0;

	line[strcspn(line, "#\n")] = '\0';
	word = strtok_r(line, " \t", &save);
	if (!word)
		return;
	for (i = 0; i < 2; i++)
		if (!strcmp(word, kinds[i].word))
			k = &kinds[i];
	if (!k) {
		bad(where, "expected 'bridge' or 'function', got '%s'", word);
		return;
	}
	sel = strtok_r(NULL, " \t", &save);
	if (!sel || strlen(sel) >= sizeof(r.sel) || strchr(sel, '=') == sel) {
		bad(where, "%s: expected a selector", k->word);
		return;
	}
	snprintf(r.sel, sizeof(r.sel), "%s", sel);
	if (!selector_ok(k, r.sel)) {
		bad(where, "%s '%s': not a %s", k->word, sel,
		    k == &kinds[0] ? "bridge name" :
		    "PCI address, vendor:device or driver=NAME");
		return;
	}
	while ((pair = strtok_r(NULL, " \t", &save))) {
		eq = strchr(pair, '=');
		if (!eq) {
			bad(where, "expected KEY=VALUE, got '%s'", pair);
			return;
		}
		*eq++ = '\0';
		for (i = 0; i < NR_KEYS && k->keys[i] &&
			    strcmp(pair, k->keys[i]); i++)
			;
		if (i < NR_KEYS && !k->keys[i])
			i = NR_KEYS;
		if (i == NR_KEYS) {
			bad(where, "%s has no key '%s'", k->word, pair);
			return;
		}
		if (strlen(eq) >= sizeof(r.val[i]) || !value_ok(pair, eq)) {
			bad(where, "%s: bad value '%s'", pair, eq);
			return;
		}
		snprintf(r.val[i], sizeof(r.val[i]), "%s", eq);
		any = 1;
	}
	if (!any) {
		bad(where, "%s %s: no KEY=VALUE", k->word, sel);
		return;
	}
	r.kind = k;
	snprintf(r.where, sizeof(r.where), "%s", where);
	rules = realloc(rules, (nr_rules + 1) * sizeof(*rules));
	if (!rules) {
		perror("msilease");
		exit(EX_REFUSED);
	}
	rules[nr_rules++] = r;
}

/* Read @path ("-": standard input); a missing file is an error if @must. */
static int parse_file(const char *path, int must)
{
	char line[1024], where[256];
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	int n = 0;

	if (!f) {
		if (!must && errno == ENOENT)
			return 0;
		fprintf(stderr, "msilease: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		n++;
		snprintf(where, sizeof(where), "%s:%d", path, n);
		if (!strchr(line, '\n') && !feof(f)) {
			bad(where, "line too long");
			while (fgets(line, sizeof(line), f) &&
			       !strchr(line, '\n'))
				;
			continue;
		}
		parse_line(line, where);
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

static int conf_suffix(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 &&
	       !strcmp(d->d_name + n - 5, ".conf");
}

/* The default files: msi-lease.conf, then msi-lease.d/ in name order. */
static int parse_default(void)
{
	char path[4096];
	struct dirent **list;
	int n, i, ret;

	ret = parse_file(CONF_DIR "/msi-lease.conf", 0);
	n = scandir(CONF_DIR "/msi-lease.d", &list, conf_suffix, alphasort);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), CONF_DIR "/msi-lease.d/%s",
			 list[i]->d_name);
		if (parse_file(path, 1))
			ret = -1;
		free(list[i]);
	}
	if (n >= 0)
		free(list);
	return ret;
}

/* Does @r select the object @name (in @dir, for a function's identity)? */
static int selects(const struct rule *r, const char *name, const char *dir)
{
	char v[32], d[32], id[16];

	if (!strcmp(r->sel, "*") || !strcmp(r->sel, name))
		return 1;
	if (r->kind == &kinds[0])
		return 0;
	if (!strncmp(r->sel, "driver=", 7))
		return !strcmp(readf(v, sizeof(v), "%s/driver", dir),
			       r->sel + 7);
	readf(v, sizeof(v), "%s/device/vendor", dir);
	readf(d, sizeof(d), "%s/device/device", dir);
	snprintf(id, sizeof(id), "%s:%s", v + 2 * !strncmp(v, "0x", 2),
		 d + 2 * !strncmp(d, "0x", 2));
	return !strcasecmp(id, r->sel);
}

/* Write @val to @dir/@file; 0 or the errno of the refusal. */
static int write_file(const char *dir, const char *file, const char *val)
{
	char path[8192];
	ssize_t n;
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	/* As a shell's ">" does: sysfs ignores it, test trees need it. */
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return errno;
	n = write(fd, val, strlen(val));
	err = n < 0 ? errno : 0;
	close(fd);
	return err;
}

/*
 * Apply the rules to one object in @dir: one write of the keys of its
 * all-at-once file whose value differs, then one write per other key
 * that differs; say what changed, or what refused and where.
 */
static int apply_one(const struct kind *k, const char *name,
		     const char *dir, int dry)
{
	const char *where[NR_KEYS] = { 0 };
	char want[NR_KEYS][32], cur[NR_KEYS][256], line[512] = "";
	char msg[1024] = "", lines[1024] = "";
	int i, j, err = 0, ret = EX_OK, changed = 0;
	size_t used = 0, mused = 0;

	for (j = 0; j < nr_rules; j++) {
		if (rules[j].kind != k || !selects(&rules[j], name, dir))
			continue;
		for (i = 0; i < NR_KEYS; i++) {
			if (!*rules[j].val[i])
				continue;
			snprintf(want[i], sizeof(want[i]), "%s",
				 rules[j].val[i]);
			where[i] = rules[j].where;
		}
	}
	for (i = 0; i < NR_KEYS; i++) {
		if (!where[i])
			continue;
		readf(cur[i], sizeof(cur[i]), "%s/%s", dir, k->keys[i]);
		if (!strcmp(choice(cur[i]), want[i])) {
			where[i] = NULL;
			continue;
		}
		changed = 1;
		mused += snprintf(msg + mused, sizeof(msg) - mused,
				  "%s%s %s -> %s", mused ? ", " : "",
				  k->keys[i], choice(cur[i]), want[i]);
		if (i >= k->nr_atomic)
			continue;
		used += snprintf(line + used, sizeof(line) - used, "%s%s=%s",
				 used ? " " : "", k->keys[i], want[i]);
		if (!strstr(lines, where[i]))
			snprintf(lines + strlen(lines),
				 sizeof(lines) - strlen(lines), "%s%s",
				 *lines ? ", " : "", where[i]);
	}
	if (!changed)
		return EX_OK;
	if (!dry && used)
		err = write_file(dir, k->file, line);
	if (err) {
		fprintf(stderr, "msilease: %s: %s %s refused '%s': %s\n",
			lines, k->word, name, line, strerror(err));
		ret = EX_REFUSED;
	}
	for (i = k->nr_atomic; i < NR_KEYS && !dry; i++) {
		if (!where[i])
			continue;
		err = write_file(dir, k->keys[i], want[i]);
		if (err) {
			fprintf(stderr, "msilease: %s: %s %s refused %s=%s: %s\n",
				where[i], k->word, name, k->keys[i], want[i],
				strerror(err));
			ret = EX_REFUSED;
		}
	}
	if (ret == EX_OK)
		printf("%s%s %s: %s\n", dry ? "would change " : "", k->word,
		       name, msg);
	return ret;
}

/* Apply to every bridge and function, or to function @only. */
static int cmd_apply(const char *file, const char *only, int dry)
{
	char dir[4096], bdir[4608], fdir[5120], addr[32];
	struct dirent **b, **fn;
	int nb, nf, i, j, ret = EX_OK, r, found = !only;

	if (only && !pci_addr(only, addr, sizeof(addr))) {
		fprintf(stderr, "msilease: '%s' is not a PCI address\n", only);
		return EX_USAGE;
	}
	if (file ? parse_file(file, 1) : parse_default())
		ret = EX_REFUSED;
	snprintf(dir, sizeof(dir), "%s/bridges", root);
	nb = names(dir, &b);
	for (i = 0; i < nb; i++) {
		snprintf(bdir, sizeof(bdir), "%s/%s", dir, b[i]->d_name);
		if (!only) {
			r = apply_one(&kinds[0], b[i]->d_name, bdir, dry);
			ret = r ? r : ret;
		}
		snprintf(fdir, sizeof(fdir), "%s/functions", bdir);
		nf = names(fdir, &fn);
		for (j = 0; j < nf; j++) {
			if (only && strcmp(fn[j]->d_name, addr))
				continue;
			found = 1;
			snprintf(fdir, sizeof(fdir), "%s/functions/%s", bdir,
				 fn[j]->d_name);
			r = apply_one(&kinds[1], fn[j]->d_name, fdir, dry);
			ret = r ? r : ret;
		}
		free_names(fn, nf);
	}
	free_names(b, nb);
	free(rules);
	if (!found) {
		fprintf(stderr, "msilease: no function %s\n", only);
		return EX_MISSING;
	}
	return bad_lines && !ret ? EX_REFUSED : ret;
}

/* Every bridge's and function's settings, as msi-lease.conf lines. */
static int cmd_dump(void)
{
	char dir[4096], bdir[4608], fdir[5120], v[256];
	struct dirent **b, **fn;
	int nb, nf, i, j, k;

	printf("# msilease dump: every bridge's settings and every function's terms\n");
	snprintf(dir, sizeof(dir), "%s/bridges", root);
	nb = names(dir, &b);
	for (i = 0; i < nb; i++) {
		snprintf(bdir, sizeof(bdir), "%s/%s", dir, b[i]->d_name);
		printf("bridge %s", b[i]->d_name);
		for (k = 0; k < NR_KEYS && kinds[0].keys[k]; k++)
			if (*readf(v, sizeof(v), "%s/%s", bdir,
				   kinds[0].keys[k]))
				printf(" %s=%s", kinds[0].keys[k], choice(v));
		printf("\n");
		snprintf(fdir, sizeof(fdir), "%s/functions", bdir);
		nf = names(fdir, &fn);
		for (j = 0; j < nf; j++) {
			printf("function %s", fn[j]->d_name);
			for (k = 0; k < NR_KEYS && kinds[1].keys[k]; k++)
				if (*readf(v, sizeof(v), "%s/%s/%s", fdir,
					   fn[j]->d_name, kinds[1].keys[k]))
					printf(" %s=%s", kinds[1].keys[k],
					       choice(v));
			printf("\n");
		}
		free_names(fn, nf);
	}
	free_names(b, nb);
	return EX_OK;
}

/* bridges/BRIDGE/functions/@fn, relative to the root; -1 if none. */
static int fn_dir(const char *fn, char *dir, size_t len)
{
	char bridge[256] = "", path[4096];
	struct dirent **b;
	int n, k;

	snprintf(path, sizeof(path), "%s/bridges", root);
	n = names(path, &b);
	for (k = 0; k < n; k++) {
		snprintf(path, sizeof(path), "%s/bridges/%s/functions/%s",
			 root, b[k]->d_name, fn);
		if (!strchr(fn, '/') && !access(path, F_OK))
			snprintf(bridge, sizeof(bridge), "%s", b[k]->d_name);
	}
	free_names(b, n);
	if (!*bridge) {
		fprintf(stderr, "msilease: no function %s\n", fn);
		return -1;
	}
	snprintf(dir, len, "bridges/%s/functions/%s", bridge, fn);
	return 0;
}

static int cmd_watch(int argc, char **argv)
{
	int secs = argc > 0 ? atoi(argv[0]) : 1;
	int count = argc > 1 ? atoi(argv[1]) : 0, i;

	if (secs < 1 || count < 0)
		return EX_USAGE;
	for (i = 0; !count || i < count; i++) {
		if (!json && isatty(STDOUT_FILENO))
			printf("\033[H\033[2J");
		cmd_status();
		if (!json)
			printf("\n");
		cmd_leases(NULL);
		fflush(stdout);
		if (!count || i + 1 < count)
			sleep(secs);
	}
	return EX_OK;
}

/* Interrupts per IRQ from /proc/interrupts, summed over CPUs. */
struct irq_counts {
	unsigned long long *n;
	unsigned int nr;
};

static void irq_counts_read(struct irq_counts *c, const char *file)
{
	unsigned long long v, *grown;
	char *line = NULL, *p, *end;
	size_t cap = 0;
	unsigned long irq;
	FILE *f;

	memset(c->n, 0, c->nr * sizeof(*c->n));
	f = fopen(file, "r");
	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		irq = strtoul(line, &end, 10);
		if (end == line || *end != ':' || irq > 1 << 20)
			continue;
		if (irq >= c->nr) {
			grown = realloc(c->n, (irq + 1) * sizeof(*c->n));
			if (!grown)
				break;
			memset(grown + c->nr, 0,
			       (irq + 1 - c->nr) * sizeof(*c->n));
			c->n = grown;
			c->nr = irq + 1;
		}
		for (p = end + 1;; p = end) {
			v = strtoull(p, &end, 10);
			if (end == p)
				break;
			c->n[irq] += v;
		}
	}
	free(line);
	fclose(f);
}

/* Interrupts of every IRQ listed in @irqs ("24 25 26"). */
static unsigned long long irqs_sum(const struct irq_counts *c, char *irqs)
{
	unsigned long long sum = 0;
	unsigned long irq;
	char *p = irqs, *end;

	for (;;) {
		irq = strtoul(p, &end, 10);
		if (end == p)
			break;
		if (irq < c->nr)
			sum += c->n[irq];
		p = end;
	}
	return sum;
}

struct top_row {
	char name[256];
	unsigned long long irqs;	/* interrupts at the last frame */
	int seen;
};

static struct top_row *top_rows;
static int nr_top_rows;

/* The row of function @name, added if new; NULL without memory. */
static struct top_row *top_row(const char *name)
{
	struct top_row *rows;
	int i;

	for (i = 0; i < nr_top_rows; i++)
		if (!strcmp(top_rows[i].name, name))
			return &top_rows[i];
	rows = realloc(top_rows, (nr_top_rows + 1) * sizeof(*rows));
	if (!rows)
		return NULL;
	top_rows = rows;
	memset(&rows[nr_top_rows], 0, sizeof(*rows));
	snprintf(rows[nr_top_rows].name, sizeof(rows->name), "%s", name);
	return &rows[nr_top_rows++];
}

/*
 * One frame of top: per bridge its totals, per function its vectors,
 * cap, demand, unmet demand, idle vectors (over the kernel's idle window)
 * and interrupts per second since the previous frame ("-" on the first).
 */
static int top_frame(const char *only, double secs, int frame)
{
	static const char *const bf[] = { "budget", "vectors", "free", "lent" };
	static const char *const ff[] = { "driver", "vectors", "max_vectors",
		"demand", "unmet", "idle", "irqs" };
	char bv[4][256], v[7][4096], rate[32], dir[4096], fdir[8192];
	struct irq_counts counts = { NULL, 0 };
	struct dirent **b, **fn;
	int nb, nf, i, j, k, found = !only, firstb = 1, firstf;
	unsigned long long irqs;
	struct top_row *row;
	char proc[4352];

	/* /proc beside /sys: --root trees for tests carry both. */
	snprintf(proc, sizeof(proc), "%s/../../../proc/interrupts", root);
	irq_counts_read(&counts, proc);
	snprintf(dir, sizeof(dir), "%s/bridges", root);
	nb = names(dir, &b);
	if (json)
		printf("[");
	for (i = 0; i < nb; i++) {
		if (only && strcmp(only, b[i]->d_name))
			continue;
		found = 1;
		for (k = 0; k < 4; k++)
			readf(bv[k], sizeof(bv[k]), "%s/%s/%s", dir,
			      b[i]->d_name, bf[k]);
		if (json) {
			printf("%s{", firstb ? "" : ", ");
			jstr("bridge", b[i]->d_name, 0);
			for (k = 0; k < 4; k++)
				jnum(bf[k], bv[k], 0);
			printf("\"functions\": [");
		} else {
			printf("%sbridge %s: budget %s, vectors %s, free %s, lent %s\n",
			       firstb ? "" : "\n", b[i]->d_name, bv[0], bv[1],
			       bv[2], bv[3]);
			printf("%-13s %-17s %7s %9s %6s %5s %4s %9s\n",
			       "FUNCTION", "DRIVER", "VECTORS", "CAP",
			       "DEMAND", "UNMET", "IDLE", "IRQ/S");
		}
		firstb = 0;
		firstf = 1;
		snprintf(fdir, sizeof(fdir), "%s/%s/functions", dir,
			 b[i]->d_name);
		nf = names(fdir, &fn);
		for (j = 0; j < nf; j++) {
			for (k = 0; k < 7; k++)
				readf(v[k], sizeof(v[k]), "%s/%s/%s", fdir,
				      fn[j]->d_name, ff[k]);
			irqs = irqs_sum(&counts, v[6]);
			row = top_row(fn[j]->d_name);
			snprintf(rate, sizeof(rate), "-");
			if (row && row->seen && frame && irqs >= row->irqs)
				snprintf(rate, sizeof(rate), "%.0f",
					 (irqs - row->irqs) / secs);
			if (row) {
				row->irqs = irqs;
				row->seen = 1;
			}
			if (json) {
				printf("%s{", firstf ? "" : ", ");
				jstr("function", fn[j]->d_name, 0);
				for (k = 0; k < 6; k++)
					jnum(ff[k], v[k], 0);
				printf("\"interrupts\": %llu, ", irqs);
				jnum("irqs_per_s", rate, 1);
				printf("}");
			} else {
				printf("%-13s %-17s %7s %9s %6s %5s %4s %9s\n",
				       fn[j]->d_name, *v[0] ? v[0] : "-", v[1],
				       v[2], v[3], v[4], v[5], rate);
			}
			firstf = 0;
		}
		free_names(fn, nf);
		if (json)
			printf("]}");
	}
	if (json)
		printf("]\n");
	free_names(b, nb);
	free(counts.n);
	if (!found) {
		fprintf(stderr, "msilease: no bridge %s\n", only);
		return EX_MISSING;
	}
	return EX_OK;
}

static int cmd_top(int argc, char **argv)
{
	const char *only = NULL;
	double secs = 1;
	int count = 0, batch = 0, i, ret;
	char *end;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-b")) {
			batch = 1;
		} else if (!strcmp(argv[i], "-d") && i + 1 < argc) {
			secs = strtod(argv[++i], &end);
			if (*end || !(secs >= 0.1 && secs <= 86400))
				return EX_USAGE;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			count = strtol(argv[++i], &end, 10);
			if (*end || count < 1)
				return EX_USAGE;
		} else if (argv[i][0] != '-' && !only) {
			only = argv[i];
		} else {
			return EX_USAGE;
		}
	}
	for (i = 0; !count || i < count; i++) {
		if (!batch && !json && isatty(STDOUT_FILENO))
			printf("\033[H\033[2J");
		else if (i && !json)
			printf("\n");
		ret = top_frame(only, secs, i);
		fflush(stdout);
		if (ret)
			break;
		if (!count || i + 1 < count)
			usleep((useconds_t)(secs * 1e6));
	}
	free(top_rows);
	return ret;
}

int main(int argc, char **argv)
{
	char line[1024], dir[4096];
	const char *cmd;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--root") && i + 1 < argc) {
			root = argv[++i];
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return EX_OK;
		} else if (!strcmp(argv[i], "--version")) {
			printf("msilease " VERSION "\n");
			return EX_OK;
		} else {
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EX_USAGE;
	}
	cmd = argv[i++];
	argc -= i;
	argv += i;
	if (!loaded())
		return EX_MISSING;

	if (!strcmp(cmd, "status") && argc == 0)
		return cmd_status();
	if (!strcmp(cmd, "devices") && argc <= 1)
		return cmd_devices(argc ? argv[0] : NULL);
	if (!strcmp(cmd, "leases") && argc <= 1)
		return cmd_leases(argc ? argv[0] : NULL);
	if (!strcmp(cmd, "watch") && argc <= 2)
		return cmd_watch(argc, argv);
	if (!strcmp(cmd, "set") && argc >= 2) {
		if (pairs(argc - 1, argv + 1, line, sizeof(line)))
			return EX_USAGE;
		snprintf(dir, sizeof(dir), "bridges/%s", argv[0]);
		return writef(line, argv[0], dir, "settings");
	}
	if (!strcmp(cmd, "top"))
		return cmd_top(argc, argv);
	if (!strcmp(cmd, "terms") && argc >= 2) {
		if (pairs(argc - 1, argv + 1, line, sizeof(line)))
			return EX_USAGE;
		if (fn_dir(argv[0], dir, sizeof(dir)))
			return EX_MISSING;
		return writef(line, argv[0], dir, "terms");
	}
	if ((!strcmp(cmd, "cap") || !strcmp(cmd, "method") ||
	     !strcmp(cmd, "resize")) && argc == 2) {
		if (fn_dir(argv[0], dir, sizeof(dir)))
			return EX_MISSING;
		return writef(argv[1], argv[0], dir,
			      !strcmp(cmd, "cap") ? "max_vectors" : cmd);
	}
	if (!strcmp(cmd, "dump") && argc == 0)
		return cmd_dump();
	if (!strcmp(cmd, "apply")) {
		const char *only = NULL;
		int dry = 0;

		for (i = 0; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
			if (!strcmp(argv[i], "-n") ||
			    !strcmp(argv[i], "--dry-run")) {
				dry = 1;
			} else if (!strcmp(argv[i], "--function") &&
				   i + 1 < argc) {
				only = argv[++i];
			} else {
				usage(stderr);
				return EX_USAGE;
			}
		}
		if (argc - i > 1) {
			usage(stderr);
			return EX_USAGE;
		}
		return cmd_apply(i < argc ? argv[i] : NULL, only, dry);
	}
	if (!strcmp(cmd, "revoke") && argc == 2) {
		char *end;

		strtoull(argv[1], &end, 10);
		if (!*argv[1] || *end) {
			fprintf(stderr, "msilease: lease id '%s' is not a number\n",
				argv[1]);
			return EX_USAGE;
		}
		snprintf(dir, sizeof(dir), "bridges/%s", argv[0]);
		return writef(argv[1], argv[0], dir, "revoke");
	}
	usage(stderr);
	return EX_USAGE;
}
