# SPDX-License-Identifier: LGPL-2.1-or-later
# engine/: everything between a source and a sink.
libengine_a_SOURCES += \
	engine/backend.c engine/backend.h \
	engine/blocksize.c engine/blocksize.h \
	engine/cleanup.h \
	engine/clock.h \
	engine/copy.c engine/copy.h engine/copy-internal.h \
	engine/copy-checkpoint.c engine/copy-coalesce.c engine/copy-stream.c \
	engine/copy-depth.c engine/copy-depth.h \
	engine/copy-worker.c \
	engine/copy-zero.c \
	engine/dirty.c engine/dirty.h \
	engine/endpoint.h \
	engine/error.c engine/error.h \
	engine/extents.c engine/extents.h \
	engine/fdio.c engine/fdio.h \
	engine/nbd/proto.h \
	engine/progress.c engine/progress.h \
	engine/resume.c engine/resume.h \
	engine/vector.c engine/vector.h \
	engine/zero.c engine/zero.h

check_PROGRAMS += tests/test-blocksize tests/test-extents tests/test-zero \
	tests/test-errors tests/test-contract tests/test-vector tests/test-copy-depth \
	tests/test-coalesce
TESTS += tests/test-blocksize tests/test-extents tests/test-zero tests/test-errors \
	tests/test-contract tests/test-vector tests/test-copy-depth tests/test-coalesce
tests_test_blocksize_SOURCES = tests/test-blocksize.c tests/unit.h
tests_test_blocksize_LDADD = libengine.a $(ALL_LIBS)
tests_test_extents_SOURCES = tests/test-extents.c tests/unit.h
tests_test_extents_LDADD = libengine.a $(ALL_LIBS)
tests_test_zero_SOURCES = tests/test-zero.c tests/unit.h
tests_test_zero_LDADD = libengine.a $(ALL_LIBS)
tests_test_errors_SOURCES = tests/test-errors.c tests/mem.h tests/unit.h
tests_test_errors_LDADD = libengine.a $(ALL_LIBS)
tests_test_contract_SOURCES = tests/test-contract.c tests/mem.h tests/unit.h
tests_test_contract_LDADD = libengine.a $(ALL_LIBS)
tests_test_vector_SOURCES = tests/test-vector.c tests/unit.h
tests_test_vector_LDADD = libengine.a $(ALL_LIBS)
tests_test_copy_depth_SOURCES = tests/test-copy-depth.c tests/unit.h
tests_test_copy_depth_LDADD = libengine.a $(ALL_LIBS)
tests_test_coalesce_SOURCES = tests/test-coalesce.c tests/unit.h
tests_test_coalesce_LDADD = libengine.a $(ALL_LIBS)
EXTRA_DIST += tests/run-unit

ENGINE_SH_TESTS = \
	tests/test-stdout-holes.sh \
	tests/test-bad-options.sh \
	tests/test-memory-flat.sh \
	tests/test-progress-bar.sh \
	tests/test-progress-fd.sh \
	tests/test-bad-progress-fd.sh \
	tests/test-progress-json.sh \
	tests/test-progress-summary.sh
TESTS += $(ENGINE_SH_TESTS)
EXTRA_DIST += $(ENGINE_SH_TESTS)
