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

#include <stdint.h>

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

/* Recipients and members one moim-milter thread remembers between
 * database changes (milter/cache.c); past it, it starts over, so that a
 * dictionary attack on a list domain costs a thread at most a few MiB. */
#define MOIM_MAX_MILTER_CACHE 4096

/* A message accepted over LMTP; the list's max_size is usually lower. */
#define MOIM_MAX_MESSAGE (50 * 1024 * 1024)

/* Header block: a field of 1 MB is hostile, 998 octets is the RFC line. */
#define MOIM_MAX_HEADER_FIELD (64 * 1024)
#define MOIM_MAX_HEADER_FIELDS 2000
#define MOIM_MAX_MIME_DEPTH 32
#define MOIM_MAX_MIME_PARTS 5000

/* A subject as moim writes it (prefixed, in a copy): RFC 2047 encoding
 * of non-ASCII text takes up to twice the bytes, and the field must stay
 * within MOIM_MAX_HEADER_FIELD. Raw 8-bit subjects decode to up to three
 * times their size, so a subject within the field bound can exceed it. */
#define MOIM_MAX_SUBJECT (MOIM_MAX_HEADER_FIELD / 2)

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

/* Archive (lib/archive). Body text indexed per message: a post longer
 * than 1 MB of text is a document, and its raw bytes are kept whole
 * anyway. */
#define MOIM_MAX_ARCHIVE_TEXT (1024 * 1024)
/* Attachments listed per archived message; more are counted, not named. */
#define MOIM_MAX_ARCHIVE_ATTACHMENTS 100
/* References kept per archived message: long threads carry a few dozen. */
#define MOIM_MAX_REFS 100
/* An archive search query typed by a person. */
#define MOIM_MAX_ARCHIVE_QUERY 1000

/* Bounces (lib/dsn). A diagnostic is an SMTP reply and then some; the
 * human-readable text of a failure is a few KB, so only its start is read. */
#define DSN_MAX_DIAGNOSTIC 1000
#define DSN_MAX_TEXT (256 * 1024)

/* SMTP client (lib/smtpc). The reply text kept for a result: enough for
 * any real rejection. */
#define SMTPC_MAX_TEXT 512
/* Lines of one reply; EHLO lists a dozen, a stream of "250-" is hostile. */
#define SMTPC_MAX_REPLY_LINES 100

/* Calendar objects (ical/imip). A real invitation is a few KB; Outlook's
 * VTIMEZONEs and long attendee lists stay far below 1 MB. Components:
 * VCALENDAR, VTIMEZONE with its STANDARD/DAYLIGHT, VEVENTs with VALARMs;
 * depth 3 in practice. */
#define IMIP_MAX_ICAL (1024 * 1024)
#define IMIP_MAX_COMPONENTS 1000
#define IMIP_MAX_DEPTH 8
#define IMIP_MAX_ATTENDEES 5000
/* The last instant written, 9999-12-31: iCalendar has 4-digit years. */
#define IMIP_MAX_TIME INT64_C(253402214400)

/* Event blocks (ical/evblock). A block is a handful of lines; a longer run
 * of "Key:" lines is prose. */
#define EVBLOCK_MAX_LINES 30
/* A line of a block is read like a command line. */
#define EVBLOCK_MAX_LINE MOIM_MAX_COMMAND_LINE
/* The largest hall a list organizes for; more is a typo. */
#define EVBLOCK_MAX_CAPACITY 100000
/* An event further ahead than this is a typo in the year. */
#define EVBLOCK_MAX_YEARS 5
/* An event's length: a month of days ("10월 1일~31일"); longer is a typo in
 * a date, not a meeting. */
#define EVBLOCK_MAX_DAYS 31
/* Repeat rules (ical/repeat): skipped dates in one block (a year of weekly
 * sessions) and sessions in a count (ten years of weekly ones). */
#define REPEAT_MAX_SKIPS 52
#define REPEAT_MAX_COUNT 520

/* RSVP replies (ical/rsvptext). A reply's new text is on top; a 64 KiB
 * answer is not a reply. */
#define RSVPTEXT_MAX_INPUT (64 * 1024)
/* Lines of new text read, after quotes are dropped. */
#define RSVPTEXT_MAX_LINES 200
/* More guests than this is a typo or a joke, not a headcount. */
#define RSVPTEXT_MAX_HEADCOUNT 50
/* Sessions of a recurring event whose seats one series answer decides
 * again (listd/rsvp): the coming ones within a year, at most a year of
 * weekly sessions; later ones are decided when an answer names them. */
