/*
 * slab.c - object caches and kmalloc.
 *
 * A slab is one buddy block of 2^order pages cut into equal objects.  Its state
 * lives in the struct page of the block's head (no header inside the slab, so
 * 4 KiB objects pack exactly): private = the cache, freelist = first free object,
 * refcount = objects in use, next/prev = the cache's list of partial slabs.  Every
 * page of a slab is tagged PG_SLAB with private = the cache, so kfree() can find
 * the cache from any object; the head is found by the block's alignment.
 *
 * A free object holds the next free pointer and SLAB_FREE_MAGIC; freeing an object
 * that already carries the magic triggers a walk of its slab's free list, which
 * catches double frees at no cost to the common path.
 *
 * kmalloc uses power-of-two caches from 16 to 4096 bytes; larger requests get a
 * whole buddy block tagged PG_KMALLOC with the requested size in its head page.
 * Only pmm_* and phys_to_page/virt_to_phys are used from below, so the file builds
 * on the host (tests/unit/test_slab.c) over a test arena.
 */
#include <aegis/mm.h>
#include <aegis/printk.h>
#include <aegis/spinlock.h>
#include <aegis/string.h>

#define SLAB_FREE_MAGIC		0x5ab5ab5ab5ab5ab5ull
#define SLAB_MIN_OBJECTS	8	/* grow the slab order until this many fit */
#define KMALLOC_MIN_SHIFT	4
#define KMALLOC_MAX_SHIFT	12
#define KMALLOC_CACHES		(KMALLOC_MAX_SHIFT - KMALLOC_MIN_SHIFT + 1)

struct slab_cache {
	const char *name;		/* [I] */
	size_t obj_size;		/* [I] size asked for */
	size_t stride;			/* [I] object size rounded to the alignment */
	unsigned order;			/* [I] pages per slab = 2^order */
	unsigned per_slab;		/* [I] objects per slab */
	struct spinlock lock;
	struct page *partial;		/* [lock] slabs with at least one free object */
	size_t slabs;			/* [lock] slabs owned */
	size_t inuse;			/* [lock] objects handed out */
	struct slab_cache *next;	/* [caches_lock] all caches */
};

struct free_obj {
	struct free_obj *next;
	uint64_t magic;
};

static struct spinlock caches_lock = SPINLOCK_INIT("slab caches");
static struct slab_cache *caches;	/* [caches_lock] */
static struct slab_cache cache_cache;	/* where struct slab_cache objects come from */
static struct slab_cache kmalloc_caches[KMALLOC_CACHES];
static const char *const kmalloc_names[KMALLOC_CACHES] = {
	"kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-128", "kmalloc-256",
	"kmalloc-512", "kmalloc-1024", "kmalloc-2048", "kmalloc-4096",
};

static void cache_setup(struct slab_cache *c, const char *name, size_t size, size_t align)
{
	if (align < 8)
		align = 8;
	c->name = name;
	c->obj_size = size;
	c->stride = ALIGN_UP(MAX(size, sizeof(struct free_obj)), align);
	c->order = 0;
	while (c->order < MAX_ORDER &&
	       (PAGE_SIZE << c->order) / c->stride < SLAB_MIN_OBJECTS &&
	       (c->order < 3 || (PAGE_SIZE << c->order) < c->stride))
		c->order++;
	c->per_slab = (PAGE_SIZE << c->order) / c->stride;
	spin_init(&c->lock, name);
	c->partial = NULL;
	c->slabs = c->inuse = 0;

	unsigned long flags = spin_lock_irqsave(&caches_lock);
	c->next = caches;
	caches = c;
	spin_unlock_irqrestore(&caches_lock, flags);
}

struct slab_cache *slab_cache_create(const char *name, size_t size, size_t align)
{
	struct slab_cache *c;

	if (!size || (align & (align - 1)) || size > (PAGE_SIZE << MAX_ORDER))
		return NULL;
	c = slab_alloc(&cache_cache);
	if (c)
		cache_setup(c, name, size, align);
	return c;
}

