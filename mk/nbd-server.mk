# nbd-server: the embedded NBD server (engine/nbd/server*) and `nbdferry serve`.
# man/nbdferry-serve.pod is turned into a page by the man rules (cmd.mk).
libengine_a_SOURCES += \
	engine/nbd/commands.c \
	engine/nbd/handshake.c \
	engine/nbd/reply.c \
	engine/nbd/request.c \
	engine/nbd/server.c engine/nbd/server.h \
	engine/nbd/server-internal.h \
	engine/nbd/status.c \
	engine/nbd/transmission.c \
	engine/nbd/wire.c engine/nbd/wire.h

nbdferry_SOURCES += cmd/serve.c cmd/serve.h

# Our raw NBD client for the tests (extended headers, INIT_STATE, hostile
# handshakes); links the server's wire helpers.
check_PROGRAMS += tests/nbdraw
tests_nbdraw_SOURCES = tests/nbdraw.c
tests_nbdraw_LDADD = libengine.a $(ALL_LIBS)

SERVE_TESTS = \
	tests/test-serve-rmw.sh \
	tests/test-serve-migrate.sh \
	tests/test-serve-hostile.sh \
	tests/test-serve-nbdcopy-from.sh \
	tests/test-serve-nbdcopy-to.sh \
	tests/test-serve-nbdinfo.sh \
	tests/test-serve-nbdsh.sh \
	tests/test-serve-qemu.sh \
	tests/test-serve-raw-ext.sh \
	tests/test-serve-raw-limits.sh \
	tests/test-serve-raw-options.sh \
	tests/test-serve-readonly.sh \
	tests/test-serve-synthetic.sh \
	tests/test-serve-run.sh \
	tests/test-serve-signal.sh \
	tests/test-serve-socket-activation.sh
TESTS += $(SERVE_TESTS)
EXTRA_DIST += $(SERVE_TESTS) tests/serve-functions.sh

# The server against libnbd over a socketpair, with an in-memory backend
# that exists only in the tests.
check_PROGRAMS += tests/test-server
TESTS += tests/test-server
tests_test_server_SOURCES = tests/test-server.c tests/mem.h
tests_test_server_LDADD = libengine.a $(ALL_LIBS)

# libFuzzer over the option and request parsers (./configure
# --enable-fuzzing CC=clang).  The server is compiled into the target
# itself so that it is instrumented.
EXTRA_DIST += tests/test-fuzz-server.sh tests/fuzz-server.c
# The libFuzzer target over the option and request parsers.  Built by
# ./configure --enable-fuzzing CC=clang; otherwise, where clang with
# libFuzzer is installed, built with clang by the rule below so that
# make check always runs a short fuzzing session.
FUZZ_C_SOURCES = tests/fuzz-server.c \
	engine/backend.c engine/blocksize.c engine/error.c engine/extents.c \
	engine/nbd/commands.c engine/nbd/handshake.c engine/nbd/reply.c \
	engine/nbd/request.c engine/nbd/server.c engine/nbd/status.c \
	engine/nbd/transmission.c engine/nbd/wire.c
FUZZ_FLAGS = -fsanitize=fuzzer,address,undefined
EXTRA_DIST += $(FUZZ_C_SOURCES) tests/test-fuzz-server.sh
if ENABLE_FUZZING
check_PROGRAMS += tests/fuzz-server
TESTS += tests/test-fuzz-server.sh
tests_fuzz_server_SOURCES = tests/mem.h $(FUZZ_C_SOURCES)
tests_fuzz_server_CFLAGS = $(AM_CFLAGS) $(FUZZ_FLAGS)
tests_fuzz_server_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_server_LDADD = $(ALL_LIBS)
else
if HAVE_CLANG_FUZZER
check_SCRIPTS += tests/fuzz-server
TESTS += tests/test-fuzz-server.sh
CLEANFILES += tests/fuzz-server
FUZZ_SRC_PATHS = $(FUZZ_C_SOURCES:%=$(srcdir)/%)
tests/fuzz-server: $(FUZZ_SRC_PATHS) $(srcdir)/tests/mem.h config.h
	$(AM_V_CCLD)$(CLANG) $(DEFS) -I. $(AM_CPPFLAGS) $(LIBNBD_CFLAGS) \
	  -pthread -g -O1 $(FUZZ_FLAGS) -o $@ $(FUZZ_SRC_PATHS) $(ALL_LIBS)
endif
endif
EXTRA_DIST += man/nbdferry-serve.pod
