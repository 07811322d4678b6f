# nbd-client: NBD endpoints through libnbd, [ CMD ] servers, the init-state
# probe.
libengine_a_SOURCES += \
	engine/nbd/client.c engine/nbd/client.h \
	engine/nbd/client-internal.h engine/nbd/client-io.c \
	engine/nbd/probe.c engine/nbd/probe-uri.c engine/nbd/probe.h \
	engine/nbd/sockact.c engine/nbd/sockact.h
libendpoints_a_SOURCES += sources/nbd.c sinks/nbd.c

check_PROGRAMS += tests/test-probe
tests_test_probe_SOURCES = tests/test-probe.c
tests_test_probe_LDADD = libengine.a $(ALL_LIBS)

NBD_CLIENT_TESTS = \
	tests/test-nbd-probe.sh \
	tests/test-nbd-probe-uri.sh \
	tests/test-nbd-probe-servers.sh
TESTS += $(NBD_CLIENT_TESTS)
EXTRA_DIST += $(NBD_CLIENT_TESTS) tests/init-state-server.py
