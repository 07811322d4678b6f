#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build the Debian package from this tree (tracked files plus new untracked
# ones, so uncommitted work is packaged as it stands) in a scratch
# directory, unpack it into a scratch root and check that it holds the
# program, both manual pages, the bash completion and the docs, and that
# the program runs.  The .deb is left in $DEB_OUT (default: deb-out/).
#   scripts/build-deb.sh          (needs: scripts/setup.sh installed it all)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
out=${DEB_OUT:-$top/deb-out}
work=$(mktemp -d "${TMPDIR:-/var/tmp}/nbdferry-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT

version=$(dpkg-parsechangelog -S Version)
src=$work/nbdferry-$version
mkdir "$src"
git ls-files -z --cached --others --exclude-standard |
  tar -c --null -T - | tar -x -C "$src"
(cd "$src" && dpkg-buildpackage -us -uc -b) > "$work/build.log" 2>&1 || {
  tail -n 40 "$work/build.log"; echo "build-deb: dpkg-buildpackage failed" >&2
  exit 1; }

deb=$(echo "$work"/nbdferry_"$version"_*.deb)
[ -f "$deb" ] || { echo "build-deb: no .deb built" >&2; exit 1; }
mkdir -p "$out"
cp "$deb" "$out/"
echo "built $out/$(basename "$deb")"

root=$work/root
dpkg -x "$deb" "$root"
status=0
for f in usr/bin/nbdferry \
         usr/share/man/man1/nbdferry.1.gz \
         usr/share/man/man1/nbdferry-serve.1.gz \
         usr/share/bash-completion/completions/nbdferry \
         usr/share/doc/nbdferry/copyright \
         'usr/share/doc/nbdferry/README.md*' \
         'usr/share/doc/nbdferry/DESIGN.md*' \
         'usr/share/doc/nbdferry/PROTOCOL.md*'; do
  # The docs may be compressed: match them in the root; an unmatched
  # glob stays as written and is reported missing.
  matches=( "$root"/$f )
  [ -e "${matches[0]}" ] || { echo "build-deb: $f is not in the package" >&2
                              status=1; }
done
"$root/usr/bin/nbdferry" --version > "$work/version" ||
  { echo "build-deb: the packaged nbdferry does not run" >&2; status=1; }
grep -q "^nbdferry $version" "$work/version" ||
  { echo "build-deb: --version says: $(cat "$work/version")" >&2; status=1; }
dpkg-deb -f "$deb" Depends | grep -q libnbd ||
  { echo "build-deb: Depends lacks libnbd: $(dpkg-deb -f "$deb" Depends)" >&2
    status=1; }
zcat "$root/usr/share/man/man1/nbdferry.1.gz" | grep -q '^\.SH.*SYNOPSIS' ||
  { echo "build-deb: the packaged nbdferry(1) does not render" >&2; status=1; }
[ $status -eq 0 ] && echo "build-deb: the package holds what it should"
exit $status
