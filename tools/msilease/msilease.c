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

#define VERSION "0.2"

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
"\n"
"Admin commands (root):\n"
"  set BRIDGE KEY=VALUE...   change budget, negotiation, policy,\n"
"                            max_lease_ms of a bridge, all at once\n"
"  terms FUNCTION KEY=VALUE...\n"
"                            change cooperative, priority, floor, max_lend\n"
"                            of a function, all at once\n"
"  revoke BRIDGE ID          end a lease now\n"
"\n"
"Exit status: 0 done, 1 refused by the kernel, 2 bad usage,\n"
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
	if (!strcmp(cmd, "terms") && argc >= 2) {
		char bridge[256] = "", path[4096];
		struct dirent **b;
		int n, k;

		if (pairs(argc - 1, argv + 1, line, sizeof(line)))
			return EX_USAGE;
		snprintf(path, sizeof(path), "%s/bridges", root);
		n = names(path, &b);
		for (k = 0; k < n; k++) {
			snprintf(path, sizeof(path), "%s/bridges/%s/functions/%s",
				 root, b[k]->d_name, argv[0]);
			if (!access(path, F_OK))
				snprintf(bridge, sizeof(bridge), "%s",
					 b[k]->d_name);
		}
		free_names(b, n);
		if (!*bridge) {
			fprintf(stderr, "msilease: no function %s\n", argv[0]);
			return EX_MISSING;
		}
		snprintf(dir, sizeof(dir), "bridges/%s/functions/%s", bridge,
			 argv[0]);
		return writef(line, argv[0], dir, "terms");
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
