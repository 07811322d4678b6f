# local: files, block devices, stdin/stdout, null:, synthetic sources.
libengine_a_SOURCES += \
	engine/size.c engine/size.h

check_PROGRAMS += tests/test-size
TESTS += tests/test-size
tests_test_size_SOURCES = tests/test-size.c
tests_test_size_LDADD = libengine.a $(ALL_LIBS)
