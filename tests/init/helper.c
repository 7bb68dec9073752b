/*
 * A service program for the end-to-end tests: one binary, many behaviours.
 *   helper notify DELAY_MS [STATUS]   sd_notify READY=1 after a delay, then wait
 *   helper watchdog PERIOD_MS COUNT   READY=1, then COUNT WATCHDOG=1 pings, then hang
 *   helper s6 FD DELAY_MS             write "\n" to FD after a delay (s6 readiness)
 *   helper doublefork PIDFILE         fork, setsid, fork; the grandchild writes its
 *                                     pid and waits; the parent exits 0
 *   helper ignoreterm                 ignore SIGTERM and wait
 *   helper stamp FILE                 append the CLOCK_REALTIME ns to FILE, wait
 *   helper spam N                     print N numbered lines and exit 0
 *   helper hup                        print "reloaded" on every SIGHUP
 *   helper mainpid FILE               fork a child that writes its pid to FILE and
 *                                     waits; send MAINPID=<child> READY=1; exit 0
 *   helper now                        print the CLOCK_REALTIME ns (for shells whose
 *                                     date has no %N, as busybox's in Aegis)
 *   helper kill PID                   print the CLOCK_REALTIME ns, then SIGKILL PID
 * "wait" means pause() forever; the tests stop it through aegis-init.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0)
		;
}

static void hang(void)
{
	for (;;)
		pause();
}

static int notify(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (!path || strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	int r = (int)sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return r;
}

static void on_hup(int sig)
{
	(void)sig;
	static const char m[] = "reloaded\n";
	(void)!write(1, m, sizeof(m) - 1);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return 2;
	const char *mode = argv[1];
	if (!strcmp(mode, "notify") && argc >= 3) {
		sleep_ms(atol(argv[2]));
		char msg[256];
		snprintf(msg, sizeof(msg), "READY=1\nSTATUS=%s", argc > 3 ? argv[3] : "serving");
		if (notify(msg) < 0)
			return 3;
		printf("ready sent\n");
		hang();
	}
	if (!strcmp(mode, "watchdog") && argc >= 4) {
		notify("READY=1");
		for (int i = 0; i < atoi(argv[3]); i++) {
			sleep_ms(atol(argv[2]) / 3);
			notify("WATCHDOG=1");
		}
		printf("stopped pinging\n");
		hang();
	}
	if (!strcmp(mode, "s6") && argc >= 4) {
		sleep_ms(atol(argv[3]));
		(void)!write(atoi(argv[2]), "\n", 1);
		hang();
	}
	if (!strcmp(mode, "doublefork") && argc >= 3) {
		pid_t p = fork();
		if (p > 0)
			return 0;
		setsid();
		if (fork() > 0)
			_exit(0);
		FILE *f = fopen(argv[2], "w");
		if (f) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
		hang();
	}
	if (!strcmp(mode, "ignoreterm")) {
		signal(SIGTERM, SIG_IGN);
		printf("ignoring SIGTERM\n");
		hang();
	}
	if (!strcmp(mode, "stamp") && argc >= 3) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		FILE *f = fopen(argv[2], "a");
		if (f) {
			fprintf(f, "%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
			fclose(f);
		}
		hang();
	}
	if (!strcmp(mode, "spam") && argc >= 3) {
		for (int i = 0; i < atoi(argv[2]); i++)
			printf("spam line %d\n", i);
		return 0;
	}
	if (!strcmp(mode, "mainpid") && argc >= 3) {
		pid_t c = fork();
		if (c == 0) {
			FILE *f = fopen(argv[2], "w");
			if (f) {
				fprintf(f, "%d\n", (int)getpid());
				fclose(f);
			}
			hang();
		}
		char msg[64];
		snprintf(msg, sizeof(msg), "MAINPID=%d\nREADY=1", (int)c);
		notify(msg);
		sleep_ms(200);
		return 0;
	}
	if (!strcmp(mode, "now") || (!strcmp(mode, "kill") && argc >= 3)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		printf("%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
		fflush(stdout);
		if (mode[0] == 'k' && kill((pid_t)atoi(argv[2]), SIGKILL) < 0)
			return 1;
		return 0;
	}
	if (!strcmp(mode, "hup")) {
		signal(SIGHUP, on_hup);
		hang();
	}
	return 2;
}
