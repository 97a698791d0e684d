#!/bin/bash
# web_proxy_test.sh - moim-web behind a real nginx configured with the
# lines "moimctl web-config" prints: nginx -t accepts them; through nginx
# pages answer with moim-web's headers, a Message-ID path keeps its
# encoded "/", redirects point at base_url, a body over 16 KiB stops at
# nginx (413); the same through Apache (when installed) with its part;
# then nginx with base_url under a path (/lists/) and moim-web on a unix
# socket.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/moim.sh"

e2e_init web_proxy
e2e_require web/moim-web ctl/moimctl
command -v nginx >/dev/null || skip_all "nginx not installed (nginx-light)"
e2e_pick_port NGX || bail_out "no free port for nginx"
moim_setup "web.base_url=http://127.0.0.1:$NGX/"
D=$E2E_LIST_DOMAIN
moimctl secret --owner moim >/dev/null || bail_out "moimctl secret"
moimctl list create "pub@$D" --name "Public" >/dev/null &&
	moimctl list set "pub@$D" archive=public >/dev/null ||
	bail_out "list create"
chown -R moim:moim "$E2E_DIR/db"

# nginx_conf - an nginx.conf whose one server block holds the nginx part
#	of web-config's output
nginx_conf()
{
	local n=$E2E_DIR/nginx
	mkdir -p "$n/tmp"
	moimctl web-config >"$E2E_DIR/web-config.out" || return 1
	{
		printf 'daemon off;\nworker_processes 1;\n'
		printf 'pid %s/nginx.pid;\nerror_log %s/error.log;\n' "$n" "$n"
		printf 'events { worker_connections 64; }\nhttp {\n'
		printf 'access_log %s/access.log;\n' "$n"
		for t in client_body proxy fastcgi uwsgi scgi; do
			printf '%s_temp_path %s/tmp/%s;\n' "$t" "$n" "$t"
		done
		printf 'server {\nlisten 127.0.0.1:%s;\n' "$NGX"
		awk '/^# ---- nginx ----$/ { on = 1; next }
		     /^# ---- / { on = 0 } on' "$E2E_DIR/web-config.out"
		printf '}\n}\n'
	} >"$n/nginx.conf"
}

nginx_start()
{
	nginx -t -q -p "$E2E_DIR/nginx" -c "$E2E_DIR/nginx/nginx.conf" \
		>"$E2E_DIR/log/nginx-t.log" 2>&1 || {
		diag "$(cat "$E2E_DIR/log/nginx-t.log")"
		return 1
	}
	e2e_daemon_start nginx nginx -p "$E2E_DIR/nginx" \
		-c "$E2E_DIR/nginx/nginx.conf" && e2e_wait_port "$NGX" 10
}

t_ok "web-config's nginx lines go into a server block" nginx_conf
t_ok "the nginx part has a location and a proxy_pass" \
	grep -q "proxy_pass http://127.0.0.1:$WEB_PORT;" "$E2E_DIR/nginx/nginx.conf"
t_ok "nginx -t accepts them, and nginx starts" nginx_start
web_start || bail_out "moim-web did not start"

# Through nginx: web_get with nginx's URL.
WEB_URL=http://127.0.0.1:$NGX/
t_is "$(web_get /)" 200 "GET / through nginx answers 200"
t_is "$(web_header X-Frame-Options)" DENY "with moim-web's headers"
t_like "$(web_header Content-Security-Policy)" "^default-src 'none'" \
	"and its Content-Security-Policy"
t_is "$(web_get pub@$D)" 301 "a list page without '/' is 301"
t_is "$(web_header Location)" "http://127.0.0.1:$NGX/pub@$D/" \
	"to nginx's URL (base_url)"
t_is "$(web_get pub@$D/m/a%2Fb@c)" 301 "a Message-ID with %2F reaches moim-web"
t_is "$(web_header Location)" "http://127.0.0.1:$NGX/pub@$D/m/a%2Fb@c/" \
	"still encoded (the path is passed on as it came)"
t_is "$(web_get / -X DELETE)" 405 "405 passes through"
t_is "$(web_header Allow)" "GET, HEAD" "with Allow"
head -c $((16 * 1024 + 1)) /dev/zero | tr '\0' a >"$E2E_DIR/big"
t_is "$(web_get signin -X POST --data-binary @"$E2E_DIR/big")" 413 \
	"a body over 16 KiB is 413 (client_max_body_size)"
t_is "$(web_get 'a/%2e%2e/b')" 400 "an encoded dot segment still is 400"