#define MOIM_MAX_SEAT_SESSIONS 60
#define MOIM_SEAT_HORIZON (366 * 86400)

/* DMARC lookups (lib/dmarc). */
/* A DMARC record is a hundred bytes or a few hundred with several report
 * URIs; a record longer than this is not a policy anyone means. */
#define DMARC_MAX_RECORD 2048
/* One TXT question's answer: a DMARC record and some others fit in 4 KB;
 * a DNS message may be 64 KB over TCP, which we do not take. */
#define DMARC_MAX_ANSWER 16384
/* CNAMEs followed in one answer; resolvers stop chains at about 8-16. */
#define DMARC_MAX_CNAMES 8
/* Names cached: the author domains of hours of traffic, about 1 MB. */
#define DMARC_CACHE_MAX 10000
/* Seconds a policy or "no policy" is cached: a domain that changes its
 * policy is heeded within the hour; a DNS failure only for a minute. */
#define DMARC_CACHE_TTL 3600
#define DMARC_FAIL_TTL 60
/* The range of the lookup timeout, as [listd] dns_timeout allows it. */
#define DMARC_MIN_TIMEOUT_MS 100
#define DMARC_MAX_TIMEOUT_MS 30000

/* DNS TXT lookups (lib/dns) share the DMARC bounds above; records kept
 * per name: a name with more TXT records than this is not a key's. */
#define DNS_MAX_RECORDS 32
/* Lookups asked ahead (dns_ready()) at once, and the threads that ask
 * them: a few dead domains must not hold up the answering ones, and a
 * flood of new author domains must not make a thread each. */
#define DNS_MAX_THREADS 4
#define DNS_MAX_PENDING 64

/* DKIM and ARC (lib/dkim, lib/arc). RFC 8301 3.2: signers use RSA keys
 * of 2048 bits or more (we refuse less for our own keys); verifiers
 * accept 1024 and up. */
#define DKIM_MIN_RSA_BITS 2048
#define DKIM_MIN_VERIFY_RSA_BITS 1024
/* An RSA key beyond 8192 bits makes each verification cost seconds. */
#define DKIM_MAX_RSA_BITS 8192
/* Tags in one tag list: a signature has about 12 (RFC 6376 3.5). */
#define DKIM_MAX_TAGS 64
/* Names in one h= list: a signer covers 10 to 30 fields. */
#define DKIM_MAX_SIGNED 100
/* A key record: an 8192-bit RSA key is about 1400 base64 characters. */
#define DKIM_MAX_KEY_RECORD 4096
/* A PEM private key file: an 8192-bit RSA key is about 6.5 KB. */
#define DKIM_MAX_KEY_FILE (64 * 1024)
/* RFC 8617 5.2: a chain of more than 50 sets fails validation. */
#define ARC_MAX_INSTANCES 50

/* Digests (listd/digest): one issue holds at most this many posts and
 * bytes of them (a day with more goes out as several issues); Postfix's
 * message_size_limit is 10 MB by default and a digest must pass it. */
#define MOIM_MAX_DIGEST_POSTS 100
#define MOIM_MAX_DIGEST_BYTES (5 * 1024 * 1024)

/* Postfix's queue ID in listd's log lines (lib/rawhdr). The Received
 * field Postfix adds is the first of the header block and a few hundred
 * bytes long: a header block is searched for it in its first 64 KiB, and
 * the field in its first 4 KiB. A queue ID has 10 to 12 hex digits (short
 * form) or about 17 letters and digits (long form); a longer run is
 * something else. */
#define MOIM_QUEUE_ID_SCAN (64 * 1024)
#define MOIM_QUEUE_ID_FIELD 4096
#define MOIM_MAX_QUEUE_ID 32

/* An inbound job that failed this many times (a temporary or internal
 * error each time) is given up and the list's owners are told: with the
 * backoff of 30 s doubling to an hour, about 18 hours of tries. A fault
 * that always repeats must not keep a job, and its retries, for ever. */
#define MOIM_MAX_JOB_TRIES 24

/* Topics (lib/topic): a list names at most this many topics, each at
 * most this many bytes (ten Hangul syllables and more: a tag in a
 * Subject, not a sentence); a Subject is searched for a tag in its
 * first MOIM_TOPIC_SCAN bytes, where every tag a person types is. */
#define MOIM_MAX_TOPICS 32
#define MOIM_MAX_TOPIC 48
#define MOIM_TOPIC_SCAN 2048

#endif
