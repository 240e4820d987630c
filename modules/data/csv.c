/*
** CSV kernel (see csv.h). Each chunk is read in one pass that types every
** column and stores numbers as it goes; a column that turns text at row r
** of a chunk is interned from r on, and the rows of each chunk read before
** their column was known to be text are read again, as text, in a second,
** partial pass (only when there are such columns), so a numeric file is
** read exactly once. The rows of chunk i go to x[row0 .. row0 + cap - 1],
** cap being its line breaks: exact for a file without blank lines or line
** breaks in quotes; otherwise the rows are moved down at the end.
*/
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "ointr.h"
#include "data/csv.h"

/* character classes */
#define C_SEP   1
#define C_EOL   2
#define C_NUL   3

#define ISDIGIT(c)  ((unsigned)((c) - '0') < 10u)

#define MAXCHUNK    64          /* threads at most */

/* the number scanner, into the loop over fields: 7% of a parse */
#if defined(__GNUC__)
#define INLINE  static inline __attribute__((always_inline))
#else
#define INLINE  static inline
#endif
#define CSV_ESPEC   100         /* a chunk outgrew its rows: a wrong guess */


/* ---------------------------------------------------------------------- */
/* memory                                                                  */
/* ---------------------------------------------------------------------- */

/* the allocator, and the lock it is called under while threads run */
typedef struct mem {
  csv_allocf f;
  void *ud;
  pthread_mutex_t *lock;
} mem;

static mem pmem (const csv_t *P) {
  mem M;
  M.f = P->alloc; M.ud = P->ud; M.lock = NULL;
  return M;
}

static void *alloccall (const mem *M, void *p, size_t osize, size_t nsize) {
  void *np;
  if (M->lock) pthread_mutex_lock(M->lock);
  np = M->f(M->ud, p, osize, nsize);
  if (M->lock) pthread_mutex_unlock(M->lock);
  return np;
}

/* n elements of size sz, overflow-checked; NULL on failure */
static void *grow (const mem *M, void *p, size_t oldn, size_t n, size_t sz) {
  if (n != 0 && sz > ((size_t)-1) / 2 / n) return NULL;
  return alloccall(M, p, oldn * sz, n * sz);
}

static void release (const mem *M, void *p, size_t bytes) {
  if (p) alloccall(M, p, bytes, 0);
}

/* makes room for 'more' bytes in a growable byte array */
static int reserve (const mem *M, char **a, size_t len, size_t *cap,
                    size_t more) {
  size_t ncap;
  char *np;
  if (more <= *cap - len) return 1;
  if (more > ((size_t)-1) / 4 - len) return 0;
  ncap = *cap ? *cap : 64;
  while (ncap - len < more) ncap *= 2;
  np = (char *)alloccall(M, *a, *cap, ncap);
  if (np == NULL) return 0;
  *a = np; *cap = ncap;
  return 1;
}

void csv_init (csv_t *P, csv_allocf f, void *ud) {
  memset(P, 0, sizeof *P);
  P->alloc = f;
  P->ud = ud;
}


/* ---------------------------------------------------------------------- */
/* chunks                                                                  */
/* ---------------------------------------------------------------------- */

typedef struct ccol {         /* a column within one chunk */
  int text;                   /* turned text in this chunk ... */
  size_t textrow;             /* ... at this row */
  csv_level *lev;             /* the chunk's levels, first seen first */
  size_t nlev, levcap;
  uint64_t *slot;             /* open addressing: hash's high 32 bits, then
                                 level index + 1 (0 = empty) */
  size_t nslot;
  size_t *ord;                /* the levels in C byte order (merge) */
  double *code;               /* each level's final code (merge) */
} ccol;

struct csv_chunk {
  csv_t *P;
  mem M;
  const char *start, *stop;   /* the records that start in [start, stop) */
  const char *at;             /* where the parse stopped: stop if it guessed
                                 right (or at the end of the text) */
  size_t row0, cap, nrow;     /* its rows go to x[row0 ..], cap at most */
  size_t lines;               /* line breaks from start to at */
  ccol *cols;                 /* ncol, made by csv_rows */
  char *arena;                /* its level strings */
  size_t alen, acap;
  char *scratch;              /* a quoted field with doubled quotes, unescaped */
  size_t slen, scap;
  int status;
  size_t errline;             /* the error's line, counted from start ... */
  int lined;                  /* ... if msg follows "line N" */
  char msg[160];
};

typedef struct csv_chunk csv_chunk;

static void chunk_init (csv_chunk *K, csv_t *P) {
  memset(K, 0, sizeof *K);
  K->P = P;
  K->M = pmem(P);
}

/* frees what the chunk holds, keeping its plan (start, stop, rows) */
static void chunk_clear (csv_chunk *K) {
  size_t j, k = K->P->ncol;
  const mem *M = &K->M;
  if (K->cols) {
    for (j = 0; j < k; j++) {
      ccol *c = &K->cols[j];
      release(M, c->lev, c->levcap * sizeof(csv_level));
      release(M, c->slot, c->nslot * sizeof(uint64_t));
      release(M, c->ord, c->nlev * sizeof(size_t));
      release(M, c->code, c->nlev * sizeof(double));
    }
    release(M, K->cols, k * sizeof(ccol));
  }
  release(M, K->arena, K->acap);
  release(M, K->scratch, K->scap);
  K->cols = NULL; K->arena = NULL; K->scratch = NULL;
  K->alen = K->acap = K->slen = K->scap = 0;
}

/* an error on a line: msg is what follows "line N" */
static int lineerr (csv_chunk *K, int status, size_t line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(K->msg, sizeof K->msg, fmt, ap);
  va_end(ap);
  K->errline = line;
  K->lined = 1;
  return status;
}

static int plainerr (csv_chunk *K, int status, const char *msg) {
  snprintf(K->msg, sizeof K->msg, "%s", msg);
  K->lined = 0;
  return status;
}

static int nomem (csv_chunk *K) {
  return plainerr(K, CSV_ENOMEM, "not enough memory");
}

