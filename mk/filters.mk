# SPDX-License-Identifier: LGPL-2.1-or-later
# filters: backends that wrap another backend (engine/filters/).
libengine_a_SOURCES += \
	engine/filters/rmw.c engine/filters/rmw.h \
	engine/filters/retry.c engine/filters/retry.h

check_PROGRAMS += tests/test-filters
TESTS += tests/test-filters
tests_test_filters_SOURCES = tests/test-filters.c tests/mem.h tests/unit.h
tests_test_filters_LDADD = libengine.a $(ALL_LIBS)

check_PROGRAMS += tests/test-copy-align
TESTS += tests/test-copy-align
tests_test_copy_align_SOURCES = tests/test-copy-align.c tests/mem.h tests/unit.h
tests_test_copy_align_LDADD = libengine.a $(ALL_LIBS)

# End-to-end: block-size limits (issue 4).
BLOCKSIZE_TESTS = \
	tests/test-blocksize-device.sh \
	tests/test-blocksize-dst-short.sh \
	tests/test-blocksize-islands.sh \
	tests/test-blocksize-src-max.sh \
	tests/test-blocksize-threads.sh \
	tests/test-blocksize-tiny.sh \
	tests/test-blocksize-request-size.sh
TESTS += $(BLOCKSIZE_TESTS)
EXTRA_DIST += $(BLOCKSIZE_TESTS) tests/blocksize-functions.sh

# End-to-end: retries, reconnects, timeouts (issue 11).
RESILIENCE_TESTS = \
	tests/test-retry-errors.sh \
	tests/test-retry-extents.sh \
	tests/test-retry-kill-src.sh \
	tests/test-retry-kill-dst.sh \
	tests/test-retry-connect.sh \
	tests/test-resume-kill.sh \
	tests/test-resume-refuse.sh \
	tests/test-resume-signal.sh \
	tests/test-timeout-connect.sh \
	tests/test-timeout-request.sh
TESTS += $(RESILIENCE_TESTS)
EXTRA_DIST += $(RESILIENCE_TESTS) tests/resilience-functions.sh

check_PROGRAMS += tests/test-resume
TESTS += tests/test-resume
tests_test_resume_SOURCES = tests/test-resume.c tests/unit.h
tests_test_resume_LDADD = libengine.a $(ALL_LIBS)
