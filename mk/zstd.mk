# zstd images: the seekable format (engine/), the zstd: source and sink.
libengine_a_SOURCES += engine/zstd-seek.c engine/zstd-seek.h

check_PROGRAMS += tests/test-zstd-seek
TESTS += tests/test-zstd-seek
tests_test_zstd_seek_SOURCES = tests/test-zstd-seek.c tests/unit.h
tests_test_zstd_seek_LDADD = libengine.a $(ALL_LIBS)
