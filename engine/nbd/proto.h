/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: NBD wire constants (PROTOCOL.md), shared by the
 * init-state probe (client side) and the embedded server.
 * All multi-byte fields on the wire are big-endian.
 */
#ifndef NBDFERRY_NBD_PROTO_H
#define NBDFERRY_NBD_PROTO_H

#include <stdint.h>

#define NBD_MAGIC               UINT64_C(0x4e42444d41474943) /* "NBDMAGIC" */
#define NBD_OPTS_MAGIC          UINT64_C(0x49484156454F5054) /* "IHAVEOPT" */
#define NBD_REP_MAGIC           UINT64_C(0x0003e889045565a9)
#define NBD_REQUEST_MAGIC       UINT32_C(0x25609513)
#define NBD_EXTENDED_REQUEST_MAGIC UINT32_C(0x21e41c71)
#define NBD_SIMPLE_REPLY_MAGIC  UINT32_C(0x67446698)
#define NBD_STRUCTURED_REPLY_MAGIC UINT32_C(0x668e33ef)
#define NBD_EXTENDED_REPLY_MAGIC UINT32_C(0x6e8a278c)

/* Handshake flags (server, 16 bit) and client flags (32 bit). */
#define NBD_FLAG_FIXED_NEWSTYLE   (1 << 0)
#define NBD_FLAG_NO_ZEROES        (1 << 1)
#define NBD_FLAG_C_FIXED_NEWSTYLE (1 << 0)
#define NBD_FLAG_C_NO_ZEROES      (1 << 1)

/* Options. */
#define NBD_OPT_EXPORT_NAME       1
#define NBD_OPT_ABORT             2
#define NBD_OPT_LIST              3
#define NBD_OPT_STARTTLS          5
#define NBD_OPT_INFO              6
#define NBD_OPT_GO                7
#define NBD_OPT_STRUCTURED_REPLY  8
#define NBD_OPT_LIST_META_CONTEXT 9
#define NBD_OPT_SET_META_CONTEXT  10
#define NBD_OPT_EXTENDED_HEADERS  11

/* Option replies. */
#define NBD_REP_ACK               1
#define NBD_REP_SERVER            2
#define NBD_REP_INFO              3
#define NBD_REP_META_CONTEXT      4
#define NBD_REP_FLAG_ERROR        UINT32_C(0x80000000)
#define NBD_REP_ERR_UNSUP         (NBD_REP_FLAG_ERROR | 1)
#define NBD_REP_ERR_POLICY        (NBD_REP_FLAG_ERROR | 2)
#define NBD_REP_ERR_INVALID       (NBD_REP_FLAG_ERROR | 3)
#define NBD_REP_ERR_PLATFORM      (NBD_REP_FLAG_ERROR | 4)
#define NBD_REP_ERR_TLS_REQD      (NBD_REP_FLAG_ERROR | 5)
#define NBD_REP_ERR_UNKNOWN       (NBD_REP_FLAG_ERROR | 6)
#define NBD_REP_ERR_SHUTDOWN      (NBD_REP_FLAG_ERROR | 7)
#define NBD_REP_ERR_BLOCK_SIZE_REQD (NBD_REP_FLAG_ERROR | 8)
#define NBD_REP_ERR_TOO_BIG       (NBD_REP_FLAG_ERROR | 9)
#define NBD_REP_ERR_EXT_HEADER_REQD (NBD_REP_FLAG_ERROR | 10)

/* Info types. */
#define NBD_INFO_EXPORT           0
#define NBD_INFO_NAME             1
#define NBD_INFO_DESCRIPTION      2
#define NBD_INFO_BLOCK_SIZE       3
#define NBD_INFO_INIT_STATE       4   /* private extension, §B */

/* NBD_INFO_INIT_STATE bits (16-bit mask). */
#define NBD_INIT_SPARSE           (1 << 0)
#define NBD_INIT_ZERO             (1 << 1)

/* Transmission flags. */
#define NBD_FLAG_HAS_FLAGS        (1 << 0)
#define NBD_FLAG_READ_ONLY        (1 << 1)
#define NBD_FLAG_SEND_FLUSH       (1 << 2)
#define NBD_FLAG_SEND_FUA         (1 << 3)
#define NBD_FLAG_ROTATIONAL       (1 << 4)
#define NBD_FLAG_SEND_TRIM        (1 << 5)
#define NBD_FLAG_SEND_WRITE_ZEROES (1 << 6)
#define NBD_FLAG_SEND_DF          (1 << 7)
#define NBD_FLAG_CAN_MULTI_CONN   (1 << 8)
#define NBD_FLAG_SEND_RESIZE      (1 << 9)
#define NBD_FLAG_SEND_CACHE       (1 << 10)
#define NBD_FLAG_SEND_FAST_ZERO   (1 << 11)
#define NBD_FLAG_BLOCK_STATUS_PAYLOAD (1 << 12)

/* Commands. */
#define NBD_CMD_READ              0
#define NBD_CMD_WRITE             1
#define NBD_CMD_DISC              2
#define NBD_CMD_FLUSH             3
#define NBD_CMD_TRIM              4
#define NBD_CMD_CACHE             5
#define NBD_CMD_WRITE_ZEROES      6
#define NBD_CMD_BLOCK_STATUS      7

/* Command flags. */
#define NBD_CMD_FLAG_FUA          (1 << 0)
#define NBD_CMD_FLAG_NO_HOLE      (1 << 1)
#define NBD_CMD_FLAG_DF           (1 << 2)
#define NBD_CMD_FLAG_REQ_ONE      (1 << 3)
#define NBD_CMD_FLAG_FAST_ZERO    (1 << 4)
#define NBD_CMD_FLAG_PAYLOAD_LEN  (1 << 5)

/* Structured / extended reply chunks. */
#define NBD_REPLY_FLAG_DONE       (1 << 0)
#define NBD_REPLY_TYPE_NONE       0
#define NBD_REPLY_TYPE_OFFSET_DATA 1
#define NBD_REPLY_TYPE_OFFSET_HOLE 2
#define NBD_REPLY_TYPE_BLOCK_STATUS 5
#define NBD_REPLY_TYPE_BLOCK_STATUS_EXT 6
#define NBD_REPLY_TYPE_ERROR      ((1 << 15) | 1)
#define NBD_REPLY_TYPE_ERROR_OFFSET ((1 << 15) | 2)

/* base:allocation */
#define NBD_STATE_HOLE            (1 << 0)
#define NBD_STATE_ZERO            (1 << 1)
#define NBD_META_BASE_ALLOCATION  "base:allocation"
/* qemu's dirty bitmaps: "qemu:dirty-bitmap:" NAME, one flag. */
#define NBD_META_QEMU_DIRTY_BITMAP "qemu:dirty-bitmap:"
#define NBD_STATE_DIRTY           (1 << 0)

/* Error values. */
#define NBD_EPERM                 1
#define NBD_EIO                   5
#define NBD_ENOMEM                12
#define NBD_EINVAL                22
#define NBD_ENOSPC                28
#define NBD_EOVERFLOW             75
#define NBD_ENOTSUP               95
#define NBD_ESHUTDOWN             108

/* Bounds we enforce on what arrives from the wire. */
#define NBD_MAX_STRING            4096
#define NBD_MAX_OPTION_DATA       (NBD_MAX_STRING + 1024)

#endif /* NBDFERRY_NBD_PROTO_H */
