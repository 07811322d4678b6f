# SPDX-License-Identifier: LGPL-2.1-or-later
# Proof and control: --blkhash, compare, --rate, --salvage.
libengine_a_SOURCES += \
	engine/blkhash.c engine/blkhash.h \
	engine/compare.c engine/compare-stream.c engine/compare.h \
	engine/filters/rate.c engine/filters/rate.h \
	engine/salvage.c engine/salvage.h
nbdferry_SOURCES += cmd/compare.c cmd/compare-cmd.h

check_PROGRAMS += tests/test-blkhash
TESTS += tests/test-blkhash
tests_test_blkhash_SOURCES = tests/test-blkhash.c tests/unit.h
tests_test_blkhash_LDADD = libengine.a $(ALL_LIBS)

PROOF_SH_TESTS = \
	tests/test-blkhash-digests.sh \
	tests/test-blkhash-huge.sh \
	tests/test-blkhash-sources.sh \
	tests/test-compare.sh \
	tests/test-compare-device.sh \
	tests/test-compare-map.sh \
	tests/test-compare-pipe.sh \
	tests/test-compare-cache.sh \
	tests/test-compare-shrink.sh \
	tests/test-rate.sh \
	tests/test-salvage.sh
TESTS += $(PROOF_SH_TESTS)
EXTRA_DIST += $(PROOF_SH_TESTS) tests/blkhash.py tests/page-active.py

man_MANS += nbdferry-compare.1
CLEANFILES += nbdferry-compare.1 nbdferry-compare.pod
EXTRA_DIST += man/nbdferry-compare.pod.in
nbdferry-compare.pod: man/nbdferry-compare.pod.in nbdferry$(EXEEXT)
	$(AM_V_GEN)./nbdferry$(EXEEXT) compare --print-pod-options > $@.opts && \
	sed -e '/@OPTIONS@/{r $@.opts' -e 'd}' \
	  $(srcdir)/man/nbdferry-compare.pod.in > $@ && \
	rm -f $@.opts
nbdferry-compare.1: nbdferry-compare.pod
	$(AM_V_GEN)pod2man --section=1 --center=nbdferry \
	  --release=$(PACKAGE_VERSION) --name=NBDFERRY-COMPARE $< > $@