static void list_add(struct slab_cache *c, struct page *head)
{
	head->prev = NULL;
	head->next = c->partial;
	if (c->partial)
		c->partial->prev = head;
	c->partial = head;
}

static void list_del(struct slab_cache *c, struct page *head)
{
	if (head->prev)
		head->prev->next = head->next;
	else
		c->partial = head->next;
	if (head->next)
		head->next->prev = head->prev;
	head->next = head->prev = NULL;
}

/* A fresh slab with every object on its free list; NULL when memory is out. */
static struct page *slab_grow(struct slab_cache *c)
{
	paddr_t pa = pmm_alloc_pages(c->order);
	struct page *head;
	char *base;

	if (!pa)
		return NULL;
	head = phys_to_page(pa);
	base = phys_to_virt(pa);
	for (size_t i = 0; i < ((size_t)1 << c->order); i++) {
		head[i].flags |= PG_SLAB;
		head[i].private = c;
	}
	head->freelist = NULL;
	for (unsigned i = c->per_slab; i-- > 0;) {
		struct free_obj *o = (struct free_obj *)(base + (size_t)i * c->stride);

		o->next = head->freelist;
		o->magic = SLAB_FREE_MAGIC;
		head->freelist = o;
	}
	head->refcount = 0;
	return head;
}

static void slab_release(struct slab_cache *c, struct page *head)
{
	for (size_t i = 0; i < ((size_t)1 << c->order); i++) {
		head[i].flags &= ~PG_SLAB;
		head[i].private = NULL;
	}
	head->freelist = NULL;
	head->refcount = 1;
	pmm_free_pages(page_to_phys(head), c->order);
}

void *slab_alloc(struct slab_cache *c)
{
	unsigned long flags = spin_lock_irqsave(&c->lock);
	struct free_obj *o;
	struct page *head;

	if (!c->partial) {
		spin_unlock_irqrestore(&c->lock, flags);
		head = slab_grow(c);
		if (!head)
			return NULL;
		flags = spin_lock_irqsave(&c->lock);
		c->slabs++;
		list_add(c, head);
	}
	head = c->partial;
	o = head->freelist;
	head->freelist = o->next;
	head->refcount++;
	c->inuse++;
	if (!head->freelist)
		list_del(c, head);	/* full slabs sit on no list */
	spin_unlock_irqrestore(&c->lock, flags);
	o->next = NULL;
	o->magic = 0;
	return o;
}

/* The head page of the slab holding obj, or NULL if obj is no object of c. */
static struct page *slab_head(struct slab_cache *c, const void *obj)
{
	paddr_t pa = virt_to_phys(obj);
	struct page *pg = pa ? phys_to_page(pa) : NULL;
	paddr_t base;

	if (!pg || !(pg->flags & PG_SLAB) || pg->private != c)
		return NULL;
	base = ALIGN_DOWN(pa, PAGE_SIZE << c->order);
	if ((pa - base) % c->stride || (pa - base) / c->stride >= c->per_slab)
		return NULL;
	return phys_to_page(base);
}

static bool on_freelist(struct page *head, const void *obj)
{
	for (struct free_obj *o = head->freelist; o; o = o->next)
		if (o == obj)
			return true;
	return false;
}

void slab_free(struct slab_cache *c, void *obj)
{
	struct page *head = slab_head(c, obj);
	struct free_obj *o = obj;
	unsigned long flags;
	bool release = false;

	if (!head) {
		pr_err("slab: free of %p, which is no object of cache %s\n", obj, c->name);
		return;
	}
	flags = spin_lock_irqsave(&c->lock);
	if (o->magic == SLAB_FREE_MAGIC && on_freelist(head, obj)) {
		spin_unlock_irqrestore(&c->lock, flags);
		pr_err("slab: double free of %p in cache %s\n", obj, c->name);
		return;
	}
	if (!head->freelist)
		list_add(c, head);	/* was full */
	o->next = head->freelist;
	o->magic = SLAB_FREE_MAGIC;
	head->freelist = o;
	head->refcount--;
	c->inuse--;
	/* give an empty slab back unless it is the only one with room */
	if (!head->refcount && (c->partial != head || head->next)) {
		list_del(c, head);
		c->slabs--;
		release = true;
	}
	spin_unlock_irqrestore(&c->lock, flags);
	if (release)
		slab_release(c, head);
}

