/* internal.h - what the files of kernel/tty/ share and nobody else needs. */
#ifndef AEGIS_TTY_INTERNAL_H
#define AEGIS_TTY_INTERNAL_H

#include <aegis/fs_abi.h>
#include <aegis/tty.h>

/* Major numbers as on Linux. */
#define TTY_MAJOR	4	/* tty1..: minor 1..; ttyS0..: minor 64.. */
#define TTYAUX_MAJOR	5	/* tty 0, console 1, ptmx 2 */
#define PTS_MAJOR	136

void tty_core_init(void);
/* Job control for a read (SIGTTIN) or write/settings change (SIGTTOU):
 * 0 to go ahead, -ERESTARTSYS after signalling the caller's group, -EIO. */
int tty_job_check(struct tty *t, int sig);
int tty_write_job_check(struct tty *t);	/* SIGTTOU only with TOSTOP */
#define ENOIOCTLCMD	515	/* internal: not a termios ioctl, try the others */
void tty_signal_pgrp(int pgrp, int sig);
void tty_signal_pid(int pid, int sig);
/* Clears ->tty of every process whose controlling terminal t is. */
void tty_forget_session(struct tty *t);
/* Makes t the controlling terminal of the current process if it is a session
 * leader without one and t is free (open without O_NOCTTY, TIOCSCTTY). */
int tty_make_ctty(struct tty *t, bool steal);

/* Termios and window size, for ioctls and in-kernel users (ktests). */
void tty_get_termios(struct tty *t, struct termios *tio);
/* how: TCSETS, TCSETSW or TCSETSF */
void tty_set_termios(struct tty *t, const struct termios *tio, unsigned how);
void tty_get_winsize(struct tty *t, struct winsize *ws);
void tty_set_winsize(struct tty *t, const struct winsize *ws);

/* pty.c */
void pty_init(void);
struct tty *pty_slave_get(unsigned index);	/* NULL if none or locked */
void pty_release(struct tty *t);
/* TIOCGPTPEER: a new descriptor for the slave of master m (O_* flags). */
long tty_open_peer(struct tty *m, unsigned flags);

/* serial ttys and the console (tty_dev.c / serial_tty.c) */
void serial_tty_init(void);
struct tty *serial_tty(unsigned port);

#endif
