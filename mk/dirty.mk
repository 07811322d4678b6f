# SPDX-License-Identifier: LGPL-2.1-or-later
# Delta copies (--dirty-bitmap): engine/dirty.c, the NBD client's
# engine/nbd/client/bitmap.c; tests against qemu-nbd -B.
DIRTY_TESTS = \
	tests/test-dirty-file.sh \
	tests/test-dirty-nbd.sh \
	tests/test-dirty-blockdev.sh \
	tests/test-dirty-errors.sh
TESTS += $(DIRTY_TESTS)
EXTRA_DIST += $(DIRTY_TESTS) tests/dirty-functions.sh

check_PROGRAMS += tests/test-dirty
TESTS += tests/test-dirty
tests_test_dirty_SOURCES = tests/test-dirty.c tests/unit.h
tests_test_dirty_LDADD = libengine.a $(ALL_LIBS)
