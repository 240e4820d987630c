/*
** CSV writer kernel (see csv.h): rows formatted in blocks by worker
** threads, each block into a buffer of its own, and written in order by the
** calling thread with one write() per block. A buffer is reused once its
** block is written, so memory stays at nbuf buffers whatever the frame's
** size. Numbers: csv_fmtdouble (shortest, exact); text always quoted, with
** its quotes doubled; missing values as the 'na' string, bare.
*/
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "ointr.h"
#include "data/csv.h"


size_t csv_wrowmax (csv_wcol *cols, size_t k, const csv_wopts *o) {
  size_t j, i, row = 0;
  for (j = 0; j < k; j++) {
    size_t w = CSV_NUMLEN;  /* csv_fmtdouble's room, scratch included */
    csv_wcol *c = &cols[j];
    if (c->lev) {
      w = 0;
      for (i = 0; i < c->nlev; i++) {
        csv_wlevel *l = &c->lev[i];
        size_t q = 0, n;
        const char *s = l->s, *e = l->s + l->len;
        while (s < e && (s = (const char *)memchr(s, '"', (size_t)(e - s))) != NULL) {
          q++; s++;
        }
        l->nq = q;
        if (l->len > ((size_t)-1) / 4) return 0;
        n = l->len + q + 2;
        if (n > w) w = n;
      }
    }
    if (o->nalen > w) w = o->nalen;
    if (w > ((size_t)-1) / 4 - row) return 0;
    row += w + 1;  /* the separator or the line break */
  }
  return row + 1;
}

/* a level in quotes, its quotes doubled */
static char *puttext (char *p, const csv_wlevel *l) {
  *p++ = '"';
  if (l->nq == 0) {
    memcpy(p, l->s, l->len);
    p += l->len;
  }
  else {
    size_t i;
    for (i = 0; i < l->len; i++) {
      if (l->s[i] == '"') *p++ = '"';
      *p++ = l->s[i];
    }
  }
  *p++ = '"';
  return p;
}

typedef struct wjob {
  const csv_wcol *cols;
  size_t k, n;
  const csv_wopts *o;
  char *work;                 /* nbuf buffers of bufsize bytes */
  size_t bufsize, rpb, nblocks;  /* rows per block, blocks */
  int nbuf;
  size_t len[CSV_WMAXBUF];    /* bytes formatted into each buffer */
  size_t ready[CSV_WMAXBUF];  /* the block in it + 1, 0 while none */
  size_t owner[CSV_WMAXBUF];  /* the block that may fill it next */
  size_t next;                /* the next block to format */
  int stop;                   /* an error or an interrupt: everyone stops */
  pthread_mutex_t mu;
  pthread_cond_t cv;
} wjob;

/* rows r0 .. r1 - 1 into out; returns the bytes (at most rpb * rowmax) */
static size_t format_rows (const wjob *W, size_t r0, size_t r1, char *out) {
  const csv_wopts *o = W->o;
  char *p = out;
  size_t r, j;
  for (r = r0; r < r1; r++) {
    for (j = 0; j < W->k; j++) {
      const csv_wcol *c = &W->cols[j];
      double v = c->x[r];
      if (j) *p++ = o->sep;
      if (isnan(v)) { memcpy(p, o->na, o->nalen); p += o->nalen; }
      else if (c->lev) p = puttext(p, &c->lev[(size_t)v - 1]);
      else p = csv_fmtdouble(p, v);
    }
    *p++ = '\n';
  }
  return (size_t)(p - out);
}

/* all of s[0..n-1] to fd; 0 with *err set on failure */
static int writeall (int fd, const char *s, size_t n, int *err) {
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      *err = errno;
      return 0;
    }
    s += w; n -= (size_t)w;
  }
  return 1;
}

static void *worker (void *arg) {
  wjob *W = (wjob *)arg;
  for (;;) {
    size_t b, slot, r0, r1, len;
    int stop;
    pthread_mutex_lock(&W->mu);
    if (W->stop || W->next >= W->nblocks) {
      pthread_mutex_unlock(&W->mu);
      break;
    }
    b = W->next++;
    slot = b % (size_t)W->nbuf;
    while (W->owner[slot] != b && !W->stop) pthread_cond_wait(&W->cv, &W->mu);
    stop = W->stop;
    pthread_mutex_unlock(&W->mu);
    if (stop) break;
    r0 = b * W->rpb;
    r1 = r0 + W->rpb < W->n ? r0 + W->rpb : W->n;
    len = format_rows(W, r0, r1, W->work + slot * W->bufsize);
    pthread_mutex_lock(&W->mu);
    W->len[slot] = len;
    W->ready[slot] = b + 1;
    pthread_cond_broadcast(&W->cv);
    pthread_mutex_unlock(&W->mu);
  }
  return NULL;
}

