/*
** CSV kernel (see csv.h). One pass over the buffer types every column and
** stores numbers as it goes; a column that turns out to be text at row r is
** interned from r on, and its rows before r are re-read in a second, partial
** pass at the end (only when there are such columns), so a numeric file is
** read exactly once.
*/
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ointr.h"
#include "data/csv.h"

/* character classes */
#define C_SEP   1
#define C_EOL   2
#define C_NUL   3

#define ISDIGIT(c)  ((unsigned)((c) - '0') < 10u)


/* ---------------------------------------------------------------------- */
/* memory                                                                  */
/* ---------------------------------------------------------------------- */

void csv_init (csv_t *P, csv_allocf f, void *ud) {
  memset(P, 0, sizeof *P);
  P->alloc = f;
  P->ud = ud;
}


/* n elements of size sz, overflow-checked; NULL on failure */
static void *grow (csv_t *P, void *p, size_t oldn, size_t n, size_t sz) {
  if (n != 0 && sz > ((size_t)-1) / 2 / n) return NULL;
  return P->alloc(P->ud, p, oldn * sz, n * sz);
}

static void release (csv_t *P, void *p, size_t bytes) {
  if (p) P->alloc(P->ud, p, bytes, 0);
}


void csv_free (csv_t *P) {
  size_t j;
  if (P->cols) {
    for (j = 0; j < P->ncol; j++) {
      csv_col *c = &P->cols[j];
      if (!c->ext) release(P, c->x, c->xcap * sizeof(double));
      release(P, c->lev, c->levcap * sizeof(csv_level));
      release(P, c->slot, c->nslot * sizeof(uint64_t));
    }
    release(P, P->cols, P->ncol * sizeof(csv_col));
  }
  release(P, P->names, P->namecap * sizeof(csv_span));
  release(P, P->arena, P->acap);
  release(P, P->rowoff, P->rowcap * sizeof(size_t));
  release(P, P->scratch, P->scap);
  P->cols = NULL; P->names = NULL; P->arena = NULL; P->rowoff = NULL;
  P->scratch = NULL;
  P->ncol = P->nrow = P->cap = P->acap = P->alen = P->scap = P->slen = 0;
  P->namecap = P->rowcap = 0;
}


/* makes room for 'more' bytes in a growable byte array */
static int reserve (csv_t *P, char **a, size_t len, size_t *cap, size_t more) {
  size_t ncap;
  char *np;
  if (more <= *cap - len) return 1;
  if (more > ((size_t)-1) / 4 - len) return 0;
  ncap = *cap ? *cap : 64;
  while (ncap - len < more) ncap *= 2;
  np = (char *)P->alloc(P->ud, *a, *cap, ncap);
  if (np == NULL) return 0;
  *a = np; *cap = ncap;
  return 1;
}

/* appends s[0..n-1] to the arena; returns 0 when out of memory */
static int arena_add (csv_t *P, const char *s, size_t n, csv_span *sp) {
  if (!reserve(P, &P->arena, P->alen, &P->acap, n + 1)) return 0;
  if (n) memcpy(P->arena + P->alen, s, n);
  sp->off = P->alen; sp->len = n;
  P->alen += n;
  return 1;
}

