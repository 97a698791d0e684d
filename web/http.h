/*
 * http - moim-web's HTTP server on libmicrohttpd
 *
 * SYNOPSIS
 *	struct web_http *web_http_start(struct web *w, int listen_fd,
 *	    GError **err);
 *	void web_http_stop(struct web_http *h);
 * DESCRIPTION
 *	web_http_start() serves HTTP/1.1 on listen_fd (a bound, listening
 *	TCP or unix socket) with w->cfg->web_threads threads, each with its
 *	own store connection opened on its first request. Each request is
 *	gathered into a struct web_req (a POST body of at most WEB_MAX_BODY
 *	bytes: 413 past it) and answered by web_handle(), with the headers
 *	every response carries (web.h). web_http_stop() finishes and closes
 *	listen_fd.
 * OWNERSHIP
 *	w must outlive the server; listen_fd belongs to the server once it
 *	started.
 * INPUT AND LIMITS
 *	Idle connections close after WEB_HTTP_TIMEOUT seconds, a request
 *	whose body is not in WEB_HTTP_REQUEST_SECONDS after its request line
 *	is dropped; at most
 *	WEB_HTTP_CONNECTIONS at once, WEB_HTTP_MEMORY bytes each for the
 *	request line and headers (longer ones get 431 or 414).
 * THREADS
 *	Start and stop from the main thread.
 * ERRORS
 *	MOIM_ERR_CONFIG when libmicrohttpd does not start.
 * SEE ALSO
 *	web/web.h, WEB-NOTES.md (libmicrohttpd).
 */
#ifndef MOIM_WEB_HTTP_H
#define MOIM_WEB_HTTP_H

#include <glib.h>

#include "web.h"

/* A client that says nothing for this long is dropped (slowloris). */
#define WEB_HTTP_TIMEOUT 30
/* Behind a proxy, connections are few and reused; this bounds fds. */
#define WEB_HTTP_CONNECTIONS 512
/* Request line and headers; a browser's are a few KiB. */
#define WEB_HTTP_MEMORY (32 * 1024)
/* A request whose body still arrives this long after its request line
 * is dropped: the connection timeout alone lets a client trickle a byte
 * every 29 s (behind nginx, which buffers bodies, this does not occur). */
#define WEB_HTTP_REQUEST_SECONDS 30
/* A body past WEB_MAX_BODY sent without Content-Length is read and
 * dropped up to this much, then the connection is closed. */
#define WEB_HTTP_DISCARD (1024 * 1024)

struct web_http;

struct web_http *web_http_start(struct web *w, int listen_fd, GError **err);
void web_http_stop(struct web_http *h);

#endif
