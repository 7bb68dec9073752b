/*
 * ext2_core.c - reading the ext2 format (see ext2_core.h).  Little-endian
 * fields are read at their byte offsets; nothing from the disk is trusted:
 * block numbers must lie inside the file system, inode numbers inside the
 * inode table, directory records inside their block.
 */
#include <aegis/errno.h>
#include <aegis/string.h>
#include <aegis/unaligned.h>

#include "ext2_core.h"

#define EXT2_MAGIC		0xef53
#define INCOMPAT_FILETYPE	0x0002
#define INCOMPAT_RECOVER	0x0004
#define INCOMPAT_META_BG	0x0010
#define INCOMPAT_FLEX_BG	0x0200
#define INCOMPAT_READABLE	(INCOMPAT_FILETYPE | INCOMPAT_FLEX_BG)
#define RO_COMPAT_LARGE_FILE	0x0002
#define S_IFMT_			0170000
#define S_IFDIR_		0040000
#define S_IFREG_		0100000
#define S_IFLNK_		0120000


/* bytes of the disk, refusing anything past its end */
static int rd(struct ext2_vol *v, uint64_t off, void *buf, size_t len)
{
	if (off > v->disk_bytes || len > v->disk_bytes - off)
		return -EIO;
	return v->read(v->ctx, off, buf, len);
}

static bool valid_block(const struct ext2_vol *v, uint32_t b)
{
	return b >= v->first_data_block && b < v->blocks_count;
}

int ext2_mount_check(struct ext2_vol *v)
{
	uint8_t sb[1024];
	uint32_t log;
	int err;

	if ((err = rd(v, 1024, sb, sizeof(sb))))
		return err == -EIO ? -EINVAL : err;
	if (get_le16(sb + 56) != EXT2_MAGIC)
		return -EINVAL;
	log = get_le32(sb + 24);
	if (log > 2)
		return -EINVAL;				/* blocks of 1, 2 or 4 KiB */
	v->block_size = 1024u << log;
	v->inodes_count = get_le32(sb + 0);
	v->blocks_count = get_le32(sb + 4);
	v->free_blocks = get_le32(sb + 12);
	v->free_inodes = get_le32(sb + 16);
	v->first_data_block = get_le32(sb + 20);
	v->blocks_per_group = get_le32(sb + 32);
	v->inodes_per_group = get_le32(sb + 40);
	v->rev = get_le32(sb + 76);
	v->inode_size = v->rev ? get_le16(sb + 88) : 128;
	v->feature_incompat = v->rev ? get_le32(sb + 96) : 0;
	v->feature_ro_compat = v->rev ? get_le32(sb + 100) : 0;
	memcpy(v->volume_name, sb + 120, 16);
	v->volume_name[16] = 0;
	if (v->first_data_block != (v->block_size == 1024 ? 1u : 0u) ||
	    !v->blocks_per_group || v->blocks_per_group > 8 * v->block_size ||
	    !v->inodes_per_group || v->inodes_per_group > 8 * v->block_size ||
	    v->blocks_count <= v->first_data_block || !v->inodes_count ||
	    v->inode_size < 128 || v->inode_size > v->block_size || (v->inode_size & (v->inode_size - 1)))
		return -EINVAL;
	if (v->feature_incompat & ~INCOMPAT_READABLE)
		return -EINVAL;				/* journal to replay, extents, meta_bg, ... */
	v->groups = (v->blocks_count - v->first_data_block + v->blocks_per_group - 1) / v->blocks_per_group;
	if ((uint64_t)v->groups * v->inodes_per_group < v->inodes_count)
		return -EINVAL;
	/* the group descriptors, right after the superblock's block */
	if ((uint64_t)(v->first_data_block + 1) * v->block_size + (uint64_t)v->groups * 32 > v->disk_bytes)
		return -EINVAL;
	return 0;
}

