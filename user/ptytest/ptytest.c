/*
 * ptytest.c - terminal behaviour as Linux defines it, checked from user space
 * through a pseudo-terminal: allocation and unlocking, the controlling terminal
 * a session leader acquires by opening the slave, default termios, cooked input
 * with echo, ^C to the foreground group, SIGWINCH, SIGTTIN for a background
 * reader, and SIGHUP when the master closes.  Prints "PASS name" / "FAIL name"
 * per case and exits non-zero on any failure; the same binary runs on Linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#ifndef TIOCGPTPEER
#define TIOCGPTPEER 0x5441
#endif
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int failures;

static void report(const char *name, int ok, const char *why)
{
	printf("%s %s%s%s\n", ok ? "PASS" : "FAIL", name, ok ? "" : " ", ok ? "" : why);
	fflush(stdout);
	failures += !ok;
}

/* Reads from fd until want appears or ~2 s pass; what follows it is kept. */
static int expect(int fd, const char *want)
{
	static char buf[1024];
	static size_t len;

	for (int tries = 0; tries < 200; tries++) {
		char *hit = strstr(buf, want);
		if (hit) {
			hit += strlen(want);
			len -= hit - buf;
			memmove(buf, hit, len + 1);
			return 1;
		}
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n > 0) {
			len += n;
			buf[len] = 0;
		} else if (n < 0 && errno == EAGAIN) {
			usleep(10000);
		} else {
			break;
		}
	}
	fprintf(stderr, "ptytest: wanted \"%s\", have \"%s\"\n", want, buf);
	return 0;
}

static int open_master(char *name, size_t size)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	if (m < 0 || grantpt(m) || unlockpt(m) || ptsname_r(m, name, size))
		return -1;
	return m;
}

static volatile sig_atomic_t got_sig;
static void on_sig(int sig) { got_sig = sig; }

/* The child: a session leader on the slave, reporting over the terminal. */
static void child(const char *slave, int master)
{
	struct termios t;
	char line[64];
	int fd, pg;
	pid_t bg;
	int st;

	close(master);		/* else the master never closes: no hang-up */
	setsid();
	fd = open(slave, O_RDWR);	/* becomes the controlling terminal */
	if (fd < 0)
		_exit(10);
	dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
	if (open("/dev/tty", O_RDWR) < 0)
		_exit(11);
	if (tcgetsid(0) != getpid() || tcgetpgrp(0) != getpgrp())
		_exit(12);
	tcgetattr(0, &t);
	if (!(t.c_lflag & ICANON) || !(t.c_lflag & ECHO) || !(t.c_lflag & ISIG) ||
	    !(t.c_oflag & ONLCR) || !(t.c_iflag & ICRNL) || t.c_cc[VERASE] != 0x7f ||
	    t.c_cc[VINTR] != 3 || t.c_cc[VEOF] != 4)
		_exit(13);
	write(1, "ready\n", 6);
	/* cooked input: one edited line per read */
	ssize_t n = read(0, line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = 0;
	printf("line=[%s]\n", strcmp(line, "abd\n") ? line : "abd");
	fflush(stdout);
	/* ^C: SIGINT to us, the foreground group */
	signal(SIGINT, on_sig);
	signal(SIGWINCH, on_sig);
	while (got_sig != SIGINT)
		pause();
	printf("sigint\n");
	fflush(stdout);
	got_sig = 0;
	while (got_sig != SIGWINCH)
		pause();
	printf("sigwinch\n");
	fflush(stdout);
	/* a background group reading its terminal stops with SIGTTIN */
	bg = fork();
	if (bg == 0) {
		setpgid(0, 0);
		read(0, line, 1);
		_exit(0);
	}
	setpgid(bg, bg);
	pg = waitpid(bg, &st, WUNTRACED);
	printf("bg=%s\n", pg == bg && WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTIN ? "ttin" : "?");
	fflush(stdout);
	kill(bg, SIGKILL);
	waitpid(bg, &st, 0);
	signal(SIGHUP, SIG_DFL);
	for (;;)
		pause();		/* until the master closes: SIGHUP */
}

int main(void)
{
	char name[64], buf[64];
	struct winsize ws = { 33, 99, 0, 0 };
	int m, m2, s, st, ptn = -1;
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);
	m = open_master(name, sizeof(name));
	report("pty_open", m >= 0 && !strncmp(name, "/dev/pts/", 9), "posix_openpt/unlockpt");
	if (m < 0)
		return 1;
	report("pty_tiocgptn", ioctl(m, TIOCGPTN, &ptn) == 0 && ptn == atoi(name + 9), name);
	/* a locked slave cannot be opened */
	m2 = posix_openpt(O_RDWR | O_NOCTTY);
	if (m2 >= 0 && ioctl(m2, TIOCGPTN, &ptn) == 0) {
		snprintf(buf, sizeof(buf), "/dev/pts/%d", ptn);
		s = open(buf, O_RDWR | O_NOCTTY);
		report("pty_locked", s < 0 && errno == EIO, "slave opened before unlockpt");
		if (s >= 0)
			close(s);
		/* TIOCGPTPEER opens the slave without a path */
		unlockpt(m2);
		s = ioctl(m2, TIOCGPTPEER, O_RDWR | O_NOCTTY);
		fcntl(m2, F_SETFL, O_NONBLOCK);
		report("pty_gptpeer", s >= 0 && write(s, "peer\n", 5) == 5 && expect(m2, "peer\r\n"),
		       "TIOCGPTPEER");
		if (s >= 0)
			close(s);
		close(m2);
	}
	pid = fork();
	if (pid == 0)
		child(name, m);
	fcntl(m, F_SETFL, O_NONBLOCK);
	report("pty_ctty", expect(m, "ready\r\n"), "child setup (exit codes 10-13)");
	write(m, "abc\177d\r", 6);
	report("pty_echo", expect(m, "abc\b \bd\r\n"), "echo of erase");
	report("pty_cooked", expect(m, "line=[abd]\r\n"), "edited line");
	usleep(100000);
	write(m, "\003", 1);
	report("pty_sigint", expect(m, "sigint\r\n"), "^C");
	ioctl(m, TIOCSWINSZ, &ws);
	report("pty_sigwinch", expect(m, "sigwinch\r\n"), "TIOCSWINSZ");
	memset(&ws, 0, sizeof(ws));
	report("pty_winsize", ioctl(m, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 33 && ws.ws_col == 99,
	       "TIOCGWINSZ on the master");
	report("pty_sigttin", expect(m, "bg=ttin\r\n"), "background read");
	close(m);
	waitpid(pid, &st, 0);
	report("pty_hangup", WIFSIGNALED(st) && WTERMSIG(st) == SIGHUP, "no SIGHUP on master close");
	return failures ? 1 : 0;
}
