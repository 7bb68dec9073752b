/*
 * The directives of unit files: the table of keys (section, setter, field) and
 * the setters that check a value and store it in struct unit_conf. The parser
 * (unit_parse.c) finds KEY=VALUE lines and hands them to unit_apply_key.
 */
#define _GNU_SOURCE
#include "unit.h"

#include "arena.h"
#include "unit_parse_internal.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

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
		parse_diag(p, "error", "%s= needs an absolute path, got \"%s\"", key, val);
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
			parse_diag(p, "error", "%s=: invalid or unsupported unit name \"%s\"", key, tok);
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
		parse_diag(p, "error", "%s=: %s", key, err);
		return -1;
	}
	if (cmd.argv[0][0] != '/') {
		parse_diag(p, "error", "%s=: executable path must be absolute: \"%s\"", key, cmd.argv[0]);
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
		parse_diag(p, "error", "%s=: %s", key, err);
		return -1;
	}
	for (int i = 0; i < words.argc; i++) {
		const char *eq = strchr(words.argv[i], '=');
		if (!eq || eq == words.argv[i]) {
			parse_diag(p, "error", "%s=: \"%s\" is not an assignment", key, words.argv[i]);
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
		parse_diag(p, "error", "%s= needs an absolute path, got \"%s\"", key, val);
		return -1;
	}
	conf_strv_push(p->c, &p->c->environment_files, val, strlen(val));
	return 0;
}

static int set_time(struct pctx *p, const char *key, char *val, size_t off)
{
	uint64_t ms;
	if (parse_timespan_ms(val, &ms) < 0) {
		parse_diag(p, "error", "%s=: invalid time span \"%s\"", key, val);
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
		parse_diag(p, "error", "%s=: invalid number \"%s\"", key, val);
		return -1;
	}
	*FIELD(p, off, int) = (int)v;
	return 0;
}

static int set_fd(struct pctx *p, const char *key, char *val, size_t off)
{
	uint64_t v;
	if (parse_uint(val, 1023, &v) < 0 || v < 3) {
		parse_diag(p, "error", "%s=: need a file descriptor number 3..1023, got \"%s\"", key,
		     val);
		return -1;
	}
	*FIELD(p, off, int) = (int)v;
	return 0;
}

static int set_bool(struct pctx *p, const char *key, char *val, size_t off)
{
	if (parse_bool(val, FIELD(p, off, int)) < 0) {
		parse_diag(p, "error", "%s=: invalid boolean \"%s\"", key, val);
		return -1;
	}
	return 0;
}

static int set_signal(struct pctx *p, const char *key, char *val, size_t off)
{
	if (parse_signal(val, FIELD(p, off, int)) < 0) {
		parse_diag(p, "error", "%s=: unknown signal \"%s\"", key, val);
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
	parse_diag(p, "error", "%s=: invalid value \"%s\"", key, val);
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
		parse_diag(p, "error", "%s=: invalid limit (want N, N:M or infinity)", key);
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
	parse_diag(p, "warning", "%s= is not supported by aegis-init and is ignored", key);
	return 0;
}

/* ---- directive table --------------------------------------------------- */


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

void unit_apply_key(struct pctx *p, int sec, char *key, size_t klen, char *val)
{
	if (key[0] == 'X' && key[1] == '-')
		return;
	/* two bytes first: After= and Conflicts= are common, these prefixes rare */
	if ((key[0] == 'C' && key[1] == 'o' && !strncmp(key, "Condition", 9)) ||
	    (key[0] == 'A' && key[1] == 's' && !strncmp(key, "Assert", 6))) {
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
	parse_diag(p, "error", "unknown key \"%s\" in this section", key);
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
