#!/bin/sh
# demo.sh - set everything up on a fresh Debian machine and play a
# community scenario through a private Postfix on loopback.
#
# Installs what is missing, builds moim in _build/, starts a private
# Postfix instance (its own config, queue and Maildirs under a temporary
# directory, listening on 127.0.0.1 only) with moim-milter in front and
# moim-listd behind it on an embedded SQLite file, plays the scenario of
# tools/demo-scenario.sh and prints, per member, what arrived, and the
# URLs of moim-web's pages. Leaves nothing running and touches no
# system-wide Postfix configuration. Needs root (Postfix instances do).
#
# ./demo.sh --serve keeps Postfix, moim and moim-web running on loopback
# after the scenario, until Ctrl-C, to browse the pages it printed.
set -u
top=$(cd "$(dirname "$0")" && pwd)
cd "$top" || exit 2

sh tools/deps.sh || exit 2
if [ ! -x _build/listd/moim-listd ] || [ ! -x _build/ctl/moimctl ] ||
	[ ! -x _build/web/moim-web ]; then
	echo "demo: building moim (a minute)..."
	autoreconf -fi >/dev/null 2>&1 || { autoreconf -fi; exit 2; }
	mkdir -p _build && cd _build || exit 2
	[ -f Makefile ] || ../configure -q || exit 2
	make -j2 >make.out 2>&1 || { tail -40 make.out; exit 2; }
	cd "$top" || exit 2
fi
top_srcdir=$top top_builddir=$top/_build exec bash tools/demo-scenario.sh "$@"
