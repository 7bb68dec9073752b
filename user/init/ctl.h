/*
 * Control protocol between aegisctl and aegis-init, over a SOCK_STREAM Unix
 * socket at <root>/run/aegis/control. A request is one line:
 *     <command> [args...]\n
 * The reply is a sequence of lines, each starting with a tag:
 *     "o <text>"  output for stdout
 *     "e <text>"  message for stderr
 *     "x <code>"  end of reply; <code> is aegisctl's exit status
 * `logs -f` keeps sending "o" lines until the client goes away.
 */
#ifndef AEGIS_INIT_CTL_H
#define AEGIS_INIT_CTL_H

#define CTL_SOCKET_REL "/run/aegis/control"
#define CTL_LINE_MAX 4096

#endif
