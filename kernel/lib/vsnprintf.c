/*
 * vsnprintf.c - the kernel's printf engine.
 *
 * One pass over the format; every conversion is rendered into a small local buffer
 * and then emitted with padding, so width/precision logic lives in one place.
 * No floating point: the kernel is built without SSE.
 */
#include <aegis/printf.h>
#include <aegis/string.h>

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width;
	int prec;		/* -1: none */
	char length;		/* 'H' hh, 'h', 'l', 'L' ll/j/z/t */
};

/* Renders an unsigned value right-aligned at the end of tmp; returns its start. */
static char *utoa(char *end, unsigned long long v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	*--end = '\0';
	do {
		*--end = digits[v % base];
		v /= base;
	} while (v);
	return end;
}

static void emit_number(struct out *o, const struct spec *s, unsigned long long v,
			bool neg, unsigned base, bool upper)
{
	char tmp[32];
	char *digits = utoa(tmp + sizeof(tmp), v, base, upper);
	int ndig = strlen(digits);
	const char *prefix = "";
	int zeros = 0, pad;

	if (s->prec == 0 && v == 0)
		ndig = 0;	/* "%.0d" of 0 prints nothing */
	if (neg)
		prefix = "-";
	else if (s->plus)
		prefix = "+";
	else if (s->space)
		prefix = " ";
	if (s->alt && v != 0 && base == 16)
		prefix = upper ? "0X" : "0x";
	if (s->prec > ndig)
		zeros = s->prec - ndig;
	/* "%#o" always shows a leading zero, even for 0 with precision 0 */
	if (s->alt && base == 8 && zeros == 0 && (ndig == 0 || digits[0] != '0'))
		zeros = 1;
	pad = s->width - (int)strlen(prefix) - zeros - ndig;
	if (s->zero && !s->left && s->prec < 0) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}
	if (!s->left)
		put_pad(o, ' ', pad);
	for (const char *p = prefix; *p; p++)
		put(o, *p);
	put_pad(o, '0', zeros);
	for (int i = 0; i < ndig; i++)
		put(o, digits[i]);
	if (s->left)
		put_pad(o, ' ', pad);
}

static void emit_string(struct out *o, const struct spec *s, const char *str)
{
	int n;

	if (!str)
		str = "(null)";
	n = s->prec >= 0 ? (int)strnlen(str, s->prec) : (int)strlen(str);
	if (!s->left)
		put_pad(o, ' ', s->width - n);
	for (int i = 0; i < n; i++)
		put(o, str[i]);
	if (s->left)
		put_pad(o, ' ', s->width - n);
}

static const char *parse_spec(const char *f, struct spec *s, va_list *ap)
{
	memset(s, 0, sizeof(*s));
	s->prec = -1;
	for (;; f++) {
		if (*f == '-')
			s->left = true;
		else if (*f == '0')
			s->zero = true;
		else if (*f == '+')
			s->plus = true;
		else if (*f == ' ')
			s->space = true;
		else if (*f == '#')
			s->alt = true;
		else
			break;
	}
	if (*f == '*') {
		s->width = va_arg(*ap, int);
		if (s->width < 0) {
			s->left = true;
			s->width = -s->width;
		}
		f++;
	} else {
		while (*f >= '0' && *f <= '9')
			s->width = s->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		s->prec = 0;
		if (*f == '*') {
			s->prec = va_arg(*ap, int);
			if (s->prec < 0)
				s->prec = -1;
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				s->prec = s->prec * 10 + (*f++ - '0');
		}
	}
	if (*f == 'h') {
		s->length = 'h';
		if (*++f == 'h') {
			s->length = 'H';
			f++;
		}
	} else if (*f == 'l') {
		s->length = 'l';
		if (*++f == 'l') {
			s->length = 'L';
			f++;
		}
	} else if (*f == 'z' || *f == 't' || *f == 'j') {
		s->length = 'L';
		f++;
	}
	return f;
}

static long long arg_signed(const struct spec *s, va_list *ap)
{
	switch (s->length) {
	case 'H': return (signed char)va_arg(*ap, int);
	case 'h': return (short)va_arg(*ap, int);
	case 'l': return va_arg(*ap, long);
	case 'L': return va_arg(*ap, long long);
	default: return va_arg(*ap, int);
	}
}

static unsigned long long arg_unsigned(const struct spec *s, va_list *ap)
{
	switch (s->length) {
	case 'H': return (unsigned char)va_arg(*ap, unsigned);
	case 'h': return (unsigned short)va_arg(*ap, unsigned);
	case 'l': return va_arg(*ap, unsigned long);
	case 'L': return va_arg(*ap, unsigned long long);
	default: return va_arg(*ap, unsigned);
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct out o = { buf, size, 0 };
	struct spec s;
	va_list ap;

	va_copy(ap, ap_in);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &s, &ap);
		switch (*f) {
		case 'd':
		case 'i': {
			long long v = arg_signed(&s, &ap);
			unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
			emit_number(&o, &s, mag, v < 0, 10, false);
			break;
		}
		case 'u':
			emit_number(&o, &s, arg_unsigned(&s, &ap), false, 10, false);
			break;
		case 'x':
		case 'X':
			emit_number(&o, &s, arg_unsigned(&s, &ap), false, 16, *f == 'X');
			break;
		case 'o':
			emit_number(&o, &s, arg_unsigned(&s, &ap), false, 8, false);
			break;
		case 'p':
			s.alt = true;
			emit_number(&o, &s, (uintptr_t)va_arg(ap, void *), false, 16, false);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			s.prec = -1;
			if (!s.left)
				put_pad(&o, ' ', s.width - 1);
			put(&o, c);
			if (s.left)
				put_pad(&o, ' ', s.width - 1);
			break;
		}
		case 's':
			emit_string(&o, &s, va_arg(ap, const char *));
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			f--;	/* lone '%' at the end: stop */
			break;
		default:
			put(&o, '%');
			put(&o, *f);
			break;
		}
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
