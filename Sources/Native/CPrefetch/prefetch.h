#pragma once
/* Software prefetch, which Swift does not expose: a hint that the cache line holding `p` will
   be read soon. It never faults (any address may be named) and never waits for the data, unlike
   an ordinary load, which would hold the core when the line is not cached. Header-only: the
   function is inlined into the Swift caller. */
static inline __attribute__((always_inline)) void eigentone_prefetch_l2(const void *p) {
  __builtin_prefetch(p, 0, 2); /* read, keep in L2 (prefetcht1) */
}
