# SPDX-License-Identifier: LGPL-2.1-or-later
# page-active.py FILE: print "ACTIVE CACHED", the pages of FILE on the
# active LRU list and the pages of it in the page cache (root: it reads
# /proc/kpageflags).  Looking does not read uncached pages in, and its own
# mapping is VM_SEQ_READ, so unmapping it does not count as an access.
import ctypes, mmap, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
size = os.fstat(fd).st_size
page = os.sysconf("SC_PAGESIZE")
m = mmap.mmap(fd, size, mmap.MAP_PRIVATE, mmap.PROT_READ | mmap.PROT_WRITE)
m.madvise(mmap.MADV_SEQUENTIAL)     # unmapping it is not an access
base = ctypes.addressof(ctypes.c_char.from_buffer(m))
pm = os.open("/proc/self/pagemap", os.O_RDONLY)
kf = os.open("/proc/kpageflags", os.O_RDONLY)
vec = (ctypes.c_ubyte * ((size + page - 1) // page))()
libc = ctypes.CDLL(None, use_errno=True)
if libc.mincore(ctypes.c_void_p(base), ctypes.c_size_t(size), vec) != 0:
    sys.exit("mincore failed")
active = cached = 0
for i in range(len(vec)):
    if not vec[i] & 1:
        continue                    # not cached: do not read it in
    m[i * page]                     # map it (a fault, not an access)
    e, = struct.unpack("<Q", os.pread(pm, 8, (base // page + i) * 8))
    pfn = e & ((1 << 55) - 1)
    if not e >> 63 or pfn == 0:
        sys.exit("no page frame numbers in /proc/self/pagemap")
    f, = struct.unpack("<Q", os.pread(kf, 8, pfn * 8))
    cached += 1
    active += (f >> 6) & 1          # KPF_ACTIVE
print(active, cached)
