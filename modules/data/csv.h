/*
** CSV kernel: parses a memory buffer into typed columns. No Lua here: the
** caller supplies the allocator (lua_Alloc's contract, so a binding can pass
** Lua's own and the memory cap applies) and owns the csv_t, so that whatever
** happens -- an error status, an interrupt -- csv_free releases everything.
**
** Grammar (RFC 4180, made lenient where files in the wild differ):
**   - records end with LF, CRLF or a lone CR; blank lines are skipped;
**   - a field starting with '"' is quoted: it may hold separators, line
**     breaks and doubled quotes ""; only spaces or tabs may follow the
**     closing quote before the next separator;
**   - a UTF-8 byte-order mark at the start is skipped;
**   - every record must have as many fields as the first (the header).
** Types: a column is numeric when every field is a decimal number
** ([+-]digits[.digits][e[+-]digits], or inf, infinity, nan in any case,
** with optional spaces or tabs around it), a missing-value marker (quoted
** or not, as R), or blank; otherwise it is text, and its values become
** factor levels (distinct strings in C byte order) and 1-based codes; in a
** text column only unquoted markers are missing. csv_settype overrides this
** per column: numbers (a field that is neither a number nor missing is an
** error naming its line and column), text, or skipped (scanned, not stored).
** Numbers are exactly rounded. With at most 19 significant digits w and a
** power of ten 10^e: Clinger's fast path when w < 2^53 and |e| <= 22 (one
** IEEE operation on exact operands); on x86, w * 10^e in 64-bit extended
** precision for |e| <= 27, unless that lands exactly halfway between two
** doubles; strtod for everything else (so it assumes the "C" locale).
** Threads (csv_opts.threads > 1): the records after the header are cut
** into chunks of at least minchunk bytes, each starting just after a line
** break, and parsed at once, one thread each; chunk i + 1's start is only a
** guess (the line break may sit inside a quoted field), so it counts only
** if chunk i, parsed from a known record start, stops exactly there; if
** any guess was wrong the whole file is parsed again on one thread. Each
** chunk types its columns and interns its strings on its own; then a text
** column's numeric-looking rows are re-read as text, each chunk sorts its
** levels, one merge makes the final levels (C byte order) and the codes are
** renumbered: the result is the same, bit for bit, for any thread count.
** Line numbers in errors count from the chunk's start and are made absolute
** once the chunks before are known good, so they are the serial ones too.
** The kernel has no statics; the allocator is called under a mutex while
** threads run (lua_Alloc is not thread-safe); ORR_INTERRUPTED is polled.
*/
#ifndef csv_h
#define csv_h

#include <stddef.h>
#include <stdint.h>

/* lua_Alloc's contract: nsize 0 frees and returns NULL; NULL on failure */
typedef void *(*csv_allocf) (void *ud, void *ptr, size_t osize, size_t nsize);

#define CSV_MINCHUNK ((size_t)1 << 20)   /* default bytes per thread */

typedef struct csv_opts {
  char sep;                   /* field separator: not a quote, line break,
                                 letter, digit, '.', '+' or '-' */
  int header;                 /* first record holds the names */
  const char *const *na;      /* missing-value markers ... */
  const size_t *nalen;        /* ... and their lengths */
  size_t nna;
  int threads;                /* threads to parse with (< 2: the caller's) */
  size_t minchunk;            /* bytes per thread at least (0: CSV_MINCHUNK) */
} csv_opts;

/* what a column is read as (csv_settype): typed from its fields, numbers
   (anything else is an error), text (factor levels), or not at all */
enum { CSV_AUTO = 0, CSV_NUMBER, CSV_TEXT, CSV_SKIP };

typedef struct csv_span { size_t off, len; } csv_span;  /* text in the arena */
typedef struct csv_level { size_t off, len; uint64_t hash; } csv_level;

typedef struct csv_col {
  int text;                   /* 0 numeric, 1 text */
  int want;                   /* CSV_AUTO ... CSV_SKIP */
  double *x;                  /* nrow numbers, or level codes (NaN = missing);
                                 NULL for a skipped column */
  size_t xcap;                /* x allocated */
  int ext;                    /* x is the caller's (csv_setbuffer) */
  csv_level *lev;             /* text columns: levels in C byte order, */
  size_t nlev, levcap;        /* their strings in the arena */
} csv_col;

enum { CSV_OK = 0, CSV_ENOMEM, CSV_ERAGGED, CSV_EQUOTE, CSV_EINTR, CSV_EOPT,
       CSV_ETYPE, CSV_EIO };

