/*
 * ps2kbd.c - the PS/2 keyboard as /dev/tty1's input: scancode set 1 (what the
 * i8042 delivers with translation on, the PC default) to characters, with shift,
 * ctrl, alt (ESC prefix, as Linux's console sends meta) and caps lock; arrows,
 * Home/End, Insert/Delete and PgUp/PgDn as the escape sequences Linux's console
 * sends.  Runs in the keyboard interrupt (kbd_scancode from platform.c); the
 * bytes reach the line discipline through tty_receive_irq.
 */
#include <aegis/tty.h>

static const char plain[0x3a] = {
	0, 27, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', 0x7f, '\t',
	'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\r', 0, 'a', 's',
	'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v',
	'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ',
};
static const char shifted[0x3a] = {
	0, 27, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', 0x7f, '\t',
	'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r', 0, 'A', 'S',
	'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|', 'Z', 'X', 'C', 'V',
	'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ',
};

#define SC_LCTRL	0x1d
#define SC_LSHIFT	0x2a
#define SC_RSHIFT	0x36
#define SC_LALT		0x38
#define SC_CAPS		0x3a

/* Interrupt context only: no lock needed on one CPU with the IRQ not reentrant. */
static struct {
	bool shift, ctrl, alt, caps, e0;
} kbd;

static void emit(const char *s)
{
	struct tty *t = fbcon_tty();

	if (!t)
		return;
	while (*s)
		tty_receive_irq(t, *s++);
}

/* Keys after an 0xe0 prefix: cursor block and keypad duplicates. */
static const char *extended(uint8_t sc)
{
	switch (sc) {
	case 0x48: return "\033[A";
	case 0x50: return "\033[B";
	case 0x4d: return "\033[C";
	case 0x4b: return "\033[D";
	case 0x47: return "\033[1~";	/* Home, as Linux's console */
	case 0x4f: return "\033[4~";	/* End */
	case 0x52: return "\033[2~";
	case 0x53: return "\033[3~";
	case 0x49: return "\033[5~";
	case 0x51: return "\033[6~";
	case 0x1c: return "\r";		/* keypad Enter */
	case 0x35: return "/";
	}
	return NULL;
}

void kbd_scancode(uint8_t sc)
{
	bool release = sc & 0x80;
	uint8_t code = sc & 0x7f;
	char c, s[3];

	if (sc == 0xe0) {
		kbd.e0 = true;
		return;
	}
	if (kbd.e0) {
		kbd.e0 = false;
		if (code == SC_LCTRL)
			kbd.ctrl = !release;		/* right ctrl */
		else if (code == SC_LALT)
			kbd.alt = !release;		/* right alt */
		else if (!release && extended(code))
			emit(extended(code));
		return;
	}
	switch (code) {
	case SC_LSHIFT:
	case SC_RSHIFT:
		kbd.shift = !release;
		return;
	case SC_LCTRL:
		kbd.ctrl = !release;
		return;
	case SC_LALT:
		kbd.alt = !release;
		return;
	case SC_CAPS:
		if (!release)
			kbd.caps = !kbd.caps;
		return;
	}
	if (release || code >= sizeof(plain))
		return;
	c = kbd.shift ? shifted[code] : plain[code];
	if (!c)
		return;
	if (kbd.caps && c >= 'a' && c <= 'z')
		c -= 32;
	else if (kbd.caps && c >= 'A' && c <= 'Z' && kbd.shift)
		c += 32;
	if (kbd.ctrl) {
		if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			c &= 0x1f;
		else if (c == '@' || c == ' ' || c == '2')
			c = 0;
		else if (c >= '[' && c <= '_')
			c &= 0x1f;		/* ^[ ^\ ^] ^^ ^_ */
		else if (c == '/')
			c = 0x1f;
	}
	if (kbd.alt) {
		s[0] = 27, s[1] = c, s[2] = 0;
		emit(s);
		return;
	}
	if (c == 0) {
		/* ^@ is a NUL byte: emit() stops at NULs, so hand it over directly */
		if (fbcon_tty())
			tty_receive_irq(fbcon_tty(), 0);
		return;
	}
	s[0] = c, s[1] = 0;
	emit(s);
}
