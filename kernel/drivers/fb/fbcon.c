/*
 * fbcon.c - the framebuffer text console: an 8x16 font drawn into the linear
 * framebuffer the boot loader set up, with a VT100/xterm subset of escape
 * sequences (cursor movement, erase, insert/delete, scroll region, colours,
 * cursor position report) - enough for busybox sh, vi and top.  It is a printk
 * console (the log so far is replayed when it starts) and the output side of
 * /dev/tty1, whose input is the PS/2 keyboard.
 *
 * The screen is kept as a cell array; drawing compares new cells with what is on
 * the glass so scrolling rewrites only the pixels that change, and the uncached
 * framebuffer is never read.  One spinlock (fb.lock, irqsave) guards it all;
 * printk may call in from any context.
 */
#include <aegis/bootinfo.h>
#include <aegis/mm.h>
#include <aegis/printf.h>
#include <aegis/printk.h>
#include <aegis/string.h>
#include <aegis/tty.h>
#include <aegis/uaccess.h>
#include "../../tty/internal.h"

extern const uint8_t fbcon_font[][16];	/* generated: tools/mkfont.py */
static const uint32_t extra_cp[] = {	/* glyphs 256.. of the font */
	0x2500, 0x2502, 0x250c, 0x2510, 0x2514, 0x2518, 0x2588, 0x2591, 0x2592, 0x25c6,
};

struct cell {
	uint16_t glyph;
	uint8_t fg, bg;
};

#define MAXPAR 8
static struct {
	struct spinlock lock;
	bool up;
	uint8_t *base;
	uint32_t pitch, bpp, cols, rows;
	struct cell *cells;		/* [lock] what should be on screen */
	struct cell *shown;		/* [lock] what is on screen */
	unsigned x, y, saved_x, saved_y;	/* [lock] cursor */
	unsigned top, bot;		/* [lock] scroll region, inclusive */
	uint8_t fg, bg;			/* [lock] current attributes */
	bool bold, reverse, cursor_on, wrap_pending;
	int state;			/* [lock] escape parser */
	unsigned par[MAXPAR], npar;
	bool priv;
	uint32_t utf_cp;
	int utf_left;
} fb;

static struct tty fb_tty;

enum { ST_NORMAL, ST_ESC, ST_CSI };

/* The VGA palette as xterm draws it. */
static const uint32_t palette[16] = {
	0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa, 0x00aaaa, 0xaaaaaa,
	0x555555, 0xff5555, 0x55ff55, 0xffff55, 0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
};

static uint32_t rgb_to_pixel(uint32_t rgb)
{
	const struct boot_fb *b = &boot_info.fb;
	uint32_t r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, bl = rgb & 0xff;

	return (r >> (8 - b->red_size)) << b->red_pos | (g >> (8 - b->green_size)) << b->green_pos |
	       (bl >> (8 - b->blue_size)) << b->blue_pos;
}

static void put_pixel(uint8_t *p, uint32_t px)
{
	switch (fb.bpp) {
	case 32:
		*(volatile uint32_t *)p = px;
		break;
	case 24:
		p[0] = px;
		p[1] = px >> 8;
		p[2] = px >> 16;
		break;
	case 16:
		*(volatile uint16_t *)p = px;
		break;
	}
}

static void draw_cell(unsigned x, unsigned y, struct cell c, bool cursor)
{
	uint32_t fg = rgb_to_pixel(palette[cursor ? c.bg : c.fg]);
	uint32_t bg = rgb_to_pixel(palette[cursor ? c.fg : c.bg]);
	const uint8_t *glyph = fbcon_font[c.glyph];
	unsigned bytespp = fb.bpp / 8;

	for (unsigned row = 0; row < 16; row++) {
		uint8_t *p = fb.base + (y * 16 + row) * fb.pitch + x * 8 * bytespp;
		uint8_t bits = glyph[row];
		for (unsigned col = 0; col < 8; col++, p += bytespp)
			put_pixel(p, bits & (0x80 >> col) ? fg : bg);
	}
}

static struct cell *cell_at(unsigned x, unsigned y)
{
	return &fb.cells[y * fb.cols + x];
}

/* Brings the glass in line with the cell array. */
static void flush(void)
{
	for (unsigned i = 0; i < fb.cols * fb.rows; i++) {
		struct cell c = fb.cells[i];
		if (memcmp(&c, &fb.shown[i], sizeof(c))) {
			draw_cell(i % fb.cols, i / fb.cols, c, false);
			fb.shown[i] = c;
		}
	}
}

