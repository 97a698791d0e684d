/*
 * limits - every size, count and time bound of moim, each with its reason
 *
 * DESCRIPTION
 *	Every input-driven size is capped here before anything is allocated,
 *	which is why GLib's abort-on-OOM allocator is acceptable. A module
 *	that needs a new bound adds it here, with the reason beside it.
 */
#ifndef MOIM_LIMITS_H
#define MOIM_LIMITS_H

/* RFC 5321 4.5.3.1.3: a path is at most 256 octets; local part 64, domain 255.
 */
#define MOIM_MAX_ADDR 320
#define MOIM_MAX_LOCALPART 64
#define MOIM_MAX_DOMAIN 255

/* RFC 5321 4.5.3.1.4: a command line is at most 512 octets; we allow
 * extensions' parameters (SIZE=, BODY=, XVERP) and say 500 beyond. */
#define MOIM_MAX_SMTP_LINE 2048

/* A reply line from the relay; RFC 5321 says 512, some servers say more. */
#define MOIM_MAX_REPLY_LINE 4096

/* Recipients of one LMTP transaction; Postfix's lmtp client sends at most
 * lmtp_destination_recipient_limit (default 50). */
#define MOIM_MAX_RCPTS 1000

/* A message accepted over LMTP; the list's max_size is usually lower. */
#define MOIM_MAX_MESSAGE (50 * 1024 * 1024)

/* Header block: a field of 1 MB is hostile, 998 octets is the RFC line. */
#define MOIM_MAX_HEADER_FIELD (64 * 1024)
#define MOIM_MAX_HEADER_FIELDS 2000
#define MOIM_MAX_MIME_DEPTH 32
#define MOIM_MAX_MIME_PARTS 5000

/* A command mail is read for this many lines after quotes are dropped. */
#define MOIM_MAX_COMMAND_LINES 20
#define MOIM_MAX_COMMAND_LINE 1000

/* Tokens: purpose + list + address + expiry, base32/64-ish; local part
 * L-confirm+TOKEN must stay within MOIM_MAX_LOCALPART where possible. */
#define MOIM_MAX_TOKEN 128

/* Timeouts, in seconds. RFC 5321 4.5.3.2 gives the client minimums. */
#define MOIM_LMTP_IDLE_TIMEOUT 300
#define MOIM_SMTP_CONNECT_TIMEOUT 30
#define MOIM_SMTP_REPLY_TIMEOUT 300

/* Templates: rendered output larger than this is a bug in a template. */
#define MOIM_MAX_TEMPLATE_OUTPUT (256 * 1024)

/* Config file size: a moim.conf is a few KB. */
#define MOIM_MAX_CONFIG_FILE (1024 * 1024)

/* Member import: a line of an import file. */
#define MOIM_MAX_IMPORT_LINE 4096

#endif
