# zstd images: the seekable format (engine/), the zstd: source and sink.
libengine_a_SOURCES += engine/zstd-seek.c engine/zstd-seek.h
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

# libFuzzer over the seek table reader and the zero-frame parser (built as
# the server's target is: see mk/nbd-server.mk).
ZSTD_FUZZ_SOURCES = tests/fuzz-zstd-seek.c engine/zstd-seek.c engine/error.c
EXTRA_DIST += tests/fuzz-zstd-seek.c tests/test-fuzz-zstd-seek.sh
if ENABLE_FUZZING
check_PROGRAMS += tests/fuzz-zstd-seek
TESTS += tests/test-fuzz-zstd-seek.sh
tests_fuzz_zstd_seek_SOURCES = $(ZSTD_FUZZ_SOURCES)
tests_fuzz_zstd_seek_CFLAGS = $(AM_CFLAGS) $(FUZZ_FLAGS)
tests_fuzz_zstd_seek_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_zstd_seek_LDADD = $(ALL_LIBS)
else
if HAVE_CLANG_FUZZER
check_SCRIPTS += tests/fuzz-zstd-seek
TESTS += tests/test-fuzz-zstd-seek.sh
CLEANFILES += tests/fuzz-zstd-seek
tests/fuzz-zstd-seek: $(ZSTD_FUZZ_SOURCES:%=$(srcdir)/%) config.h
	$(AM_V_CCLD)$(CLANG) $(DEFS) -I. $(AM_CPPFLAGS) -pthread -g -O1 \
	  $(FUZZ_FLAGS) -o $@ $(ZSTD_FUZZ_SOURCES:%=$(srcdir)/%) $(ALL_LIBS)
endif
endif

check_PROGRAMS += tests/test-zstd-cache
TESTS += tests/test-zstd-cache
tests_test_zstd_cache_SOURCES = tests/test-zstd-cache.c tests/unit.h
tests_test_zstd_cache_LDADD = libendpoints.a libengine.a $(ALL_LIBS)
