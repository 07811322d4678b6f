# SPDX-License-Identifier: LGPL-2.1-or-later
# dist: the licence, the release tarball and what checks them.
EXTRA_DIST += COPYING DESIGN.md PROTOCOL.md \
	scripts/check.sh scripts/demo.sh scripts/setup.sh

DIST_SH_TESTS = tests/test-spdx.sh tests/test-docs-in-tree.sh \
	tests/test-preamble.sh
TESTS += $(DIST_SH_TESTS)
EXTRA_DIST += $(DIST_SH_TESTS) tests/skips-allowed

# Every tracked file ships but the CI and git plumbing below, so a header
# or test helper left out of the lists fails distcheck by its name, before
# the build, rather than as a compile error or a skipped test.
DIST_NOT_SHIPPED = .ci/run .gitignore m4/.gitkeep
distcheck-hook:
	@if git -C $(srcdir) rev-parse --git-dir >/dev/null 2>&1; then \
	  missing=`cd $(srcdir) && git ls-files | while read f; do \
	    case " $(DIST_NOT_SHIPPED) " in *" $$f "*) continue ;; esac; \
	    test -f "$(abs_builddir)/$(distdir)/$$f" || echo "$$f"; done`; \
	  if test -n "$$missing"; then \
	    echo "distcheck: tracked but not in the tarball (add to EXTRA_DIST" \
	      "or a _SOURCES list in mk/*.mk):" $$missing >&2; \
	    exit 1; \
	  fi; \
	fi

# The Debian package: scripts/build-deb.sh builds it (CI runs it).
EXTRA_DIST += debian/changelog debian/control debian/copyright \
	debian/nbdferry.docs debian/rules debian/source/format \
	scripts/build-deb.sh

# The manual: its examples run, and both pages render cleanly.
DOC_SH_TESTS = tests/test-man-examples.sh tests/test-man-render.sh
TESTS += $(DOC_SH_TESTS)
EXTRA_DIST += $(DOC_SH_TESTS)