static void show_cursor(bool on)
{
	unsigned x = fb.x < fb.cols ? fb.x : fb.cols - 1;
	struct cell *s = &fb.shown[fb.y * fb.cols + x];

	if (!fb.cursor_on)
		return;
	draw_cell(x, fb.y, *cell_at(x, fb.y), on);
	/* make the next flush redraw this cell */
	s->glyph = on ? 0xffff : s->glyph;
}

static struct cell blank(void)
{
	return (struct cell){ ' ', fb.fg, fb.bg };
}

static void clear_cells(unsigned from, unsigned to)	/* [from, to) linear */
{
	for (unsigned i = from; i < to; i++)
		fb.cells[i] = blank();
}

/* Scrolls lines [top, bot] up (n > 0) or down (n < 0). */
static void scroll(unsigned top, unsigned bot, int n)
{
	unsigned h = bot - top + 1, k = n > 0 ? (unsigned)n : (unsigned)-n;

	if (k > h)
		k = h;
	if (n > 0) {
		memmove(cell_at(0, top), cell_at(0, top + k), (h - k) * fb.cols * sizeof(struct cell));
		clear_cells((bot + 1 - k) * fb.cols, (bot + 1) * fb.cols);
	} else {
		memmove(cell_at(0, top + k), cell_at(0, top), (h - k) * fb.cols * sizeof(struct cell));
		clear_cells(top * fb.cols, (top + k) * fb.cols);
	}
}

static void newline(void)
{
	if (fb.y == fb.bot)
		scroll(fb.top, fb.bot, 1);
	else if (fb.y < fb.rows - 1)
		fb.y++;
}

static uint16_t glyph_of(uint32_t cp)
{
	if (cp < 256)
		return cp;
	for (unsigned i = 0; i < sizeof(extra_cp) / sizeof(extra_cp[0]); i++)
		if (extra_cp[i] == cp)
			return 256 + i;
	return '?';
}

static void put_glyph(uint32_t cp)
{
	if (fb.wrap_pending) {
		fb.x = 0;
		newline();
		fb.wrap_pending = false;
	}
	*cell_at(fb.x, fb.y) = (struct cell){ glyph_of(cp),
		fb.reverse ? fb.bg : fb.fg | (fb.bold ? 8 : 0), fb.reverse ? fb.fg : fb.bg };
	if (fb.x + 1 < fb.cols)
		fb.x++;
	else
		fb.wrap_pending = true;
}

static unsigned par(unsigned i, unsigned def)
{
	return i < fb.npar && fb.par[i] ? fb.par[i] : def;
}

static unsigned clamp(unsigned v, unsigned max)
{
	return v > max ? max : v;
}

static void sgr(void)
{
	if (!fb.npar)
		fb.npar = 1, fb.par[0] = 0;
	for (unsigned i = 0; i < fb.npar; i++) {
		unsigned p = fb.par[i];
		if (p == 0) {
			fb.fg = 7, fb.bg = 0, fb.bold = fb.reverse = false;
		} else if (p == 1) {
			fb.bold = true;
		} else if (p == 22) {
			fb.bold = false;
		} else if (p == 7) {
			fb.reverse = true;
		} else if (p == 27) {
			fb.reverse = false;
		} else if (p >= 30 && p <= 37) {
			fb.fg = p - 30;
		} else if (p == 39) {
			fb.fg = 7;
		} else if (p >= 40 && p <= 47) {
			fb.bg = p - 40;
		} else if (p == 49) {
			fb.bg = 0;
		} else if (p >= 90 && p <= 97) {
			fb.fg = p - 90 + 8;
		} else if (p >= 100 && p <= 107) {
			fb.bg = p - 100 + 8;
		}
	}
}

/* Answers to terminal queries go back as keyboard input. */
static void reply(const char *s)
{
	while (*s)
		tty_receive_irq(&fb_tty, *s++);
}