/* the chunk's error in P->msg, its line counted from 'base' */
static int seterror (csv_t *P, const csv_chunk *K, size_t base, int status) {
  if (K->lined)
    snprintf(P->msg, sizeof P->msg, "line %zu%s", base + K->errline, K->msg);
  else
    snprintf(P->msg, sizeof P->msg, "%s", K->msg);
  return status;
}

/* frees the chunks and the plan */
static void freechunks (csv_t *P) {
  size_t i;
  mem M = pmem(P);
  if (P->chunks == NULL) return;
  for (i = 0; i < P->nchunk; i++) chunk_clear(&P->chunks[i]);
  release(&M, P->chunks, P->nchunk * sizeof(csv_chunk));
  P->chunks = NULL;
  P->nchunk = 0;
}

void csv_free (csv_t *P) {
  size_t j;
  mem M = pmem(P);
  freechunks(P);
  if (P->cols) {
    for (j = 0; j < P->ncol; j++) {
      csv_col *c = &P->cols[j];
      if (!c->ext) release(&M, c->x, c->xcap * sizeof(double));
      release(&M, c->lev, c->levcap * sizeof(csv_level));
    }
    release(&M, P->cols, P->ncol * sizeof(csv_col));
  }
  release(&M, P->names, P->namecap * sizeof(csv_span));
  release(&M, P->arena, P->acap);
  P->cols = NULL; P->names = NULL; P->arena = NULL;
  P->ncol = P->nrow = P->cap = P->acap = P->alen = 0;
  P->namecap = 0;
}


/* ---------------------------------------------------------------------- */
/* numbers                                                                 */
/* ---------------------------------------------------------------------- */

