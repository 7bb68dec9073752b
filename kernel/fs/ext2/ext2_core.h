/*
 * ext2_core.h - the ext2 on-disk format, read side (ext2_core.c): pure code
 * over a byte-reading callback, so tests/unit/test_ext2.c runs it on images made
 * by mke2fs and on corrupted copies of them.  Every number read from the disk
 * is checked before it is used; a corrupt structure gives -EIO (or -EINVAL for
 * a superblock that is not ext2 or needs features this code does not have).
 */
#ifndef EXT2_CORE_H
#define EXT2_CORE_H

#include <aegis/types.h>

#define EXT2_ROOT_INO	2
#define EXT2_NAME_LEN	255

struct ext2_vol {
	/* read len bytes at byte offset off of the disk: 0 or -errno */
	int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
	void *ctx;
	uint64_t disk_bytes;		/* the device's size: nothing past it is read */
	uint32_t block_size;		/* 1024, 2048 or 4096 */
	uint32_t blocks_count, inodes_count;
	uint32_t first_data_block;
	uint32_t blocks_per_group, inodes_per_group, groups;
	uint32_t inode_size;
	uint32_t rev, feature_incompat, feature_ro_compat;
	uint32_t free_blocks, free_inodes;
	char volume_name[17];
};

struct ext2_inode_info {
	uint32_t ino;
	uint16_t mode;
	uint16_t links;
	uint32_t uid, gid;
	uint64_t size;
	uint32_t atime, ctime, mtime;
	uint32_t flags;
	uint32_t block[15];		/* 12 direct, then single, double, triple indirect */
	uint32_t sectors;		/* i_blocks: 512-byte units allocated */
};

/* Reads and checks the superblock and the group table's place. */
int ext2_mount_check(struct ext2_vol *v);
int ext2_read_inode(struct ext2_vol *v, uint32_t ino, struct ext2_inode_info *out);
/* The disk block holding logical block lblock of the file (0: a hole). */
int ext2_bmap(struct ext2_vol *v, const struct ext2_inode_info *in, uint64_t lblock, uint32_t *pblock);
/* Up to len bytes at off (stops at the size); holes read as zeros. */
long ext2_read_data(struct ext2_vol *v, const struct ext2_inode_info *in, uint64_t off, void *buf, size_t len);
/* Directory entries from byte offset *pos; emit(ctx, name, len, ino, type, next)
 * returns non-zero to stop (then *pos is that entry's offset).  0 or -EIO. */
int ext2_dir_iterate(struct ext2_vol *v, const struct ext2_inode_info *dir, uint64_t *pos,
		     int (*emit)(void *ctx, const char *name, size_t len, uint32_t ino, unsigned type,
				 uint64_t next),
		     void *ctx);
/* The inode number of name in dir: 0, -ENOENT or -EIO. */
int ext2_dir_lookup(struct ext2_vol *v, const struct ext2_inode_info *dir, const char *name,
		    size_t len, uint32_t *ino);
/* A symlink's target (fast symlinks live in the block array): its length or -errno. */
long ext2_readlink(struct ext2_vol *v, const struct ext2_inode_info *in, char *buf, size_t size);

#endif
