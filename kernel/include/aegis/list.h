/* list.h - intrusive circular doubly linked lists, in the style of Linux. */
#ifndef AEGIS_LIST_H
#define AEGIS_LIST_H

#include <aegis/types.h>

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }

static inline void list_init(struct list_head *h)
{
	h->next = h->prev = h;
}
static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}
static inline void list_insert(struct list_head *prev, struct list_head *next,
			       struct list_head *n)
{
	n->prev = prev;
	n->next = next;
	prev->next = n;
	next->prev = n;
}
static inline void list_add(struct list_head *h, struct list_head *n)
{
	list_insert(h, h->next, n);
}
static inline void list_add_tail(struct list_head *h, struct list_head *n)
{
	list_insert(h->prev, h, n);
}
static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}
#define list_entry(p, type, member) container_of(p, type, member)
#define list_first(h, type, member) list_entry((h)->next, type, member)
#define list_for_each(pos, h) for (pos = (h)->next; pos != (h); pos = pos->next)
#define list_for_each_safe(pos, tmp, h) \
	for (pos = (h)->next, tmp = pos->next; pos != (h); pos = tmp, tmp = pos->next)
/* for each entry: `type *var` is declared by the loop (not safe against removal) */
#define list_for_each_entry(var, h, type, member)                          \
	for (type *var = list_entry((h)->next, type, member); &var->member != (h); \
	     var = list_entry(var->member.next, type, member))

#endif