static void csi(char c)
{
	unsigned row = fb.y, n = par(0, 1), line = fb.y * fb.cols;
	char buf[32];

	fb.wrap_pending = false;
	switch (c) {
	case 'A': fb.y = fb.y >= fb.top + n ? fb.y - n : (fb.y >= fb.top ? fb.top : 0); break;
	case 'B': fb.y = clamp(fb.y + n, fb.y <= fb.bot ? fb.bot : fb.rows - 1); break;
	case 'C': fb.x = clamp(fb.x + n, fb.cols - 1); break;
	case 'D': fb.x = fb.x > n ? fb.x - n : 0; break;
	case 'E': fb.x = 0; fb.y = clamp(fb.y + n, fb.rows - 1); break;
	case 'F': fb.x = 0; fb.y = fb.y > n ? fb.y - n : 0; break;
	case 'G': case '`': fb.x = clamp(n - 1, fb.cols - 1); break;
	case 'd': fb.y = clamp(n - 1, fb.rows - 1); break;
	case 'H': case 'f':
		fb.y = clamp(par(0, 1) - 1, fb.rows - 1);
		fb.x = clamp(par(1, 1) - 1, fb.cols - 1);
		break;
	case 'J':
		if (par(0, 0) == 0)
			clear_cells(line + fb.x, fb.cols * fb.rows);
		else if (par(0, 0) == 1)
			clear_cells(0, line + fb.x + 1);
		else
			clear_cells(0, fb.cols * fb.rows);
		break;
	case 'K':
		if (par(0, 0) == 0)
			clear_cells(line + fb.x, line + fb.cols);
		else if (par(0, 0) == 1)
			clear_cells(line, line + fb.x + 1);
		else
			clear_cells(line, line + fb.cols);
		break;
	case 'L': if (row >= fb.top && row <= fb.bot) scroll(row, fb.bot, -(int)n); break;
	case 'M': if (row >= fb.top && row <= fb.bot) scroll(row, fb.bot, n); break;
	case 'S': scroll(fb.top, fb.bot, n); break;
	case 'T': scroll(fb.top, fb.bot, -(int)n); break;
	case 'P': case '@': case 'X': {
		struct cell *l = cell_at(0, fb.y);
		unsigned k = clamp(n, fb.cols - fb.x);
		if (c == 'P') {
			memmove(l + fb.x, l + fb.x + k, (fb.cols - fb.x - k) * sizeof(*l));
			clear_cells(line + fb.cols - k, line + fb.cols);
		} else if (c == '@') {
			memmove(l + fb.x + k, l + fb.x, (fb.cols - fb.x - k) * sizeof(*l));
			clear_cells(line + fb.x, line + fb.x + k);
		} else {
			clear_cells(line + fb.x, line + fb.x + k);
		}
		break;
	}
	case 'm': sgr(); break;
	case 'r':
		fb.top = clamp(par(0, 1) - 1, fb.rows - 1);
		fb.bot = clamp(par(1, fb.rows) - 1, fb.rows - 1);
		if (fb.top >= fb.bot)
			fb.top = 0, fb.bot = fb.rows - 1;
		fb.x = fb.y = 0;
		break;
	case 's': fb.saved_x = fb.x; fb.saved_y = fb.y; break;
	case 'u': fb.x = fb.saved_x; fb.y = fb.saved_y; break;
	case 'h': case 'l':
		if (fb.priv && par(0, 0) == 25)
			fb.cursor_on = c == 'h';
		break;
	case 'n':
		if (par(0, 0) == 6) {
			snprintf(buf, sizeof(buf), "\033[%u;%uR", fb.y + 1, fb.x + 1);
			reply(buf);
		} else if (par(0, 0) == 5) {
			reply("\033[0n");
		}
		break;
	case 'c':
		reply("\033[?6c");
		break;
	}
}

static void reset(void)
{
	fb.fg = 7, fb.bg = 0, fb.bold = fb.reverse = false;
	fb.top = 0, fb.bot = fb.rows - 1;
	fb.x = fb.y = 0;
	fb.cursor_on = true;
	clear_cells(0, fb.cols * fb.rows);
}

static void put_byte(uint8_t b)
{
	if (fb.state == ST_ESC) {
		fb.state = ST_NORMAL;
		switch (b) {
		case '[':
			fb.state = ST_CSI;
			fb.npar = 0;
			fb.par[0] = 0;
			fb.priv = false;
			break;
		case '7': fb.saved_x = fb.x; fb.saved_y = fb.y; break;
		case '8': fb.x = fb.saved_x; fb.y = fb.saved_y; break;
		case 'M':
			if (fb.y == fb.top)
				scroll(fb.top, fb.bot, -1);
			else if (fb.y)
				fb.y--;
			break;
		case 'D': newline(); break;
		case 'E': fb.x = 0; newline(); break;
		case 'c': reset(); break;
		}
		return;
	}
	if (fb.state == ST_CSI) {
		if (b >= '0' && b <= '9') {
			if (!fb.npar)
				fb.npar = 1;
			fb.par[fb.npar - 1] = fb.par[fb.npar - 1] * 10 + (b - '0');
		} else if (b == ';') {
			if (!fb.npar)
				fb.npar = 1;
			if (fb.npar < MAXPAR)
				fb.par[fb.npar++] = 0;
		} else if (b == '?' || b == '>') {
			fb.priv = true;
		} else if (b >= 0x40 && b <= 0x7e) {
			fb.state = ST_NORMAL;
			csi(b);
		}
		return;
	}
	/* UTF-8 */
	if (fb.utf_left && (b & 0xc0) == 0x80) {
		fb.utf_cp = fb.utf_cp << 6 | (b & 0x3f);
		if (--fb.utf_left == 0)
			put_glyph(fb.utf_cp);
		return;
	}
	fb.utf_left = 0;
	if (b >= 0xc0) {
		fb.utf_left = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
		fb.utf_cp = b & (0x3f >> fb.utf_left);
		return;
	}
	switch (b) {
	case '\033': fb.state = ST_ESC; return;
	case '\r': fb.x = 0; fb.wrap_pending = false; return;
	case '\n': case '\v': case '\f': fb.wrap_pending = false; newline(); return;
	case '\b': if (fb.x) fb.x--; fb.wrap_pending = false; return;
	case '\t': fb.x = clamp((fb.x | 7) + 1, fb.cols - 1); return;
	case '\a': return;
	}
	if (b >= 0x20 && b != 0x7f)
		put_glyph(b);
}

