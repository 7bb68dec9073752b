#!/usr/bin/env python3
"""interactive.py QEMU_SH INITRD LOG - drives the shell on Aegis' serial console
through a pty, as a person at a terminal would (see run.sh).  Prints one
PASS/FAIL/SKIP line per case; everything the guest printed goes to LOG.
The expectations were checked against Linux: run with QEMU_SH a script that
runs "stty onlcr", prints "Aegis ready" and execs "busybox sh -i" (PS1='# '):
all cases pass."""
import os, pty, re, select, signal, sys, termios, time

qemu, initrd, logpath = sys.argv[1:4]
CASES = ["tty_line_editing", "tty_eof", "tty_ctrl_c", "tty_ctrl_z_fg", "tty_vi", "tty_top"]
PROMPT = re.compile(rb"[#$] (\x1b\[6n)?$")
BOOT_TIMEOUT = int(os.environ.get("TTY_BOOT_TIMEOUT", "90"))
log = open(logpath, "wb")


class Guest:
    def __init__(self):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            # QEMU turns OPOST on for its stdio; without ONLCR the guest's bytes
            # arrive unchanged
            attrs = termios.tcgetattr(0)
            attrs[1] &= ~termios.ONLCR
            termios.tcsetattr(0, termios.TCSANOW, attrs)
            os.execv(qemu, [qemu, "--initrd", initrd, "--timeout", "300",
                            "--append", "console=ttyS0 aegis.shell"])
        self.buf = b""

    def read_until(self, pattern, timeout):
        """Reads until the text since the last call matches; returns the match."""
        end = time.time() + timeout
        while True:
            m = re.search(pattern, self.buf)
            if m:
                rest = self.buf[m.end():]
                got, self.buf = self.buf[:m.end()], rest
                return got
            left = end - time.time()
            if left <= 0:
                return None
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                continue
            try:
                data = os.read(self.fd, 4096)
            except OSError:
                return None
            if not data:
                return None
            log.write(data)
            log.flush()
            self.buf += data

    def send(self, s, pause=0.05):
        # byte by byte, as typed, so the kernel's line discipline sees keystrokes
        for ch in s.encode() if isinstance(s, str) else s:
            os.write(self.fd, bytes([ch]))
            time.sleep(pause)

    def prompt(self, timeout=15):
        return self.read_until(PROMPT, timeout) is not None

    def stop(self):
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except OSError:
            pass


def main():
    g = Guest()
    try:
        if not g.read_until(rb"Aegis ready", 60):
            for c in CASES:
                print("SKIP %s (the kernel did not boot; log %s)" % (c, logpath))
            return
        if not g.prompt(BOOT_TIMEOUT):
            for c in CASES:
                print("SKIP %s (the kernel cannot run /init with a shell yet: no prompt "
                      "within %d s; log %s)" % (c, BOOT_TIMEOUT, logpath))
            return
        results = {}
        # the kernel's canonical editing (the shell's read builtin reads in cooked
        # mode): ^? erases a character, ^U the line, ^W a word
        g.send("read -r v; echo \"[$v]\"\r")
        time.sleep(0.5)
        g.send("abX\x7fc\r")
        ok = g.read_until(rb"abX\x08 \x08c\r\n\[abc\]\r\n", 10) is not None and g.prompt()
        g.send("read -r v; echo \"[$v]\"\r")
        time.sleep(0.5)
        g.send("nope\x15one two\x17three\r")
        ok = ok and g.read_until(rb"\[one three\]\r\n", 10) is not None and g.prompt()
        # busybox's own line editor (raw mode, VMIN=1) on top of the kernel's
        g.send("echo abX\x7fc\r")
        results["tty_line_editing"] = ok and g.read_until(rb"\r\nabc\r\n", 10) is not None \
            and g.prompt()
        # ^D at the start of a line is end of file for cat
        g.send("cat\r")
        time.sleep(0.5)
        g.send("xy\r")
        ok = g.read_until(rb"xy\r\nxy\r\n", 10) is not None
        g.send("\x04")
        results["tty_eof"] = ok and g.prompt(5)
        if not results["tty_eof"]:
            g.send("\x03")		# get the shell back for the next cases
            g.prompt(5)
        # ^C interrupts the foreground job and the shell comes back
        g.send("sleep 100\r")
        time.sleep(1.5)
        g.send("\x03")
        ok = g.read_until(rb"\^C", 5) is not None and g.prompt(10)
        g.send("echo st=$?\r")
        results["tty_ctrl_c"] = ok and g.read_until(rb"st=130", 10) is not None and g.prompt()
        # ^Z stops the job, fg continues it to the end
        g.send("sleep 3\r")
        time.sleep(1)
        g.send("\x1a")
        ok = g.read_until(rb"(?i)stopped", 5) is not None and g.prompt(10)
        g.send("fg\r")
        ok = ok and g.read_until(rb"sleep 3", 5) is not None and g.prompt(15)
        g.send("echo st=$?\r")
        results["tty_ctrl_z_fg"] = ok and g.read_until(rb"st=0", 10) is not None \
            and g.prompt()
        # vi driven by keystrokes: insert two lines, edit, save, and read the file back
        g.send("vi /tmp/vi-test\r")
        time.sleep(2)
        g.send("ihello world\rsecond line\x1b")
        time.sleep(0.5)
        g.send(":1\rdwx")		# line 1: delete "hello " -> "world", then "w" -> "orld"
        time.sleep(0.3)
        g.send(":wq\r")
        ok = g.prompt(15)
        g.send("cat /tmp/vi-test; echo vi-st=$?\r")
        results["tty_vi"] = ok and g.read_until(rb"orld\r\nsecond line\r\nvi-st=0", 10) \
            is not None and g.prompt()
        # top draws one screen and exits; its header and our process are there
        g.send("top -n 1 -b | head -n 12; echo top-st=$?\r")
        out = g.read_until(rb"top-st=\d+", 20)
        results["tty_top"] = out is not None and b"Mem:" in out and b"PID" in out \
            and b"top-st=0" in out and g.prompt()
        hints = {"tty_eof": "cat did not end at ^D; busybox cat uses sendfile(2), which on "
                            "Linux fails with EINVAL for a tty (no splice_read) or returns "
                            "after a short read - it must not read past the EOF"}
        for c in CASES:
            why = "" if results.get(c) else " (%slog %s)" % (
                hints[c] + "; " if c in hints else "", logpath)
            print("%s %s%s" % ("PASS" if results.get(c) else "FAIL", c, why))
        # ptys, controlling terminal and job control from user space (user/ptytest)
        g.send("ptytest; echo ptytest-exit=$?\r")
        out = g.read_until(rb"ptytest-exit=\d+", 60)
        if out is None:
            print("FAIL tty_ptytest (no exit status; log %s)" % logpath)
        elif b"not found" in out:
            print("SKIP tty_ptytest (no /bin/ptytest in the initramfs)")
        else:
            for m in re.finditer(rb"(PASS|FAIL) (pty_\w+)([^\r\n]*)", out):
                print("%s tty_%s%s" % (m.group(1).decode(), m.group(2).decode(),
                                      m.group(3).decode()))
            if not re.search(rb"ptytest-exit=0", out):
                print("FAIL tty_ptytest (exit status; log %s)" % logpath)
    finally:
        g.stop()


main()