struct csv_chunk;

typedef struct csv_t {
  csv_allocf alloc;
  void *ud;
  size_t nrow, ncol, cap;     /* rows parsed, columns, rows allocated */
  csv_span *names;            /* ncol names (header, else empty) */
  size_t namecap;             /* names allocated */
  int numna;                  /* a missing-value marker looks like a number */
  csv_col *cols;              /* ncol columns */
  char *arena;                /* names and level strings */
  size_t alen, acap;
  unsigned char cls[256];     /* character classes of the current parse */
  const csv_opts *opts;       /* between csv_begin and csv_rows: */
  const char *buf, *end, *pos;  /* the text and where the records start */
  size_t line;                /* the line at pos */
  struct csv_chunk *chunks;   /* the plan (csv_begin) and the parse */
  size_t nchunk;
  int parallel;               /* the rows were parsed in more than one chunk */
  char msg[192];              /* the error, as "line 7 has 3 fields, ..." */
} csv_t;

void csv_init (csv_t *P, csv_allocf f, void *ud);
/*
** Parses buf[0..len-1]; buf[len] must be readable and '\0' (a sentinel:
** NUL bytes inside the data are ordinary characters). Returns CSV_OK or an
** error status with P->msg set. Call csv_free in every case.
** csv_parse is csv_begin then csv_rows. In between, P->ncol, the header's
** names and P->cap (the rows to expect, at most) are known; csv_settype may
** choose how column j is read, and csv_setbuffer may hand it an array of
** P->cap doubles to fill, so a caller can parse straight into its own
** storage (if the rows outgrow it -- only with a single chunk, in a file
** mixing CR and LF line ends -- the column moves to the kernel's memory and
** P->cols[j].ext drops to 0). buf and o must stay valid until csv_rows
** returns.
*/
int csv_parse (csv_t *P, const char *buf, size_t len, const csv_opts *o);
int csv_begin (csv_t *P, const char *buf, size_t len, const csv_opts *o);
void csv_settype (csv_t *P, size_t j, int want);
void csv_setbuffer (csv_t *P, size_t j, double *x);
int csv_rows (csv_t *P);
void csv_free (csv_t *P);

/* Reads a whole-field number from s[0..n-1] (s[n] must not be a digit,
   '.', 'e' or a letter); returns 1 and sets *x if s is one. */
int csv_number (const char *s, size_t n, double *x);
/*
** The shortest decimal that reads back to v exactly (fmtnum.c: Schubfach),
** laid out as Python's repr: fixed notation for 1e-4 <= |v| < 1e16, else
** d.ddde+XX; integers without ".0"; -0, Inf, -Inf. NaN is the caller's
** business. csv_fmtdouble writes at most CSV_NUMLEN bytes at p, no
** terminator, and returns the end; csv_fmtnum is snprintf-like.
*/
#define CSV_NUMLEN 48
char *csv_fmtdouble (char *p, double v);
int csv_fmtnum (char *buf, size_t sz, double v);

/*
** The writer (csvwrite.c): the header (names in quotes), then rows of k
** columns: numbers by csv_fmtdouble, factor levels in quotes with their
** quotes doubled, NaN (a number or a code) as o->na, bare. Codes must be
** whole numbers in 1..nlev (the caller checks). The caller gives the work
** memory, nbuf (<= CSV_WMAXBUF) buffers of bufsize >= rowmax bytes each,
** rowmax from csv_wrowmax (which also fills each level's nq; 0 if the row
** could not fit in memory at all): nbuf / 2 threads format blocks of rows
** into them while this one writes them to fd in order (nbuf 1: no
** threads). Returns CSV_OK, CSV_EINTR, or CSV_EIO with *err an errno.
*/
#define CSV_WMAXBUF 128
typedef struct csv_wlevel { const char *s; size_t len, nq; } csv_wlevel;
typedef struct csv_wcol {
  const double *x;            /* n numbers, or level codes */
  csv_wlevel *lev;            /* the levels of a factor; NULL: numbers */
  size_t nlev;
} csv_wcol;
typedef struct csv_wopts { char sep; const char *na; size_t nalen; } csv_wopts;
size_t csv_wrowmax (csv_wcol *cols, size_t k, const csv_wopts *o);
int csv_write (int fd, const csv_wlevel *names, const csv_wcol *cols,
               size_t k, size_t n, const csv_wopts *o, size_t rowmax,
               char *work, size_t bufsize, int nbuf, int *err);

#endif
