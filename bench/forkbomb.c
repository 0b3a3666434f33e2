/*
 * forkbomb: a fork-spinning C bomb for the pidrescue sandbox. Every process
 * (the first and all its children) loops on fork() forever; nobody exits,
 * so once the table is full it stays exactly full.
 *
 *   forkbomb [-s] [-r] [-n NAME] [-b BACKOFF_US] [-t SECONDS]
 *     -s   setsid() in every child (each child leads its own session and group)
 *     -r   rename every child to a random name (prctl PR_SET_NAME)
 *     -n   rename every process to NAME
 *     -b   sleep BACKOFF_US microseconds after a failed fork (default 0: spin;
 *          the spinning bomb starves a 2-core machine, tests use a backoff)
 *     -t   every process exits once SECONDS have passed since the start (default 300)
 *
 * Refuses to run outside the sandbox (sandbox-guard.h).
 */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include <time.h>

#include "sandbox-guard.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void random_name(unsigned *seed) {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  char name[16];
  int len = 4 + (int)(rand_r(seed) % 10);
  for (int i = 0; i < len; i++) name[i] = alphabet[rand_r(seed) % (sizeof alphabet - 1)];
  name[len] = 0;
  prctl(PR_SET_NAME, name, 0, 0, 0);
}

int main(int argc, char **argv) {
  int do_setsid = 0, do_rename = 0, opt;
  long backoff_us = 0, seconds = 300;
  const char *fixed_name = NULL;
  while ((opt = getopt(argc, argv, "srn:b:t:")) != -1) {
    switch (opt) {
      case 's': do_setsid = 1; break;
      case 'r': do_rename = 1; break;
      case 'n': fixed_name = optarg; break;
      case 'b': backoff_us = atol(optarg); break;
      case 't': seconds = atol(optarg); break;
      default:
        fprintf(stderr, "usage: forkbomb [-s] [-r] [-n NAME] [-b BACKOFF_US] [-t SECONDS]\n");
        return 64;
    }
  }
  require_sandbox("forkbomb");
  double deadline = now() + (double)seconds;
  if (fixed_name) prctl(PR_SET_NAME, fixed_name, 0, 0, 0);
  unsigned seed = (unsigned)getpid() ^ (unsigned)time(NULL);
  for (;;) {
    if (now() > deadline) _exit(0);
    pid_t pid = fork();
    if (pid == 0) {
      seed = (unsigned)getpid() * 2654435761u ^ seed;
      if (do_setsid) setsid();
      if (do_rename) random_name(&seed);
      continue;
    }
    if (pid < 0 && backoff_us > 0) usleep((useconds_t)backoff_us);
  }
}
