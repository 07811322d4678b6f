# SPDX-License-Identifier: LGPL-2.1-or-later
# The bash completion of nbdferry and nbdferry serve, made from their
# option tables (--print-completion) as --help and the manual pages are,
# and installed where bash-completion looks (configure: bashcompdir).
bashcomp_DATA = completion/nbdferry
CLEANFILES += completion/nbdferry
EXTRA_DIST += completion/nbdferry.bash.in
completion/nbdferry: completion/nbdferry.bash.in nbdferry$(EXEEXT)
	$(AM_V_GEN)mkdir -p completion && \
	copy=`./nbdferry$(EXEEXT) --print-completion | grep -v '^command '` && \
	serve=`./nbdferry$(EXEEXT) serve --print-completion` && \
	cmds=`./nbdferry$(EXEEXT) --print-completion | sed -n 's/^command //p'` && \
	sed -e "s|@NBDFERRY_OPTIONS@|`echo $$copy`|" \
	    -e "s|@SERVE_OPTIONS@|`echo $$serve`|" \
	    -e "s|@COMMANDS@|`echo $$cmds`|" \
	  $(srcdir)/completion/nbdferry.bash.in > $@.tmp && mv $@.tmp $@

COMPLETION_TESTS = tests/test-completion.sh
TESTS += $(COMPLETION_TESTS)
EXTRA_DIST += $(COMPLETION_TESTS)
# For the test: where make install puts it.
print-bashcompdir:
	@echo $(bashcompdir)
