/*
 * aegis-wasm CPU benchmark, CoreMark-like (our own code, not EEMBC's): each
 * iteration runs the same four kernels as CoreMark -- linked-list search and
 * reversal, integer matrix multiply, a byte-driven state machine and CRC-16
 * -- over a small working set, and folds the results into a checksum so
 * nothing can be optimised away.  usage: cmark [ITERATIONS]
 * Prints iterations, seconds, iterations/s and the checksum.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define LIST_N 64
#define MAT_N 16
#define STATE_LEN 256

struct node {
	struct node *next;
	int16_t value, index;
};

static struct node nodes[LIST_N];
static int16_t mat_a[MAT_N * MAT_N], mat_b[MAT_N * MAT_N];
static int32_t mat_c[MAT_N * MAT_N];
static char input[STATE_LEN];

static uint16_t crc16(uint16_t crc, uint8_t byte)
{
	for (int i = 0; i < 8; i++) {
		int mix = (crc ^ byte) & 1;
		crc >>= 1;
		if (mix)
			crc ^= 0xa001;
		byte >>= 1;
	}
	return crc;
}

static struct node *list_reverse(struct node *head)
{
	struct node *prev = NULL;
	while (head) {
		struct node *next = head->next;
		head->next = prev;
		prev = head;
		head = next;
	}
	return prev;
}

static uint16_t list_bench(struct node **head, int16_t seed)
{
	uint16_t crc = 0;
	for (int k = 0; k < 8; k++) {
		int16_t want = (int16_t)((seed + k * 7) % LIST_N);
		int steps = 0;
		struct node *n = *head;
		while (n && n->index != want) {
			n = n->next;
			steps++;
		}
		crc = crc16(crc, (uint8_t)steps);
		if (n)
			n->value = (int16_t)(n->value * 3 + seed);
		*head = list_reverse(*head);
	}
	for (struct node *n = *head; n; n = n->next)
		crc = crc16(crc, (uint8_t)n->value);
	return crc;
}

static uint16_t matrix_bench(int16_t seed)
{
	uint16_t crc = 0;
	for (int i = 0; i < MAT_N * MAT_N; i++)
		mat_b[i] = (int16_t)(mat_b[i] + seed);
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			int32_t s = 0;
			for (int k = 0; k < MAT_N; k++)
				s += mat_a[i * MAT_N + k] * mat_b[k * MAT_N + j];
			mat_c[i * MAT_N + j] = s;
		}
	for (int i = 0; i < MAT_N * MAT_N; i++)
		crc = crc16(crc, (uint8_t)(mat_c[i] >> 2));
	return crc;
}

enum { S_START, S_INT, S_FLOAT, S_EXP, S_INVALID };

static uint16_t state_bench(void)
{
	int counts[5] = { 0 };
	int state = S_START;
	uint16_t crc = 0;

	for (int i = 0; i < STATE_LEN; i++) {
		char c = input[i];
		if (c == ',') {
			counts[state]++;
			state = S_START;
			continue;
		}
		switch (state) {
		case S_START: state = (c >= '0' && c <= '9') ? S_INT : c == '.' ? S_FLOAT : S_INVALID; break;
		case S_INT: state = (c >= '0' && c <= '9') ? S_INT : c == '.' ? S_FLOAT : c == 'e' ? S_EXP : S_INVALID; break;
		case S_FLOAT: state = (c >= '0' && c <= '9') ? S_FLOAT : c == 'e' ? S_EXP : S_INVALID; break;
		case S_EXP: state = (c >= '0' && c <= '9') ? S_EXP : S_INVALID; break;
		default: break;
		}
	}
	for (int i = 0; i < 5; i++)
		crc = crc16(crc, (uint8_t)counts[i]);
	return crc;
}

static void init(void)
{
	static const char alphabet[] = "0123456789.e,x";
	uint32_t x = 12345;

	for (int i = 0; i < LIST_N; i++) {
		nodes[i].index = (int16_t)((i * 37) % LIST_N);
		nodes[i].value = (int16_t)i;
		nodes[i].next = i + 1 < LIST_N ? &nodes[i + 1] : NULL;
	}
	for (int i = 0; i < MAT_N * MAT_N; i++) {
		mat_a[i] = (int16_t)(i % 13 - 6);
		mat_b[i] = (int16_t)(i % 7 - 3);
	}
	for (int i = 0; i < STATE_LEN; i++) {
		x = x * 1103515245u + 12345u;
		input[i] = alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
	}
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 20000;
	struct node *head = &nodes[0];
	uint16_t crc = 0;
	struct timespec t0, t1;
	double secs;

	init();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < iters; i++) {
		crc = crc16(crc, (uint8_t)list_bench(&head, (int16_t)i));
		crc = crc16(crc, (uint8_t)matrix_bench((int16_t)(i & 7)));
		crc = crc16(crc, (uint8_t)state_bench());
		input[i % STATE_LEN] ^= 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("iterations %ld seconds %.3f iterations/s %.1f checksum 0x%04x\n",
	       iters, secs, iters / secs, crc);
	return 0;
}