static const double pow10tab[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
  1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

#define TWO53  9007199254740992ULL

static int lower (int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

/* does p start with the lower-case word w, in any case? */
static int word (const char *p, const char *w) {
  for (; *w; p++, w++)
    if (lower((unsigned char)*p) != *w) return 0;
  return 1;
}

#if (defined(__x86_64__) || defined(__i386__)) && LDBL_MANT_DIG == 64
/*
** Significands of up to 19 digits: the x87 extended format holds w and
** 10^0..10^27 exactly, so w * 10^e (or w / 10^e) is one correctly rounded
** operation to 64 bits, L. Rounding L to 53 bits can differ from rounding
** the exact value only when L sits exactly on a halfway point between two
** doubles (its low 11 bits are 10000000000): then we let strtod decide.
** Results are far from the subnormal range (|e| <= 27, w >= 1).
*/
#define HAVE_X87 1
static const long double lpow10[] = {
  1e0L, 1e1L, 1e2L, 1e3L, 1e4L, 1e5L, 1e6L, 1e7L, 1e8L, 1e9L, 1e10L, 1e11L,
  1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L, 1e21L,
  1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L
};

static int x87path (uint64_t w, long e10, double *out) {
  long double l = e10 < 0 ? (long double)w / lpow10[-e10]
                          : (long double)w * lpow10[e10];
  uint64_t mant;
  memcpy(&mant, &l, sizeof mant);  /* the 64-bit significand comes first */
  if ((mant & 0x7FF) == 0x400) return 0;
  *out = (double)l;
  return 1;
}
#endif

/*
** Decimal digits at p into *w (which wraps past 19 digits: the caller counts
** them). Eight at a time where they fit before 'end': checked and combined
** within one 64-bit word -- pairs of digits, then pairs of pairs, then the
** two halves -- with no carry crossing a lane (each lane stays below its
** width: 99 < 2^8, 9999 < 2^16).
*/
INLINE const char *digits (const char *p, const char *end, uint64_t *w) {
  uint64_t x = *w;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  while (end - p >= 8) {
    uint64_t v;
    memcpy(&v, p, 8);  /* byte 0, the first digit, is the lowest */
    if ((v & 0xF0F0F0F0F0F0F0F0ULL) != 0x3030303030303030ULL ||
        ((v + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) != 0x3030303030303030ULL)
      break;  /* not eight digits ('0'..'9' keep high nibble 3 after + 6) */
    v -= 0x3030303030303030ULL;
    v = ((v * 10) + (v >> 8)) & 0x00FF00FF00FF00FFULL;     /* 10 d0 + d1, ... */
    v = ((v * 100) + (v >> 16)) & 0x0000FFFF0000FFFFULL;   /* 4-digit lanes */
    x = x * 100000000u + (v & 0xFFFFFFFFu) * 10000u + (v >> 32);
    p += 8;
  }
#else
  (void)end;
#endif
  while (ISDIGIT(*p)) { x = x * 10 + (uint64_t)(*p - '0'); p++; }
  *w = x;
  return p;
}

/*
** Scans a number at p (spaces and tabs around it, except the separator
** 'sep'); returns the position after it, or NULL if p holds none. The
** caller checks that a delimiter follows.
*/
INLINE const char *scan_number (const char *p, const char *end, int sep,
                       double *out) {
  const char *s0, *q, *ds, *ie, *f = NULL;
  uint64_t w = 0;
  int neg = 0;
  long nd, e10 = 0;
  double v;
  while ((*p == ' ' || *p == '\t') && *p != sep) p++;
  s0 = p;
  if (*p == '-') { neg = 1; p++; }
  else if (*p == '+') p++;
  q = p;
  while (*p == '0') p++;             /* leading zeros are not significant */
  ds = p;
  p = digits(p, end, &w);
  ie = p;
  nd = (long)(ie - ds);              /* w overflows past 19: nd says so */
  if (*p == '.') {
    const char *fd;
    f = ++p;
    if (nd == 0) while (*p == '0') p++;
    fd = p;
    p = digits(p, end, &w);
    nd += (long)(p - fd);
    e10 = -(long)(p - f);
  }
  if (ie == q && (f == NULL || p == f)) {  /* no digits: inf, infinity, nan */
    p = q;
    if (word(p, "infinity")) { p += 8; v = HUGE_VAL; }
    else if (word(p, "inf")) { p += 3; v = HUGE_VAL; }
    else if (word(p, "nan")) { p += 3; v = NAN; }
    else return NULL;
    *out = neg ? -v : v;
    while ((*p == ' ' || *p == '\t') && *p != sep) p++;
    return p;
  }
  if (*p == 'e' || *p == 'E') {
    const char *r = p + 1;
    int eneg = 0;
    long ev = 0;
    if (*r == '-') { eneg = 1; r++; }
    else if (*r == '+') r++;
    if (!ISDIGIT(*r)) return NULL;
    for (; ISDIGIT(*r); r++)
      if (ev < 100000) ev = ev * 10 + (*r - '0');
    e10 += eneg ? -ev : ev;
    p = r;
  }
  if (nd == 0) v = 0.0;
#if FLT_EVAL_METHOD == 0
  else if (nd <= 19 && w <= TWO53 && e10 >= -22 && e10 <= 22)
    /* both operands exact: one correctly rounded operation (Clinger) */
    v = e10 < 0 ? (double)w / pow10tab[-e10] : (double)w * pow10tab[e10];
  else if (nd <= 19 && w <= TWO53 && e10 > 22 && e10 <= 22 + 15 &&
           w <= TWO53 / (uint64_t)pow10tab[e10 - 22])
    v = (double)(w * (uint64_t)pow10tab[e10 - 22]) * 1e22;
#endif
#ifdef HAVE_X87
  else if (nd <= 19 && e10 >= -27 && e10 <= 27 && x87path(w, e10, &v)) ;
#endif
  else {
    v = strtod(s0, NULL);  /* reads exactly the characters validated above */
    neg = 0;
  }
  *out = neg ? -v : v;
  while ((*p == ' ' || *p == '\t') && *p != sep) p++;
  return p;
}


int csv_number (const char *s, size_t n, double *x) {
  const char *e = scan_number(s, s + n, 0, x);
  return e != NULL && e == s + n;
}



/* ---------------------------------------------------------------------- */
/* fields                                                                  */
/* ---------------------------------------------------------------------- */

typedef struct field {
  const char *s;        /* content (in the buffer, or the scratch) */
  size_t len;
  int quoted;
} field;

typedef struct cursor {
  const char *buf, *end;
  size_t line;          /* line breaks read (in a chunk: since its start) */
  int sep;
} cursor;

/* is p at a delimiter: the separator, a line break or the end? */
static int atdelim (const csv_t *P, const cursor *C, const char *p) {
  int c = P->cls[(unsigned char)*p];
  return c != 0 && (c != C_NUL || p == C->end);
}

static const char *skipblank (const cursor *C, const char *p) {
  while ((*p == ' ' || *p == '\t') && *p != C->sep) p++;
  return p;
}

/* line breaks in s[0..n-1]: LF, CRLF and a lone CR count once each */
static size_t countlines (const char *s, size_t n) {
  size_t i, k = 0;
  for (i = 0; i < n; i++)
    if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n'))) k++;
  return k;
}

/*
** Scans the field at p; returns the delimiter after it, or NULL with the
** error in the chunk (*status set). The content of a quoted field with
** doubled quotes is unescaped into the chunk's scratch buffer (NUL-
** terminated), valid until the next call.
*/
static const char *scan_field (csv_chunk *K, cursor *C, const char *p,
                               field *f, int *status) {
  const csv_t *P = K->P;
  const char *q, *r;
  size_t startline = C->line;
  int copied = 0;
  if (*p != '"' || p == C->end) {
    for (q = p; !atdelim(P, C, q); q++) ;
    f->s = p; f->len = (size_t)(q - p); f->quoted = 0;
    return q;
  }
  q = p + 1;
  K->slen = 0;
  for (;;) {
    r = (const char *)memchr(q, '"', (size_t)(C->end - q));
    if (r == NULL) {
      *status = lineerr(K, CSV_EQUOTE, startline, ": a quoted field is not closed");
      return NULL;
    }
    /* a CR just before the quote followed by LF inside is counted by its LF */
    C->line += countlines(q, (size_t)(r - q));
    if (r + 1 < C->end && r[1] == '"') {  /* a doubled quote */
      size_t n = (size_t)(r + 1 - q);
      if (!reserve(&K->M, &K->scratch, K->slen, &K->scap, n + 1)) {
        *status = nomem(K);
        return NULL;
      }
      memcpy(K->scratch + K->slen, q, n);
      K->slen += n;
      copied = 1;
      q = r + 2;
      continue;
    }
    if (copied) {
      size_t n = (size_t)(r - q);
      if (!reserve(&K->M, &K->scratch, K->slen, &K->scap, n + 1)) {
        *status = nomem(K);
        return NULL;
      }
      memcpy(K->scratch + K->slen, q, n);
      K->slen += n;
      K->scratch[K->slen] = '\0';
      f->s = K->scratch; f->len = K->slen;
    }
    else { f->s = p + 1; f->len = (size_t)(r - p - 1); }
    f->quoted = 1;
    q = skipblank(C, r + 1);
    if (!atdelim(P, C, q)) {
      *status = lineerr(K, CSV_EQUOTE, C->line,
                        ": unexpected text after a closing quote");
      return NULL;
    }
    return q;
  }
}

/* steps over the line break at p (p is at a delimiter that is not sep) */
static const char *endrecord (cursor *C, const char *p) {
  if (p == C->end) return p;
  if (*p == '\r') { p++; if (p < C->end && *p == '\n') p++; }
  else p++;  /* '\n' */
  C->line++;
  return p;
}

static int is_na (const csv_opts *o, const field *f) {
  size_t i;
  if (f->quoted) return 0;  /* "NA" in quotes is text */
  for (i = 0; i < o->nna; i++)
    if (o->nalen[i] == f->len && memcmp(o->na[i], f->s, f->len) == 0) return 1;
  return 0;
}


/*
** Missing in a column that is still numeric, as R's type.convert: a field of
** nothing but blanks, or a marker even in quotes (a writer that quotes every
** field must not turn a numeric column into text). Text columns keep quoted
** markers and blank fields as text (is_na).
*/
static int numeric_na (const csv_opts *o, const field *f) {
  size_t i;
  for (i = 0; i < f->len && (f->s[i] == ' ' || f->s[i] == '\t'); i++) ;
  if (i == f->len) return 1;
  for (i = 0; i < o->nna; i++)
    if (o->nalen[i] == f->len && memcmp(o->na[i], f->s, f->len) == 0) return 1;
  return 0;
}


/* ---------------------------------------------------------------------- */
/* levels                                                                  */
/* ---------------------------------------------------------------------- */

static uint64_t hashbytes (const char *s, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n;
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 31;
    s += 8; n -= 8;
  }
  if (n) {
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0x94D049BB133111EBULL;
    h ^= h >> 29;
  }
  h *= 0xBF58476D1CE4E5B9ULL;
  return h ^ (h >> 32);
}

static int rehash (csv_chunk *K, ccol *c) {
  size_t n = c->nslot ? c->nslot * 2 : 16, i;
  uint64_t *slot = (uint64_t *)grow(&K->M, NULL, 0, n, sizeof(uint64_t));
  if (slot == NULL) return 0;
  memset(slot, 0, n * sizeof(uint64_t));
  for (i = 0; i < c->nlev; i++) {
    size_t k = (size_t)c->lev[i].hash & (n - 1);
    while (slot[k]) k = (k + 1) & (n - 1);
    slot[k] = (c->lev[i].hash & 0xFFFFFFFF00000000ULL) | (uint64_t)(i + 1);
  }
  release(&K->M, c->slot, c->nslot * sizeof(uint64_t));
  c->slot = slot; c->nslot = n;
  return 1;
}

/* the 1-based provisional code of s in column c of the chunk (added if
   new); 0: no memory */
static double intern (csv_chunk *K, ccol *c, const char *s, size_t n) {
  uint64_t h = hashbytes(s, n);
  size_t k;
  if (2 * (c->nlev + 1) > c->nslot && !rehash(K, c)) return 0;
  for (k = (size_t)h & (c->nslot - 1); c->slot[k]; k = (k + 1) & (c->nslot - 1)) {
    size_t i;
    /* the high bits in the slot spare a visit to the level on a mismatch */
    if ((c->slot[k] ^ h) & 0xFFFFFFFF00000000ULL) continue;
    i = (size_t)(c->slot[k] & 0xFFFFFFFFu) - 1;
    if (c->lev[i].hash == h && c->lev[i].len == n &&
        memcmp(K->arena + c->lev[i].off, s, n) == 0)
      return (double)(i + 1);
  }
  if (c->nlev == c->levcap) {
    size_t ncap = c->levcap ? 2 * c->levcap : 16;
    csv_level *lev;
    if (ncap >= 0xFFFFFFFFu) return 0;
    lev = (csv_level *)grow(&K->M, c->lev, c->levcap, ncap, sizeof(csv_level));
    if (lev == NULL) return 0;
    c->lev = lev; c->levcap = ncap;
  }
  if (!reserve(&K->M, &K->arena, K->alen, &K->acap, n + 1)) return 0;
  if (n) memcpy(K->arena + K->alen, s, n);
  c->lev[c->nlev].off = K->alen;
  c->lev[c->nlev].len = n;
  c->lev[c->nlev].hash = h;
  K->alen += n;
  c->slot[k] = (h & 0xFFFFFFFF00000000ULL) | (uint64_t)(c->nlev + 1);
  c->nlev++;
  return (double)c->nlev;
}

/* C byte order: memcmp on the common prefix, then the shorter first */
static int bytecmp (const char *a, size_t la, const char *b, size_t lb) {
  int c = memcmp(a, b, la < lb ? la : lb);
  if (c != 0) return c;
  return (la > lb) - (la < lb);
}

typedef struct sortlev { const char *s; size_t len; size_t id; } sortlev;

static int cmp_sortlev (const void *pa, const void *pb) {
  const sortlev *a = (const sortlev *)pa, *b = (const sortlev *)pb;
  return bytecmp(a->s, a->len, b->s, b->len);
}

/* c->ord: the chunk's levels of c in C byte order (they are distinct) */
static int sortlevels (csv_chunk *K, ccol *c) {
  size_t i, n = c->nlev;
  sortlev *v;
  if (n == 0) return 1;
  c->ord = (size_t *)grow(&K->M, NULL, 0, n, sizeof(size_t));
  c->code = (double *)grow(&K->M, NULL, 0, n, sizeof(double));
  v = (sortlev *)grow(&K->M, NULL, 0, n, sizeof(sortlev));
  if (c->ord == NULL || c->code == NULL || v == NULL) {
    release(&K->M, v, n * sizeof(sortlev));
    return 0;  /* ord and code are freed with the chunk */
  }
  for (i = 0; i < n; i++) {
    v[i].s = K->arena + c->lev[i].off; v[i].len = c->lev[i].len; v[i].id = i;
  }
  qsort(v, n, sizeof(sortlev), cmp_sortlev);
  for (i = 0; i < n; i++) c->ord[i] = v[i].id;
  release(&K->M, v, n * sizeof(sortlev));
  return 1;
}


/* ---------------------------------------------------------------------- */
/* records                                                                 */
/* ---------------------------------------------------------------------- */

/* the header (or the first record, for its width): names when 'keep' */
static int read_header (csv_chunk *H, cursor *C, const char *p, int keep,
                        const char **next) {
  csv_t *P = H->P;
  mem M = pmem(P);
  size_t k = 0;
  int status = CSV_OK;
  for (;;) {
    field f;
    const char *q = scan_field(H, C, p, &f, &status);
    if (q == NULL) return status;
    if (k == P->namecap) {
      size_t ncap = P->namecap ? 2 * P->namecap : 16;
      csv_span *nn = (csv_span *)grow(&M, P->names, P->namecap, ncap, sizeof(csv_span));
      if (nn == NULL) return nomem(H);
      P->names = nn; P->namecap = ncap;
    }
    P->names[k].off = 0; P->names[k].len = 0;
    if (keep) {
      if (!reserve(&M, &P->arena, P->alen, &P->acap, f.len + 1)) return nomem(H);
      if (f.len) memcpy(P->arena + P->alen, f.s, f.len);
      P->names[k].off = P->alen; P->names[k].len = f.len;
      P->alen += f.len;
    }
    k++;
    if (P->cls[(unsigned char)*q] == C_SEP && q < C->end) { p = q + 1; continue; }
    *next = endrecord(C, q);
    break;
  }
  P->ncol = k;
  return CSV_OK;
}

/* ragged record: counts the rest of its fields for the message */
static int ragged (csv_chunk *K, cursor *C, const char *p, size_t j,
                   size_t rowline) {
  const csv_t *P = K->P;
  int status = CSV_OK;
  field f;
  for (;;) {
    const char *q = scan_field(K, C, p, &f, &status);
    if (q == NULL) return status;
    j++;
    if (P->cls[(unsigned char)*q] == C_SEP && q < C->end) p = q + 1;
    else break;
  }
  return lineerr(K, CSV_ERAGGED, rowline, " has %zu fields, expected %zu",
                 j, P->ncol);
}

/* a field that is not a number in a column read as numbers */
static int notnumber (csv_chunk *K, size_t line, size_t j, const field *f) {
  const csv_t *P = K->P;
  char name[48];
  int n = f->len > 40 ? 40 : (int)f->len;
  if (P->opts->header && P->names[j].len > 0)
    snprintf(name, sizeof name, "'%.*s'", P->names[j].len > 40 ? 40 : (int)P->names[j].len,
             P->arena + P->names[j].off);
  else
    snprintf(name, sizeof name, "V%zu", j + 1);
  return lineerr(K, CSV_ETYPE, line, ", column %s: \"%.*s%s\" is not a number",
                 name, n, f->s, f->len > 40 ? "..." : "");
}

/* room for 'cap' rows in column c; a caller's array is left for ours */
static int growcol (const mem *M, csv_col *c, size_t cap) {
  double *x;
  if (c->ext) {
    x = (double *)grow(M, NULL, 0, cap, sizeof(double));
    if (x == NULL) return 0;
    memcpy(x, c->x, (c->xcap < cap ? c->xcap : cap) * sizeof(double));
    c->ext = 0;
  }
  else {
    x = (double *)grow(M, c->x, c->xcap, cap, sizeof(double));
    if (x == NULL) return 0;
  }
  c->x = x; c->xcap = cap;
  return 1;
}

/* room for 'cap' rows in every column (a single chunk only); 0 when out of
   memory (each array keeps its own size, so csv_free is right whatever
   failed) */
static int growrows (csv_chunk *K, size_t cap) {
  csv_t *P = K->P;
  size_t j;
  for (j = 0; j < P->ncol; j++)
    if (P->cols[j].want != CSV_SKIP && !growcol(&K->M, &P->cols[j], cap))
      return 0;
  P->cap = K->cap = cap;
  return 1;
}

/*
** Parses the records that start in [K->start, K->stop), from a record's
** start (or so the plan guesses), into rows row0 .. of the columns.
*/
static int parse_chunk (csv_chunk *K) {
  csv_t *P = K->P;
  const csv_opts *o = P->opts;
  const char *p = K->start, *stop = K->stop;
  size_t k = P->ncol, j, row;
  int status = CSV_OK;
  cursor C;
  C.buf = P->buf; C.end = P->end; C.line = 0; C.sep = (unsigned char)o->sep;
  for (row = 0; ; row++) {
    size_t rowline, r;
    while (p < stop && (*p == '\n' || *p == '\r')) p = endrecord(&C, p);
    if (p >= stop) break;
    if ((row & 0xffff) == 0 && ORR_INTERRUPTED())
      return plainerr(K, CSV_EINTR, "interrupted");
    if (row == K->cap) {
      if (P->nchunk > 1) return plainerr(K, CSV_ESPEC, "too many rows");
      /* only a file mixing CR and LF line ends gets here */
      if (!growrows(K, K->cap + K->cap / 2 + 16)) return nomem(K);
    }
    rowline = C.line;
    r = K->row0 + row;
    for (j = 0; ; j++) {
      csv_col *c;
      ccol *cc;
      const char *q;
      double v;
      field f;
      if (j == k) return ragged(K, &C, p, j, rowline);
      c = &P->cols[j];
      cc = &K->cols[j];
      if (!cc->text && *p != '"' && c->want != CSV_SKIP &&
          (q = scan_number(p, C.end, C.sep, &v)) != NULL && atdelim(P, &C, q)) {
        /* the fast path: an unquoted number (unless it is a marker) */
        f.s = p; f.len = (size_t)(q - p); f.quoted = 0;
        c->x[r] = (P->numna && is_na(o, &f)) ? NAN : v;
      }
      else {
        q = scan_field(K, &C, p, &f, &status);
        if (q == NULL) return status;
        if (c->want == CSV_SKIP) ;
        else if (cc->text) {
          if (is_na(o, &f)) c->x[r] = NAN;
          else if ((c->x[r] = intern(K, cc, f.s, f.len)) == 0) return nomem(K);
        }
        else if (numeric_na(o, &f)) c->x[r] = NAN;
        else if (f.quoted && csv_number(f.s, f.len, &v)) c->x[r] = v;
        else if (c->want == CSV_NUMBER) return notnumber(K, rowline, j, &f);
        else {  /* the column turns text here */
          cc->text = 1;
          cc->textrow = row;
          if ((c->x[r] = intern(K, cc, f.s, f.len)) == 0) return nomem(K);
        }
      }
      p = q;
      if (P->cls[(unsigned char)*p] == C_SEP && p < C.end) { p++; continue; }
      if (j + 1 != k)
        return lineerr(K, CSV_ERAGGED, rowline, " has %zu fields, expected %zu",
                       j + 1, k);
      p = endrecord(&C, p);
      break;
    }
  }
  K->nrow = row;
  K->at = p;
  K->lines = C.line;
  return CSV_OK;
}

/*
** Second pass over a chunk: the rows of each text column read before the
** chunk knew it was text, read again as text; then each text column's
** levels sorted, for the merge.
*/
static int rescan_chunk (csv_chunk *K) {
  csv_t *P = K->P;
  const csv_opts *o = P->opts;
  size_t k = P->ncol, r, j, upto = 0;
  const char *p = K->start;
  int status = CSV_OK;
  cursor C;
  C.buf = P->buf; C.end = P->end; C.line = 0; C.sep = (unsigned char)o->sep;
  for (j = 0; j < k; j++) {
    ccol *cc = &K->cols[j];
    if (!P->cols[j].text) continue;
    if (!cc->text) { cc->text = 1; cc->textrow = K->nrow; }
    if (cc->textrow > upto) upto = cc->textrow;
  }
  for (r = 0; r < upto; r++) {
    while (*p == '\n' || *p == '\r') p = endrecord(&C, p);
    if ((r & 0xffff) == 0 && ORR_INTERRUPTED())
      return plainerr(K, CSV_EINTR, "interrupted");
    for (j = 0; j < k; j++) {
      field f;
      ccol *cc = &K->cols[j];
      const char *q = scan_field(K, &C, p, &f, &status);
      if (q == NULL) return status;  /* cannot happen: read once already */
      if (P->cols[j].text && r < cc->textrow) {
        double *x = &P->cols[j].x[K->row0 + r];
        if (is_na(o, &f)) *x = NAN;
        else if ((*x = intern(K, cc, f.s, f.len)) == 0) return nomem(K);
      }
      p = (j + 1 < k) ? q + 1 : endrecord(&C, q);
    }
  }
  for (j = 0; j < k; j++) {
    ccol *cc = &K->cols[j];
    /* every string is interned: the hash table goes before the merge */
    release(&K->M, cc->slot, cc->nslot * sizeof(uint64_t));
    cc->slot = NULL; cc->nslot = 0;
    if (P->cols[j].text && !sortlevels(K, cc)) return nomem(K);
  }
  return CSV_OK;
}

/* each text code of the chunk replaced by its final one */
static int remap_chunk (csv_chunk *K) {
  csv_t *P = K->P;
  size_t j, r;
  for (j = 0; j < P->ncol; j++) {
    const ccol *cc = &K->cols[j];
    double *x;
    if (!P->cols[j].text || P->cols[j].x == NULL) continue;  /* not kept: no buffer */
    x = P->cols[j].x + K->row0;
    for (r = 0; r < K->nrow; r++)
      if (!isnan(x[r])) x[r] = cc->code[(size_t)x[r] - 1];
  }
  return CSV_OK;
}


/* ---------------------------------------------------------------------- */
/* the plan                                                                */
/* ---------------------------------------------------------------------- */

/*
** Line breaks in [s, e) as endrecord counts them: every LF, and every CR not
** followed by LF (e[0] must be readable). Sixteen bytes at a time with SSE2:
** per-byte counters that flush before they could wrap.
*/
static size_t countbreaks (const char *s, const char *e) {
  size_t n = 0;
#ifdef __SSE2__
  const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
  const __m128i zero = _mm_setzero_si128();
  while (e - s > 16) {
    __m128i acc = zero, sums;
    int i;
    for (i = 0; i < 255 && e - s > 16; i++, s += 16) {
      __m128i a = _mm_loadu_si128((const __m128i *)s);
      __m128i b = _mm_loadu_si128((const __m128i *)(s + 1));
      __m128i m = _mm_or_si128(_mm_cmpeq_epi8(a, lf),
                               _mm_andnot_si128(_mm_cmpeq_epi8(b, lf),
                                                _mm_cmpeq_epi8(a, cr)));
      acc = _mm_sub_epi8(acc, m);  /* a match is -1 */
    }
    sums = _mm_sad_epu8(acc, zero);
    n += (size_t)_mm_cvtsi128_si32(sums) +
         (size_t)_mm_cvtsi128_si32(_mm_unpackhi_epi64(sums, sums));
  }
#endif
  for (; s < e; s++) n += *s == '\n' || (*s == '\r' && s[1] != '\n');
  return n;
}

/* just after the first line break at or after p (never between CR and LF) */
static const char *nextbreak (const char *p, const char *end) {
  while (p < end && *p != '\n' && *p != '\r') p++;
  if (p == end) return end;
  if (*p == '\r' && p + 1 < end && p[1] == '\n') p++;
  return p + 1;
}

/* a chunk's rows at most: its line breaks (and one more for the last,
   whose record may lack its line break), at most one a k bytes (a record is
   k - 1 separators and a line break at least) */
static int count_chunk (csv_chunk *K) {
  const csv_t *P = K->P;
  size_t k = P->ncol ? P->ncol : 1, last = K->stop == P->end;
  size_t bytes = (size_t)(K->stop - K->start);
  size_t cap = countbreaks(K->start, K->stop) + last;
  K->cap = cap < bytes / k + last ? cap : bytes / k + last;
  return CSV_OK;
}

static void runchunks (csv_t *P, int (*fn) (csv_chunk *K));

/*
** The chunks: up to 'threads' of at least minchunk bytes each, cut just
** after line breaks, their rows counted (on their threads: the first pass
** over the text, which also brings its pages in) and laid out one after
** the other. A chunk that holds more records is a wrong guess, found out
** by its predecessor.
*/
static int plan (csv_t *P, int threads, size_t minchunk) {
  mem M = pmem(P);
  size_t n, i, avail = (size_t)(P->end - P->pos), row0 = 0;
  n = threads < 1 ? 1 : (size_t)threads;
  if (n > MAXCHUNK) n = MAXCHUNK;
  if (minchunk == 0) minchunk = CSV_MINCHUNK;
  if (avail / minchunk < n) n = avail / minchunk;
  if (n < 1) n = 1;
  P->chunks = (csv_chunk *)grow(&M, NULL, 0, n, sizeof(csv_chunk));
  if (P->chunks == NULL) return 0;
  P->nchunk = n;
  for (i = 0; i < n; i++) {
    chunk_init(&P->chunks[i], P);
    P->chunks[i].start = i == 0 ? P->pos
                       : nextbreak(P->pos + (avail / n) * i, P->end);
  }
  for (i = 0; i < n; i++)
    P->chunks[i].stop = i + 1 == n ? P->end : P->chunks[i + 1].start;
  runchunks(P, count_chunk);
  for (i = 0; i < n; i++) {
    P->chunks[i].row0 = row0;
    row0 += P->chunks[i].cap;
  }
  P->cap = row0;
  return 1;
}


/* ---------------------------------------------------------------------- */
/* the parse                                                               */
/* ---------------------------------------------------------------------- */

int csv_begin (csv_t *P, const char *buf, size_t len, const csv_opts *o) {
  cursor C;
  csv_chunk H;  /* scratch and errors while reading the header */
  mem M = pmem(P);
  const char *p, *first;
  size_t j;
  int status = CSV_OK;
  if (o->sep == '"' || o->sep == '\n' || o->sep == '\r' || o->sep == '\0' ||
      o->sep == '.' || o->sep == '+' || o->sep == '-' ||
      ISDIGIT(o->sep) || (lower((unsigned char)o->sep) >= 'a' && lower((unsigned char)o->sep) <= 'z')) {
    snprintf(P->msg, sizeof P->msg, "invalid separator");
    return CSV_EOPT;
  }
  P->numna = 0;
  for (j = 0; j < o->nna; j++) {
    double v;
    if (o->nalen[j] > 0 && csv_number(o->na[j], o->nalen[j], &v)) P->numna = 1;
  }
  memset(P->cls, 0, sizeof P->cls);
  P->cls[(unsigned char)o->sep] = C_SEP;
  P->cls['\n'] = P->cls['\r'] = C_EOL;
  P->cls[0] = C_NUL;
  P->msg[0] = '\0';
  P->opts = o; P->buf = buf; P->end = buf + len;
  C.buf = buf; C.end = buf + len; C.line = 1; C.sep = (unsigned char)o->sep;
  p = buf;
  if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;  /* BOM */
  while (p < C.end && (*p == '\n' || *p == '\r')) p = endrecord(&C, p);
  P->pos = p; P->line = C.line;
  if (p == C.end) return CSV_OK;  /* nothing at all: no columns */
  first = p;
  chunk_init(&H, P);
  {
    size_t line0 = C.line;
    status = read_header(&H, &C, p, o->header, &p);
    chunk_clear(&H);
    if (status != CSV_OK) return seterror(P, &H, 0, status);
    if (!o->header) { p = first; C.line = line0; }  /* the first record is data */
  }
  P->pos = p; P->line = C.line;
  P->cols = (csv_col *)grow(&M, NULL, 0, P->ncol, sizeof(csv_col));
  if (P->cols == NULL) goto oom;
  memset(P->cols, 0, P->ncol * sizeof(csv_col));
  if (!plan(P, o->threads, o->minchunk)) goto oom;
  return CSV_OK;
 oom:
  snprintf(P->msg, sizeof P->msg, "not enough memory");
  return CSV_ENOMEM;
}


void csv_settype (csv_t *P, size_t j, int want) {
  P->cols[j].want = want;
}


void csv_setbuffer (csv_t *P, size_t j, double *x) {
  csv_col *c = &P->cols[j];
  mem M = pmem(P);
  if (!c->ext) release(&M, c->x, c->xcap * sizeof(double));
  c->x = x; c->xcap = P->cap; c->ext = 1;
}


typedef int (*chunkfn) (csv_chunk *K);

typedef struct job { csv_chunk *K; chunkfn fn; } job;

static void *runjob (void *arg) {
  job *J = (job *)arg;
  J->K->status = J->fn(J->K);
  return NULL;
}

/*
** fn on every chunk, chunk 0 on this thread and the others on threads of
** their own (run here, after chunk 0, if a thread cannot start). The
** allocator is called under a lock meanwhile.
*/
static void runchunks (csv_t *P, chunkfn fn) {
  size_t i, n = P->nchunk;
  pthread_t tid[MAXCHUNK];
  int started[MAXCHUNK];
  job jobs[MAXCHUNK];
  pthread_mutex_t lock;
  if (n == 1) { P->chunks[0].status = fn(&P->chunks[0]); return; }
  pthread_mutex_init(&lock, NULL);
  for (i = 0; i < n; i++) P->chunks[i].M.lock = &lock;
  for (i = 1; i < n; i++) {
    jobs[i].K = &P->chunks[i]; jobs[i].fn = fn;
    started[i] = pthread_create(&tid[i], NULL, runjob, &jobs[i]) == 0;
  }
  P->chunks[0].status = fn(&P->chunks[0]);
  for (i = 1; i < n; i++) {
    if (started[i]) pthread_join(tid[i], NULL);
    else P->chunks[i].status = fn(&P->chunks[i]);
  }
  for (i = 0; i < n; i++) P->chunks[i].M.lock = NULL;
  pthread_mutex_destroy(&lock);
}

/* the first error of the chunks (an interrupt anywhere first), or OK */
static int chunkstatus (csv_t *P) {
  size_t i;
  for (i = 0; i < P->nchunk; i++)
    if (P->chunks[i].status == CSV_EINTR)
      return seterror(P, &P->chunks[i], 0, CSV_EINTR);
  for (i = 0; i < P->nchunk; i++)
    if (P->chunks[i].status != CSV_OK)
      return seterror(P, &P->chunks[i], 0, P->chunks[i].status);
  return CSV_OK;
}

/*
** Checks the guesses in order: chunk 0 starts at a record, and chunk i + 1
** is right if chunk i is and stopped exactly where chunk i + 1 started. The
** first error of a chunk known right is the file's first error; its line
** counts from the lines of the chunks before. CSV_ESPEC: a wrong guess.
*/
static int verify (csv_t *P) {
  size_t i, base = P->line;
  for (i = 0; i < P->nchunk; i++)
    if (P->chunks[i].status == CSV_EINTR)
      return seterror(P, &P->chunks[i], 0, CSV_EINTR);
  for (i = 0; i < P->nchunk; i++) {
    const csv_chunk *K = &P->chunks[i];
    if (K->status == CSV_ESPEC) return CSV_ESPEC;
    if (K->status != CSV_OK) return seterror(P, K, base, K->status);
    if (i + 1 < P->nchunk && K->at != P->chunks[i + 1].start) return CSV_ESPEC;
    base += K->lines;
  }
  return CSV_OK;
}

/* the chunk's column states, text from the start where asked */
static int chunkcols (csv_chunk *K) {
  size_t j, k = K->P->ncol;
  K->cols = (ccol *)grow(&K->M, NULL, 0, k, sizeof(ccol));
  if (K->cols == NULL) return 0;
  memset(K->cols, 0, k * sizeof(ccol));
  for (j = 0; j < k; j++)
    if (K->P->cols[j].want == CSV_TEXT) K->cols[j].text = 1;
  return 1;
}

/* one chunk for the whole text, on this thread: the guesses were wrong */
static int replan (csv_t *P) {
  mem M = pmem(P);
  csv_chunk *K;
  freechunks(P);
  P->chunks = K = (csv_chunk *)grow(&M, NULL, 0, 1, sizeof(csv_chunk));
  if (K == NULL) return 0;
  P->nchunk = 1;
  chunk_init(K, P);
  K->start = P->pos; K->stop = P->end;
  K->row0 = 0; K->cap = P->cap;
  return chunkcols(K);
}

/*
** The final levels of text column j: the chunks' sorted levels merged, the
** strings copied to the arena, and each chunk's codes for them.
*/
static int mergelevels (csv_t *P, size_t j) {
  mem M = pmem(P);
  csv_col *c = &P->cols[j];
  size_t head[MAXCHUNK], i, n = P->nchunk;
  for (i = 0; i < n; i++) head[i] = 0;
  for (;;) {
    const char *s = NULL;
    size_t len = 0;
    for (i = 0; i < n; i++) {  /* the least head */
      const csv_chunk *K = &P->chunks[i];
      const ccol *cc = &K->cols[j];
      const csv_level *l;
      if (head[i] == cc->nlev) continue;
      l = &cc->lev[cc->ord[head[i]]];
      if (s == NULL || bytecmp(K->arena + l->off, l->len, s, len) < 0) {
        s = K->arena + l->off; len = l->len;
      }
    }
    if (s == NULL) break;
    if (c->nlev == c->levcap) {
      size_t ncap = c->levcap ? 2 * c->levcap : 16;
      csv_level *lev = (csv_level *)grow(&M, c->lev, c->levcap, ncap, sizeof(csv_level));
      if (lev == NULL) return 0;
      c->lev = lev; c->levcap = ncap;
    }
    if (!reserve(&M, &P->arena, P->alen, &P->acap, len + 1)) return 0;
    if (len) memcpy(P->arena + P->alen, s, len);
    c->lev[c->nlev].off = P->alen; c->lev[c->nlev].len = len;
    c->lev[c->nlev].hash = hashbytes(s, len);
    P->alen += len;
    c->nlev++;
    for (i = 0; i < n; i++) {  /* every head equal to it takes its code */
      csv_chunk *K = &P->chunks[i];
      ccol *cc = &K->cols[j];
      const csv_level *l;
      if (head[i] == cc->nlev) continue;
      l = &cc->lev[cc->ord[head[i]]];
      if (bytecmp(K->arena + l->off, l->len, P->arena + c->lev[c->nlev - 1].off, len) == 0)
        cc->code[cc->ord[head[i]++]] = (double)c->nlev;
    }
  }
  return 1;
}

int csv_rows (csv_t *P) {
  mem M = pmem(P);
  size_t k = P->ncol, j, i, off;
  int status;
  if (k == 0) return CSV_OK;
  for (j = 0; j < k; j++)  /* the columns no caller gave storage to */
    if (P->cols[j].want != CSV_SKIP && P->cols[j].x == NULL &&
        !growcol(&M, &P->cols[j], P->cap)) goto oom;
  for (i = 0; i < P->nchunk; i++)
    if (!chunkcols(&P->chunks[i])) goto oom;
  runchunks(P, parse_chunk);
  status = verify(P);
  if (status == CSV_ESPEC) {
    if (!replan(P)) goto oom;
    runchunks(P, parse_chunk);
    status = verify(P);
  }
  if (status != CSV_OK) return status;
  P->parallel = P->nchunk > 1;
  for (j = 0; j < k; j++) {  /* text if any chunk found it so */
    csv_col *c = &P->cols[j];
    c->text = c->want == CSV_TEXT;
    for (i = 0; i < P->nchunk && !c->text; i++)
      if (P->chunks[i].cols[j].text) c->text = 1;
  }
  runchunks(P, rescan_chunk);
  if ((status = chunkstatus(P)) != CSV_OK) return status;
  for (j = 0; j < k; j++)
    if (P->cols[j].text && !mergelevels(P, j)) goto oom;
  runchunks(P, remap_chunk);
  /* the rows of each chunk moved down to follow the chunk before */
  for (i = 0, off = 0; i < P->nchunk; i++) {
    const csv_chunk *K = &P->chunks[i];
    if (K->row0 != off && K->nrow > 0)
      for (j = 0; j < k; j++)
        if (P->cols[j].x)
          memmove(P->cols[j].x + off, P->cols[j].x + K->row0, K->nrow * sizeof(double));
    off += K->nrow;
  }
  P->nrow = off;
  freechunks(P);
  return CSV_OK;
 oom:
  snprintf(P->msg, sizeof P->msg, "not enough memory");
  return CSV_ENOMEM;
}


int csv_parse (csv_t *P, const char *buf, size_t len, const csv_opts *o) {
  int status = csv_begin(P, buf, len, o);
  return status != CSV_OK ? status : csv_rows(P);
}
