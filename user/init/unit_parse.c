/*
 * INI-style unit file parser. One pass over the bytes: lines are split,
 * continuation lines joined, sections tracked, and each key is looked up in a
 * directive table that knows its section and how to store its value.
 *
 * Bad input never aborts loading: every problem is reported with file and
 * line through the diag callback. Errors (unknown key, bad value, binary data,
 * oversized file) make the unit bad; known systemd keys that Aegis does not
 * implement only warn, so a unit written for systemd still loads and the
 * admin can see what was ignored.
 */
#define _GNU_SOURCE
#include "unit.h"

#include "arena.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct pctx {
	struct unit_conf *c;
	const char *file;
	int line;
	struct unit_diag *d;
};

static void diag(struct pctx *p, const char *sev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void diag(struct pctx *p, const char *sev, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sev[0] == 'e')
		p->d->errors++;
	else
		p->d->warnings++;
	if (p->d->fn)
		p->d->fn(p->d->ctx, p->file, p->line, sev, msg);
}

void unit_conf_init(struct unit_conf *c, enum unit_kind kind)
{
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->type = SVC_SIMPLE;
	c->restart = RESTART_NO;
	c->restart_ms = 100;
	c->restart_reset_ms = 10000;
	c->start_limit_burst = 5;
	c->start_limit_interval_ms = 10000;
	c->timeout_start_ms = 90000;
	c->timeout_stop_ms = 90000;
	c->kill_signal = SIGTERM;
	c->kill_mode = KILL_CONTROL_GROUP;
	c->notification_fd = -1;
	c->std_in = STDIN_NULL;
	c->std_out = STDOUT_LOG;
	c->std_err = STDOUT_LOG;
}

void unit_conf_free(struct unit_conf *c)
{
	if (c->arena) { /* everything is in the arena */
		arena_unref(c->arena);
		memset(c, 0, sizeof(*c));
		return;
	}
	free(c->description);
	for (int i = 0; i < DEP__COUNT; i++)
		strv_clear(&c->deps[i]);
	strv_clear(&c->exec_start);
	strv_clear(&c->exec_start_pre);
	strv_clear(&c->exec_start_post);
	strv_clear(&c->exec_stop);
	strv_clear(&c->exec_reload);
	strv_clear(&c->environment);
	strv_clear(&c->environment_files);
	free(c->working_directory);
	free(c->user);
	free(c->group);
	free(c->pid_file);
	free(c->tty_path);
	free(c->limits);
	memset(c, 0, sizeof(*c));
}

