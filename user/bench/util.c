/*
 * Helpers shared by the tests: running a program and waiting for it, and writing the
 * deterministic input files of the file and macro tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

int run_wait(char *const argv[], int quiet)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if (quiet) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd < 0 || dup2(fd, 1) < 0)
				_exit(126);
		}
		execve(argv[0], argv, environ);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return WIFEXITED(status) && WEXITSTATUS(status) == 127 ? -ENOENT
								     : -ECHILD;
	return 0;
}

/* Words for text-like data: gzip then has real work to do, as on source text. */
static const char *const words[] = {
	"the ", "kernel ", "page ", "map ", "fault ", "return ", "int ", "struct ",
	"static ", "void ", "lock ", "(", ")", ";\n", "{\n", "}\n", "\t", "0x1f, ",
	"if ", "else ", "for ", "while ", "char *", "size_t ", "errno ", "= ", "+ ",
};

int write_file(const char *path, long len, int text)
{
	static char chunk[64 * KIB];
	unsigned long x = 0x2545f4914f6cdd1dUL;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -errno;
	for (long done = 0; done < len;) {
		long n = 0;

		while (n < (long)sizeof(chunk) - 16) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			if (text) {
				const char *w = words[(x >> 33) % (sizeof(words) / sizeof(words[0]))];

				while (*w)
					chunk[n++] = *w++;
			} else {
				for (int i = 0; i < 8; i++)
					chunk[n++] = (char)(x >> (8 * i));
			}
		}
		if (n > len - done)
			n = len - done;
		if (write(fd, chunk, n) != n) {
			int err = errno ? -errno : -EIO;

			close(fd);
			return err;
		}
		done += n;
	}
	return close(fd) < 0 ? -errno : 0;
}