void slab_init(void)
{
	cache_setup(&cache_cache, "slab_cache", sizeof(struct slab_cache), 8);
	for (unsigned i = 0; i < KMALLOC_CACHES; i++)
		cache_setup(&kmalloc_caches[i], kmalloc_names[i],
			    (size_t)1 << (i + KMALLOC_MIN_SHIFT), 8);
}

static unsigned order_for(size_t size)
{
	unsigned order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

void *kmalloc(size_t size)
{
	unsigned i = 0;
	unsigned order;
	paddr_t pa;

	if (!size)
		return NULL;
	if (size <= ((size_t)1 << KMALLOC_MAX_SHIFT)) {
		while (((size_t)1 << (i + KMALLOC_MIN_SHIFT)) < size)
			i++;
		return slab_alloc(&kmalloc_caches[i]);
	}
	if (size > (PAGE_SIZE << MAX_ORDER))
		return NULL;
	order = order_for(size);
	pa = pmm_alloc_pages(order);
	if (!pa)
		return NULL;
	phys_to_page(pa)->flags |= PG_KMALLOC;
	phys_to_page(pa)->size = size;
	return phys_to_virt(pa);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

/* Usable bytes of a kmalloc'd pointer, or 0 if it is not one (reported). */
static size_t kmalloc_size(const void *p, struct page **large)
{
	paddr_t pa = virt_to_phys(p);
	struct page *pg = pa ? phys_to_page(pa) : NULL;

	*large = NULL;
	if (pg && (pg->flags & PG_KMALLOC) && !(pa & (PAGE_SIZE - 1))) {
		*large = pg;
		return pg->size;
	}
	if (pg && (pg->flags & PG_SLAB)) {
		struct slab_cache *c = pg->private;

		if (c >= kmalloc_caches && c < kmalloc_caches + KMALLOC_CACHES)
			return c->obj_size;
	}
	pr_err("kmalloc: %p was not allocated by kmalloc\n", p);
	return 0;
}

void kfree(const void *p)
{
	struct page *large;

	if (!p)
		return;
	if (!kmalloc_size(p, &large))
		return;
	if (large) {
		large->flags &= ~PG_KMALLOC;
		large->size = 0;
		pmm_free_pages(virt_to_phys(p), large->order);
		return;
	}
	slab_free(phys_to_page(virt_to_phys(p))->private, (void *)p);
}

void *krealloc(void *p, size_t size)
{
	struct page *large;
	size_t old;
	void *n;

	if (!p)
		return kmalloc(size);
	if (!size) {
		kfree(p);
		return NULL;
	}
	old = kmalloc_size(p, &large);
	if (!old)
		return NULL;
	if (large ? size <= (PAGE_SIZE << large->order) : size <= old) {
		if (large)
			large->size = size;
		return p;
	}
	n = kmalloc(size);
	if (!n)
		return NULL;
	memcpy(n, p, MIN(old, size));
	kfree(p);
	return n;
}

void slab_dump(void)
{
	unsigned long flags = spin_lock_irqsave(&caches_lock);

	for (struct slab_cache *c = caches; c; c = c->next)
		pr_info("slab: %-16s obj %5zu, %zu slabs of %u, %zu in use\n", c->name,
			c->obj_size, c->slabs, c->per_slab, c->inuse);
	spin_unlock_irqrestore(&caches_lock, flags);
}
