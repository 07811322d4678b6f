# engine/: everything between a source and a sink.
libengine_a_SOURCES += \
	engine/backend.c engine/backend.h \
	engine/blocksize.c engine/blocksize.h \
	engine/cleanup.h \
	engine/endpoint.h \
	engine/error.c engine/error.h \
	engine/extents.c engine/extents.h \
	engine/nbd/proto.h

check_PROGRAMS += tests/test-blocksize tests/test-extents
TESTS += tests/test-blocksize tests/test-extents
tests_test_blocksize_SOURCES = tests/test-blocksize.c tests/unit.h
tests_test_blocksize_LDADD = libengine.a $(ALL_LIBS)
tests_test_extents_SOURCES = tests/test-extents.c tests/unit.h
tests_test_extents_LDADD = libengine.a $(ALL_LIBS)
EXTRA_DIST += tests/run-unit
