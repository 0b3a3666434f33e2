/*
 * Shared guard of the sandbox helpers (sbinit, forkbomb): refuse to run
 * anywhere but inside a pidrescue sandbox.
 *
 * Inside the sandbox /proc is the namespace's own procfs (unshare
 * --mount-proc), so /proc/self/status NSpid shows one level only. The level
 * check therefore uses the namespace inode: the initial PID namespace always
 * has inode PROC_PID_INIT_INO (0xEFFFFFFC = 4026531836). NSpid with two or
 * more entries (a host /proc looking at a nested task) also counts as nested.
 */
#ifndef PIDRESCUE_SANDBOX_GUARD_H
#define PIDRESCUE_SANDBOX_GUARD_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROC_PID_INIT_INO_TEXT "pid:[4026531836]"

/* 1 when PIDRESCUE_SANDBOX=1 is set. */
__attribute__((unused)) static int sandbox_env_set(void) {
  const char *e = getenv("PIDRESCUE_SANDBOX");
  return e != NULL && strcmp(e, "1") == 0;
}

/* Number of entries on the NSpid line of /proc/self/status (0 if unknown). */
__attribute__((unused)) static int nspid_levels(void) {
  char buf[4096];
  int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  char *line = strstr(buf, "\nNSpid:");
  if (line == NULL) return 0;
  int levels = 0, in_word = 0;
  for (char *p = line + 7; *p && *p != '\n'; p++) {
    int space = (*p == ' ' || *p == '\t');
    if (!space && !in_word) levels++;
    in_word = !space;
  }
  return levels;
}

/* 1 when this process is not in the initial PID namespace. */
__attribute__((unused)) static int in_nested_pidns(void) {
  if (nspid_levels() >= 2) return 1;
  char link[64];
  ssize_t n = readlink("/proc/self/ns/pid", link, sizeof link - 1);
  if (n <= 0) return 0; /* cannot tell: treat as the host, refuse */
  link[n] = 0;
  return strcmp(link, PROC_PID_INIT_INO_TEXT) != 0;
}

/* 1 when PID 1 of this namespace is the sandbox init (bench/sbinit.c). */
__attribute__((unused)) static int pid1_is_sbinit(void) {
  char comm[32];
  int fd = open("/proc/1/comm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, comm, sizeof comm - 1);
  close(fd);
  if (n <= 0) return 0;
  comm[n] = 0;
  return strcmp(comm, "sbinit\n") == 0;
}

/*
 * Exit with status 2 and a message unless we are inside a sandbox: the
 * variable is set, the PID namespace is not the host's, and its PID 1 is
 * sbinit (so a container's namespace does not count either).
 */
__attribute__((unused)) static void require_sandbox(const char *prog) {
  if (!sandbox_env_set()) {
    fprintf(stderr, "%s: refusing to run: PIDRESCUE_SANDBOX=1 is not set (only the pidrescue test sandbox runs this)\n", prog);
    exit(2);
  }
  if (!in_nested_pidns()) {
    fprintf(stderr, "%s: refusing to run: this is the host's PID namespace, not a sandbox\n", prog);
    exit(2);
  }
  if (!pid1_is_sbinit()) {
    fprintf(stderr, "%s: refusing to run: PID 1 of this namespace is not the sandbox init (sbinit)\n", prog);
    exit(2);
  }
}

#endif
