#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A loop device is the file behind it, in both directions and through
# stdio; a bind mount is the same file; a file on a file system is part of
# the device that holds the file system.  All refused, nothing changed.
source "$(dirname "$0")/functions.sh"
requires mkfs.ext4 -V
head -c 4M /dev/urandom > "$tmp/f"
cp "$tmp/f" "$tmp/orig"
loop_device "$tmp/f"
expect_error "same file" $NBDFERRY "$dev" "$tmp/f"
expect_error "same file" $NBDFERRY "$tmp/f" "$dev"
expect_error "same file" $NBDFERRY "$dev" "$dev"
expect_error "same file" $NBDFERRY - "$tmp/f" < "$dev"
expect_error "same file" $NBDFERRY - "$dev" < "$tmp/f"
expect_error "same file" $NBDFERRY "$dev" "zstd:$tmp/f"
cmp "$tmp/f" "$tmp/orig" || fail "the file was changed"
loop=$dev

# Another file still copies to the device.
head -c 4M /dev/urandom > "$tmp/g"
$NBDFERRY "$tmp/g" "$loop"
cmp "$tmp/g" "$tmp/f" || fail "copy to the loop device differs"
cp "$tmp/f" "$tmp/orig"

# A bind mount: the same inode under another path.
mkdir "$tmp/a" "$tmp/b"
head -c 100000 /dev/urandom > "$tmp/a/h"
cp "$tmp/a/h" "$tmp/h.orig"
mount --bind "$tmp/a" "$tmp/b" || skip "mount --bind is not permitted here"
cleanup_fn umount "$tmp/b"
expect_error "same file" $NBDFERRY "$tmp/a/h" "$tmp/b/h"
cmp "$tmp/a/h" "$tmp/h.orig" || fail "the bind-mounted file was changed"

# A file system on a loop device: a file in it lives on that device (and
# on the file behind the device).
truncate -s 32M "$tmp/fs"
mkfs.ext4 -q -F "$tmp/fs"
loop_device "$tmp/fs"
mkdir "$tmp/mnt"
mount "$dev" "$tmp/mnt" || skip "mounting a loop device is not permitted here"
cleanup_fn umount "$tmp/mnt"
head -c 100000 /dev/urandom > "$tmp/mnt/in"
cp "$tmp/mnt/in" "$tmp/in.orig"
expect_error "same file" $NBDFERRY "$tmp/mnt/in" "$dev"
expect_error "same file" $NBDFERRY "$tmp/mnt/in" "$tmp/fs"
expect_error "same file" $NBDFERRY "$dev" "$tmp/mnt/in"
cmp "$tmp/mnt/in" "$tmp/in.orig" || fail "the file in the file system was changed"
