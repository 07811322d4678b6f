# SPDX-License-Identifier: LGPL-2.1-or-later
# cmd/: the programs and the argument -> driver table.
nbdferry_SOURCES += \
	cmd/args.c cmd/args.h \
	cmd/endpoints.c cmd/endpoints.h \
	cmd/main.c \
	cmd/options.c cmd/options.h

# The manual page's OPTIONS section is printed from the same popt table
# that parses the command line, so --help and the man page cannot drift.
man_MANS += nbdferry.1
CLEANFILES += nbdferry.1 nbdferry.pod
EXTRA_DIST += man/nbdferry.pod.in
nbdferry.pod: man/nbdferry.pod.in nbdferry$(EXEEXT)
	$(AM_V_GEN)./nbdferry$(EXEEXT) --print-pod-options > $@.opts && \
	sed -e '/@OPTIONS@/{r $@.opts' -e 'd}' $(srcdir)/man/nbdferry.pod.in > $@ && \
	rm -f $@.opts
nbdferry.1: nbdferry.pod
	$(AM_V_GEN)pod2man --section=1 --center=nbdferry \
	  --release=$(PACKAGE_VERSION) --name=NBDFERRY $< > $@
man_MANS += nbdferry-serve.1
CLEANFILES += nbdferry-serve.1
nbdferry-serve.1: man/nbdferry-serve.pod
	$(AM_V_GEN)pod2man --section=1 --center=nbdferry \
	  --release=$(PACKAGE_VERSION) --name=NBDFERRY-SERVE $< > $@
