/* A user's C program: two threads bump one counter, without a lock ("racy") or under a pthread mutex
 * ("locked"). Compiled as C99 against the installed <lockstep/lockstep.h>. */
#include <lockstep/lockstep.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#if !defined(__STDC_VERSION__) || __STDC_VERSION__ != 199901L
#error "this program checks that lockstep.h works from C99: compile it with -std=c99"
#endif

static int hits = 0;
static int use_lock = 0;
static pthread_mutex_t hits_mutex = PTHREAD_MUTEX_INITIALIZER;

static void *bump(void *unused) {
  (void)unused;
  if (use_lock) pthread_mutex_lock(&hits_mutex);
  LOCKSTEP_WRITE(hits);
  ++hits;
  if (use_lock) pthread_mutex_unlock(&hits_mutex);
  return NULL;
}

int main(int argc, char **argv) {
  pthread_t other;
  if (argc != 2 || (strcmp(argv[1], "racy") != 0 && strcmp(argv[1], "locked") != 0)) {
    fprintf(stderr, "usage: %s racy|locked\n", argv[0]);
    return 2;
  }
  use_lock = strcmp(argv[1], "locked") == 0;
  lockstep_name_current_thread("c-main");
  if (pthread_create(&other, NULL, bump, NULL) != 0) return 1;
  bump(NULL); /* unordered with the other thread's bump unless both lock */
  pthread_join(other, NULL);
  printf("hits=%d\n", hits);
  return 0;
}
