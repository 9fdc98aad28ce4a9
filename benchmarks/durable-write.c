/*
 * The raw durable-write limit of this machine for small blobs: the sequence the file backend
 * promises for every commit, and nothing else. THREADS threads, each in a loop for SECONDS:
 *
 *   create a unique temp file in DIR, write SIZE bytes, fsync it,
 *   hard-link it to its final name in one of 256 shard directories, fsync that directory,
 *   unlink the temp file.
 *
 * Prints one line: "durable-write threads=T size=S ops=N seconds=X ops_per_s=Y". Operations under
 * way when SECONDS are up are finished and counted, and so is their time. Names carry the process
 * id, so runs may share DIR.
 * Built and run by benchmarks/run.sh: cc -O2 -Wall -Wextra -pthread -o durable-write durable-write.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *dir;
static size_t size;
static atomic_long ops;
static atomic_int stop;
static char *payload;
static long pid;

static void die(const char *what, const char *path) {
  fprintf(stderr, "durable-write: %s %s: %s\n", what, path, strerror(errno));
  exit(1);
}

static void *writer(void *arg) {
  long thread = (long) arg;
  char temp[4096], final[4096], shard[4096];
  for (long i = 0; !atomic_load(&stop); i++) {
    unsigned shard_no = (unsigned) ((thread * 7919 + i * 104729) & 0xff);
    snprintf(temp, sizeof temp, "%s/.tmp-%ld-%ld-%ld", dir, pid, thread, i);
    snprintf(shard, sizeof shard, "%s/%02x", dir, shard_no);
    snprintf(final, sizeof final, "%s/%02x/blob-%ld-%ld-%ld", dir, shard_no, pid, thread, i);
    int fd = open(temp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) die("open", temp);
    for (size_t done = 0; done < size;) {
      ssize_t n = write(fd, payload + done, size - done);
      if (n < 0) die("write", temp);
      done += (size_t) n;
    }
    if (fsync(fd) != 0) die("fsync", temp);
    if (link(temp, final) != 0) die("link", final);
    int dfd = open(shard, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) die("open", shard);
    if (fsync(dfd) != 0) die("fsync", shard);
    close(dfd);
    if (unlink(temp) != 0) die("unlink", temp);
    close(fd);
    atomic_fetch_add(&ops, 1);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: durable-write DIR THREADS SECONDS SIZE\n");
    return 2;
  }
  dir = argv[1];
  int threads = atoi(argv[2]);
  int seconds = atoi(argv[3]);
  size = (size_t) atol(argv[4]);
  if (threads < 1 || threads > 1024 || seconds < 1 || size > (64u << 20)) {
    fprintf(stderr, "durable-write: THREADS 1..1024, SECONDS >= 1, SIZE <= 64 MiB\n");
    return 2;
  }
  pid = (long) getpid();
  payload = malloc(size ? size : 1);
  if (payload == NULL) die("malloc", "payload");
  for (size_t i = 0; i < size; i++) payload[i] = (char) (i * 31 + 7);
  for (int s = 0; s < 256; s++) {
    char shard[4096];
    snprintf(shard, sizeof shard, "%s/%02x", dir, s);
    if (mkdir(shard, 0700) != 0 && errno != EEXIST) die("mkdir", shard);
  }
  pthread_t *ids = calloc((size_t) threads, sizeof *ids);
  if (ids == NULL) die("calloc", "threads");
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long t = 0; t < threads; t++) {
    errno = pthread_create(&ids[t], NULL, writer, (void *) t);
    if (errno != 0) die("pthread_create", "writer");
  }
  sleep((unsigned) seconds);
  atomic_store(&stop, 1);
  for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double elapsed = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
  long n = atomic_load(&ops);
  printf("durable-write threads=%d size=%zu ops=%ld seconds=%.3f ops_per_s=%.1f\n", threads, size, n, elapsed,
      n / elapsed);
  return 0;
}
