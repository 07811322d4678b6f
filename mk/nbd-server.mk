# SPDX-License-Identifier: LGPL-2.1-or-later
# nbd-server: the embedded NBD server (engine/nbd/server*) and `nbdferry serve`.
# man/nbdferry-serve.pod.in is turned into a page by the man rules (cmd.mk).
libengine_a_SOURCES += \
	engine/nbd/server/commands.c \
	engine/nbd/server/handshake.c \
	engine/nbd/server/io.c \
	engine/nbd/server/reply.c \
	engine/nbd/server/request.c \
	engine/nbd/server/server.c engine/nbd/server/server.h \
	engine/nbd/server/server-internal.h \
	engine/nbd/server/status.c \
	engine/nbd/server/tls.c \
	engine/nbd/server/transmission.c \
	engine/nbd/wire.c engine/nbd/wire.h

nbdferry_SOURCES += \
	cmd/serve.c cmd/serve.h cmd/serve-internal.h \
	cmd/serve-limits.c \
	cmd/serve-listen.c \
	cmd/serve-exports.c \
	cmd/serve-options.c \
	cmd/serve-run.c

# Our raw NBD client for the tests (extended headers, INIT_STATE, hostile
# handshakes); links the server's wire helpers.
check_PROGRAMS += tests/nbdraw
tests_nbdraw_SOURCES = tests/nbdraw.c
tests_nbdraw_LDADD = libengine.a $(ALL_LIBS)

SERVE_TESTS = \
	tests/test-log-syslog.sh \
	tests/test-serve-rmw.sh \
	tests/test-serve-migrate.sh \
	tests/test-serve-cli.sh \
	tests/test-serve-direct.sh \
	tests/test-serve-exports.sh \
	tests/test-serve-hostile.sh \
	tests/test-serve-idle.sh \
	tests/test-serve-nbdcopy-from.sh \
	tests/test-serve-nbdcopy-to.sh \
	tests/test-serve-memory.sh \
	tests/test-serve-nbdinfo.sh \
	tests/test-serve-nbdkit-options.sh \
	tests/test-serve-nbdsh.sh \
	tests/test-serve-qemu.sh \
	tests/test-serve-raw-ext.sh \
	tests/test-serve-raw-limits.sh \
	tests/test-serve-raw-options.sh \
	tests/test-serve-readonly.sh \
	tests/test-serve-synthetic.sh \
	tests/test-serve-targets.sh \
	tests/test-serve-tls-load.sh \
	tests/test-serve-tls-psk.sh \
	tests/test-serve-tls-x509.sh \
	tests/test-serve-stream.sh \
	tests/test-serve-run.sh \
	tests/test-serve-signal.sh \
	tests/test-serve-socket-activation.sh
TESTS += $(SERVE_TESTS)
EXTRA_DIST += $(SERVE_TESTS) tests/serve-functions.sh tests/tls-starttls.py \
	tests/nbdwire.py \
	tests/nbd-flood.py

# The server against libnbd over a socketpair, with an in-memory backend
# that exists only in the tests.
check_PROGRAMS += tests/test-server
TESTS += tests/test-server
tests_test_server_SOURCES = tests/test-server.c tests/mem.h
tests_test_server_LDADD = libengine.a $(ALL_LIBS)

