# SPDX-License-Identifier: LGPL-2.1-or-later
# zstd images: the seekable format (engine/), the zstd: source and sink.
libengine_a_SOURCES += engine/zstd/zstd-seek.c engine/zstd/zstd-seek.h
libendpoints_a_SOURCES += \
	sources/zstd.c sources/zstd-stream.c sources/zstd-internal.h \
	sources/zstd-cache.c sources/zstd-cache.h \
	sinks/zstd.c sinks/zstd-pool.c sinks/zstd-pool.h

check_PROGRAMS += tests/test-zstd-seek
TESTS += tests/test-zstd-seek
tests_test_zstd_seek_SOURCES = tests/test-zstd-seek.c tests/unit.h
tests_test_zstd_seek_LDADD = libengine.a $(ALL_LIBS)

ZSTD_SH_TESTS = \
	tests/test-zstd-roundtrip.sh \
	tests/test-zstd-plain.sh \
	tests/test-zstd-corrupt.sh \
	tests/test-zstd-serve.sh \
	tests/test-zstd-enospc.sh \
	tests/test-zstd-to-nbd.sh
TESTS += $(ZSTD_SH_TESTS)

EXTRA_DIST += $(ZSTD_SH_TESTS) tests/zstd-functions.sh

check_PROGRAMS += tests/test-zstd-cache
TESTS += tests/test-zstd-cache
tests_test_zstd_cache_SOURCES = tests/test-zstd-cache.c tests/unit.h
tests_test_zstd_cache_LDADD = libendpoints.a libengine.a $(ALL_LIBS)