/* 1 for the bytes allowed in unit names: [A-Za-z0-9-_.@:\\]. */
static const unsigned char name_chars[256] = {
	['-'] = 1, ['_'] = 1, ['.'] = 1, ['@'] = 1, [':'] = 1, ['\\'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
	['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
	['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
	['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
	['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
	['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
};
#define name_char_ok(ch) (name_chars[(unsigned char)(ch)])

/* Length of a valid name, 0 if invalid; one pass over the string. */
static size_t name_check(const char *name)
{
	const char *s = name, *dot = NULL;
	/* name_chars['\0'] is 0: the loop stops at the end or at a bad byte */
	for (; name_char_ok(*s); s++)
		dot = *s == '.' ? s : dot;
	if (*s)
		return 0;
	size_t n = (size_t)(s - name);
	if (n == 0 || n > UNIT_NAME_MAX || !dot || dot == name)
		return 0;
	return n;
}

int unit_name_valid(const char *name)
{
	return name_check(name) != 0;
}

int unit_kind_from_name(const char *name)
{
	size_t n = name_check(name);
	if (!n)
		return -1;
	if (n >= 8 && !memcmp(name + n - 8, ".service", 8))
		return UNIT_SERVICE;
	if (n >= 7 && !memcmp(name + n - 7, ".target", 7))
		return UNIT_TARGET;
	return -1;
}

/* ---- storage: the configuration's arena, or malloc without one ---------- */

static char *conf_strdup(struct unit_conf *c, const char *s)
{
	return c->arena ? arena_strdup(c->arena, s) : xstrdup(s);
}

static void conf_free_string(struct unit_conf *c, char *s)
{
	if (!c->arena)
		free(s);
}

static void conf_strv_push(struct unit_conf *c, struct strv *sv, const char *s, size_t len)
{
	if (c->arena)
		arena_strv_push(c->arena, sv, s, len);
	else
		strv_push(sv, s);
}

static void conf_strv_clear(struct unit_conf *c, struct strv *sv)
{
	if (!c->arena)
		strv_clear(sv);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

/* ---- value handlers ---------------------------------------------------- */

typedef int (*set_fn)(struct pctx *p, const char *key, char *val, size_t off);

#define FIELD(p, off, type) ((type *)((char *)(p)->c + (off)))

static int set_string(struct pctx *p, const char *key, char *val, size_t off)
{
	(void)key;
	char **f = FIELD(p, off, char *);
	conf_free_string(p->c, *f);
	*f = *val ? conf_strdup(p->c, val) : NULL;
	return 0;
}

static int set_path(struct pctx *p, const char *key, char *val, size_t off)
{
	const char *v = val[0] == '-' ? val + 1 : val;
	if (*v && *v != '/' && strcmp(v, "~")) {
		diag(p, "error", "%s= needs an absolute path, got \"%s\"", key, val);
		return -1;
	}
	return set_string(p, key, val, off);
}

static int set_deps(struct pctx *p, const char *key, char *val, size_t off)
{
	struct strv *sv = &p->c->deps[off];
	if (!*val) {
		conf_strv_clear(p->c, sv);
		return 0;
	}
	for (char *q = val;;) {
		while (*q == ' ' || *q == '\t')
			q++;
		if (!*q)
			break;
		char *tok = q;
		while (*q && *q != ' ' && *q != '\t')
			q++;
		size_t len = (size_t)(q - tok);
		if (*q)
			*q++ = 0;
		if (unit_kind_from_name(tok) < 0) {
			diag(p, "error", "%s=: invalid or unsupported unit name \"%s\"", key, tok);
			return -1;
		}
		if (!strv_contains(sv, tok))
			conf_strv_push(p->c, sv, tok, len);
	}
	return 0;
}

static int set_cmd(struct pctx *p, const char *key, char *val, size_t off)
{
	struct strv *sv = FIELD(p, off, struct strv);
	struct exec_cmd cmd;
	const char *err;
	if (!*val) {
		conf_strv_clear(p->c, sv);
		return 0;
	}
	if (!exec_cmd_check(val)) { /* the common case, without allocating argv */
		conf_strv_push(p->c, sv, val, strlen(val));
		return 0;
	}
	if (exec_cmd_parse(val, &cmd, &err) < 0) {
		diag(p, "error", "%s=: %s", key, err);
		return -1;
	}
	if (cmd.argv[0][0] != '/') {
		diag(p, "error", "%s=: executable path must be absolute: \"%s\"", key, cmd.argv[0]);
		exec_cmd_free(&cmd);
		return -1;
	}
	exec_cmd_free(&cmd);
	conf_strv_push(p->c, sv, val, strlen(val));
	return 0;
}

static int set_env(struct pctx *p, const char *key, char *val, size_t off)
{
	(void)off;
	struct exec_cmd words;
	const char *err;
	if (!*val) {
		conf_strv_clear(p->c, &p->c->environment);
		return 0;
	}
	if (exec_cmd_parse(val, &words, &err) < 0) {
		diag(p, "error", "%s=: %s", key, err);
		return -1;
	}
	for (int i = 0; i < words.argc; i++) {
		const char *eq = strchr(words.argv[i], '=');
		if (!eq || eq == words.argv[i]) {
			diag(p, "error", "%s=: \"%s\" is not an assignment", key, words.argv[i]);
			exec_cmd_free(&words);
			return -1;
		}
		conf_strv_push(p->c, &p->c->environment, words.argv[i], strlen(words.argv[i]));
	}
	exec_cmd_free(&words);
	return 0;
}

static int set_env_file(struct pctx *p, const char *key, char *val, size_t off)
{
	(void)off;
	if (!*val) {
		conf_strv_clear(p->c, &p->c->environment_files);
		return 0;
	}
	const char *path = val[0] == '-' ? val + 1 : val;
	if (path[0] != '/') {
		diag(p, "error", "%s= needs an absolute path, got \"%s\"", key, val);
		return -1;
	}
	conf_strv_push(p->c, &p->c->environment_files, val, strlen(val));
	return 0;
}

static int set_time(struct pctx *p, const char *key, char *val, size_t off)
{
	uint64_t ms;
	if (parse_timespan_ms(val, &ms) < 0) {
		diag(p, "error", "%s=: invalid time span \"%s\"", key, val);
		return -1;
	}
	*FIELD(p, off, uint64_t) = ms;
	return 0;
}

static int set_timeout_both(struct pctx *p, const char *key, char *val, size_t off)
{
	(void)off;
	if (set_time(p, key, val, offsetof(struct unit_conf, timeout_start_ms)) < 0)
		return -1;
	p->c->timeout_stop_ms = p->c->timeout_start_ms;
	return 0;
}

static int set_int(struct pctx *p, const char *key, char *val, size_t off)
{
	uint64_t v;
	if (parse_uint(val, 1000000, &v) < 0) {
		diag(p, "error", "%s=: invalid number \"%s\"", key, val);
		return -1;
	}
	*FIELD(p, off, int) = (int)v;
	return 0;
}

static int set_fd(struct pctx *p, const char *key, char *val, size_t off)
{
	uint64_t v;
	if (parse_uint(val, 1023, &v) < 0 || v < 3) {
		diag(p, "error", "%s=: need a file descriptor number 3..1023, got \"%s\"", key,
		     val);
		return -1;
	}
	*FIELD(p, off, int) = (int)v;
	return 0;
}

static int set_bool(struct pctx *p, const char *key, char *val, size_t off)
{
	if (parse_bool(val, FIELD(p, off, int)) < 0) {
		diag(p, "error", "%s=: invalid boolean \"%s\"", key, val);
		return -1;
	}
	return 0;
}

static int set_signal(struct pctx *p, const char *key, char *val, size_t off)
{
	if (parse_signal(val, FIELD(p, off, int)) < 0) {
		diag(p, "error", "%s=: unknown signal \"%s\"", key, val);
		return -1;
	}
	return 0;
}

struct enum_map {
	const char *name;
	int value;
};

static const struct enum_map type_map[] = {
	{ "simple", SVC_SIMPLE },   { "exec", SVC_EXEC },     { "forking", SVC_FORKING },
	{ "oneshot", SVC_ONESHOT }, { "notify", SVC_NOTIFY }, { NULL, 0 },
};
static const struct enum_map restart_map[] = {
	{ "no", RESTART_NO },	{ "on-failure", RESTART_ON_FAILURE },
	{ "on-abnormal", RESTART_ON_ABNORMAL }, { "always", RESTART_ALWAYS },
	{ NULL, 0 },
};
static const struct enum_map killmode_map[] = {
	{ "control-group", KILL_CONTROL_GROUP }, { "process", KILL_PROCESS },
	{ "mixed", KILL_MIXED }, { "none", KILL_NONE }, { NULL, 0 },
};
static const struct enum_map stdin_map[] = {
	{ "null", STDIN_NULL }, { "tty", STDIN_TTY }, { "tty-force", STDIN_TTY }, { NULL, 0 },
};
static const struct enum_map stdout_map[] = {
	{ "journal", STDOUT_LOG }, { "log", STDOUT_LOG },     { "syslog", STDOUT_LOG },
	{ "tty", STDOUT_TTY },	   { "null", STDOUT_NULL },   { "inherit", STDOUT_INHERIT },
	{ "journal+console", STDOUT_LOG }, { NULL, 0 },
};

static int lookup_enum(struct pctx *p, const char *key, const char *val,
		       const struct enum_map *m, int *out)
{
	for (; m->name; m++) {
		if (!strcmp(m->name, val)) {
			*out = m->value;
			return 0;
		}
	}
	diag(p, "error", "%s=: invalid value \"%s\"", key, val);
	return -1;
}

#define ENUM_SETTER(fn, map, field, type)                                              \
	static int fn(struct pctx *p, const char *key, char *val, size_t off)          \
	{                                                                              \
		(void)off;                                                             \
		int v;                                                                 \
		if (lookup_enum(p, key, val, map, &v) < 0)                             \
			return -1;                                                     \
		p->c->field = (type)v;                                                 \
		return 0;                                                              \
	}

ENUM_SETTER(set_type, type_map, type, enum svc_type)
ENUM_SETTER(set_restart, restart_map, restart, enum restart_mode)
ENUM_SETTER(set_killmode, killmode_map, kill_mode, enum kill_mode)
ENUM_SETTER(set_stdin, stdin_map, std_in, enum std_in)
ENUM_SETTER(set_stdout, stdout_map, std_out, enum std_out)
ENUM_SETTER(set_stderr, stdout_map, std_err, enum std_out)

static int parse_rlim_value(const char *s, rlim_t *out)
{
	uint64_t v;
	if (!strcmp(s, "infinity")) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (parse_uint(s, UINT64_MAX, &v) < 0)
		return -1;
	*out = (rlim_t)v;
	return 0;
}

static int set_limit(struct pctx *p, const char *key, char *val, size_t off)
{
	struct rlimit rl;
	char *colon = strchr(val, ':');
	if (colon)
		*colon = 0;
	if (parse_rlim_value(val, &rl.rlim_cur) < 0 ||
	    parse_rlim_value(colon ? colon + 1 : val, &rl.rlim_max) < 0 ||
	    (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)) {
		diag(p, "error", "%s=: invalid limit (want N, N:M or infinity)", key);
		return -1;
	}
	struct unit_conf *c = p->c;
	int i;
	for (i = 0; i < c->nlimits; i++)
		if (c->limits[i].resource == (int)off)
			break;
	if (i == c->nlimits) {
		if (c->nlimits == UNIT_NLIMITS)
			return -1;
		if (!c->limits) /* few units set limits: not in every struct unit_conf */
			c->limits = c->arena ? arena_zalloc(c->arena, UNIT_NLIMITS * sizeof(*c->limits))
					     : xcalloc(UNIT_NLIMITS, sizeof(*c->limits));
		c->nlimits++;
	}
	c->limits[i].resource = (int)off;
	c->limits[i].lim = rl;
	return 0;
}

static int set_unsupported(struct pctx *p, const char *key, char *val, size_t off)
{
	(void)val;
	(void)off;
	diag(p, "warning", "%s= is not supported by aegis-init and is ignored", key);
	return 0;
}

/* ---- directive table --------------------------------------------------- */

enum { SEC_UNIT = 1, SEC_SERVICE = 2, SEC_INSTALL = 4 };

struct directive {
	const char *key;
	int sections;
	set_fn fn;
	size_t off;
};

#define OFF(f) offsetof(struct unit_conf, f)

static const struct directive directives[] = {
	{ "Description", SEC_UNIT, set_string, OFF(description) },
	{ "Requires", SEC_UNIT, set_deps, DEP_REQUIRES },
	{ "Wants", SEC_UNIT, set_deps, DEP_WANTS },
	{ "After", SEC_UNIT, set_deps, DEP_AFTER },
	{ "Before", SEC_UNIT, set_deps, DEP_BEFORE },
	{ "Conflicts", SEC_UNIT, set_deps, DEP_CONFLICTS },
	{ "BindsTo", SEC_UNIT, set_deps, DEP_BINDS_TO },
	{ "PartOf", SEC_UNIT, set_deps, DEP_PART_OF },
	{ "StartLimitBurst", SEC_UNIT | SEC_SERVICE, set_int, OFF(start_limit_burst) },
	{ "StartLimitIntervalSec", SEC_UNIT | SEC_SERVICE, set_time,
	  OFF(start_limit_interval_ms) },
	{ "StartLimitInterval", SEC_UNIT | SEC_SERVICE, set_time,
	  OFF(start_limit_interval_ms) },
	{ "Type", SEC_SERVICE, set_type, 0 },
	{ "ExecStart", SEC_SERVICE, set_cmd, OFF(exec_start) },
	{ "ExecStartPre", SEC_SERVICE, set_cmd, OFF(exec_start_pre) },
	{ "ExecStartPost", SEC_SERVICE, set_cmd, OFF(exec_start_post) },
	{ "ExecStop", SEC_SERVICE, set_cmd, OFF(exec_stop) },
	{ "ExecReload", SEC_SERVICE, set_cmd, OFF(exec_reload) },
	{ "Environment", SEC_SERVICE, set_env, 0 },
	{ "EnvironmentFile", SEC_SERVICE, set_env_file, 0 },
	{ "WorkingDirectory", SEC_SERVICE, set_path, OFF(working_directory) },
	{ "User", SEC_SERVICE, set_string, OFF(user) },
	{ "Group", SEC_SERVICE, set_string, OFF(group) },
	{ "PIDFile", SEC_SERVICE, set_path, OFF(pid_file) },
	{ "TTYPath", SEC_SERVICE, set_path, OFF(tty_path) },
	{ "StandardInput", SEC_SERVICE, set_stdin, 0 },
	{ "StandardOutput", SEC_SERVICE, set_stdout, 0 },
	{ "StandardError", SEC_SERVICE, set_stderr, 0 },
	{ "Restart", SEC_SERVICE, set_restart, 0 },
	{ "RestartSec", SEC_SERVICE, set_time, OFF(restart_ms) },
	{ "RestartSteps", SEC_SERVICE, set_int, OFF(restart_steps) },
	{ "RestartMaxDelaySec", SEC_SERVICE, set_time, OFF(restart_max_delay_ms) },
	{ "RestartResetSec", SEC_SERVICE, set_time, OFF(restart_reset_ms) },
	{ "TimeoutStartSec", SEC_SERVICE, set_time, OFF(timeout_start_ms) },
	{ "TimeoutStopSec", SEC_SERVICE, set_time, OFF(timeout_stop_ms) },
	{ "TimeoutSec", SEC_SERVICE, set_timeout_both, 0 },
	{ "KillSignal", SEC_SERVICE, set_signal, OFF(kill_signal) },
	{ "KillMode", SEC_SERVICE, set_killmode, 0 },
	{ "WatchdogSec", SEC_SERVICE, set_time, OFF(watchdog_ms) },
	{ "RemainAfterExit", SEC_SERVICE, set_bool, OFF(remain_after_exit) },
	{ "NotificationFd", SEC_SERVICE, set_fd, OFF(notification_fd) },
	{ "LimitCPU", SEC_SERVICE, set_limit, RLIMIT_CPU },
	{ "LimitFSIZE", SEC_SERVICE, set_limit, RLIMIT_FSIZE },
	{ "LimitDATA", SEC_SERVICE, set_limit, RLIMIT_DATA },
	{ "LimitSTACK", SEC_SERVICE, set_limit, RLIMIT_STACK },
	{ "LimitCORE", SEC_SERVICE, set_limit, RLIMIT_CORE },
	{ "LimitRSS", SEC_SERVICE, set_limit, RLIMIT_RSS },
	{ "LimitNOFILE", SEC_SERVICE, set_limit, RLIMIT_NOFILE },
	{ "LimitAS", SEC_SERVICE, set_limit, RLIMIT_AS },
	{ "LimitNPROC", SEC_SERVICE, set_limit, RLIMIT_NPROC },
	{ "LimitMEMLOCK", SEC_SERVICE, set_limit, RLIMIT_MEMLOCK },
	{ "LimitLOCKS", SEC_SERVICE, set_limit, RLIMIT_LOCKS },
	{ "LimitSIGPENDING", SEC_SERVICE, set_limit, RLIMIT_SIGPENDING },
	{ "LimitMSGQUEUE", SEC_SERVICE, set_limit, RLIMIT_MSGQUEUE },
	{ "LimitNICE", SEC_SERVICE, set_limit, RLIMIT_NICE },
	{ "LimitRTPRIO", SEC_SERVICE, set_limit, RLIMIT_RTPRIO },
	{ "WantedBy", SEC_INSTALL, set_deps, DEP_WANTED_BY },
	/* Known systemd keys that Aegis does not implement: warn, keep loading. */
	{ "Documentation", SEC_UNIT, set_unsupported, 0 },
	{ "DefaultDependencies", SEC_UNIT, set_unsupported, 0 },
	{ "AllowIsolate", SEC_UNIT, set_unsupported, 0 },
	{ "Requisite", SEC_UNIT, set_unsupported, 0 },
	{ "OnFailure", SEC_UNIT, set_unsupported, 0 },
	{ "RequiredBy", SEC_INSTALL, set_unsupported, 0 },
	{ "Alias", SEC_INSTALL, set_unsupported, 0 },
	{ "Also", SEC_INSTALL, set_unsupported, 0 },
	{ "ExecStopPost", SEC_SERVICE, set_unsupported, 0 },
	{ "NotifyAccess", SEC_SERVICE, set_unsupported, 0 },
	{ "PrivateTmp", SEC_SERVICE, set_unsupported, 0 },
	{ "ProtectSystem", SEC_SERVICE, set_unsupported, 0 },
	{ "ProtectHome", SEC_SERVICE, set_unsupported, 0 },
	{ "NoNewPrivileges", SEC_SERVICE, set_unsupported, 0 },
	{ "SuccessExitStatus", SEC_SERVICE, set_unsupported, 0 },
	{ "WatchdogSignal", SEC_SERVICE, set_unsupported, 0 },
	{ "Nice", SEC_SERVICE, set_unsupported, 0 },
	{ "UMask", SEC_SERVICE, set_unsupported, 0 },
};

static int section_id(const char *name)
{
	if (!strcmp(name, "Unit"))
		return SEC_UNIT;
	if (!strcmp(name, "Service"))
		return SEC_SERVICE;
	if (!strcmp(name, "Install"))
		return SEC_INSTALL;
	return 0;
}

static void apply_key(struct pctx *p, int sec, char *key, size_t klen, char *val)
{
	if (key[0] == 'X' && key[1] == '-')
		return;
	if ((key[0] == 'C' && !strncmp(key, "Condition", 9)) ||
	    (key[0] == 'A' && !strncmp(key, "Assert", 6))) {
		set_unsupported(p, key, val, 0);
		return;
	}
	/* Candidates by first character, in table order, with key lengths (built once). */
	static unsigned char by_first[128][24], nby_first[128], key_len[ARRAY_SIZE(directives)];
	static int indexed;
	if (!indexed) {
		for (size_t i = 0; i < ARRAY_SIZE(directives); i++) {
			unsigned char f = (unsigned char)directives[i].key[0] & 127;
			by_first[f][nby_first[f]++] = (unsigned char)i;
			key_len[i] = (unsigned char)strlen(directives[i].key);
		}
		indexed = 1;
	}
	unsigned char f = (unsigned char)key[0];
	for (int k = 0; f < 128 && k < nby_first[f]; k++) {
		const struct directive *dr = &directives[by_first[f][k]];
		if (key_len[by_first[f][k]] != klen)
			continue;
		size_t j = 1; /* short keys: a plain loop beats a memcmp call */
		while (j < klen && dr->key[j] == key[j])
			j++;
		if (j < klen)
			continue;
		if (!(dr->sections & sec))
			continue;
		dr->fn(p, key, val, dr->off);
		return;
	}
	diag(p, "error", "unknown key \"%s\" in this section", key);
}

/* A section name is "" when none seen yet, "?" when skipped (X- section). */
/* s is trimmed on both sides (str_trim); end points at its NUL. */
static void handle_line(struct pctx *p, char *s, char *end_of_line, int *sec)
{
	if (!*s || *s == '#' || *s == ';')
		return;
	if (*s == '[') {
		char *end = strchr(s, ']');
		if (!end || str_trim(end + 1)[0]) {
			diag(p, "error", "malformed section header");
			*sec = -1;
			return;
		}
		*end = 0;
		*sec = section_id(s + 1);
		if (*sec == SEC_SERVICE && p->c->kind != UNIT_SERVICE) {
			diag(p, "error", "[Service] section in a target unit");
			*sec = -1;
		} else if (!*sec && strncmp(s + 1, "X-", 2)) {
			diag(p, "error", "unknown section [%s]", s + 1);
			*sec = -1;
		} else if (!*sec) {
			*sec = -2; /* vendor section: ignored */
		}
		return;
	}
	if (*sec == -2 || *sec == -1)
		return; /* already reported for the header */
	char *eq = s; /* strchr(s, '='): keys are short, a plain loop is cheaper */
	while (*eq && *eq != '=')
		eq++;
	if (!*eq)
		eq = NULL;
	if (!eq) {
		diag(p, "error", "expected KEY=VALUE");
		return;
	}
	if (*sec == 0) {
		diag(p, "error", "assignment outside of any section");
		return;
	}
	*eq = 0;
	/* s has no leading blanks, the value no trailing ones. */
	char *ke = eq;
	while (ke > s && (ke[-1] == ' ' || ke[-1] == '\t' || ke[-1] == '\r'))
		*--ke = 0;
	char *v = eq + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	(void)end_of_line;
	apply_key(p, *sec, s, (size_t)(ke - s), v);
}

/* Rejects bytes that cannot be in a text unit file: NUL and control chars. */
static int check_text(struct pctx *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch != 0x7f)
			continue; /* the common case: one test per byte */
		if (ch == 0 || (ch < 0x20 && ch != '\t' && ch != '\r') || ch == 0x7f) {
			diag(p, "error", "binary data (byte 0x%02x at column %zu); rest of file ignored",
			     ch, i + 1);
			return -1;
		}
	}
	return 0;
}

int unit_parse_buffer(struct unit_conf *c, const char *file, const char *buf, size_t len,
		      struct unit_diag *d)
{
	struct pctx p = { .c = c, .file = file, .line = 0, .d = d };
	int errors_before = d->errors, sec = 0, start_line = 0;
	/* One line buffer for the whole file, grown when needed, not per line. */
	char stack_acc[1024];
	char *acc = stack_acc;
	size_t acc_cap = sizeof(stack_acc), acc_len = 0;
	int pending = 0; /* acc holds a line continued with a backslash */
	size_t pos = 0;

	if (len > UNIT_FILE_MAX) {
		diag(&p, "error", "file too large (%zu bytes, limit %d)", len, UNIT_FILE_MAX);
		return d->errors - errors_before;
	}
	while (pos < len) {
		/* Finds the end of the line and checks its bytes in one pass. */
		const char *ls = buf + pos, *le = ls, *bend = buf + len;
		int odd = 0;
		while (le < bend) {
			/* Eight bytes at a time while none is a control byte (< 0x20 or 0x7f). */
			if (bend - le >= 8) {
				uint64_t w, x;
				memcpy(&w, le, 8);
				x = w ^ 0x7f7f7f7f7f7f7f7fULL;
				uint64_t ctl = ((w - 0x2020202020202020ULL) & ~w) |
					       ((x - 0x0101010101010101ULL) & ~x);
				if (!(ctl & 0x8080808080808080ULL)) {
					le += 8;
					continue;
				}
			}
			const char *stop = bend - le > 8 ? le + 8 : bend;
			for (; le < stop && *le != '\n'; le++)
				if ((unsigned char)*le < 0x20 || *le == 0x7f)
					odd |= *le != '\t';
			if (le < stop)
				break; /* at the newline */
		}
		size_t n = (size_t)(le - ls);
		p.line++;
		if (odd && check_text(&p, ls, n) < 0)
			break;
		if (acc_len + n > UNIT_LINE_MAX) {
			diag(&p, "error", "line too long (limit %d bytes)", UNIT_LINE_MAX);
			pending = 0;
			acc_len = 0;
			pos += n + 1;
			continue;
		}
		if (!pending)
			start_line = p.line;
		if (acc_len + n + 2 > acc_cap) {
			size_t ncap = (acc_len + n + 2) * 2;
			char *na = xmalloc(ncap);
			memcpy(na, acc, acc_len);
			if (acc != stack_acc)
				free(acc);
			acc = na;
			acc_cap = ncap;
		}
		memcpy(acc + acc_len, buf + pos, n);
		acc_len += n;
		acc[acc_len] = 0;
		pos += n + 1;
		/* A trailing backslash continues the line (not in comments). */
		/* str_trim(acc), knowing its length. */
		char *t = acc;
		while (*t == ' ' || *t == '\t')
			t++;
		size_t tl = acc_len - (size_t)(t - acc);
		while (tl && (t[tl - 1] == ' ' || t[tl - 1] == '\t' || t[tl - 1] == '\r'))
			t[--tl] = 0;
		if (tl && t[tl - 1] == '\\' && t[0] != '#' && t[0] != ';' && pos < len) {
			acc_len = (size_t)(t - acc) + tl - 1;
			acc[acc_len++] = ' ';
			acc[acc_len] = 0;
			pending = 1;
			continue;
		}
		int cur = p.line;
		p.line = start_line;
		handle_line(&p, t, t + tl, &sec);
		p.line = cur;
		pending = 0;
		acc_len = 0;
	}
	if (acc != stack_acc)
		free(acc);
	return d->errors - errors_before;
}

/*
 * Reads the whole file with as few system calls as possible (openat, read,
 * close): loading 10,000 units is dominated by system calls, not parsing.
 * A short read from a regular file means end of file.
 */
int unit_parse_file_at(struct unit_conf *c, int dirfd, const char *name, const char *path,
		       struct unit_diag *d)
{
	struct pctx p = { .c = c, .file = path, .line = 0, .d = d };
	static char stackbuf[16384];
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		diag(&p, "error", "cannot open: %s", strerror(errno));
		return 1;
	}
	char *buf = stackbuf;
	size_t cap = sizeof(stackbuf), len = 0;
	for (;;) {
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			diag(&p, "error", "cannot read: %s", strerror(errno));
			close(fd);
			if (buf != stackbuf)
				free(buf);
			return 1;
		}
		len += (size_t)r;
		if (len < cap || r == 0)
			break;
		if (cap > UNIT_FILE_MAX)
			break; /* enough to know it is too large */
		size_t ncap = cap * 4;
		char *nb = xmalloc(ncap);
		memcpy(nb, buf, len);
		if (buf != stackbuf)
			free(buf);
		buf = nb;
		cap = ncap;
	}
	close(fd);
	int r = unit_parse_buffer(c, path, buf, len, d);
	if (buf != stackbuf)
		free(buf);
	return r;
}

int unit_parse_file(struct unit_conf *c, const char *path, struct unit_diag *d)
{
	return unit_parse_file_at(c, AT_FDCWD, path, path, d);
}

int unit_conf_verify(struct unit_conf *c, const char *name, const char *file,
		     struct unit_diag *d)
{
	struct pctx p = { .c = c, .file = file, .line = 0, .d = d };
	int before = d->errors;
	if (c->kind != UNIT_SERVICE)
		return 0;
	if (c->exec_start.n == 0)
		diag(&p, "error", "%s has no ExecStart=", name);
	else if (c->exec_start.n > 1 && c->type != SVC_ONESHOT)
		diag(&p, "error", "%s: several ExecStart= lines need Type=oneshot", name);
	if (c->notification_fd >= 0 && c->type != SVC_NOTIFY)
		diag(&p, "warning", "%s: NotificationFd= only means something with Type=notify",
		     name);
	if (c->restart_max_delay_ms && c->restart_max_delay_ms < c->restart_ms)
		diag(&p, "error", "%s: RestartMaxDelaySec= is below RestartSec=", name);
	if (c->user || c->group) {
		if (geteuid() != 0)
			diag(&p, "warning", "%s: User=/Group= ignored (not running as root)", name);
	}
	return d->errors - before;
}

const char *svc_type_name(enum svc_type t)
{
	return type_map[t].name;
}

const char *restart_mode_name(enum restart_mode r)
{
	return restart_map[r].name;
}

const char *dep_kind_name(enum dep_kind k)
{
	static const char *names[] = { "Requires",  "Wants",  "After",	"Before",
				       "Conflicts", "BindsTo", "PartOf", "WantedBy" };
	return names[k];
}
