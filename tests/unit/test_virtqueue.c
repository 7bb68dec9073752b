/*
 * test_virtqueue.c - host tests of the split virtqueue (kernel/drivers/virtio/
 * virtqueue.c) against a simulated device: the ring layout fits the two pages
 * the driver allocates, buffers go round through 70,000 ring indices (the 16-bit
 * indices wrap), and a device that completes a descriptor it does not hold, or
 * one twice, or names one past the ring, is refused without corrupting the free
 * list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/drivers/virtio/virtqueue.c"

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

static uint16_t doorbell, dev_seen;	/* the device's view: avail entries consumed */

/* the device: take every new avail entry, complete it with len bytes written */
static void device_complete_all(struct virtq *q, uint32_t len)
{
	uint16_t *used_idx = (uint16_t *)(q->used + 2);

	while (dev_seen != q->avail[1]) {
		uint16_t id = q->avail[2 + (dev_seen & (q->size - 1))];
		uint32_t *e = (uint32_t *)(q->used + 4 + 8 * (*used_idx & (q->size - 1)));
		e[0] = id;
		e[1] = len;
		(*used_idx)++;
		dev_seen++;
	}
}

static void device_complete_raw(struct virtq *q, uint32_t id)
{
	uint16_t *used_idx = (uint16_t *)(q->used + 2);
	uint32_t *e = (uint32_t *)(q->used + 4 + 8 * (*used_idx & (q->size - 1)));

	e[0] = id;
	e[1] = 1;
	(*used_idx)++;
}

static struct virtq *fresh(uint16_t size)
{
	static struct virtq q;
	static uint8_t *mem;

	free(mem);
	mem = aligned_alloc(4096, 8192);
	memset(mem, 0, 8192);
	virtq_init(&q, 0, size, mem);
	q.notify = &doorbell;
	dev_seen = 0;
	return &q;
}

int main(void)
{
	struct virtq *q;
	uint16_t id;
	uint32_t len;

	for (unsigned s = 1; s <= 256; s *= 2) {
		CHECK(virtq_bytes((uint16_t)s) <= 8192);
		CHECK(virtq_used_offset((uint16_t)s) % 4 == 0);
		CHECK(virtq_used_offset((uint16_t)s) >= virtq_avail_offset((uint16_t)s) + 6 + 2 * s);
	}

	/* fill the ring, then one more is refused */
	q = fresh(8);
	for (int i = 0; i < 8; i++)
		CHECK(virtq_add_buf(q, 0x1000 * (i + 1), 64, true) >= 0);
	CHECK(virtq_add_buf(q, 0x9000, 64, true) == -ENOSPC);
	CHECK(q->desc[0].flags == VIRTQ_DESC_F_WRITE && q->desc[0].len == 64);
	virtq_kick(q);
	CHECK(doorbell == 0);
	CHECK(!virtq_get_used(q, &id, &len));
	device_complete_all(q, 64);
	for (int i = 0; i < 8; i++)
		CHECK(virtq_get_used(q, &id, &len) && len == 64);
	CHECK(!virtq_get_used(q, &id, &len));
	CHECK(q->nfree == 8);

	/* round and round: the indices wrap at 65536 */
	for (int i = 0; i < 70000; i++) {
		int d = virtq_add_buf(q, 0x1000, 16, false);
		CHECK(d >= 0 && d < 8);
		device_complete_all(q, 0);
		CHECK(virtq_get_used(q, &id, &len) && id == d);
		if (failures)
			break;
	}
	CHECK(q->nfree == 8);

	/* a misbehaving device */
	q = fresh(4);
	int a = virtq_add_buf(q, 0x1000, 8, true);
	device_complete_raw(q, 7);		/* past the ring */
	device_complete_raw(q, 3);		/* never given out */
	device_complete_raw(q, (uint32_t)a);	/* the real one */
	device_complete_raw(q, (uint32_t)a);	/* and again */
	CHECK(!virtq_get_used(q, &id, &len));
	CHECK(!virtq_get_used(q, &id, &len));
	CHECK(virtq_get_used(q, &id, &len) && id == a);
	CHECK(!virtq_get_used(q, &id, &len));
	CHECK(!virtq_get_used(q, &id, &len));	/* nothing more pending */
	CHECK(q->nfree == 4);
	/* the free list is intact: four distinct descriptors */
	{
		int seen = 0;
		for (int i = 0; i < 4; i++) {
			int d = virtq_add_buf(q, 0x1000, 8, true);
			CHECK(d >= 0 && d < 4 && !(seen & (1 << d)));
			if (d >= 0)
				seen |= 1 << d;
		}
		CHECK(virtq_add_buf(q, 0x1000, 8, true) == -ENOSPC);
	}
	/* chains, as virtio-blk builds them: header, data, status */
	q = fresh(8);
	for (int round = 0; round < 100; round++) {
		struct virtq_seg seg[3] = { { 0x1000, 16, false }, { 0x2000, 4096, true }, { 0x3000, 1, true } };
		int h1 = virtq_add_chain(q, seg, 3), h2 = virtq_add_chain(q, seg, 3);
		CHECK(h1 >= 0 && h2 >= 0 && q->nfree == 2);
		CHECK(virtq_add_chain(q, seg, 3) == -ENOSPC);		/* only 2 left */
		CHECK(q->desc[h1].flags == VIRTQ_DESC_F_NEXT && q->desc[h1].len == 16);
		uint16_t d1 = q->desc[h1].next, d2 = q->desc[d1].next;
		CHECK(q->desc[d1].flags == (VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE));
		CHECK(q->desc[d2].flags == VIRTQ_DESC_F_WRITE && q->desc[d2].addr == 0x3000);
		device_complete_all(q, 4097);
		CHECK(virtq_get_used(q, &id, &len) && id == h1 && len == 4097);
		CHECK(virtq_get_used(q, &id, &len) && id == h2);
		CHECK(q->nfree == 8);
		if (failures)
			break;
	}
	CHECK(virtq_add_chain(q, NULL, 0) == -ENOSPC);
	printf("virtqueue: %s\n", failures ? "failures" : "all passed");
	return failures != 0;
}
