/*
 * Unit configuration as read from unit files. This is the pure, static part of
 * a unit: what the files say. Runtime state (PIDs, timers, job) lives in
 * struct unit in manager.h, which embeds one of these.
 *
 * The parser reports every problem through a diag callback with file and line
 * so the messages can go to the log, to stderr, or to a test.
 */
#ifndef AEGIS_INIT_UNIT_H
#define AEGIS_INIT_UNIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include "util.h"

/* Unit files larger than this are refused rather than parsed. */
#define UNIT_FILE_MAX (256 * 1024)
#define UNIT_LINE_MAX 65536
#define UNIT_NAME_MAX 255

enum unit_kind { UNIT_SERVICE, UNIT_TARGET };

enum svc_type { SVC_SIMPLE, SVC_EXEC, SVC_FORKING, SVC_ONESHOT, SVC_NOTIFY };

enum restart_mode { RESTART_NO, RESTART_ON_FAILURE, RESTART_ON_ABNORMAL, RESTART_ALWAYS };

enum kill_mode { KILL_CONTROL_GROUP, KILL_PROCESS, KILL_MIXED, KILL_NONE };

enum std_in { STDIN_NULL, STDIN_TTY };
enum std_out { STDOUT_LOG, STDOUT_TTY, STDOUT_NULL, STDOUT_INHERIT };

/* Dependency kinds, as unit-file keys. WANTED_BY comes from [Install]. */
enum dep_kind {
	DEP_REQUIRES,
	DEP_WANTS,
	DEP_AFTER,
	DEP_BEFORE,
	DEP_CONFLICTS,
	DEP_BINDS_TO,
	DEP_PART_OF,
	DEP_WANTED_BY,
	DEP__COUNT
};

#define UNIT_NLIMITS 16

struct unit_limit {
	int resource; /* RLIMIT_* or -1 when unset */
	struct rlimit lim;
};

struct unit_conf {
	enum unit_kind kind;
	char *description;
	struct strv deps[DEP__COUNT];

	enum svc_type type;
	struct strv exec_start, exec_start_pre, exec_start_post;
	struct strv exec_stop, exec_reload;
	struct strv environment;       /* KEY=VALUE */
	struct strv environment_files; /* "-" prefix means optional */
	char *working_directory, *user, *group, *pid_file, *tty_path;
	enum std_in std_in;
	enum std_out std_out, std_err;
	enum restart_mode restart;
	uint64_t restart_ms, restart_max_delay_ms, restart_reset_ms;
	int restart_steps;
	int start_limit_burst;
	uint64_t start_limit_interval_ms;
	uint64_t timeout_start_ms, timeout_stop_ms, watchdog_ms;
	int kill_signal;
	enum kill_mode kill_mode;
	int remain_after_exit;
	int notification_fd; /* s6-style readiness fd in the child, -1 if none */
	int nlimits;
	struct unit_limit *limits; /* UNIT_NLIMITS entries, allocated by the first Limit*= */
	/* When set (units loaded from a directory), every string and vector above
	 * lives in this arena and is never freed one by one; unit_conf_free drops
	 * the reference. NULL: each is malloc'd. */
	struct arena *arena;
};

/* Called for each problem; severity is "error" (unit becomes bad) or "warning". */
typedef void (*unit_diag_fn)(void *ctx, const char *file, int line, const char *severity,
			     const char *msg);

struct unit_diag {
	unit_diag_fn fn;
	void *ctx;
	int errors;   /* count of errors seen; the unit is bad if > 0 */
	int warnings;
};

void unit_conf_init(struct unit_conf *c, enum unit_kind kind);
void unit_conf_free(struct unit_conf *c);

/* Kind from the name's suffix; -1 for an unsupported or invalid name. */
int unit_kind_from_name(const char *name);
int unit_name_valid(const char *name);

/*
 * Parses one unit file or drop-in held in buf (not NUL-terminated) into c,
 * applying keys on top of what is already there (so drop-ins override).
 * Returns the number of errors reported through d.
 */
int unit_parse_buffer(struct unit_conf *c, const char *file, const char *buf, size_t len,
		      struct unit_diag *d);
/* Reads and parses a file; a missing or oversized file is an error. */
int unit_parse_file(struct unit_conf *c, const char *path, struct unit_diag *d);
/* Same, for `name` relative to directory fd `dirfd`; `path` is used in messages. */
int unit_parse_file_at(struct unit_conf *c, int dirfd, const char *name, const char *path,
		       struct unit_diag *d);

/* Checks consistency after all files are applied (e.g. ExecStart present). */
int unit_conf_verify(struct unit_conf *c, const char *name, const char *file,
		     struct unit_diag *d);

/* Command lines (exec_line.c). */
struct exec_cmd {
	char **argv; /* NULL-terminated */
	int argc;
	int ignore_failure; /* "-" prefix */
};
int exec_cmd_parse(const char *line, struct exec_cmd *out, const char **err);
/* 0 if exec_cmd_parse would accept line and argv[0] is absolute (no allocation). */
int exec_cmd_check(const char *line);
void exec_cmd_free(struct exec_cmd *cmd);

const char *svc_type_name(enum svc_type t);
const char *restart_mode_name(enum restart_mode r);
const char *dep_kind_name(enum dep_kind k);

#endif
