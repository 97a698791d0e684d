#!/bin/sh
# screenshots.sh - copy the browser test's screenshots into doc/screenshots/
#
# tests/e2e/web_browser_test.sh writes list-*.png, thread-*.png and
# event-*.png into $top_builddir/screenshots/ (default _build); this copies
# the ones that are PNGs into doc/screenshots/, where README.md shows them.
# Run it after the test passed, then commit the PNGs.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
from=${top_builddir:-$top/_build}/screenshots
to=$top/doc/screenshots
n=0
mkdir -p "$to"
for page in list thread event; do
	for w in 390 1280; do
		f=$from/$page-$w.png
		# A PNG starts with these 8 bytes (\211 P N G \r \n \032 \n).
		if [ "$(head -c 8 "$f" 2>/dev/null | od -An -c | tr -d ' ')" != '211PNG\r\n032\n' ]; then
			echo "screenshots: $f is missing or not a PNG (run web_browser_test.sh)" >&2
			exit 1
		fi
		cp "$f" "$to/"
		n=$((n + 1))
	done
done
echo "screenshots: $n PNGs copied into $to"
