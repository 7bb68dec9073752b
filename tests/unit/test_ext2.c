/*
 * test_ext2.c - host tests of the ext2 reader (kernel/fs/ext2/ext2_core.c) on
 * images made by mke2fs -d from a directory tree built here (1, 2 and 4 KiB
 * blocks): every file, directory and symlink read back through the reader must
 * match the tree (contents, sizes, modes, targets), including a file reaching
 * double-indirect blocks, a sparse file and a directory of 600 entries.  Then
 * 3,000 corrupted copies: the reader may refuse or report errors, but never
 * reads outside the image or loops (ASan, UBSan, bounded walk).  Skipped (exit
 * 0 with a message) if mke2fs is not installed.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../kernel/fs/ext2/ext2_core.c"

static int failures;
#undef CHECK
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

static uint8_t *img;
static size_t img_len;

static int img_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	(void)ctx;
	if (off > img_len || len > img_len - off) {
		printf("FAIL read outside the image: %llu+%zu\n", (unsigned long long)off, len);
		failures++;
		return -EIO;
	}
	memcpy(buf, img + off, len);
	return 0;
}

static void load(const char *path)
{
	FILE *f = fopen(path, "rb");
	free(img);
	fseek(f, 0, SEEK_END);
	img_len = (size_t)ftell(f);
	rewind(f);
	img = malloc(img_len);
	if (fread(img, 1, img_len, f) != img_len)
		abort();
	fclose(f);
}

static const char *tree = "/tmp/aegis-ext2-tree";

static void build_tree(void)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "rm -rf %s && mkdir -p %s/dir/sub %s/big && cd %s && "
		 "echo hello > hello.txt && printf '' > empty && "
		 "head -c 5000000 /dev/urandom > big/five-mb && "
		 "truncate -s 3000000 sparse && printf tail >> sparse && "
		 "ln -s hello.txt fast-link && "
		 "ln -s dir/sub/../sub/../../hello.txt.with.a.long.name.to.make.a.slow.symlink.over.sixty.bytes slow-link && "
		 "for i in $(seq 600); do echo $i > dir/file-number-$i; done && "
		 "chmod 0751 dir/sub && echo deep > dir/sub/deep",
		 tree, tree, tree, tree);
	if (system(cmd))
		abort();
}

/* compare the image's directory `dino` with host directory `path` */
static int walk(struct ext2_vol *v, uint32_t dino, const char *path, int depth);

struct lister {
	struct ext2_vol *v;
	const char *path;
	int depth, n;
};

static int visit(void *ctx, const char *name, size_t len, uint32_t ino, unsigned type, uint64_t next)
{
	struct lister *l = ctx;
	struct ext2_inode_info in;
	struct stat st;
	char hp[4096];

	(void)len, (void)next;
	if (!strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, "lost+found"))
		return 0;
	l->n++;
	snprintf(hp, sizeof(hp), "%s/%s", l->path, name);
	CHECK(lstat(hp, &st) == 0);
	CHECK(ext2_read_inode(l->v, ino, &in) == 0);
	CHECK((in.mode & 0170000) == (st.st_mode & 0170000));
	CHECK((in.mode & 07777) == (st.st_mode & 07777));
	CHECK(type == (unsigned)((st.st_mode >> 12) & 15));
	if (S_ISREG(st.st_mode)) {
		char *a = malloc(st.st_size + 1), *b = malloc(st.st_size + 1);
		FILE *f = fopen(hp, "rb");
		CHECK(in.size == (uint64_t)st.st_size);
		CHECK(fread(a, 1, st.st_size, f) == (size_t)st.st_size);
		fclose(f);
		CHECK(ext2_read_data(l->v, &in, 0, b, st.st_size + 1) == st.st_size);
		CHECK(!memcmp(a, b, st.st_size));
		/* an odd offset and length inside */
		if (st.st_size > 5000)
			CHECK(ext2_read_data(l->v, &in, 1234, b, 3333) == 3333 && !memcmp(a + 1234, b, 3333));
		free(a);
		free(b);
	} else if (S_ISLNK(st.st_mode)) {
		char t1[4096], t2[4096];
		ssize_t n1 = readlink(hp, t1, sizeof(t1));
		long n2 = ext2_readlink(l->v, &in, t2, sizeof(t2));
		CHECK(n1 == n2 && !memcmp(t1, t2, (size_t)n1));
	} else if (S_ISDIR(st.st_mode)) {
		CHECK(walk(l->v, ino, hp, l->depth + 1) == 0);
	}
	return 0;
}

