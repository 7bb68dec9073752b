/*
 * Sends junk to every socket aegis-init serves, from inside a service so the
 * notify messages are attributed to a real unit: random and hostile sd_notify
 * datagrams (MAINPID=1, huge STATUS=, binary), random syslog datagrams, and
 * random control requests (binary, overlong, half-written, never read).
 * Usage (as a service): sockfuzz ITERATIONS SEED. Exits 0 when done; the test
 * then checks that aegis-init still answers and nothing was signalled wrongly.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static unsigned long long state;
static unsigned rnd(void)
{
	state = state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(state >> 33);
}

static int addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -1;
	strcpy(sa->sun_path, path);
	return 0;
}

static size_t junk(char *buf, size_t cap)
{
	static const char *tokens[] = { "READY=1\n", "WATCHDOG=1\n", "MAINPID=1\n", "MAINPID=-7\n",
					"MAINPID=99999999999\n", "STATUS=", "STOPPING=1\n", "=\n",
					"\n", "<999>", "<3>", "start ", "stop ", "status ", "logs -f ",
					"status victim.service", "daemon-reload", "\0", "\xff\xfe" };
	size_t n = 0, want = rnd() % cap;
	while (n < want) {
		if (rnd() % 3 == 0) {
			const char *t = tokens[rnd() % (sizeof(tokens) / sizeof(tokens[0]))];
			size_t l = strlen(t) ? strlen(t) : 1;
			if (n + l > cap)
				break;
			memcpy(buf + n, t, l);
			n += l;
		} else {
			buf[n++] = (char)rnd();
		}
	}
	return n;
}

/*
 * The junk may spell a real request against the victim ("stop " followed by the
 * "status victim.service" token is "stop status victim.service"). Stopping a
 * named unit is correct behaviour, not a fault the test looks for, so a
 * request with a verb that changes a unit's state never names the victim.
 */
static void spare_victim(char *buf, size_t n)
{
	static const char *verbs[] = { "stop", "restart", "reload", "enable", "disable" };
	int changes = 0;
	for (size_t v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++)
		if (memmem(buf, n, verbs[v], strlen(verbs[v])))
			changes = 1;
	if (!changes)
		return;
	for (char *p = buf; (p = memmem(p, n - (size_t)(p - buf), "victim", 6)); p += 6)
		p[0] = 'V';
}

static void dgram(const char *path, const char *buf, size_t n)
{
	struct sockaddr_un sa;
	if (!path || addr(&sa, path) < 0)
		return;
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	sendto(fd, buf, n, MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
}

static void control(const char *path, const char *buf, size_t n)
{
	struct sockaddr_un sa;
	if (addr(&sa, path) < 0)
		return;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		(void)!write(fd, buf, n);
		if (rnd() % 2) {
			char r[512];
			fcntl(fd, F_SETFL, O_NONBLOCK);
			usleep(1000);
			(void)!read(fd, r, sizeof(r));
		}
	}
	close(fd);
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 1000;
	state = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	const char *root = getenv("AEGIS_ROOT") ? getenv("AEGIS_ROOT") : "";
	const char *notify = getenv("NOTIFY_SOCKET");
	char ctl[4096], slog[4096];
	struct stat st;
	snprintf(ctl, sizeof(ctl), "%s/run/aegis/control", root);
	snprintf(slog, sizeof(slog), "%s/dev/log", root);
	if (stat(slog, &st) < 0)
		snprintf(slog, sizeof(slog), "%s/run/log", root);
	static char buf[70000];
	for (long i = 0; i < iters; i++) {
		size_t n;
		switch (rnd() % 3) {
		case 0:
			n = junk(buf, rnd() % 8 ? 512 : sizeof(buf));
			dgram(notify, buf, n);
			break;
		case 1:
			n = junk(buf, 2048);
			dgram(slog, buf, n);
			break;
		default:
			n = junk(buf, rnd() % 8 ? 256 : 6000);
			/* never a full "stop"/"exit" of everything: keep requests unit-scoped */
			if (n >= 8 && (!strncmp(buf, "poweroff", 8) || !strncmp(buf, "reboot", 6)))
				buf[0] = 'x';
			if (n >= 4 && !strncmp(buf, "exit", 4))
				buf[0] = 'x';
			spare_victim(buf, n);
			control(ctl, buf, n);
			break;
		}
	}
	printf("sockfuzz done\n");
	return 0;
}
