/*
 * sbinit: PID 1 of a pidrescue starvation sandbox.
 *
 * Run as `unshare --pid --fork --mount-proc sbinit [options] -- VICTIM...`.
 * It reaps every orphan (blocking waitpid(-1)), starts the victim (the shell
 * that will later `exec pidrescue`) at once and, when told, the bomb. When
 * it exits the kernel kills everything left in the namespace, so it is also
 * the sandbox's dead man's switch: a hard time limit (-t) ends it.
 *
 * Options:
 *   -p N      write N into the namespace's /proc/sys/kernel/pid_max (Linux 6.14+)
 *   -s FILE   append status lines to FILE ("pid_max 1000 ok", "victim 2",
 *             "bomb 3", "victim-exit 0", "victim-signal 9", "timeout")
 *   -t SECS   hard time limit; on expiry init exits and the namespace dies (default 600)
 *   -V FILE   the victim joins this cgroup (a cgroup.procs file) before exec
 *   -B FILE   the bomb joins this cgroup before exec
 *   -w FILE   start the bomb once FILE exists (default: at once)
 *   -b CMD    the bomb, run as /bin/sh -c CMD with stdio on /dev/null
 *   -x CMD    an extra process (a bystander), run like the bomb but at once,
 *             before the bomb, in init's own cgroup; repeatable (up to 16);
 *             status line "extra N" for each
 *   -u UID -g GID   victim and bomb drop to this user (for RLIMIT_NPROC runs)
 *   -n N      victim and bomb get RLIMIT_NPROC N (soft and hard)
 *   -k        keep the namespace alive after the victim exits (the outside tears it down)
 *
 * Without -k, init exits with the victim's exit status (128+N for signal N).
 * It refuses to run unless it is PID 1 of a PID namespace other than the
 * host's and PIDRESCUE_SANDBOX=1 is set.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "sandbox-guard.h"

static int status_fd = -1;

static void status_line(const char *fmt, ...) {
  if (status_fd < 0) return;
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (n > (int)sizeof buf - 2) n = sizeof buf - 2;
  buf[n++] = '\n';
  if (write(status_fd, buf, n) < 0) perror("sbinit: status");
}

static void on_alarm(int sig) {
  (void)sig;
  static const char msg[] = "timeout\n";
  if (status_fd >= 0 && write(status_fd, msg, sizeof msg - 1) < 0) _exit(125);
  _exit(124);
}

static void on_term(int sig) { _exit(128 + sig); }

struct child_opts {
  const char *cgroup_procs;
  int devnull;
  uid_t uid;
  gid_t gid;
  int set_user;
  long nproc;
};

static void join_cgroup(const char *procs) {
  int fd = open(procs, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, "0", 1) != 1) {
    fprintf(stderr, "sbinit: cannot join cgroup %s: %s\n", procs, strerror(errno));
    _exit(126);
  }
  close(fd);
}

static pid_t spawn(const struct child_opts *o, char *const argv[]) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  if (o->cgroup_procs) join_cgroup(o->cgroup_procs);
  if (o->devnull) {
    int fd = open("/dev/null", O_RDWR);
    if (fd < 0) _exit(126);
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    if (fd > 2) close(fd);
  }
  if (o->nproc > 0) {
    struct rlimit rl = {(rlim_t)o->nproc, (rlim_t)o->nproc};
    if (setrlimit(RLIMIT_NPROC, &rl) != 0) {
      perror("sbinit: setrlimit(RLIMIT_NPROC)");
      _exit(126);
    }
  }
  if (o->set_user) {
    if (setgroups(0, NULL) != 0 || setgid(o->gid) != 0 || setuid(o->uid) != 0) {
      perror("sbinit: dropping to the test user");
      _exit(126);
    }
  }
  execvp(argv[0], argv);
  fprintf(stderr, "sbinit: exec %s: %s\n", argv[0], strerror(errno));
  _exit(127);
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

static int exit_code_of(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return 1;
}

static void note_victim_end(int st) {
  if (WIFSIGNALED(st)) status_line("victim-signal %d", WTERMSIG(st));
  else status_line("victim-exit %d", exit_code_of(st));
}

static void usage(void) {
  fprintf(stderr,
          "usage: sbinit [-p PID_MAX] [-s STATUS] [-t SECS] [-V CGPROCS] [-B CGPROCS]\n"
          "              [-w GOFILE] [-b BOMB_CMD] [-x EXTRA_CMD]... [-u UID -g GID] [-n NPROC] [-k] -- VICTIM...\n");
  exit(64);
}

int main(int argc, char **argv) {
  long pid_max = 0, timeout = 600;
  const char *status_path = NULL, *go_file = NULL, *bomb_cmd = NULL;
  struct child_opts victim_o = {0}, bomb_o = {0}, extra_o = {0};
  const char *extras[16];
  int n_extras = 0;
  int keep = 0, opt;
  while ((opt = getopt(argc, argv, "+p:s:t:V:B:w:b:x:u:g:n:k")) != -1) {
    switch (opt) {
      case 'p': pid_max = atol(optarg); break;
      case 's': status_path = optarg; break;
      case 't': timeout = atol(optarg); break;
      case 'V': victim_o.cgroup_procs = optarg; break;
      case 'B': bomb_o.cgroup_procs = optarg; break;
      case 'w': go_file = optarg; break;
      case 'b': bomb_cmd = optarg; break;
      case 'x':
        if (n_extras == (int)(sizeof extras / sizeof extras[0])) usage();
        extras[n_extras++] = optarg;
        break;
      case 'u': victim_o.uid = bomb_o.uid = extra_o.uid = (uid_t)atol(optarg); victim_o.set_user = bomb_o.set_user = extra_o.set_user = 1; break;
      case 'g': victim_o.gid = bomb_o.gid = extra_o.gid = (gid_t)atol(optarg); break;
      case 'n': victim_o.nproc = bomb_o.nproc = extra_o.nproc = atol(optarg); break;
      case 'k': keep = 1; break;
      default: usage();
    }
  }
  if (optind >= argc) usage();
  if (!sandbox_env_set() || getpid() != 1 || !in_nested_pidns()) {
    fprintf(stderr, "sbinit: refusing to run: must be PID 1 of a new PID namespace with PIDRESCUE_SANDBOX=1 "
                    "(unshare --pid --fork --mount-proc sbinit ...)\n");
    return 64;
  }
  bomb_o.devnull = 1;
  extra_o.devnull = 1;

  if (status_path) status_fd = open(status_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  sa.sa_handler = on_term;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  alarm((unsigned)timeout);

  if (pid_max > 0) {
    int fd = open("/proc/sys/kernel/pid_max", O_WRONLY | O_CLOEXEC);
    char num[32];
    int len = snprintf(num, sizeof num, "%ld", pid_max);
    if (fd >= 0 && write(fd, num, len) == len) status_line("pid_max %ld ok", pid_max);
    else status_line("pid_max %ld error %s", pid_max, strerror(errno));
    if (fd >= 0) close(fd);
  }

  pid_t victim = spawn(&victim_o, argv + optind);
  if (victim < 0) {
    status_line("victim-fork-failed %s", strerror(errno));
    return 71;
  }
  status_line("victim %d", victim);
  int victim_done = 0, victim_status = 0;

  for (int i = 0; i < n_extras; i++) {
    char *extra_argv[] = {"/bin/sh", "-c", (char *)extras[i], NULL};
    pid_t x = spawn(&extra_o, extra_argv);
    if (x < 0) status_line("extra-fork-failed %s", strerror(errno));
    else status_line("extra %d", x);
  }

  if (bomb_cmd) {
    /* Wait for the go file, reaping meanwhile. */
    while (go_file && !exists(go_file)) {
      int st;
      pid_t p;
      while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
        if (p == victim) {
          victim_done = 1;
          victim_status = st;
          note_victim_end(st);
        }
      }
      if (victim_done && !keep) return exit_code_of(victim_status);
      struct timespec ts = {0, 5 * 1000 * 1000};
      nanosleep(&ts, NULL);
    }
    char *bomb_argv[] = {"/bin/sh", "-c", (char *)bomb_cmd, NULL};
    pid_t bomb = spawn(&bomb_o, bomb_argv);
    if (bomb < 0) status_line("bomb-fork-failed %s", strerror(errno));
    else status_line("bomb %d", bomb);
  }

  for (;;) {
    int st;
    pid_t p = waitpid(-1, &st, 0);
    if (p < 0) {
      if (errno == EINTR) continue;
      if (errno == ECHILD) {
        if (!keep || victim_done) break;
        pause(); /* nothing to reap; only a signal (alarm, SIGKILL from outside) ends this */
        continue;
      }
      perror("sbinit: waitpid");
      break;
    }
    if (p == victim) {
      victim_done = 1;
      victim_status = st;
      note_victim_end(st);
      if (!keep) break;
    }
  }
  return victim_done ? exit_code_of(victim_status) : 0;
}
