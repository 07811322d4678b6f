# SPDX-License-Identifier: LGPL-2.1-or-later
# nbd-client: NBD endpoints through libnbd, [ CMD ] servers, the init-state
# probe.
libengine_a_SOURCES += \
	engine/nbd/client/bitmap.c \
	engine/nbd/client/client.c engine/nbd/client/client.h \
	engine/nbd/client/client-internal.h engine/nbd/client/client-io.c \
	engine/nbd/client/probe.c engine/nbd/client/probe.h \
	engine/nbd/client/sockact.c engine/nbd/client/sockact.h

check_PROGRAMS += tests/test-probe
tests_test_probe_SOURCES = tests/test-probe.c
tests_test_probe_LDADD = libengine.a $(ALL_LIBS)

NBD_CLIENT_TESTS = \
	tests/test-nbd-probe.sh \
	tests/test-nbd-probe-peer.sh \
	tests/test-nbd-probe-servers.sh \
	tests/test-nbd-nbd.sh \
	tests/test-nbd-null.sh \
	tests/test-nbd-file.sh \
	tests/test-nbd-cmd-nbdkit.sh \
	tests/test-nbd-cmd-qemu.sh \
	tests/test-nbd-qemu-uri.sh \
	tests/test-nbd-no-zero.sh \
	tests/test-nbd-multi-conn.sh \
	tests/test-nbd-multi-conn-count.sh \
	tests/test-nbd-sparse-reads.sh \
	tests/test-nbd-max-request.sh \
	tests/test-nbd-prefill.sh \
	tests/test-nbd-dirty-zero.sh \
	tests/test-nbd-dirty-probe.sh \
	tests/test-nbd-frag-reads.sh \
	tests/test-nbd-latency-depth.sh \
	tests/test-nbd-extents-ahead.sh \
	tests/test-nbd-frag-salvage.sh \
	tests/test-nbd-frag-probe.sh \
	tests/test-nbd-frag-null.sh \
	tests/test-nbd-connections-memory.sh \
	tests/test-nbd-error-src.sh \
	tests/test-nbd-error-dst.sh \
	tests/test-nbd-open-errors.sh \
	tests/test-nbd-cmd-errors.sh \
	tests/test-nbd-cmd-killed.sh \
	tests/test-nbd-tls-psk.sh \
	tests/test-nbd-exitlast.sh \
	tests/test-nbd-flush.sh \
	tests/test-nbd-server-dies.sh
TESTS += $(NBD_CLIENT_TESTS)
EXTRA_DIST += $(NBD_CLIENT_TESTS) tests/init-state-server.py \
	tests/nbd-functions.sh
