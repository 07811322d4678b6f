# SPDX-License-Identifier: LGPL-2.1-or-later
# local: files, block devices, stdin/stdout, null:, synthetic sources.
libengine_a_SOURCES += \
	engine/file/file.c engine/file/file.h engine/file/file-internal.h \
	engine/file/file-aio.c engine/file/file-zero.c engine/file/file-map.c \
	engine/file/writeback.c engine/file/writeback.h \
	engine/file/alias.c engine/file/alias.h \
	engine/size.c engine/size.h \
	engine/stream/stream.c engine/stream/stream.h

libendpoints_a_SOURCES += \
	sources/sources.h sinks/sinks.h \
	sources/file.c sources/stdin.c \
	sources/synthetic.c sources/synthetic.h \
	sinks/file.c sinks/null.c sinks/stdout.c

LOCAL_UNIT_TESTS = tests/test-size tests/test-file tests/test-synthetic
check_PROGRAMS += $(LOCAL_UNIT_TESTS)
TESTS += $(LOCAL_UNIT_TESTS)
tests_test_size_SOURCES = tests/test-size.c
tests_test_size_LDADD = libengine.a $(ALL_LIBS)
tests_test_file_SOURCES = tests/test-file.c
tests_test_file_LDADD = libengine.a $(ALL_LIBS)
tests_test_synthetic_SOURCES = tests/test-synthetic.c
tests_test_synthetic_LDADD = libendpoints.a libengine.a $(ALL_LIBS)

LOCAL_SH_TESTS = \
	tests/test-file-dense.sh \
	tests/test-file-sizes.sh \
	tests/test-file-sparse.sh \
	tests/test-file-fragmented.sh \
	tests/test-file-writeback-runs.sh \
	tests/test-file-writeback-error.sh \
	tests/test-file-writeback-bounded.sh \
	tests/test-file-big-sparse.sh \
	tests/test-file-huge-sparse.sh \
	tests/test-file-allocated.sh \
	tests/test-file-existing.sh \
	tests/test-file-direct.sh \
	tests/test-file-direct-plan.sh \
	tests/test-stdin.sh \
	tests/test-stdout.sh \
	tests/test-stdout-sparse.sh \
	tests/test-stdout-tty.sh \
	tests/test-null.sh \
	tests/test-synthetic-pattern.sh \
	tests/test-synthetic-sparse.sh \
	tests/test-blockdev-old-data.sh \
	tests/test-blockdev-small.sh \
	tests/test-blockdev-source.sh \
	tests/test-blockdev-zero-holes.sh \
	tests/test-bad-missing-source.sh \
	tests/test-bad-directory.sh \
	tests/test-bad-same-file.sh \
	tests/test-bad-same-stdio.sh \
	tests/test-bad-same-loop.sh \
	tests/test-alias-dm.sh \
	tests/test-bad-source-keeps-dst.sh \
	tests/test-bad-size.sh \
	tests/test-bad-enospc.sh
TESTS += $(LOCAL_SH_TESTS)
EXTRA_DIST += $(LOCAL_SH_TESTS)