static int count_host(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static int walk(struct ext2_vol *v, uint32_t dino, const char *path, int depth)
{
	struct ext2_inode_info dir;
	struct lister l = { v, path, depth, 0 };
	uint64_t pos = 0;

	if (depth > 8 || ext2_read_inode(v, dino, &dir))
		return -1;
	if (ext2_dir_iterate(v, &dir, &pos, visit, &l))
		return -1;
	CHECK(l.n == count_host(path));
	return 0;
}

static void fuzz_walk(struct ext2_vol *v, uint32_t dino, int depth, int *budget);

static void test_block_size(unsigned bs)
{
	struct ext2_vol v = { .read = img_read };
	struct ext2_inode_info root, dir, f;
	uint32_t ino;
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "PATH=$PATH:/sbin:/usr/sbin mke2fs -q -F -t ext2 -b %u -d %s "
		 "/tmp/aegis-ext2-%u.img 12M", bs, tree, bs);
	if (system(cmd)) {
		printf("FAIL mke2fs -b %u\n", bs);
		failures++;
		return;
	}
	snprintf(cmd, sizeof(cmd), "/tmp/aegis-ext2-%u.img", bs);
	load(cmd);
	v.disk_bytes = img_len;
	CHECK(ext2_mount_check(&v) == 0);
	CHECK(v.block_size == bs);
	CHECK(ext2_read_inode(&v, EXT2_ROOT_INO, &root) == 0);
	CHECK(walk(&v, EXT2_ROOT_INO, tree, 0) == 0);
	/* lookups */
	CHECK(ext2_dir_lookup(&v, &root, "dir", 3, &ino) == 0 && ext2_read_inode(&v, ino, &dir) == 0);
	CHECK(ext2_dir_lookup(&v, &dir, "file-number-599", 15, &ino) == 0 && ext2_read_inode(&v, ino, &f) == 0);
	{
		char b[8] = { 0 };
		CHECK(ext2_read_data(&v, &f, 0, b, sizeof(b)) == 4 && !strcmp(b, "599\n"));
	}
	CHECK(ext2_dir_lookup(&v, &dir, "file-number-601", 15, &ino) == -ENOENT);
	CHECK(ext2_dir_lookup(&v, &root, "hello.tx", 8, &ino) == -ENOENT);
	CHECK(ext2_read_inode(&v, 0, &f) == -EIO && ext2_read_inode(&v, v.inodes_count + 1, &f) == -EIO);
	/* a truncated image: errors, but nothing is read past its end */
	v.disk_bytes = img_len / 3;
	{
		int budget = 100000;
		fuzz_walk(&v, EXT2_ROOT_INO, 0, &budget);
	}
	printf("ext2: %u-byte blocks: %u groups, %u inodes\n", bs, v.groups, v.inodes_count);
}

/* walk without a host reference: everything must end, errors or not */
static int any(void *ctx, const char *name, size_t len, uint32_t ino, unsigned type, uint64_t next);

static void fuzz_walk(struct ext2_vol *v, uint32_t dino, int depth, int *budget)
{
	struct ext2_inode_info dir;
	uint64_t pos = 0;
	struct { struct ext2_vol *v; int depth; int *budget; } c = { v, depth, budget };

	if (depth > 6 || --*budget < 0 || ext2_read_inode(v, dino, &dir))
		return;
	ext2_dir_iterate(v, &dir, &pos, any, &c);
}

static int any(void *ctx, const char *name, size_t len, uint32_t ino, unsigned type, uint64_t next)
{
	struct { struct ext2_vol *v; int depth; int *budget; } *c = ctx;
	struct ext2_inode_info in;
	static char buf[65536];

	(void)len, (void)type, (void)next;
	if (--*c->budget < 0)
		return 1;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	if (ext2_read_inode(c->v, ino, &in))
		return 0;
	if ((in.mode & 0170000) == 0040000)
		fuzz_walk(c->v, ino, c->depth + 1, c->budget);
	else if ((in.mode & 0170000) == 0120000)
		ext2_readlink(c->v, &in, buf, sizeof(buf));
	else
		ext2_read_data(c->v, &in, in.size > 100000 ? in.size - 100000 : 0, buf, sizeof(buf));
	return 0;
}

static void fuzz(void)
{
	unsigned long long x = 0x2545f4914f6cdd1dull;
	uint8_t *orig;
	size_t len;
	int mounted = 0;

	load("/tmp/aegis-ext2-1024.img");
	orig = malloc(img_len);
	memcpy(orig, img, img_len);
	len = img_len;
	for (int round = 0; round < 3000; round++) {
		struct ext2_vol v = { .read = img_read, .disk_bytes = len };
		int budget = 5000;
		memcpy(img, orig, len);
		for (int k = 0; k < 1 + round % 16; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			/* mostly metadata: the first 300 KiB (superblock, groups, inode tables, dirs) */
			size_t at = (x >> 16) % (round % 4 ? 300 * 1024 : len);
			img[at] = (uint8_t)(x >> 8);
		}
		if (ext2_mount_check(&v))
			continue;
		mounted++;
		fuzz_walk(&v, EXT2_ROOT_INO, 0, &budget);
	}
	printf("ext2: 3000 corrupted images, %d still mounted and walked\n", mounted);
	free(orig);
}

int main(void)
{
	if (system("PATH=$PATH:/sbin:/usr/sbin command -v mke2fs >/dev/null")) {
		printf("ext2: mke2fs not installed (e2fsprogs): not tested\n");
		return 0;
	}
	build_tree();
	test_block_size(1024);
	test_block_size(2048);
	test_block_size(4096);
	fuzz();
	printf("ext2: %s\n", failures ? "failures" : "all passed");
	return failures != 0;
}
