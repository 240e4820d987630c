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
** text column only unquoted markers are missing.
** Numbers are exactly rounded. With at most 19 significant digits w and a
** power of ten 10^e: Clinger's fast path when w < 2^53 and |e| <= 22 (one
** IEEE operation on exact operands); on x86, w * 10^e in 64-bit extended
** precision for |e| <= 27, unless that lands exactly halfway between two
** doubles; strtod for everything else (so it assumes the "C" locale).
*/
#ifndef csv_h
#define csv_h

#include <stddef.h>
#include <stdint.h>

/* lua_Alloc's contract: nsize 0 frees and returns NULL; NULL on failure */
typedef void *(*csv_allocf) (void *ud, void *ptr, size_t osize, size_t nsize);

typedef struct csv_opts {
  char sep;                   /* field separator: not a quote, line break,
                                 letter, digit, '.', '+' or '-' */
  int header;                 /* first record holds the names */
  const char *const *na;      /* missing-value markers ... */
  const size_t *nalen;        /* ... and their lengths */
  size_t nna;
} csv_opts;

typedef struct csv_span { size_t off, len; } csv_span;  /* text in the arena */
typedef struct csv_level { size_t off, len; uint64_t hash; } csv_level;

typedef struct csv_col {
  int text;                   /* 0 numeric, 1 text */
  size_t textrow;             /* first row found not numeric */
  double *x;                  /* nrow numbers, or level codes (NaN = missing) */
  size_t xcap;                /* x allocated */
  int ext;                    /* x is the caller's (csv_setbuffer) */
  /* text columns: levels, in first-seen order while parsing, sorted after */
  csv_level *lev;
  size_t nlev, levcap;
  uint64_t *slot;             /* open addressing: hash's high 32 bits, then
                                 level index + 1 (0 = empty) */
  size_t nslot;
} csv_col;

enum { CSV_OK = 0, CSV_ENOMEM, CSV_ERAGGED, CSV_EQUOTE, CSV_EINTR, CSV_EOPT };

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
  size_t *rowoff;             /* byte offset of each record in the buffer */
  size_t rowcap;              /* rowoff allocated */
  char *scratch;              /* a quoted field with doubled quotes, unescaped */
  size_t slen, scap;
  unsigned char cls[256];     /* character classes of the current parse */
  const csv_opts *opts;       /* between csv_begin and csv_rows: */
  const char *buf, *end, *pos;  /* the text and where the records start */
  size_t line;
  char msg[128];              /* the error, as "line 7 has 3 fields, ..." */
} csv_t;

void csv_init (csv_t *P, csv_allocf f, void *ud);
/*
** Parses buf[0..len-1]; buf[len] must be readable and '\0' (a sentinel:
** NUL bytes inside the data are ordinary characters). Returns CSV_OK or an
** error status with P->msg set. Call csv_free in every case.
** csv_parse is csv_begin then csv_rows. In between, P->ncol and P->cap
** (the rows expected) are known, and csv_setbuffer may hand column j an
** array of P->cap doubles to fill, so a caller can parse straight into its
** own storage; if the rows outgrow it (a file mixing CR and LF line ends)
** the column moves to the kernel's memory and P->cols[j].ext drops to 0.
** buf and o must stay valid until csv_rows returns.
*/
int csv_parse (csv_t *P, const char *buf, size_t len, const csv_opts *o);
int csv_begin (csv_t *P, const char *buf, size_t len, const csv_opts *o);
void csv_setbuffer (csv_t *P, size_t j, double *x);
int csv_rows (csv_t *P);
void csv_free (csv_t *P);

/* Reads a whole-field number from s[0..n-1] (s[n] must not be a digit,
   '.', 'e' or a letter); returns 1 and sets *x if s is one. */
int csv_number (const char *s, size_t n, double *x);
/* Writes v in the shortest of %.15g..%.17g that reads back exactly
   (Inf, -Inf; NaN is the caller's business); returns the length. buf: 32+ */
int csv_fmtnum (char *buf, size_t sz, double v);

#endif