static int nomem (csv_t *P) {
  snprintf(P->msg, sizeof P->msg, "not enough memory");
  return CSV_ENOMEM;
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
static const char *digits (const char *p, const char *end, uint64_t *w) {
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
static const char *scan_number (const char *p, const char *end, int sep,
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


int csv_fmtnum (char *buf, size_t sz, double v) {
  int prec, len = 0;
  if (isinf(v)) return snprintf(buf, sz, v > 0 ? "Inf" : "-Inf");
  if (v == floor(v) && fabs(v) < 1e15 && !(v == 0 && signbit(v)) && sz >= 20) {
    /* integers (counts, codes, 0/1): digits by hand, no printf */
    char tmp[24];
    uint64_t u = (uint64_t)fabs(v);
    int n = 0, i;
    do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) buf[len++] = '-';
    for (i = n - 1; i >= 0; i--) buf[len++] = tmp[i];
    buf[len] = '\0';
    return len;
  }
  for (prec = 15; prec <= 17; prec++) {
    double back;
    len = snprintf(buf, sz, "%.*g", prec, v);
    if (len > 0 && (size_t)len < sz && csv_number(buf, (size_t)len, &back) && back == v)
      break;
  }
  return len;
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
  size_t line;          /* 1-based line of the current position */
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
** error in P->msg (*status set). The content of a quoted field with doubled
** quotes is unescaped into the scratch buffer (NUL-terminated), valid until
** the next call.
*/
static const char *scan_field (csv_t *P, cursor *C, const char *p, field *f,
                               int *status) {
  const char *q, *r;
  size_t startline = C->line;
  int copied = 0;
  if (*p != '"' || p == C->end) {
    for (q = p; !atdelim(P, C, q); q++) ;
    f->s = p; f->len = (size_t)(q - p); f->quoted = 0;
    return q;
  }
  q = p + 1;
  P->slen = 0;
  for (;;) {
    r = (const char *)memchr(q, '"', (size_t)(C->end - q));
    if (r == NULL) {
      snprintf(P->msg, sizeof P->msg,
               "line %zu: a quoted field is not closed", startline);
      *status = CSV_EQUOTE;
      return NULL;
    }
    /* a CR just before the quote followed by LF inside is counted by its LF */
    C->line += countlines(q, (size_t)(r - q));
    if (r + 1 < C->end && r[1] == '"') {  /* a doubled quote */
      size_t n = (size_t)(r + 1 - q);
      if (!reserve(P, &P->scratch, P->slen, &P->scap, n + 1)) {
        *status = nomem(P);
        return NULL;
      }
      memcpy(P->scratch + P->slen, q, n);
      P->slen += n;
      copied = 1;
      q = r + 2;
      continue;
    }
    if (copied) {
      size_t n = (size_t)(r - q);
      if (!reserve(P, &P->scratch, P->slen, &P->scap, n + 1)) {
        *status = nomem(P);
        return NULL;
      }
      memcpy(P->scratch + P->slen, q, n);
      P->slen += n;
      P->scratch[P->slen] = '\0';
      f->s = P->scratch; f->len = P->slen;
    }
    else { f->s = p + 1; f->len = (size_t)(r - p - 1); }
    f->quoted = 1;
    q = skipblank(C, r + 1);
    if (!atdelim(P, C, q)) {
      snprintf(P->msg, sizeof P->msg,
               "line %zu: unexpected text after a closing quote", C->line);
      *status = CSV_EQUOTE;
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

static int rehash (csv_t *P, csv_col *c) {
  size_t n = c->nslot ? c->nslot * 2 : 16, i;
  uint64_t *slot = (uint64_t *)grow(P, NULL, 0, n, sizeof(uint64_t));
  if (slot == NULL) return 0;
  memset(slot, 0, n * sizeof(uint64_t));
  for (i = 0; i < c->nlev; i++) {
    size_t k = (size_t)c->lev[i].hash & (n - 1);
    while (slot[k]) k = (k + 1) & (n - 1);
    slot[k] = (c->lev[i].hash & 0xFFFFFFFF00000000ULL) | (uint64_t)(i + 1);
  }
  release(P, c->slot, c->nslot * sizeof(uint64_t));
  c->slot = slot; c->nslot = n;
  return 1;
}

/* the 1-based provisional code of s in column c (added if new); 0: no memory */
static double intern (csv_t *P, csv_col *c, const char *s, size_t n) {
  uint64_t h = hashbytes(s, n);
  size_t k;
  if (2 * (c->nlev + 1) > c->nslot && !rehash(P, c)) return 0;
  for (k = (size_t)h & (c->nslot - 1); c->slot[k]; k = (k + 1) & (c->nslot - 1)) {
    size_t i;
    /* the high bits in the slot spare a visit to the level on a mismatch */
    if ((c->slot[k] ^ h) & 0xFFFFFFFF00000000ULL) continue;
    i = (size_t)(c->slot[k] & 0xFFFFFFFFu) - 1;
    if (c->lev[i].hash == h && c->lev[i].len == n &&
        memcmp(P->arena + c->lev[i].off, s, n) == 0)
      return (double)(i + 1);
  }
  if (c->nlev == c->levcap) {
    size_t ncap = c->levcap ? 2 * c->levcap : 16;
    csv_level *lev;
    if (ncap >= 0xFFFFFFFFu) return 0;
    lev = (csv_level *)grow(P, c->lev, c->levcap, ncap, sizeof(csv_level));
    if (lev == NULL) return 0;
    c->lev = lev; c->levcap = ncap;
  }
  {
    csv_span sp;
    if (!arena_add(P, s, n, &sp)) return 0;
    c->lev[c->nlev].off = sp.off; c->lev[c->nlev].len = sp.len;
    c->lev[c->nlev].hash = h;
  }
  c->slot[k] = (h & 0xFFFFFFFF00000000ULL) | (uint64_t)(c->nlev + 1);
  c->nlev++;
  return (double)c->nlev;
}

typedef struct sortlev { const char *s; size_t len; size_t id; } sortlev;

static int cmp_sortlev (const void *pa, const void *pb) {
  const sortlev *a = (const sortlev *)pa, *b = (const sortlev *)pb;
  int c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
  if (c != 0) return c;
  return (a->len > b->len) - (a->len < b->len);
}

/* sorts the levels of c in C byte order and renumbers its codes */
static int sortlevels (csv_t *P, csv_col *c, size_t nrow) {
  size_t i, n = c->nlev;
  sortlev *v;
  double *rank;
  if (n == 0) return 1;
  v = (sortlev *)grow(P, NULL, 0, n, sizeof(sortlev));
  rank = (double *)grow(P, NULL, 0, n, sizeof(double));
  if (v == NULL || rank == NULL) {
    release(P, v, n * sizeof(sortlev));
    release(P, rank, n * sizeof(double));
    return 0;
  }
  for (i = 0; i < n; i++) {
    v[i].s = P->arena + c->lev[i].off; v[i].len = c->lev[i].len; v[i].id = i;
  }
  qsort(v, n, sizeof(sortlev), cmp_sortlev);
  for (i = 0; i < n; i++) {
    rank[v[i].id] = (double)(i + 1);
    c->lev[i].off = (size_t)(v[i].s - P->arena);
    c->lev[i].len = v[i].len;
  }
  for (i = 0; i < nrow; i++)
    if (!isnan(c->x[i])) c->x[i] = rank[(size_t)c->x[i] - 1];
  release(P, v, n * sizeof(sortlev));
  release(P, rank, n * sizeof(double));
  return 1;
}


/* ---------------------------------------------------------------------- */
/* records                                                                 */
/* ---------------------------------------------------------------------- */

/* skips blank lines; returns the start of the next record (or the end) */
static const char *skipblanklines (cursor *C, const char *p) {
  while (p < C->end && (*p == '\n' || *p == '\r')) p = endrecord(C, p);
  return p;
}

/* the header (or the first record, for its width): names when 'keep' */
static int read_header (csv_t *P, cursor *C, const char *p, int keep,
                        const char **next) {
  size_t k = 0;
  int status = CSV_OK;
  for (;;) {
    field f;
    const char *q = scan_field(P, C, p, &f, &status);
    if (q == NULL) return status;
    if (k == P->namecap) {
      size_t ncap = P->namecap ? 2 * P->namecap : 16;
      csv_span *nn = (csv_span *)grow(P, P->names, P->namecap, ncap, sizeof(csv_span));
      if (nn == NULL) return nomem(P);
      P->names = nn; P->namecap = ncap;
    }
    P->names[k].off = 0; P->names[k].len = 0;
    if (keep && !arena_add(P, f.s, f.len, &P->names[k])) return nomem(P);
    k++;
    if (P->cls[(unsigned char)*q] == C_SEP && q < C->end) { p = q + 1; continue; }
    *next = endrecord(C, q);
    break;
  }
  P->ncol = k;
  return CSV_OK;
}

static size_t count_byte (const char *s, size_t n, int c) {
  size_t k = 0;
  const char *e = s + n;
  while (s < e && (s = (const char *)memchr(s, c, (size_t)(e - s))) != NULL) { k++; s++; }
  return k;
}

/* room for 'cap' rows in column c; a caller's array is left for ours */
static int growcol (csv_t *P, csv_col *c, size_t cap) {
  double *x;
  if (c->ext) {
    x = (double *)grow(P, NULL, 0, cap, sizeof(double));
    if (x == NULL) return 0;
    memcpy(x, c->x, (c->xcap < cap ? c->xcap : cap) * sizeof(double));
    c->ext = 0;
  }
  else {
    x = (double *)grow(P, c->x, c->xcap, cap, sizeof(double));
    if (x == NULL) return 0;
  }
  c->x = x; c->xcap = cap;
  return 1;
}

/* room for 'cap' rows in every column; 0 when out of memory (each array
   keeps its own size, so csv_free is right whatever failed) */
static int growrows (csv_t *P, size_t cap) {
  size_t j;
  size_t *ro = (size_t *)grow(P, P->rowoff, P->rowcap, cap, sizeof(size_t));
  if (ro == NULL) return 0;
  P->rowoff = ro; P->rowcap = cap;
  for (j = 0; j < P->ncol; j++)
    if (!growcol(P, &P->cols[j], cap)) return 0;
  P->cap = cap;
  return 1;
}

/* ragged record: counts the rest of its fields for the message */
static int ragged (csv_t *P, cursor *C, const char *p, size_t j,
                   size_t rowline) {
  int status = CSV_OK;
  field f;
  for (;;) {
    const char *q = scan_field(P, C, p, &f, &status);
    if (q == NULL) return status;
    j++;
    if (P->cls[(unsigned char)*q] == C_SEP && q < C->end) p = q + 1;
    else break;
  }
  snprintf(P->msg, sizeof P->msg, "line %zu has %zu fields, expected %zu",
           rowline, j, P->ncol);
  return CSV_ERAGGED;
}

/* the rows before a column turned text, read again for its strings */
static int rescan (csv_t *P, cursor *C, const csv_opts *o) {
  size_t r, j, upto = 0;
  int status = CSV_OK;
  for (j = 0; j < P->ncol; j++)
    if (P->cols[j].text && P->cols[j].textrow > upto) upto = P->cols[j].textrow;
  for (r = 0; r < upto; r++) {
    const char *p = C->buf + P->rowoff[r];
    if ((r & 0xffff) == 0 && ORR_INTERRUPTED()) {
      snprintf(P->msg, sizeof P->msg, "interrupted");
      return CSV_EINTR;
    }
    for (j = 0; j < P->ncol; j++) {
      field f;
      csv_col *c = &P->cols[j];
      const char *q = scan_field(P, C, p, &f, &status);
      if (q == NULL) return status;  /* cannot happen: read once already */
      if (c->text && r < c->textrow) {
        if (is_na(o, &f)) c->x[r] = NAN;
        else if ((c->x[r] = intern(P, c, f.s, f.len)) == 0) return nomem(P);
      }
      p = q + 1;
    }
  }
  return CSV_OK;
}

int csv_begin (csv_t *P, const char *buf, size_t len, const csv_opts *o) {
  cursor C;
  const char *p, *first;
  size_t cap, k, j;
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
  C.buf = buf; C.end = buf + len; C.line = 1; C.sep = (unsigned char)o->sep;
  p = buf;
  if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;  /* BOM */
  p = skipblanklines(&C, p);
  P->opts = o; P->buf = buf; P->end = C.end; P->pos = p; P->line = C.line;
  if (p == C.end) return CSV_OK;  /* nothing at all: no columns */
  first = p;
  {
    size_t line0 = C.line;
    status = read_header(P, &C, p, o->header, &p);
    if (status != CSV_OK) return status;
    if (!o->header) { p = first; C.line = line0; }  /* the first record is data */
  }
  k = P->ncol;
  /* A first guess at the rows, exact for LF or CRLF files: the line
     breaks, and no more than the bytes allow (a record takes >= k - 1). */
  {
    size_t nl = count_byte(p, (size_t)(C.end - p), '\n');
    size_t cr = count_byte(p, (size_t)(C.end - p), '\r');
    cap = (nl > cr ? nl : cr) + 1;
    if (k > 1 && cap > (size_t)(C.end - p) / (k - 1) + 1)
      cap = (size_t)(C.end - p) / (k - 1) + 1;
  }
  P->cols = (csv_col *)grow(P, NULL, 0, k, sizeof(csv_col));
  if (P->cols == NULL) return nomem(P);
  memset(P->cols, 0, k * sizeof(csv_col));
  P->rowoff = (size_t *)grow(P, NULL, 0, cap, sizeof(size_t));
  if (P->rowoff == NULL) return nomem(P);
  P->rowcap = P->cap = cap;
  P->pos = p; P->line = C.line;
  return CSV_OK;
}


void csv_setbuffer (csv_t *P, size_t j, double *x) {
  csv_col *c = &P->cols[j];
  if (!c->ext) release(P, c->x, c->xcap * sizeof(double));
  c->x = x; c->xcap = P->cap; c->ext = 1;
}


int csv_rows (csv_t *P) {
  const csv_opts *o = P->opts;
  const char *buf = P->buf, *p = P->pos;
  size_t k = P->ncol, j, row;
  int status = CSV_OK;
  cursor C;
  C.buf = buf; C.end = P->end; C.line = P->line; C.sep = (unsigned char)o->sep;
  if (k == 0) return CSV_OK;
  for (j = 0; j < k; j++)  /* the columns no caller gave storage to */
    if (P->cols[j].x == NULL && !growcol(P, &P->cols[j], P->cap)) return nomem(P);
  for (row = 0; ; row++) {
    size_t rowline;
    p = skipblanklines(&C, p);
    if (p >= C.end) break;
    if ((row & 0xffff) == 0 && ORR_INTERRUPTED()) {
      snprintf(P->msg, sizeof P->msg, "interrupted");
      return CSV_EINTR;
    }
    if (row == P->cap && !growrows(P, P->cap + P->cap / 2 + 16))
      return nomem(P);  /* only a file mixing CR and LF line ends gets here */
    rowline = C.line;
    P->rowoff[row] = (size_t)(p - buf);
    for (j = 0; ; j++) {
      csv_col *c;
      const char *q;
      double v;
      field f;
      if (j == k) return ragged(P, &C, p, j, rowline);
      c = &P->cols[j];
      if (!c->text && *p != '"' &&
          (q = scan_number(p, C.end, C.sep, &v)) != NULL && atdelim(P, &C, q)) {
        /* the fast path: an unquoted number (unless it is a marker) */
        f.s = p; f.len = (size_t)(q - p); f.quoted = 0;
        c->x[row] = (P->numna && is_na(o, &f)) ? NAN : v;
      }
      else {
        q = scan_field(P, &C, p, &f, &status);
        if (q == NULL) return status;
        if (c->text) {
          if (is_na(o, &f)) c->x[row] = NAN;
          else if ((c->x[row] = intern(P, c, f.s, f.len)) == 0) return nomem(P);
        }
        else if (numeric_na(o, &f)) c->x[row] = NAN;
        else if (f.quoted && csv_number(f.s, f.len, &v)) c->x[row] = v;
        else {  /* the column turns text here */
          c->text = 1;
          c->textrow = row;
          if ((c->x[row] = intern(P, c, f.s, f.len)) == 0) return nomem(P);
        }
      }
      p = q;
      if (P->cls[(unsigned char)*p] == C_SEP && p < C.end) { p++; continue; }
      if (j + 1 != k) {
        snprintf(P->msg, sizeof P->msg, "line %zu has %zu fields, expected %zu",
                 rowline, j + 1, k);
        return CSV_ERAGGED;
      }
      p = endrecord(&C, p);
      break;
    }
  }
  P->nrow = row;
  if ((status = rescan(P, &C, o)) != CSV_OK) return status;
  for (j = 0; j < k; j++)
    if (P->cols[j].text && !sortlevels(P, &P->cols[j], P->nrow)) return nomem(P);
  return CSV_OK;
}


int csv_parse (csv_t *P, const char *buf, size_t len, const csv_opts *o) {
  int status = csv_begin(P, buf, len, o);
  return status != CSV_OK ? status : csv_rows(P);
}