int ext2_read_inode(struct ext2_vol *v, uint32_t ino, struct ext2_inode_info *out)
{
	uint8_t gd[32], raw[128];
	uint32_t group, index, table;
	int err;

	if (ino < 1 || ino > v->inodes_count)
		return -EIO;
	group = (ino - 1) / v->inodes_per_group;
	index = (ino - 1) % v->inodes_per_group;
	if (group >= v->groups)
		return -EIO;
	if ((err = rd(v, (uint64_t)(v->first_data_block + 1) * v->block_size + (uint64_t)group * 32, gd, 32)))
		return err;
	table = get_le32(gd + 8);
	/* the whole table of this group must be inside the file system */
	if (!valid_block(v, table) ||
	    (uint64_t)table + ((uint64_t)v->inodes_per_group * v->inode_size + v->block_size - 1) / v->block_size >
		    v->blocks_count)
		return -EIO;
	if ((err = rd(v, (uint64_t)table * v->block_size + (uint64_t)index * v->inode_size, raw, sizeof(raw))))
		return err;
	memset(out, 0, sizeof(*out));
	out->ino = ino;
	out->mode = get_le16(raw + 0);
	out->uid = get_le16(raw + 2) | (uint32_t)get_le16(raw + 120) << 16;
	out->size = get_le32(raw + 4);
	out->atime = get_le32(raw + 8);
	out->ctime = get_le32(raw + 12);
	out->mtime = get_le32(raw + 16);
	out->gid = get_le16(raw + 24) | (uint32_t)get_le16(raw + 122) << 16;
	out->links = get_le16(raw + 26);
	out->sectors = get_le32(raw + 28);
	out->flags = get_le32(raw + 32);
	for (int i = 0; i < 15; i++)
		out->block[i] = get_le32(raw + 40 + 4 * i);
	if ((out->mode & S_IFMT_) == S_IFREG_ && v->rev)
		out->size |= (uint64_t)get_le32(raw + 108) << 32;	/* i_size_high */
	return 0;
}

/* entry k of indirect block b (0: none) */
static int indirect(struct ext2_vol *v, uint32_t b, uint32_t k, uint32_t *out)
{
	uint8_t e[4];
	int err;

	if (!b) {
		*out = 0;
		return 0;
	}
	if (!valid_block(v, b))
		return -EIO;
	if ((err = rd(v, (uint64_t)b * v->block_size + 4ull * k, e, 4)))
		return err;
	*out = get_le32(e);
	return 0;
}

int ext2_bmap(struct ext2_vol *v, const struct ext2_inode_info *in, uint64_t lb, uint32_t *pb)
{
	uint64_t per = v->block_size / 4;
	uint32_t b;
	int err = 0;

	if (lb < 12) {
		b = in->block[lb];
	} else if ((lb -= 12) < per) {
		err = indirect(v, in->block[12], (uint32_t)lb, &b);
	} else if ((lb -= per) < per * per) {
		err = indirect(v, in->block[13], (uint32_t)(lb / per), &b);
		if (!err)
			err = indirect(v, b, (uint32_t)(lb % per), &b);
	} else if ((lb -= per * per) < per * per * per) {
		err = indirect(v, in->block[14], (uint32_t)(lb / (per * per)), &b);
		if (!err)
			err = indirect(v, b, (uint32_t)(lb / per % per), &b);
		if (!err)
			err = indirect(v, b, (uint32_t)(lb % per), &b);
	} else {
		return -EIO;				/* past what ext2 can address */
	}
	if (err)
		return err;
	if (b && !valid_block(v, b))
		return -EIO;
	*pb = b;
	return 0;
}

long ext2_read_data(struct ext2_vol *v, const struct ext2_inode_info *in, uint64_t off, void *buf, size_t len)
{
	size_t done = 0;
	uint8_t *p = buf;

	if (off >= in->size)
		return 0;
	if (len > in->size - off)
		len = (size_t)(in->size - off);
	while (done < len) {
		uint64_t at = off + done;
		uint32_t in_block = (uint32_t)(at % v->block_size), pb;
		size_t n = v->block_size - in_block;
		int err;
		if (n > len - done)
			n = len - done;
		if ((err = ext2_bmap(v, in, at / v->block_size, &pb)))
			return done ? (long)done : err;
		if (!pb)
			memset(p + done, 0, n);		/* a hole */
		else if ((err = rd(v, (uint64_t)pb * v->block_size + in_block, p + done, n)))
			return done ? (long)done : err;
		done += n;
	}
	return (long)done;
}