static void fbcon_write(const char *s, size_t n, bool console)
{
	unsigned long flags;

	if (!fb.up)
		return;
	flags = spin_lock_irqsave(&fb.lock);
	show_cursor(false);
	for (size_t i = 0; i < n; i++) {
		if (console && s[i] == '\n')
			put_byte('\r');		/* the log has bare newlines */
		put_byte((uint8_t)s[i]);
	}
	flush();
	show_cursor(true);
	spin_unlock_irqrestore(&fb.lock, flags);
}

static void console_write_fb(struct console *con, const char *s, size_t n)
{
	fbcon_write(s, n, true);
}

static struct console fb_console = { .name = "tty1", .write = console_write_fb };

static size_t tty_write_fb(struct tty *t, const char *s, size_t n)
{
	fbcon_write(s, n, false);
	return n;
}

/* VT_GETSTATE: busybox cttyhack asks which virtual console is active. */
#define VT_GETSTATE	0x5603
struct vt_stat {
	uint16_t v_active, v_signal, v_state;
};

static long fb_tty_ioctl(struct tty *t, unsigned cmd, unsigned long arg)
{
	struct vt_stat st = { 1, 0, 1 << 1 };

	if (cmd != VT_GETSTATE)
		return -ENOTTY;
	return copy_to_user((void __user *)arg, &st, sizeof(st)) ? -EFAULT : 0;
}

static const struct tty_driver_ops fb_tty_ops = { .write = tty_write_fb, .ioctl = fb_tty_ioctl };

/* For self-tests: the glyph and colours of a screen cell. */
bool fbcon_peek(unsigned x, unsigned y, unsigned *glyph, uint8_t *fg, uint8_t *bg)
{
	unsigned long flags;

	if (!fb.up || x >= fb.cols || y >= fb.rows)
		return false;
	flags = spin_lock_irqsave(&fb.lock);
	*glyph = cell_at(x, y)->glyph;
	*fg = cell_at(x, y)->fg;
	*bg = cell_at(x, y)->bg;
	spin_unlock_irqrestore(&fb.lock, flags);
	return true;
}

struct tty *fbcon_tty(void)
{
	return fb.up ? &fb_tty : NULL;
}

void fbcon_init(void)
{
	const struct boot_fb *b = &boot_info.fb;
	static char replay[512];
	uint64_t seq = 0;
	size_t n;

	spin_init(&fb.lock, "fbcon");
	if (!boot_info.have_fb || (b->bpp != 32 && b->bpp != 24 && b->bpp != 16))
		return;
	fb.base = ioremap(b->addr, (size_t)b->pitch * b->height);
	fb.cols = b->width / 8;
	fb.rows = b->height / 16;
	fb.cells = kmalloc(fb.cols * fb.rows * sizeof(struct cell));
	fb.shown = kmalloc(fb.cols * fb.rows * sizeof(struct cell));
	if (!fb.base || !fb.cells || !fb.shown || !fb.cols || !fb.rows) {
		pr_err("fbcon: cannot map the %ux%u framebuffer\n", b->width, b->height);
		return;
	}
	fb.pitch = b->pitch;
	fb.bpp = b->bpp;
	reset();
	memset(fb.shown, 0xff, fb.cols * fb.rows * sizeof(struct cell));	/* draw all */
	fb.up = true;
	tty_setup(&fb_tty, "tty1", MKDEV(TTY_MAJOR, 1), &fb_tty_ops, NULL);
	fb_tty.winsize.ws_row = fb.rows;
	fb_tty.winsize.ws_col = fb.cols;
	/* the log so far, then everything new */
	while ((n = printk_read(&seq, replay, sizeof(replay))) > 0)
		fbcon_write(replay, n, true);
	console_register(&fb_console);
	pr_info("fbcon: %ux%u %ubpp, %ux%u text\n", b->width, b->height, b->bpp, fb.cols, fb.rows);
}
