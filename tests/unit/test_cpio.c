/*
 * test_cpio.c - the initramfs parser against valid, concatenated, truncated,
 * corrupted and hostile archives.  Every prefix and every single-byte corruption
 * of a valid archive must parse or be rejected without touching memory outside
 * the image (ASan checks that: the image is copied into an exact-size buffer).
 */
#include "../../kernel/lib/vsnprintf.c"
#include "../../kernel/fs/cpio.c"

static int failures;
#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

static size_t ent(uint8_t *out, const char *name, uint32_t mode, const char *data, uint32_t ino,
		  uint32_t nlink, uint32_t namesize_override)
{
	size_t nl = strlen(name) + 1, dl = data ? strlen(data) : 0, o;
	char hdr[111];
	snprintf(hdr, sizeof(hdr), "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x",
		 ino, mode, 0, 0, nlink, 0, dl, 0, 0, 0, 0,
		 namesize_override ? (size_t)namesize_override : nl, 0);
	memcpy(out, hdr, 110);
	memcpy(out + 110, name, nl);
	o = (110 + nl + 3) & ~3ul;
	memset(out + 110 + nl, 0, o - 110 - nl);
	if (dl)
		memcpy(out + o, data, dl);
	size_t end = (o + dl + 3) & ~3ul;
	memset(out + o + dl, 0, end - o - dl);
	return end;
}

static size_t archive(uint8_t *buf)
{
	size_t n = 0;
	n += ent(buf + n, "dir", 040755, NULL, 1, 2, 0);
	n += ent(buf + n, "dir/file", 0100644, "hello", 2, 1, 0);
	n += ent(buf + n, "dir/link", 0120777, "file", 3, 1, 0);
	n += ent(buf + n, "TRAILER!!!", 0, NULL, 0, 1, 0);
	return n;
}

/* Parses an exact-size copy; returns entries or -1 on rejection. */
static int parse(const uint8_t *src, size_t len)
{
	uint8_t *img = malloc(len ? len : 1);
	struct cpio_entry e;
	char err[160];
	size_t off = 0;
	int n = 0, r;

	memcpy(img, src, len);
	while ((r = cpio_next(img, len, &off, &e, err, sizeof(err))) > 0) {
		n++;
		CHECK(e.namelen == strlen(e.name));
		CHECK((const uint8_t *)e.data + e.size <= img + len);
	}
	free(img);
	return r < 0 ? -1 : n;
}

int main(void)
{
	static uint8_t buf[8192], two[16384];
	size_t n = archive(buf);

	CHECK(parse(buf, n) == 3);
	/* Concatenated with zero padding in between and after. */
	memcpy(two, buf, n);
	memset(two + n, 0, 512);
	memcpy(two + n + 512, buf, n);
	memset(two + 2 * n + 512, 0, 100);
	CHECK(parse(two, 2 * n + 612) == 6);
	/* Every truncation is either a clean prefix or rejected. */
	for (size_t k = 0; k < n; k++) {
		int r = parse(buf, k);
		CHECK(r == -1 || r <= 3);
	}
	CHECK(parse(buf, 50) == -1);
	/* Every single-byte corruption: no crash, no out-of-bounds. */
	for (size_t k = 0; k < n; k++) {
		uint8_t saved = buf[k];
		for (int v = 0; v < 256; v += 37) {
			buf[k] = (uint8_t)v;
			parse(buf, n);
		}
		buf[k] = saved;
	}
	/* Huge file size. */
	uint8_t h[512];
	size_t hn = ent(h, "big", 0100644, "x", 1, 1, 0);
	memcpy(h + 6 + 6 * 8, "fffffff0", 8);
	CHECK(parse(h, hn) == -1);
	/* Name without its NUL (namesize one short). */
	hn = ent(h, "name", 0100644, NULL, 1, 1, 4);
	CHECK(parse(h, hn) == -1);
	/* Name size past the end. */
	hn = ent(h, "name", 0100644, NULL, 1, 1, 4000);
	CHECK(parse(h, hn) == -1);
	/* Bad magic and bad hex. */
	hn = ent(h, "name", 0100644, NULL, 1, 1, 0);
	h[0] = 'X';
	CHECK(parse(h, hn) == -1);
	hn = ent(h, "name", 0100644, NULL, 1, 1, 0);
	h[20] = 'g';
	CHECK(parse(h, hn) == -1);
	/* Sanitizing names. */
	char out[32];
	CHECK(cpio_sanitize("../../etc/passwd", 16, out, sizeof(out)) == 10 && !strcmp(out, "etc/passwd"));
	CHECK(cpio_sanitize("/abs/./x/../y", 13, out, sizeof(out)) == 7 && !strcmp(out, "abs/x/y"));
	CHECK(cpio_sanitize(".", 1, out, sizeof(out)) == 0 && !strcmp(out, ""));
	CHECK(cpio_sanitize("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 40, out, sizeof(out)) == -1);
	printf("%d failures\n", failures);
	return failures != 0;
}
