# SPDX-License-Identifier: LGPL-2.1-or-later
# dist: the licence, the release tarball and what checks them.
EXTRA_DIST += COPYING

DIST_SH_TESTS = tests/test-spdx.sh
TESTS += $(DIST_SH_TESTS)
EXTRA_DIST += $(DIST_SH_TESTS)
