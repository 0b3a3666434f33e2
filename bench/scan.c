/*
 * Minimal reference /proc scanner for scripts/bench-scan.ts: readdir of the
 * procfs root, then openat/read/close of <pid>/stat for every numeric entry.
 * This is the practical lower bound a scanner in any language can reach.
 *
 *   scan [PROCROOT] [PASSES] [--fstat]
 * Prints one line per pass: "<count> <wall seconds> <cpu seconds>" (cpu:
 * this process's user+system time, which a busy machine disturbs less than
 * wall time). --fstat adds an fstat of
 * the open stat fd (the owner uid), to measure what that costs in the kernel.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long pass(const char *root, int with_fstat) {
  static char buf[4096];
  char path[300];
  DIR *d = opendir(root);
  if (!d) { perror(root); exit(5); }
  int dfd = dirfd(d);
  long count = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    snprintf(path, sizeof path, "%s/stat", e->d_name);
    int fd = openat(dfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    if (read(fd, buf, sizeof buf) > 0) count++;
    if (with_fstat) { struct stat st; if (fstat(fd, &st) == 0) count += 0 * st.st_uid; }
    close(fd);
  }
  closedir(d);
  return count;
}

int main(int argc, char **argv) {
  const char *root = argc > 1 ? argv[1] : "/proc";
  int passes = argc > 2 ? atoi(argv[2]) : 1;
  int with_fstat = argc > 3 && strcmp(argv[3], "--fstat") == 0;
  for (int i = 0; i < passes; i++) {
    double t = now(CLOCK_MONOTONIC);
    double c = now(CLOCK_PROCESS_CPUTIME_ID);
    long n = pass(root, with_fstat);
    printf("%ld %.6f %.6f\n", n, now(CLOCK_MONOTONIC) - t, now(CLOCK_PROCESS_CPUTIME_ID) - c);
  }
  return 0;
}
