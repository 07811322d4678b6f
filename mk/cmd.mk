# SPDX-License-Identifier: LGPL-2.1-or-later
# cmd/: the programs and the argument -> driver table.
nbdferry_SOURCES += \
	cmd/args.c cmd/args.h \
	cmd/commands.c cmd/commands.h \
	cmd/endpoints.c cmd/endpoints.h \
	cmd/main.c \
	cmd/options.c cmd/options.h \
	cmd/resilience.c cmd/resilience.h \
	cmd/optparse.c cmd/optparse.h

# Each manual page's OPTIONS section is printed from the same option table
# that parses the command line (cmd/optparse.h), so --help and the man page
# cannot drift.
man_MANS += nbdferry.1 nbdferry-serve.1
CLEANFILES += nbdferry.1 nbdferry.pod nbdferry-serve.1 nbdferry-serve.pod
EXTRA_DIST += man/nbdferry.pod.in man/nbdferry-serve.pod.in
nbdferry.pod: man/nbdferry.pod.in nbdferry$(EXEEXT)
	$(AM_V_GEN)./nbdferry$(EXEEXT) --print-pod-options > $@.opts && \
	sed -e '/@OPTIONS@/{r $@.opts' -e 'd}' $(srcdir)/man/nbdferry.pod.in > $@ && \
	rm -f $@.opts
nbdferry-serve.pod: man/nbdferry-serve.pod.in nbdferry$(EXEEXT)
	$(AM_V_GEN)./nbdferry$(EXEEXT) serve --print-pod-options > $@.opts && \
	sed -e '/@OPTIONS@/{r $@.opts' -e 'd}' \
	  $(srcdir)/man/nbdferry-serve.pod.in > $@ && \
	rm -f $@.opts
nbdferry.1: nbdferry.pod
	$(AM_V_GEN)pod2man --section=1 --center=nbdferry \
	  --release=$(PACKAGE_VERSION) --name=NBDFERRY $< > $@
nbdferry-serve.1: nbdferry-serve.pod
	$(AM_V_GEN)pod2man --section=1 --center=nbdferry \
	  --release=$(PACKAGE_VERSION) --name=NBDFERRY-SERVE $< > $@

CMD_TESTS = tests/test-options.sh tests/test-help.sh \
	tests/test-nbdcopy-version.sh tests/test-nbdcopy-debug.sh \
	tests/test-nbdcopy-counts.sh
TESTS += $(CMD_TESTS)
EXTRA_DIST += $(CMD_TESTS)
