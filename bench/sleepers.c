/*
 * Idle process farm for benchmarks and tests, meant to run as PID 1 of its
 * own PID namespace (unshare --pid --fork --mount-proc) inside a pids cgroup.
 *
 *   sleepers N [TIMEOUT_S] [NAME]
 * Forks N children that pause() (each dies with its parent: PDEATHSIG), sets
 * their comm to NAME (default "sleeper") and prints "ready <N>" on stdout once
 * every child has named itself and said so through a pipe (or "ready <k>"
 * with how many it got if fork failed). Then it
 * waits until SIGTERM/SIGINT or TIMEOUT_S seconds (default 600) and exits,
 * which, as the namespace's init, takes every child with it.
 * Before forking it writes $SLEEPERS_PID_MAX to /proc/sys/kernel/pid_max and
 * $SLEEPERS_LAST_PID to /proc/sys/kernel/ns_last_pid when they are set (the
 * namespace's own values: its children then get PIDs right after LAST_PID).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t done = 0;

static void write_sysctl(const char *path, const char *value) {
  if (value == NULL) return;
  FILE *f = fopen(path, "w");
  if (f == NULL || fputs(value, f) < 0 || fclose(f) != 0) fprintf(stderr, "sleepers: cannot write %s: %s\n", path, strerror(errno));
}
static void on_signal(int s) { (void)s; done = 1; }

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 10;
  int timeout = argc > 2 ? atoi(argv[2]) : 600;
  const char *name = argc > 3 ? argv[3] : "sleeper";
  pid_t parent = getpid();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGALRM, &sa, NULL);
  signal(SIGCHLD, SIG_IGN); /* children that die are reaped by the kernel */
  alarm(timeout);
  write_sysctl("/proc/sys/kernel/pid_max", getenv("SLEEPERS_PID_MAX"));
  write_sysctl("/proc/sys/kernel/ns_last_pid", getenv("SLEEPERS_LAST_PID"));
  int ready[2];
  if (pipe(ready) != 0) { perror("pipe"); return 1; }
  long got = 0;
  for (; got < n; got++) {
    pid_t p = fork();
    if (p < 0) { fprintf(stderr, "sleepers: fork %ld: %s\n", got, strerror(errno)); break; }
    if (p == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(0);
      prctl(PR_SET_NAME, name);
      signal(SIGTERM, SIG_DFL);
      signal(SIGINT, SIG_DFL);
      close(ready[0]);
      if (write(ready[1], "r", 1) != 1) _exit(1);
      close(ready[1]);
      for (;;) pause();
    }
  }
  close(ready[1]);
  /* every child writes one byte once named; EOF means the rest died */
  char buf[4096];
  long seen = 0;
  while (seen < got) {
    ssize_t r = read(ready[0], buf, sizeof buf);
    if (r > 0) seen += r;
    else if (r == 0 || errno != EINTR) break;
  }
  close(ready[0]);
  printf("ready %ld\n", seen);
  fflush(stdout);
  while (!done) pause();
  return 0;
}
