/* Host tests for the unit file parser and the unit table loader. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <signal.h>

#include "check.h"
#include "table.h"
#include "unit.h"

static char last_msg[1024];
static int last_line;

static void rec(void *ctx, const char *file, int line, const char *sev, const char *msg)
{
	(void)ctx;
	last_line = line;
	snprintf(last_msg, sizeof(last_msg), "%s:%d: %s: %s", file, line, sev, msg);
}

static int parse(struct unit_conf *c, enum unit_kind k, const char *text, struct unit_diag *d)
{
	unit_conf_init(c, k);
	memset(d, 0, sizeof(*d));
	d->fn = rec;
	last_msg[0] = 0;
	return unit_parse_buffer(c, "t.service", text, strlen(text), d);
}

static void t_basic(void)
{
	struct unit_conf c;
	struct unit_diag d;
	int e = parse(&c, UNIT_SERVICE,
		      "# comment\n[Unit]\nDescription=Hello world\nRequires=a.service b.target\n"
		      "After=a.service\n\n[Service]\nType=notify\nExecStart=/bin/echo \"hi there\" x\n"
		      "Restart=on-failure\nRestartSec=250ms\nTimeoutStopSec=1min 30s\n"
		      "KillSignal=SIGINT\nKillMode=mixed\nLimitNOFILE=100:200\nWatchdogSec=2\n"
		      "Environment=A=1 \"B=two words\"\nRemainAfterExit=yes\n"
		      "[Install]\nWantedBy=multi-user.target\n",
		      &d);
	CHECK(e == 0);
	CHECK(d.warnings == 0);
	CHECK(!strcmp(c.description, "Hello world"));
	CHECK(c.deps[DEP_REQUIRES].n == 2);
	CHECK(c.type == SVC_NOTIFY);
	CHECK(c.restart == RESTART_ON_FAILURE);
	CHECK(c.restart_ms == 250);
	CHECK(c.timeout_stop_ms == 90000);
	CHECK(c.kill_signal == SIGINT);
	CHECK(c.kill_mode == KILL_MIXED);
	CHECK(c.nlimits == 1 && c.limits[0].lim.rlim_cur == 100 && c.limits[0].lim.rlim_max == 200);
	CHECK(c.watchdog_ms == 2000);
	CHECK(c.environment.n == 2 && !strcmp(c.environment.v[1], "B=two words"));
	CHECK(c.remain_after_exit == 1);
	CHECK(c.deps[DEP_WANTED_BY].n == 1);
	CHECK(unit_conf_verify(&c, "t.service", "t.service", &d) == 0);
	unit_conf_free(&c);
}

static void t_unknown_key(void)
{
	struct unit_conf c;
	struct unit_diag d;
	int e = parse(&c, UNIT_SERVICE, "[Unit]\nDescription=x\n\n[Service]\nFrobnicate=1\n", &d);
	CHECK(e == 1);
	CHECK(last_line == 5);
	CHECK(strstr(last_msg, "t.service:5") && strstr(last_msg, "Frobnicate"));
	unit_conf_free(&c);
}

static void t_bad_values(void)
{
	static const char *bad[] = {
		"[Service]\nType=bogus\n",	  "[Service]\nRestart=sometimes\n",
		"[Service]\nRestartSec=fast\n",	  "[Service]\nKillSignal=SIGFOO\n",
		"[Service]\nExecStart=relative\n", "[Service]\nExecStart=/bin/x \"open\n",
		"[Service]\nLimitNOFILE=10:5\n",   "[Unit]\nRequires=no_suffix\n",
		"[Bogus]\nA=b\n",		  "Description=outside\n",
		"[Service]\nRemainAfterExit=maybe\n", "[Unit]\nnot an assignment\n",
		"[Service]\nNotificationFd=1\n",   "[Service]\nExecStart=@/bin/x y\n",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct unit_conf c;
		struct unit_diag d;
		int e = parse(&c, UNIT_SERVICE, bad[i], &d);
		CHECK(e == 1);
		CHECK(last_line == 2 || last_line == 1);
		unit_conf_free(&c);
	}
}

static void t_unsupported_warns(void)
{
	struct unit_conf c;
	struct unit_diag d;
	int e = parse(&c, UNIT_SERVICE,
		      "[Unit]\nDocumentation=man:x\nConditionPathExists=/x\nX-Foo=1\n"
		      "[Service]\nExecStart=/bin/true\nPrivateTmp=yes\n[X-Vendor]\nAnything=1\n",
		      &d);
	CHECK(e == 0);
	CHECK(d.warnings == 3);
	CHECK(strstr(last_msg, "PrivateTmp") && strstr(last_msg, "not supported"));
	unit_conf_free(&c);
}

static void t_binary_and_big(void)
{
	struct unit_conf c;
	struct unit_diag d;
	char junk[] = "[Unit]\nDescription=a\n\x01\x02\x00\xff\n";
	unit_conf_init(&c, UNIT_SERVICE);
	memset(&d, 0, sizeof(d));
	d.fn = rec;
	CHECK(unit_parse_buffer(&c, "j.service", junk, sizeof(junk) - 1, &d) == 1);
	CHECK(last_line == 3 && strstr(last_msg, "binary"));
	unit_conf_free(&c);

	size_t n = 1 << 20;
	char *big = malloc(n);
	memset(big, 'a', n);
	unit_conf_init(&c, UNIT_SERVICE);
	memset(&d, 0, sizeof(d));
	d.fn = rec;
	CHECK(unit_parse_buffer(&c, "big.service", big, n, &d) == 1);
	CHECK(strstr(last_msg, "too large"));
	unit_conf_free(&c);
	free(big);
}

static void t_continuation_and_reset(void)
{
	struct unit_conf c;
	struct unit_diag d;
	int e = parse(&c, UNIT_SERVICE,
		      "[Service]\nExecStart=/bin/echo a \\\n  b\nEnvironment=A=1\nEnvironment=\n"
		      "Environment=C=3\n[Unit]\nAfter=x.service\nAfter=\nAfter=y.service\n",
		      &d);
	CHECK(e == 0);
	CHECK(c.exec_start.n == 1);
	CHECK(c.exec_start.n == 1 && strstr(c.exec_start.v[0], "a") &&
	      strstr(c.exec_start.v[0], " b"));
	CHECK(c.environment.n == 1 && !strcmp(c.environment.v[0], "C=3"));
	CHECK(c.deps[DEP_AFTER].n == 1 && !strcmp(c.deps[DEP_AFTER].v[0], "y.service"));
	unit_conf_free(&c);
}

static void t_target_rules(void)
{
	struct unit_conf c;
	struct unit_diag d;
	CHECK(parse(&c, UNIT_TARGET, "[Unit]\nWants=a.service\n[Service]\nType=simple\n", &d) == 1);
	unit_conf_free(&c);
	CHECK(unit_kind_from_name("a.socket") < 0);
	CHECK(unit_kind_from_name("a b.service") < 0);
	CHECK(unit_kind_from_name("multi-user.target") == UNIT_TARGET);
}

static void t_verify(void)
{
	struct unit_conf c;
	struct unit_diag d;
	parse(&c, UNIT_SERVICE, "[Service]\nType=simple\n", &d);
	CHECK(unit_conf_verify(&c, "n.service", "n.service", &d) == 1);
	CHECK(strstr(last_msg, "ExecStart"));
	unit_conf_free(&c);
	parse(&c, UNIT_SERVICE, "[Service]\nExecStart=/bin/a\nExecStart=/bin/b\n", &d);
	CHECK(unit_conf_verify(&c, "n.service", "n.service", &d) == 1);
	unit_conf_free(&c);
}

static void t_exec_cmd(void)
{
	struct exec_cmd cmd;
	const char *err;
	CHECK(exec_cmd_parse("-/bin/sh -c 'echo $X \"y\"' a\\ b", &cmd, &err) == 0);
	CHECK(cmd.ignore_failure == 1 && cmd.argc == 4);
	CHECK(cmd.argc == 4 && !strcmp(cmd.argv[2], "echo $X \"y\"") && !strcmp(cmd.argv[3], "a b"));
	exec_cmd_free(&cmd);
	CHECK(exec_cmd_parse("   ", &cmd, &err) < 0);
	CHECK(exec_cmd_parse("/bin/x \\q", &cmd, &err) < 0);
}

static void t_timespan(void)
{
	uint64_t ms;
	CHECK(parse_timespan_ms("5", &ms) == 0 && ms == 5000);
	CHECK(parse_timespan_ms("1min 30s", &ms) == 0 && ms == 90000);
	CHECK(parse_timespan_ms("1h2m", &ms) == 0 && ms == 3720000);
	CHECK(parse_timespan_ms("infinity", &ms) == 0 && ms == MS_INFINITY);
	CHECK(parse_timespan_ms("5 parsecs", &ms) < 0);
	CHECK(parse_timespan_ms("", &ms) < 0);
	CHECK(parse_timespan_ms("99999999999999999999", &ms) < 0);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static int nerr;
static void count(void *ctx, const char *file, int line, const char *sev, const char *msg)
{
	(void)ctx, (void)file, (void)line, (void)msg;
	if (sev[0] == 'e')
		nerr++;
}

static void t_table_dir(void)
{
	char dir[] = "/tmp/aegis-init-tXXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char p[512];
	snprintf(p, sizeof(p), "%s/a.service", dir);
	write_file(p, "[Unit]\nRequires=missing.service\nBefore=b.service\n[Service]\nExecStart=/bin/true\n");
	snprintf(p, sizeof(p), "%s/b.service", dir);
	write_file(p, "[Service]\nExecStart=/bin/true\nRestart=always\n");
	snprintf(p, sizeof(p), "%s/b.service.d", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/b.service.d/10-x.conf", dir);
	write_file(p, "[Service]\nRestart=no\n");
	snprintf(p, sizeof(p), "%s/bad.service", dir);
	write_file(p, "[Service]\nExecStart=/bin/true\nNope=1\n");
	snprintf(p, sizeof(p), "%s/multi-user.target", dir);
	write_file(p, "[Unit]\nDescription=M\n");
	snprintf(p, sizeof(p), "%s/multi-user.target.wants", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/multi-user.target.wants/b.service", dir);
	CHECK(symlink("../b.service", p) == 0);

	struct unit_table t;
	struct unit_diag d = { .fn = count };
	table_init(&t);
	nerr = 0;
	CHECK(table_load_dir(&t, dir, &d) == 0);
	int a = table_find(&t, "a.service"), b = table_find(&t, "b.service");
	int m = table_find(&t, "missing.service"), bad = table_find(&t, "bad.service");
	int mu = table_find(&t, "multi-user.target");
	CHECK(a >= 0 && b >= 0 && m >= 0 && bad >= 0 && mu >= 0);
	if (!check_failed) {
		CHECK(t.units[m]->bad && !t.units[m]->loaded);
		CHECK(t.units[bad]->bad && strstr(t.units[bad]->bad_reason, "bad.service:3"));
		CHECK(!t.units[a]->bad);
		CHECK(t.units[b]->conf.restart == RESTART_NO);
		CHECK(intv_contains(&t.units[b]->dep[DEP_AFTER], a));
		CHECK(intv_contains(&t.units[a]->dep[DEP_BEFORE], b));
		CHECK(intv_contains(&t.units[mu]->dep[DEP_WANTS], b));
		CHECK(nerr == 1);
	}
	table_free(&t);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

int main(void)
{
	RUN("parse.basic", t_basic);
	RUN("parse.unknown_key_names_file_and_line", t_unknown_key);
	RUN("parse.bad_values", t_bad_values);
	RUN("parse.unsupported_keys_warn", t_unsupported_warns);
	RUN("parse.binary_and_1mib", t_binary_and_big);
	RUN("parse.continuation_and_reset", t_continuation_and_reset);
	RUN("parse.target_rules", t_target_rules);
	RUN("parse.verify", t_verify);
	RUN("parse.exec_cmd", t_exec_cmd);
	RUN("parse.timespan", t_timespan);
	RUN("table.load_dir", t_table_dir);
	return check_total_failed ? 1 : 0;
}
