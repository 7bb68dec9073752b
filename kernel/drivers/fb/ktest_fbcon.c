/*
 * ktest_fbcon.c - the framebuffer console's escape sequences, checked in its
 * cell array (only when the boot loader gave a framebuffer: the GRUB ISO, see
 * tools/fbshot.sh).  With "tty_kbdtest" on the command line it also reads one
 * line typed on the PS/2 keyboard (QEMU monitor sendkey) and prints it.
 */
#include <aegis/bootinfo.h>
#include <aegis/cmdline.h>
#include <aegis/ktest.h>
#include <aegis/string.h>
#include <aegis/tty.h>

static void out(struct tty *t, const char *s)
{
	struct io_buf b = { (char *)s, strlen(s), false };

	tty_write(t, &b, false);
}

static bool cell_is(unsigned x, unsigned y, char c, int fg, int bg)
{
	unsigned g;
	uint8_t f, b;

	return fbcon_peek(x, y, &g, &f, &b) && g == (unsigned char)c &&
	       (fg < 0 || f == fg) && (bg < 0 || b == bg);
}

KTEST(tty_fbcon_ansi)
{
	struct tty *t = fbcon_tty();

	if (!t)
		return;		/* no framebuffer (qemu -kernel) */
	out(t, "\033[2J\033[H");
	KT_ASSERT(cell_is(0, 0, ' ', 7, 0));
	out(t, "\033[31mred\033[0m \033[1;32mgreen\033[0m \033[44;33mblue\033[m");
	KT_ASSERT(cell_is(0, 0, 'r', 1, 0));
	KT_ASSERT(cell_is(4, 0, 'g', 10, 0));
	KT_ASSERT(cell_is(10, 0, 'b', 3, 4));
	out(t, "\033[3;5Hxy\033[2D\033[@");	/* position, back 2, insert a blank */
	KT_ASSERT(cell_is(4, 2, ' ', -1, -1));
	KT_ASSERT(cell_is(5, 2, 'x', -1, -1));
	out(t, "\033[7mrev\033[m\033[K");
	KT_ASSERT(cell_is(4, 2, 'r', 0, 7));
	out(t, "\033[3;1H\033[Knext\n");
	KT_ASSERT(cell_is(0, 2, 'n', 7, 0));
	KT_ASSERT(cell_is(4, 2, ' ', 7, 0));
	out(t, "\033[4;1H\xc3\xa9\xe2\x94\x80 utf-8\n");	/* é and a box line */
	KT_ASSERT(cell_is(0, 3, (char)0xe9, -1, -1));
	/* scrolling: the first line moves up as the screen fills */
	out(t, "\033[H");
	for (int i = 0; i < 60; i++)
		out(t, "\033[36mscroll line\033[m\n");
	KT_ASSERT(cell_is(0, 0, 's', 6, 0));
	out(t, "\033[2J\033[HAegis fbcon: \033[31mred \033[32mgreen \033[33myellow "
	       "\033[34mblue \033[35mmagenta \033[36mcyan \033[1;37mbright\033[m\n"
	       "\033[7m reverse \033[m \xe2\x94\x8c\xe2\x94\x80\xe2\x94\x90 box  caf\xc3\xa9\n");
}

KTEST(tty_fbcon_kbd)
{
	struct tty *t = fbcon_tty();
	char buf[64];
	struct io_buf b = { buf, sizeof(buf) - 1, false };
	ssize_t r;

	if (!t || !cmdline_has(boot_info.cmdline, "tty_kbdtest"))
		return;
	out(t, "type a line: ");
	r = tty_read(t, &b, false);
	KT_ASSERT(r > 0);
	if (r > 0) {
		buf[r] = 0;
		printk(LOG_INFO, "kbd: read %d bytes: %s", (int)r, buf);
	}
}