static void stopall (wjob *W) {
  pthread_mutex_lock(&W->mu);
  W->stop = 1;
  pthread_cond_broadcast(&W->cv);
  pthread_mutex_unlock(&W->mu);
}

/* the header: names in quotes, through buffer 0 */
static int header (int fd, const csv_wlevel *names, size_t k, char sep,
                   char *buf, size_t bufsize, int *err) {
  size_t j, len = 0;
  for (j = 0; j < k; j++) {
    const csv_wlevel *l = &names[j];
    size_t need = 2 * l->len + 4;
    if (need > bufsize) {  /* a name longer than a buffer: by pieces */
      size_t i;
      if (!writeall(fd, buf, len, err)) return 0;
      len = 0;
      if (j && !writeall(fd, &sep, 1, err)) return 0;
      if (!writeall(fd, "\"", 1, err)) return 0;
      for (i = 0; i < l->len; i++) {
        if (l->s[i] == '"' && !writeall(fd, "\"", 1, err)) return 0;
        if (!writeall(fd, l->s + i, 1, err)) return 0;
      }
      if (!writeall(fd, "\"", 1, err)) return 0;
      continue;
    }
    if (need > bufsize - len) {
      if (!writeall(fd, buf, len, err)) return 0;
      len = 0;
    }
    if (j) buf[len++] = sep;
    {
      csv_wlevel q = *l;
      size_t i;
      q.nq = 0;
      for (i = 0; i < l->len; i++) q.nq += l->s[i] == '"';
      len = (size_t)(puttext(buf + len, &q) - buf);
    }
  }
  if (k) buf[len++] = '\n';
  return writeall(fd, buf, len, err);
}

int csv_write (int fd, const csv_wlevel *names, const csv_wcol *cols,
               size_t k, size_t n, const csv_wopts *o, size_t rowmax,
               char *work, size_t bufsize, int nbuf, int *err) {
  wjob W;
  pthread_t tid[CSV_WMAXBUF];
  int nthr = 0, t, i;
  size_t b;
  *err = 0;
  if (!header(fd, names, k, o->sep, work, bufsize, err)) return CSV_EIO;
  if (n == 0 || k == 0) return CSV_OK;
  memset(&W, 0, sizeof W);
  W.cols = cols; W.k = k; W.n = n; W.o = o;
  W.work = work; W.bufsize = bufsize; W.nbuf = nbuf;
  W.rpb = bufsize / rowmax;
  W.nblocks = (n + W.rpb - 1) / W.rpb;
  for (i = 0; i < nbuf; i++) W.owner[i] = (size_t)i;
  t = nbuf / 2;  /* two buffers a thread: one being written, one filled */
  if ((size_t)t > W.nblocks) t = (int)W.nblocks;
  if (t >= 1 && W.nblocks > 1) {
    pthread_mutex_init(&W.mu, NULL);
    pthread_cond_init(&W.cv, NULL);
    for (i = 0; i < t; i++)
      if (pthread_create(&tid[nthr], NULL, worker, &W) == 0) nthr++;
    if (nthr == 0) {
      pthread_mutex_destroy(&W.mu);
      pthread_cond_destroy(&W.cv);
    }
  }
  if (nthr == 0) {  /* on this thread: format a block, write it */
    for (b = 0; b < W.nblocks; b++) {
      size_t r0 = b * W.rpb, r1 = r0 + W.rpb < n ? r0 + W.rpb : n;
      if (ORR_INTERRUPTED()) return CSV_EINTR;
      if (!writeall(fd, work, format_rows(&W, r0, r1, work), err)) return CSV_EIO;
    }
    return CSV_OK;
  }
  for (b = 0; b < W.nblocks; b++) {
    size_t slot = b % (size_t)nbuf, len;
    int stop;
    pthread_mutex_lock(&W.mu);
    while (W.ready[slot] != b + 1 && !W.stop) pthread_cond_wait(&W.cv, &W.mu);
    len = W.len[slot];
    stop = W.stop;
    pthread_mutex_unlock(&W.mu);
    if (stop) break;
    if (ORR_INTERRUPTED()) { stopall(&W); break; }
    if (!writeall(fd, work + slot * bufsize, len, err)) { stopall(&W); break; }
    pthread_mutex_lock(&W.mu);
    W.ready[slot] = 0;
    W.owner[slot] = b + (size_t)nbuf;
    pthread_cond_broadcast(&W.cv);
    pthread_mutex_unlock(&W.mu);
  }
  for (i = 0; i < nthr; i++) pthread_join(tid[i], NULL);
  pthread_mutex_destroy(&W.mu);
  pthread_cond_destroy(&W.cv);
  if (*err) return CSV_EIO;
  if (W.stop) return CSV_EINTR;
  return CSV_OK;
}
