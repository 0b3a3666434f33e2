/*
 * Test-only shim so that Bun's musl build can run on Debian, which ships
 * musl (the loader and libc) but no libstdc++ built against musl. Bun's musl
 * runtime needs libstdc++.so.6 and libgcc_s.so.1 (on Alpine: `apk add
 * libstdc++`). scripts/verify-release.ts borrows Debian's glibc-built copies
 * and compiles this file as "ld-linux-x86-64.so.2" (a library those copies
 * name as NEEDED), providing the few glibc-only symbols they reference.
 * The loader, libc and the artifact itself are musl's: this proves the
 * artifact runs under musl's loader, not that Alpine's libstdc++ is present.
 * Built with -nostdlib: the extern functions resolve against musl at load.
 */
#include <stddef.h>
#include <sys/types.h>

extern ssize_t getrandom(void *buf, size_t len, unsigned flags);
extern size_t strftime_l(char *s, size_t max, const char *fmt, const void *tm, void *loc);
extern int __cxa_atexit(void (*f)(void *), void *arg, void *dso);

/* glibc 2.32+: libstdc++ skips atomic refcounts when this is non-zero; 0 is always safe. */
char __libc_single_threaded = 0;

/* libgcc's CPU model data, normally from libgcc.a: all zero means "no extra features". */
struct { unsigned vendor, type, subtype, features[1]; } __cpu_model;
int __cpu_indicator_init(void) { return 0; }

unsigned arc4random(void) {
  unsigned v = 0;
  (void)getrandom(&v, sizeof v, 0);
  return v;
}

size_t __strftime_l(char *s, size_t max, const char *fmt, const void *tm, void *loc) {
  return strftime_l(s, max, fmt, tm, loc);
}

/* thread_local destructors: there is one thread, so running them at exit is right. */
int __cxa_thread_atexit_impl(void (*f)(void *), void *arg, void *dso) { return __cxa_atexit(f, arg, dso); }

/* glibc 2.35 fast unwinder lookup; -1 makes libgcc fall back to dl_iterate_phdr. */
int _dl_find_object(void *pc, void *result) {
  (void)pc;
  (void)result;
  return -1;
}
