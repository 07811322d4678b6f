# nbd-server: the embedded NBD server (engine/nbd/server*) and `nbdferry serve`.
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
