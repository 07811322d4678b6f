# SPDX-License-Identifier: LGPL-2.1-or-later
# Proof and control: --blkhash, compare, --rate, --salvage.
libengine_a_SOURCES += \
	engine/blkhash.c engine/blkhash.h

check_PROGRAMS += tests/test-blkhash
TESTS += tests/test-blkhash
tests_test_blkhash_SOURCES = tests/test-blkhash.c tests/unit.h
tests_test_blkhash_LDADD = libengine.a $(ALL_LIBS)

PROOF_SH_TESTS = \
	tests/test-blkhash-digests.sh \
	tests/test-blkhash-sources.sh
TESTS += $(PROOF_SH_TESTS)
EXTRA_DIST += $(PROOF_SH_TESTS) tests/blkhash.py
