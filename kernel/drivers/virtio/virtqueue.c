/*
 * virtqueue.c - split virtqueues (virtio 1.x, 2.7): the driver puts descriptor
 * chains in the available ring and rings the doorbell; the device returns them
 * through the used ring.  x86 keeps stores in order, so ordering the ring
 * updates against the buffer contents needs only compiler barriers, with the
 * index itself written and read atomically.
 */
#include <aegis/errno.h>
#include <aegis/string.h>
#include <aegis/virtio.h>

/* layout in the queue's memory: descriptors, then the available ring (2-byte
 * aligned), then the used ring at the next 4-byte boundary */
size_t virtq_avail_offset(uint16_t size)
{
	return (size_t)16 * size;
}

size_t virtq_used_offset(uint16_t size)
{
	return (virtq_avail_offset(size) + 6 + (size_t)2 * size + 3) & ~(size_t)3;
}

size_t virtq_bytes(uint16_t size)
{
	return virtq_used_offset(size) + 6 + (size_t)8 * size;
}

void virtq_init(struct virtq *q, uint16_t index, uint16_t size, void *mem)
{
	uint8_t *m = mem;

	q->index = index;
	q->size = size;
	q->desc = (struct virtq_desc *)m;
	q->avail = (volatile uint16_t *)(m + virtq_avail_offset(size));
	q->used = m + virtq_used_offset(size);
	for (uint16_t i = 0; i < size; i++)
		q->desc[i].next = (uint16_t)(i + 1);
	q->free_head = 0;
	q->nfree = size;
	q->last_used = 0;
	memset(q->busy, 0, sizeof(q->busy));
}

int virtq_add_chain(struct virtq *q, const struct virtq_seg *seg, unsigned n)
{
	uint16_t head, id, slot;

	if (!n || n > q->nfree)
		return -ENOSPC;
	head = id = q->free_head;
	for (unsigned i = 0; i < n; i++) {
		uint16_t next = q->desc[id].next;
		q->desc[id].addr = seg[i].addr;
		q->desc[id].len = seg[i].len;
		q->desc[id].flags = (uint16_t)((seg[i].device_writes ? VIRTQ_DESC_F_WRITE : 0) |
					       (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		if (i + 1 < n)
			q->desc[id].next = next;	/* already the chain's next */
		else
			q->free_head = next;
		id = next;
	}
	q->nfree = (uint16_t)(q->nfree - n);
	q->busy[head / 8] |= (uint8_t)(1u << (head % 8));
	slot = q->avail[1] & (q->size - 1);
	q->avail[2 + slot] = head;
	/* the descriptors and ring entry before the index that publishes them */
	__atomic_store_n(&q->avail[1], (uint16_t)(q->avail[1] + 1), __ATOMIC_RELEASE);
	return head;
}

int virtq_add_buf(struct virtq *q, paddr_t addr, uint32_t len, bool device_writes)
{
	struct virtq_seg seg = { addr, len, device_writes };
	return virtq_add_chain(q, &seg, 1);
}

void virtq_kick(struct virtq *q)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*q->notify = q->index;
}

bool virtq_has_used(const struct virtq *q)
{
	return __atomic_load_n((volatile uint16_t *)(q->used + 2), __ATOMIC_ACQUIRE) != q->last_used;
}

bool virtq_get_used(struct virtq *q, uint16_t *id, uint32_t *len)
{
	uint16_t idx = __atomic_load_n((volatile uint16_t *)(q->used + 2), __ATOMIC_ACQUIRE);
	volatile uint32_t *e;
	uint32_t got;

	if (idx == q->last_used)
		return false;
	e = (volatile uint32_t *)(q->used + 4 + 8 * (q->last_used & (q->size - 1)));
	q->last_used++;
	got = e[0];
	if (got >= q->size || !(q->busy[got / 8] & (1u << (got % 8))))
		return false;		/* a device naming no descriptor it holds */
	q->busy[got / 8] &= (uint8_t)~(1u << (got % 8));
	*id = (uint16_t)got;
	*len = e[1];
	/* the chain back on the free list; its links are ours, not the device's */
	{
		uint16_t last = (uint16_t)got, n = 1;
		while ((q->desc[last].flags & VIRTQ_DESC_F_NEXT) && n < q->size) {
			last = q->desc[last].next;
			n++;
		}
		q->desc[last].next = q->free_head;
		q->free_head = (uint16_t)got;
		q->nfree = (uint16_t)(q->nfree + n);
	}
	return true;
}
