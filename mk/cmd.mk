# cmd/: the programs and the argument -> driver table.
nbdferry_SOURCES += \
	cmd/endpoints.c cmd/endpoints.h \
	cmd/main.c \
	cmd/options.c cmd/options.h
