# SPDX-License-Identifier: LGPL-2.1-or-later
# libFuzzer targets over what parses untrusted input, built with clang
# wherever clang and its libFuzzer runtime are installed (configure finds
# them; --enable-fuzzing makes their absence an error), so that make check
# always runs a short fuzzing session of each.  The code under test is
# compiled into the target so that it is instrumented.
FUZZ_FLAGS = -fsanitize=fuzzer,address,undefined
FUZZ_LINK = $(AM_V_CCLD)$(CLANG) $(DEFS) -I. $(AM_CPPFLAGS) $(LIBNBD_CFLAGS) $(GNUTLS_CFLAGS) \
	-pthread -g -O1 $(FUZZ_FLAGS) -o $@

# The server's option and request parsers.
FUZZ_SERVER_SRC = tests/fuzz-server.c \
	engine/backend.c engine/blocksize.c engine/error.c engine/extents.c \
	engine/nbd/server/commands.c engine/nbd/server/handshake.c engine/nbd/server/io.c \
	engine/nbd/server/reply.c engine/nbd/server/request.c engine/nbd/server/server.c \
	engine/nbd/server/status.c engine/nbd/server/tls.c \
	engine/nbd/server/transmission.c engine/nbd/wire.c \
	engine/file/file.c engine/file/file-aio.c engine/file/file-zero.c engine/file/file-map.c \
	engine/file/writeback.c engine/filters/rmw.c engine/zero.c engine/fdio.c \
	engine/vector.c
# The zstd seek table reader and zero-frame parser.
FUZZ_ZSTD_SEEK_SRC = tests/fuzz-zstd-seek.c engine/zstd/zstd-seek.c \
	engine/error.c engine/fdio.c

FUZZ_TESTS = tests/test-fuzz-server.sh tests/test-fuzz-zstd-seek.sh
EXTRA_DIST += $(FUZZ_SERVER_SRC) $(FUZZ_ZSTD_SEEK_SRC) $(FUZZ_TESTS) tests/mem.h
if HAVE_CLANG_FUZZER
check_SCRIPTS += tests/fuzz-server tests/fuzz-zstd-seek
TESTS += $(FUZZ_TESTS)
CLEANFILES += tests/fuzz-server tests/fuzz-zstd-seek
tests/fuzz-server: $(FUZZ_SERVER_SRC:%=$(srcdir)/%) $(srcdir)/tests/mem.h config.h
	$(FUZZ_LINK) $(FUZZ_SERVER_SRC:%=$(srcdir)/%) $(ALL_LIBS)
tests/fuzz-zstd-seek: $(FUZZ_ZSTD_SEEK_SRC:%=$(srcdir)/%) config.h
	$(FUZZ_LINK) $(FUZZ_ZSTD_SEEK_SRC:%=$(srcdir)/%) $(ALL_LIBS)
endif