static unsigned dtype_of(const struct ext2_vol *v, uint8_t ft)
{
	/* ext2 file types 1..7 map to DT_REG, DIR, CHR, BLK, FIFO, SOCK, LNK */
	static const uint8_t dt[8] = { 0, 8, 4, 2, 6, 1, 12, 10 };
	return (v->feature_incompat & INCOMPAT_FILETYPE) && ft < 8 ? dt[ft] : 0;
}

int ext2_dir_iterate(struct ext2_vol *v, const struct ext2_inode_info *dir, uint64_t *pos,
		     int (*emit)(void *, const char *, size_t, uint32_t, unsigned, uint64_t), void *ctx)
{
	uint8_t hdr[8];
	char name[EXT2_NAME_LEN + 1];

	if ((dir->mode & S_IFMT_) != S_IFDIR_)
		return -EIO;
	while (*pos < dir->size) {
		uint64_t block_end = (*pos / v->block_size + 1) * v->block_size;
		uint32_t ino;
		uint16_t rec;
		size_t nlen;
		if (block_end - *pos < 8 || ext2_read_data(v, dir, *pos, hdr, 8) != 8)
			return -EIO;
		ino = get_le32(hdr);
		rec = get_le16(hdr + 4);
		nlen = hdr[6];
		if (!(v->feature_incompat & INCOMPAT_FILETYPE))
			nlen |= (size_t)hdr[7] << 8;
		/* a record must hold its name, keep 4-byte alignment and stay in its block */
		if (rec < 8 || rec % 4 || rec > block_end - *pos || 8 + nlen > rec || nlen > EXT2_NAME_LEN ||
		    ino > v->inodes_count)
			return -EIO;
		if (ino && nlen) {
			if (ext2_read_data(v, dir, *pos + 8, name, nlen) != (long)nlen)
				return -EIO;
			name[nlen] = 0;
			for (size_t k = 0; k < nlen; k++)
				if (name[k] == '/' || !name[k])
					return -EIO;	/* not a file name */
			if (emit(ctx, name, nlen, ino, dtype_of(v, hdr[7]), *pos + rec))
				return 0;
		}
		*pos += rec;
	}
	return 0;
}

struct find {
	const char *name;
	size_t len;
	uint32_t ino;
};

static int match(void *ctx, const char *name, size_t len, uint32_t ino, unsigned type, uint64_t next)
{
	struct find *f = ctx;

	(void)type, (void)next;
	if (len != f->len || memcmp(name, f->name, len))
		return 0;
	f->ino = ino;
	return 1;
}

int ext2_dir_lookup(struct ext2_vol *v, const struct ext2_inode_info *dir, const char *name,
		    size_t len, uint32_t *ino)
{
	struct find f = { name, len, 0 };
	uint64_t pos = 0;
	int err = ext2_dir_iterate(v, dir, &pos, match, &f);

	if (err)
		return err;
	if (!f.ino)
		return -ENOENT;
	*ino = f.ino;
	return 0;
}

long ext2_readlink(struct ext2_vol *v, const struct ext2_inode_info *in, char *buf, size_t size)
{
	size_t n = in->size < size ? (size_t)in->size : size;

	if ((in->mode & S_IFMT_) != S_IFLNK_ || in->size > 4096)
		return -EIO;
	if (in->sectors == 0 && in->size < 60) {	/* fast: the text is in i_block */
		uint8_t raw[60];
		for (int i = 0; i < 15; i++) {
			raw[4 * i] = (uint8_t)in->block[i];
			raw[4 * i + 1] = (uint8_t)(in->block[i] >> 8);
			raw[4 * i + 2] = (uint8_t)(in->block[i] >> 16);
			raw[4 * i + 3] = (uint8_t)(in->block[i] >> 24);
		}
		memcpy(buf, raw, n);
		return (long)n;
	}
	return ext2_read_data(v, in, 0, buf, n);
}
