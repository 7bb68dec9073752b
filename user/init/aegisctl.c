/*
 * aegisctl: the command-line client of aegis-init. It sends one request line
 * over the control socket and prints the tagged reply (see ctl.h); the exit
 * status comes from the server. `aegisctl log` writes a message to the
 * syslog socket directly, like logger(1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "util.h"

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: aegisctl [--root DIR] COMMAND [ARGS]\n"
		"  start|stop|restart|reload UNIT... [--no-block]\n"
		"  status|is-active UNIT...       list-units [--all]\n"
		"  enable|disable UNIT...         list-dependencies UNIT\n"
		"  logs [UNIT|--all] [-n N] [-f]  daemon-reload\n"
		"  analyze                        poweroff | reboot | exit\n"
		"  log [-p PRIO] [-t TAG] MESSAGE...   (write to the syslog socket)\n"
		"  DIR defaults to $AEGIS_ROOT, else /.\n");
	exit(code);
}

static int connect_unix(const char *path, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int cmd_log(const char *root, int argc, char **argv)
{
	int prio = 13; /* user.notice */
	const char *tag = "aegisctl";
	int i = 0;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "-p") && i + 1 < argc)
			prio = 8 | (atoi(argv[++i]) & 7);
		else if (!strcmp(argv[i], "-t") && i + 1 < argc)
			tag = argv[++i];
		else
			break;
	}
	char msg[2048];
	int n = snprintf(msg, sizeof(msg), "<%d>%s[%d]:", prio, tag, (int)getpid());
	for (; i < argc && n < (int)sizeof(msg) - 2; i++)
		n += snprintf(msg + n, sizeof(msg) - (size_t)n, " %s", argv[i]);
	if (n >= (int)sizeof(msg))
		n = sizeof(msg) - 1;
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/dev/log", root);
	if (stat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
		snprintf(path, sizeof(path), "%s/run/log", root);
	int fd = connect_unix(path, SOCK_DGRAM);
	if (fd < 0 || send(fd, msg, (size_t)n, 0) < 0) {
		fprintf(stderr, "aegisctl: %s: %s\n", path, strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *root = getenv("AEGIS_ROOT");
	int i = 1;
	signal(SIGPIPE, SIG_IGN);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--root") && i + 1 < argc)
			root = argv[++i];
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			usage(0);
		else
			usage(2);
	}
	if (i >= argc)
		usage(2);
	if (!root)
		root = "";
	if (!strcmp(argv[i], "log"))
		return cmd_log(root, argc - i - 1, argv + i + 1);

	char req[CTL_LINE_MAX];
	size_t n = 0;
	for (int k = i; k < argc; k++) {
		size_t l = strlen(argv[k]);
		if (strpbrk(argv[k], " \t\n") || n + l + 2 > sizeof(req)) {
			fprintf(stderr, "aegisctl: argument \"%s\" not allowed\n", argv[k]);
			return 2;
		}
		if (n)
			req[n++] = ' ';
		memcpy(req + n, argv[k], l);
		n += l;
	}
	req[n++] = '\n';
	char path[4096];
	snprintf(path, sizeof(path), "%s" CTL_SOCKET_REL, root);
	int fd = connect_unix(path, SOCK_STREAM);
	if (fd < 0) {
		fprintf(stderr, "aegisctl: cannot connect to %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (write_all(fd, req, n) < 0) {
		fprintf(stderr, "aegisctl: write: %s\n", strerror(errno));
		return 1;
	}
	FILE *f = fdopen(fd, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) > 0) {
		if (len < 2)
			continue;
		if (line[0] == 'x')
			return atoi(line + 2);
		FILE *out = line[0] == 'e' ? stderr : stdout;
		fputs(line + 2, out);
		fflush(out);
	}
	if (!strcmp(argv[i], "logs"))
		return 0;
	fprintf(stderr, "aegisctl: connection closed without a reply\n");
	return 1;
}
