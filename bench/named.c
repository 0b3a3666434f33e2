/*
 * A process with a chosen name, for scanner tests: sets its comm with
 * prctl(PR_SET_NAME) to the bytes given in hex (any bytes but NUL, up to
 * 15), prints "ready <pid>" on stdout and pause()s until killed, its parent
 * dies (PDEATHSIG) or TIMEOUT_S (default 300) passes.
 *
 *   named HEXBYTES [TIMEOUT_S]        e.g. named 2920532031202820 (") S 1 (")
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: named HEXBYTES [TIMEOUT_S]\n"); return 2; }
  char name[16] = {0};
  size_t len = strlen(argv[1]) / 2;
  if (len > 15) len = 15;
  for (size_t i = 0; i < len; i++) {
    unsigned v;
    if (sscanf(argv[1] + 2 * i, "%2x", &v) != 1 || v == 0) { fprintf(stderr, "named: bad hex\n"); return 2; }
    name[i] = (char)v;
  }
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  alarm(argc > 2 ? atoi(argv[2]) : 300);
  if (prctl(PR_SET_NAME, name) != 0) { perror("prctl"); return 1; }
  printf("ready %d\n", (int)getpid());
  fflush(stdout);
  for (;;) pause();
}