# The same through Apache with the Apache part of the output, when it is
# installed (apache2).
# apache_conf - an httpd.conf whose VirtualHost holds the Apache part
apache_conf()
{
	local a=$E2E_DIR/apache m=/usr/lib/apache2/modules
	mkdir -p "$a"
	{
		printf 'ServerRoot %s\nDefaultRuntimeDir %s\n' "$a" "$a"
		printf 'PidFile %s/httpd.pid\nErrorLog %s/error.log\n' "$a" "$a"
		printf 'ServerName 127.0.0.1\nListen 127.0.0.1:%s\n' "$APORT"
		printf 'User nobody\nGroup moim\n'
		for mod in mpm_event authz_core proxy proxy_http headers; do
			printf 'LoadModule %s_module %s/mod_%s.so\n' \
				"$mod" "$m" "$mod"
		done
		printf '<VirtualHost 127.0.0.1:%s>\n' "$APORT"
		awk '/^# ---- Apache ----$/ { on = 1; next }
		     /^# ---- / { on = 0 } on' "$E2E_DIR/web-config.out"
		printf '</VirtualHost>\n'
	} >"$a/httpd.conf"
	apache2 -t -f "$a/httpd.conf" >"$E2E_DIR/log/apache-t.log" 2>&1 || {
		diag "$(cat "$E2E_DIR/log/apache-t.log")"
		return 1
	}
	e2e_daemon_start apache apache2 -DFOREGROUND -f "$a/httpd.conf" &&
		e2e_wait_port "$APORT" 10
}
if command -v apache2 >/dev/null &&
	[ -f /usr/lib/apache2/modules/mod_proxy_http.so ]; then
	e2e_pick_port APORT || bail_out "no free port for Apache"
	t_ok "apache2 -t accepts web-config's Apache lines, and it starts" \
		apache_conf
	WEB_URL=http://127.0.0.1:$APORT/
	t_is "$(web_get /)" 200 "GET / through Apache answers 200"
	t_is "$(web_header X-Frame-Options)" DENY "with moim-web's headers"
	t_is "$(web_get pub@$D/m/a%2Fb@c)" 301 \
		"a Message-ID with %2F reaches moim-web through Apache"
	t_like "$(web_header Location)" "/pub@$D/m/a%2Fb@c/\$" \
		"still encoded (nocanon, AllowEncodedSlashes NoDecode)"
	t_is "$(web_get / -X DELETE)" 405 "405 passes through Apache"
	# Apache may already be passing the body on when moim-web refuses
	# it by its Content-Length and closes; Apache then answers 502.
	# Either way the body is refused before any page sees it.
	t_like "$(web_get signin -X POST --data-binary @"$E2E_DIR/big")" \
		'^(413|502)$' "a body over 16 KiB is refused (LimitRequestBody)"
	e2e_daemon_stop apache
	WEB_URL=http://127.0.0.1:$NGX/
else
	skip "apache2 not installed"
fi

# base_url under a path, moim-web on a unix socket
web_stop
e2e_daemon_stop nginx
mkdir "$E2E_DIR/run/web" && chown moim:moim "$E2E_DIR/run/web"
printf '[web]\nlisten = unix:%s\nbase_url = http://127.0.0.1:%s/lists/\nsocket_group = moim\n' \
	"$E2E_DIR/run/web/web.sock" "$NGX" >>"$MOIM_CONF"
WEB_SOCKET=$E2E_DIR/run/web/web.sock
web_start || bail_out "moim-web did not start on a unix socket"
unset WEB_SOCKET
# nginx's workers (user nobody) reach the socket through group moim.
t_ok "web-config's lines for /lists/ and the socket" nginx_conf
t_ok "name the socket" grep -q "proxy_pass http://unix:$E2E_DIR/run/web/web.sock;" \
	"$E2E_DIR/nginx/nginx.conf"
sed -i 's/^worker_processes 1;$/worker_processes 1;\nuser nobody moim;/' \
	"$E2E_DIR/nginx/nginx.conf"
t_ok "nginx -t accepts them, and nginx starts" nginx_start
t_is "$(web_get lists/)" 200 "GET /lists/ through nginx answers 200"
t_ok "its stylesheet link is under /lists/" \
	grep -q "href=\"http://127.0.0.1:$NGX/lists/style.css\"" "$WEB_BODY"
t_is "$(web_get lists/pub@$D/m/a%2Fb@c)" 301 "a message page under /lists/"
t_is "$(web_header Location)" "http://127.0.0.1:$NGX/lists/pub@$D/m/a%2Fb@c/" \
	"redirects under /lists/, %2F kept"
t_is "$(web_get lists/no-such@$D/)" 404 "an unknown list under /lists/ is 404"
t_is "$(web_get other/)" 404 "outside /lists/ nginx has nothing"
t_done
