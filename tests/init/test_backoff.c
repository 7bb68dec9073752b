/* Host tests for restart back-off and start rate limits, on a fake clock. */
#include <string.h>

#include "backoff.h"
#include "check.h"

static void conf(struct unit_conf *c)
{
	unit_conf_init(c, UNIT_SERVICE);
}

static void t_constant(void)
{
	struct unit_conf c;
	struct backoff b = { 0 };
	conf(&c);
	c.restart_ms = 300;
	for (int i = 0; i < 5; i++)
		CHECK(backoff_next(&b, &c) == 300);
}

static void t_steps(void)
{
	struct unit_conf c;
	struct backoff b = { 0 };
	conf(&c);
	c.restart_ms = 100;
	c.restart_max_delay_ms = 10000;
	c.restart_steps = 2;
	CHECK(backoff_next(&b, &c) == 100);
	CHECK(backoff_next(&b, &c) == 1000);
	CHECK(backoff_next(&b, &c) == 10000);
	CHECK(backoff_next(&b, &c) == 10000);
}

static void t_doubling(void)
{
	struct unit_conf c;
	conf(&c);
	c.restart_ms = 100;
	c.restart_max_delay_ms = 1000;
	CHECK(backoff_delay(&c, 0) == 100);
	CHECK(backoff_delay(&c, 1) == 200);
	CHECK(backoff_delay(&c, 3) == 800);
	CHECK(backoff_delay(&c, 4) == 1000);
	CHECK(backoff_delay(&c, 60) == 1000);
}

static void t_reset_after_healthy(void)
{
	struct unit_conf c;
	struct backoff b = { 0 };
	uint64_t now = 1000;
	conf(&c);
	c.restart_ms = 100;
	c.restart_max_delay_ms = 1000;
	c.restart_reset_ms = 5000;
	for (int i = 0; i < 3; i++) {
		backoff_note_active(&b, now);
		now += 10; /* crashes quickly */
		backoff_note_stopped(&b, &c, now);
		backoff_next(&b, &c);
	}
	CHECK(b.attempts == 3);
	CHECK(backoff_delay(&c, b.attempts) == 800);
	backoff_note_active(&b, now);
	now += 4999;
	backoff_note_stopped(&b, &c, now);
	CHECK(b.attempts == 3); /* not healthy long enough */
	backoff_note_active(&b, now);
	now += 5000;
	backoff_note_stopped(&b, &c, now);
	CHECK(b.attempts == 0);
	CHECK(backoff_next(&b, &c) == 100);
}

static void t_rate_limit(void)
{
	struct unit_conf c;
	struct backoff b = { 0 };
	conf(&c);
	c.start_limit_burst = 3;
	c.start_limit_interval_ms = 1000;
	CHECK(backoff_start_allowed(&b, &c, 10000) == 0);
	CHECK(backoff_start_allowed(&b, &c, 10100) == 0);
	CHECK(backoff_start_allowed(&b, &c, 10200) == 0);
	CHECK(backoff_start_allowed(&b, &c, 10300) == -1);
	CHECK(backoff_start_allowed(&b, &c, 10999) == -1);
	CHECK(backoff_start_allowed(&b, &c, 11000) == 0); /* oldest fell out */
	CHECK(backoff_start_allowed(&b, &c, 11050) == -1);
	backoff_reset(&b);
	CHECK(backoff_start_allowed(&b, &c, 11060) == 0);
	c.start_limit_interval_ms = 0; /* disabled */
	for (int i = 0; i < 100; i++)
		CHECK(backoff_start_allowed(&b, &c, 11061) == 0);
}

int main(void)
{
	RUN("backoff.constant", t_constant);
	RUN("backoff.steps_geometric", t_steps);
	RUN("backoff.doubling_capped", t_doubling);
	RUN("backoff.reset_after_healthy_period", t_reset_after_healthy);
	RUN("backoff.start_rate_limit", t_rate_limit);
	return check_total_failed ? 1 : 0;
}
