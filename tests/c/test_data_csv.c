/*
** Kernel tests for modules/data/csv.c: exact number parsing (against
** strtod, bit for bit), the grammar's edge cases, error lines, and
** allocation failure at every allocation (nothing leaks, nothing crashes);
** the parallel parse (the same result, bit for bit, and the same errors for
** any number of threads and chunk sizes, with right and wrong guesses at
** the chunks' starts); column types; the writer (csvwrite.c).
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctest.h"
#include "data/csv.h"
#include "ointr.h"

/* an allocator that counts bytes held and can fail after 'budget' calls */
typedef struct tally { long held, calls, budget; } tally;

static void *test_alloc (void *ud, void *ptr, size_t osize, size_t nsize) {
  tally *a = (tally *)ud;
  void *np;
  if (nsize == 0) {
    if (ptr) a->held -= (long)osize;
    free(ptr);
    return NULL;
  }
  if (a->budget >= 0 && a->calls++ >= a->budget) return NULL;
  np = realloc(ptr, nsize);
  if (np) a->held += (long)nsize - (ptr ? (long)osize : 0);
  return np;
}

static const char *const NA[] = {"", "NA"};
static const size_t NALEN[] = {0, 2};

static void setopts (csv_opts *o, char sep, int header, int threads,
                     size_t minchunk) {
  memset(o, 0, sizeof *o);
  o->sep = sep; o->header = header; o->na = NA; o->nalen = NALEN; o->nna = 2;
  o->threads = threads; o->minchunk = minchunk;
}

/* parses n bytes of text (a copy, so that ASan sees reads past the end) */
static int parse_n (csv_t *P, tally *a, const char *text, size_t n, int header,
                    char sep, int threads, size_t minchunk) {
  csv_opts o;
  char *buf = (char *)malloc(n + 1);
  int st;
  memcpy(buf, text, n);
  buf[n] = '\0';
  setopts(&o, sep, header, threads, minchunk);
  csv_init(P, test_alloc, a);
  st = csv_parse(P, buf, n, &o);
  free(buf);
  return st;
}

static int parse (csv_t *P, tally *a, const char *text, int header, char sep) {
  return parse_n(P, a, text, strlen(text), header, sep, 1, 0);
}

static int levels_are (const csv_t *P, size_t j, const char *joined) {
  char out[512] = "";
  size_t i, len = 0;
  const csv_col *c = &P->cols[j];
  for (i = 0; i < c->nlev; i++) {
    if (i) out[len++] = '|';
    memcpy(out + len, P->arena + c->lev[i].off, c->lev[i].len);
    len += c->lev[i].len;
    out[len] = '\0';
  }
  if (strcmp(out, joined) != 0) fprintf(stderr, "levels: got '%s'\n", out);
  return strcmp(out, joined) == 0;
}

static int name_is (const csv_t *P, size_t j, const char *s) {
  return P->names[j].len == strlen(s) &&
         memcmp(P->arena + P->names[j].off, s, strlen(s)) == 0;
}

static void test_numbers (void) {
  static const char *const cases[] = {
    "0", "-0", "1", "1.5", "-2.25", ".5", "5.", "1e5", "1E-5", "+3", "0.1",
    "123456789012345678", "1234567890123456789", "12345678901234567890123",
    "9007199254740993", "9007199254740992", "0.30000000000000004",
    "2.2250738585072011e-308", "2.2250738585072014e-308", "4.9e-324",
    "1.7976931348623157e308", "1e23", "8.5e-5", "3.14159265358979323846",
    "1e22", "1e-22", "123e20", "7e37", "0.000000000000000000000000001",
    /* halfway and near-halfway cases for the 64-bit intermediate */
    "9007199254740993", "9007199254740995", "18014398509481985",
    "9007199254740993.0000000001", "2.0000000000000003", "1.0000000000000002220446049250313",
    "4503599627370496.5", "4503599627370497.5", "7.2057594037927933e16",
    "9999999999999999999", "18446744073709551615", "0.1000000000000000055511151231257827",
    "1.00000000000000011102230246251565404236316680908203125",
    "1.00000000000000011102230246251565404236316680908203124",
    "1.00000000000000011102230246251565404236316680908203126",
    "00000000000000000000000000000001.5", "1.00000000000000000000000000001",
    "179769313486231570000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000", NULL
  };
  int i;
  double x;
  for (i = 0; cases[i]; i++) {
    double want = strtod(cases[i], NULL);
    int ok = csv_number(cases[i], strlen(cases[i]), &x);
    CHECK(ok);
    if (ok && memcmp(&x, &want, sizeof x) != 0)
      fprintf(stderr, "csv_number(%s) = %.17g, strtod %.17g\n", cases[i], x, want);
    CHECK(ok && memcmp(&x, &want, sizeof x) == 0);
  }
  /* random decimals: the fast path must agree with strtod bit for bit */
  {
    unsigned long s = 12345;
    int bad = 0, k;
    for (k = 0; k < 400000; k++) {
      char b[64];
      int nd, j, pos = 0, e, dot;
      s = s * 6364136223846793005UL + 1442695040888963407UL;
      /* half of them 16-19 digits: the x87 path and its halfway cases */
      nd = (k & 1) ? 16 + (int)((s >> 33) % 4) : 1 + (int)((s >> 33) % 21);
      dot = (int)((s >> 45) % (unsigned)(nd + 1));  /* nd: no point */
      if ((s >> 20) & 1) b[pos++] = '-';
      for (j = 0; j < nd; j++) {
        s = s * 6364136223846793005UL + 1442695040888963407UL;
        b[pos++] = (char)('0' + (s >> 33) % 10);
        if (j == dot) b[pos++] = '.';
      }
      s = s * 6364136223846793005UL + 1442695040888963407UL;
      e = (int)((s >> 33) % 70) - 35;
      if ((s >> 50) & 1) pos += sprintf(b + pos, "e%d", e);
      b[pos] = '\0';
      if (!csv_number(b, (size_t)pos, &x)) { if (bad < 5) fprintf(stderr, "rejected %s\n", b); bad++; continue; }
      {
        double want = strtod(b, NULL);
        if (memcmp(&x, &want, sizeof x) != 0) {
          if (bad < 5) fprintf(stderr, "mismatch %s: %.17g vs %.17g\n", b, x, want);
          bad++;
        }
      }
    }
    CHECK(bad == 0);
  }
  /* whole fields only */
  CHECK(csv_number(" 7 ", 3, &x) && x == 7);
  CHECK(csv_number("Inf", 3, &x) && isinf(x) && x > 0);
  CHECK(csv_number("-infinity", 9, &x) && isinf(x) && x < 0);
  CHECK(csv_number("NaN", 3, &x) && isnan(x));
  CHECK(csv_number("-0", 2, &x) && x == 0 && signbit(x));
  CHECK(!csv_number("", 0, &x));
  CHECK(!csv_number(".", 1, &x));
  CHECK(!csv_number("-", 1, &x));
  CHECK(!csv_number("1e", 2, &x));
  CHECK(!csv_number("1e+", 3, &x));
  CHECK(!csv_number("0x10", 4, &x));
  CHECK(!csv_number("1,5", 3, &x));
  CHECK(!csv_number("1 2", 3, &x));
  CHECK(!csv_number(".inf", 4, &x));
  CHECK(!csv_number("in", 2, &x));
  CHECK(!csv_number("NA", 2, &x));
}

static void test_shapes (void) {
  csv_t P;
  tally a = {0, 0, -1};
  /* BOM, CRLF, quotes, blank lines, NA, a column turning text late */
  CHECK(parse(&P, &a,
    "\xEF\xBB\xBF" "id,name,x,mixed\r\n"
    "1,\"a,b\",1.5,3\r\n"
    "\r\n"
    "2,\"say \"\"hi\"\"\",NA,4\r\n"
    "3,\"two\nlines\",,x\r\n"
    "4,NA,-2e3,\"NA\"\r\n", 1, ',') == CSV_OK);
  CHECK(P.ncol == 4 && P.nrow == 4);
  CHECK(name_is(&P, 0, "id") && name_is(&P, 3, "mixed"));
  CHECK(!P.cols[0].text && P.cols[0].x[3] == 4);
  CHECK(P.cols[1].text);
  CHECK(levels_are(&P, 1, "a,b|say \"hi\"|two\nlines"));
  CHECK(P.cols[1].x[0] == 1 && P.cols[1].x[1] == 2 && P.cols[1].x[2] == 3 &&
        isnan(P.cols[1].x[3]));
  CHECK(!P.cols[2].text && P.cols[2].x[0] == 1.5 && isnan(P.cols[2].x[1]) &&
        isnan(P.cols[2].x[2]) && P.cols[2].x[3] == -2000);
  /* "mixed": 3, 4 then x then a quoted NA (text): levels in C order */
  CHECK(P.cols[3].text && levels_are(&P, 3, "3|4|NA|x"));
  CHECK(P.cols[3].x[0] == 1 && P.cols[3].x[1] == 2 && P.cols[3].x[2] == 4 &&
        P.cols[3].x[3] == 3);
  csv_free(&P);
  CHECK(a.held == 0);

  /* no header, lone CRs, no final line break, a tab separator */
  CHECK(parse(&P, &a, "1\tb\r2\tA", 0, '\t') == CSV_OK);
  CHECK(P.ncol == 2 && P.nrow == 2 && P.names[0].len == 0);
  CHECK(P.cols[0].x[1] == 2 && levels_are(&P, 1, "A|b"));
  csv_free(&P);

  /* empty input, header only, blank lines only */
  CHECK(parse(&P, &a, "", 1, ',') == CSV_OK && P.ncol == 0 && P.nrow == 0);
  csv_free(&P);
  CHECK(parse(&P, &a, "\r\n\n", 1, ',') == CSV_OK && P.ncol == 0);
  csv_free(&P);
  CHECK(parse(&P, &a, "a,b\n", 1, ',') == CSV_OK && P.ncol == 2 && P.nrow == 0);
  csv_free(&P);
  CHECK(parse(&P, &a, "\xEF\xBB\xBF", 1, ',') == CSV_OK && P.ncol == 0);
  csv_free(&P);

  /* a trailing separator is an empty last field */
  CHECK(parse(&P, &a, "a,b\n1,\n", 1, ',') == CSV_OK && P.nrow == 1 &&
        isnan(P.cols[1].x[0]));
  csv_free(&P);
  /* spaces around numbers; a number in quotes is a number */
  CHECK(parse(&P, &a, "a;b\n 1 ;\"2.5\"\n", 1, ';') == CSV_OK &&
        P.cols[0].x[0] == 1 && !P.cols[1].text && P.cols[1].x[0] == 2.5);
  csv_free(&P);
  /* a NUL byte inside the data is an ordinary character */
  {
    static const char text[] = "a\nx\0y\n";
    csv_opts o;
    setopts(&o, ',', 1, 1, 0);
    csv_init(&P, test_alloc, &a);
    CHECK(csv_parse(&P, text, sizeof text - 1, &o) == CSV_OK && P.nrow == 1 &&
          P.cols[0].text && P.cols[0].lev[0].len == 3);
    csv_free(&P);
  }
  CHECK(a.held == 0);
}

static void test_errors (void) {
  csv_t P;
  tally a = {0, 0, -1};
  CHECK(parse(&P, &a, "a,b\n1,2\n3\n", 1, ',') == CSV_ERAGGED);
  CHECK(strcmp(P.msg, "line 3 has 1 fields, expected 2") == 0);
  csv_free(&P);
  CHECK(parse(&P, &a, "a,b\n1,2\n\n\"x\ny\",2,3,4\n", 1, ',') == CSV_ERAGGED);
  CHECK(strcmp(P.msg, "line 4 has 4 fields, expected 2") == 0);
  csv_free(&P);
  CHECK(parse(&P, &a, "a\n1\n\"open\n2\n", 1, ',') == CSV_EQUOTE);
  CHECK(strcmp(P.msg, "line 3: a quoted field is not closed") == 0);
  csv_free(&P);
  CHECK(parse(&P, &a, "a\n\"x\"y\n", 1, ',') == CSV_EQUOTE);
  CHECK(strcmp(P.msg, "line 2: unexpected text after a closing quote") == 0);
  csv_free(&P);
  CHECK(parse(&P, &a, "a\n1\n", 1, '"') == CSV_EOPT);
  csv_free(&P);
  CHECK(parse(&P, &a, "a\n1\n", 1, 'x') == CSV_EOPT);
  csv_free(&P);
  CHECK(a.held == 0);
}

/* every allocation failing in turn: an error or success, never a leak */
static void test_nomem (void) {
  const char *text = "k,s,t\n1,a,\"q\"\"q\"\n2,b,x\n3,c,1\n4,NA,\"y\"\n";
  long budget;
  int ok = 0, oom = 0, other = 0;
  for (budget = 0; budget < 200; budget++) {
    csv_t P;
    tally a = {0, 0, 0};
    int st;
    a.budget = budget;
    st = parse(&P, &a, text, 1, ',');
    if (st == CSV_OK) ok++;
    else if (st == CSV_ENOMEM) oom++;
    else other++;
    csv_free(&P);
    if (a.held != 0) { fprintf(stderr, "leak of %ld bytes at budget %ld\n", a.held, budget); }
    CHECK(a.held == 0);
  }
  CHECK(oom > 5 && ok > 0 && other == 0);
}

/* line ends mixed: every lone CR counts, so the rows expected are exact */
static void test_growth (void) {
  csv_t P;
  tally a = {0, 0, -1};
  CHECK(parse(&P, &a, "a\n1\r2\r3\r4\n5\n6\r7\r8\r9\r10\r11\n", 1, ',') == CSV_OK);
  CHECK(P.nrow == 11 && P.cols[0].x[10] == 11 && P.cols[0].x[4] == 5);
  csv_free(&P);
  /* blank lines and line breaks in quotes: fewer rows than line breaks */
  CHECK(parse(&P, &a, "a,b\n\n1,\"x\ny\"\r\n\r\n2,z\n", 1, ',') == CSV_OK);
  CHECK(P.nrow == 2 && P.cols[0].x[1] == 2 && levels_are(&P, 1, "x\ny|z"));
  csv_free(&P);
  CHECK(a.held == 0);
}

/* the caller's storage: filled in place, or left for the kernel's memory
   when the rows outgrow it (CR and LF mixed) */
static void test_setbuffer (void) {
  csv_t P;
  tally a = {0, 0, -1};
  csv_opts o;
  double x0[16], x1[16];
  static const char t1[] = "a,b\n1,x\n2,y\n";
  static const char t2[] = "a\n1\r2\r3\r4\n5\n6\r7\r8\r9\r10\r11\n";
  setopts(&o, ',', 1, 1, 0);
  csv_init(&P, test_alloc, &a);
  CHECK(csv_begin(&P, t1, sizeof t1 - 1, &o) == CSV_OK && P.ncol == 2 && P.cap == 3);
  csv_setbuffer(&P, 0, x0);
  csv_setbuffer(&P, 1, x1);
  CHECK(csv_rows(&P) == CSV_OK && P.nrow == 2);
  CHECK(P.cols[0].ext && P.cols[0].x == x0 && x0[0] == 1 && x0[1] == 2);
  CHECK(P.cols[1].ext && x1[0] == 1 && x1[1] == 2 && levels_are(&P, 1, "x|y"));
  csv_free(&P);
  CHECK(a.held == 0);
  csv_init(&P, test_alloc, &a);
  CHECK(csv_begin(&P, t2, sizeof t2 - 1, &o) == CSV_OK && P.cap == 12);
  csv_setbuffer(&P, 0, x0);
  CHECK(csv_rows(&P) == CSV_OK && P.nrow == 11);
  CHECK(P.cols[0].ext && P.cols[0].x == x0 && x0[10] == 11 && x0[0] == 1);
  csv_free(&P);
  CHECK(a.held == 0);
}

/* the interrupt flag stops a parse with a status, freeing nothing early */
static void test_interrupt (void) {
  csv_t P;
  tally a = {0, 0, -1};
  orr_interrupted = 1;
  CHECK(parse(&P, &a, "a\n1\n2\n", 1, ',') == CSV_EINTR);
  CHECK(strcmp(P.msg, "interrupted") == 0);
  orr_interrupted = 0;
  csv_free(&P);
  CHECK(a.held == 0);
}

/* csv_fmtnum: the shortest digits, laid out as Python's repr, always exact
   (tests/data/test_csv.lua compares many more with Python itself) */
static void test_fmtnum (void) {
  static const struct { double v; const char *s; } cases[] = {
    {0.1, "0.1"}, {1.0 / 3, "0.3333333333333333"}, {-1234567.0, "-1234567"},
    {999999999999999.0, "999999999999999"}, {1e15, "1000000000000000"},
    {1e16, "1e+16"}, {0.0, "0"}, {0.0001, "0.0001"}, {1e-5, "1e-05"},
    {1.5e-7, "1.5e-07"}, {5e-324, "5e-324"}, {1e-323, "1e-323"},
    {2.2250738585072014e-308, "2.2250738585072014e-308"},
    {1.7976931348623157e308, "1.7976931348623157e+308"},
    {0.30000000000000004, "0.30000000000000004"}, {123.456, "123.456"},
    {9007199254740992.0, "9007199254740992"}, {-2.5e-4, "-0.00025"},
    {1e22, "1e+22"}, {1e23, "1e+23"}, {5e-310, "5e-310"}, {100.0, "100"},
    {0.5, "0.5"}, {12345678.9, "12345678.9"}
  };
  char buf[CSV_NUMLEN + 1];
  unsigned long s = 99;
  int k, bad = 0;
  size_t i;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    csv_fmtnum(buf, sizeof buf, cases[i].v);
    if (strcmp(buf, cases[i].s) != 0)
      fprintf(stderr, "csv_fmtnum(%.17g) = %s, expected %s\n", cases[i].v, buf, cases[i].s);
    CHECK(strcmp(buf, cases[i].s) == 0);
  }
  csv_fmtnum(buf, sizeof buf, -HUGE_VAL);
  CHECK(strcmp(buf, "-Inf") == 0);
  csv_fmtnum(buf, sizeof buf, -0.0);
  CHECK(strcmp(buf, "-0") == 0);
  CHECK(csv_fmtnum(buf, 4, 0.125) == 5 && strcmp(buf, "0.1") == 0);  /* cut */
  for (k = 0; k < 200000; k++) {
    uint64_t bits;
    double v;
    s = s * 6364136223846793005UL + 1442695040888963407UL;
    bits = (uint64_t)s;
    memcpy(&v, &bits, sizeof v);
    if (!isfinite(v)) continue;
    csv_fmtnum(buf, sizeof buf, v);
    if (strtod(buf, NULL) != v) bad++;
    v = floor(v / 1e290);  /* integers of every size too */
    csv_fmtnum(buf, sizeof buf, v);
    if (strtod(buf, NULL) != v) bad++;
  }
  CHECK(bad == 0);
}

/* the two parses gave the same frame, bit for bit, or the same error */
static int same (const csv_t *A, int sa, const csv_t *B, int sb) {
  size_t i, j;
  if (sa != sb) { fprintf(stderr, "status %d vs %d (%s | %s)\n", sa, sb, A->msg, B->msg); return 0; }
  if (sa != CSV_OK) {
    if (strcmp(A->msg, B->msg) != 0) fprintf(stderr, "'%s' vs '%s'\n", A->msg, B->msg);
    return strcmp(A->msg, B->msg) == 0;
  }
  if (A->ncol != B->ncol || A->nrow != B->nrow) {
    fprintf(stderr, "shape %zu x %zu vs %zu x %zu\n", A->nrow, A->ncol, B->nrow, B->ncol);
    return 0;
  }
  for (j = 0; j < A->ncol; j++) {
    const csv_col *a = &A->cols[j], *b = &B->cols[j];
    if (a->text != b->text || a->nlev != b->nlev) return 0;
    if ((a->x == NULL) != (b->x == NULL)) return 0;
    if (a->x && A->nrow && memcmp(a->x, b->x, A->nrow * sizeof(double)) != 0) {
      for (i = 0; i < A->nrow; i++)
        if (memcmp(&a->x[i], &b->x[i], sizeof(double)) != 0) {
          fprintf(stderr, "col %zu row %zu: %.17g vs %.17g\n", j, i, a->x[i], b->x[i]);
          break;
        }
      return 0;
    }
    for (i = 0; i < a->nlev; i++)
      if (a->lev[i].len != b->lev[i].len ||
          memcmp(A->arena + a->lev[i].off, B->arena + b->lev[i].off, a->lev[i].len) != 0)
        return 0;
  }
  return 1;
}

static unsigned long rnd (unsigned long *s) {
  *s = *s * 6364136223846793005UL + 1442695040888963407UL;
  return *s >> 33;
}

static size_t put (char *buf, size_t len, const char *s) {
  size_t n = strlen(s);
  memcpy(buf + len, s, n);
  return len + n;
}

/*
** A random CSV in buf (room for 64 KB): numeric columns, text ones, ones
** that turn text late, quoted fields holding separators, quotes and line
** breaks, blank lines, LF, CRLF and lone CR line ends; now and then an
** error (a ragged row, an unclosed quote, text after a closing quote).
*/
static size_t gencsv (char *buf, unsigned long *s, int witherrors) {
  static const char *const num[] = {"1.5", "-2e3", "NA", "", " 7 ", "\"3.25\"",
    "0.1", "inf", "42", "1e-300", "\"NA\"", "-0", "123456789012345678"};
  static const char *const txt[] = {"a", "b b", "\"q,\"\"x\"\"\"", "\"two\nlines\"",
    "\"cr\r\nlf\"", "NA", "\"NA\"", "zz", "\"\"", "10", "9", "\"\n\n\""};
  static const char *const eol[] = {"\n", "\n", "\n", "\r\n", "\r\n", "\r"};
  size_t len = 0, k = 1 + rnd(s) % 5, nrow = rnd(s) % 120, r, j;
  int kind[8], late[8], crlf = (int)(rnd(s) % 6);
  for (j = 0; j < k; j++) {
    kind[j] = (int)(rnd(s) % 4);
    late[j] = (int)(rnd(s) % (nrow + 1));
    if (j) buf[len++] = ',';
    len += (size_t)sprintf(buf + len, "c%zu", j);
  }
  len = put(buf, len, eol[crlf]);
  for (r = 0; r < nrow; r++) {
    if (rnd(s) % 10 == 0) len = put(buf, len, eol[rnd(s) % 6]);  /* blank */
    for (j = 0; j < k; j++) {
      const char *f;
      if (j) buf[len++] = ',';
      switch (kind[j]) {
        case 0: f = num[rnd(s) % 13]; break;
        case 1: f = txt[rnd(s) % 12]; break;
        case 2: f = (int)r == late[j] ? "late" : num[rnd(s) % 13]; break;
        default: f = rnd(s) % 3 ? num[rnd(s) % 13] : txt[rnd(s) % 12]; break;
      }
      len = put(buf, len, f);
    }
    if (witherrors && rnd(s) % 40 == 0) {
      switch (rnd(s) % 4) {
        case 0: len = put(buf, len, ",extra"); break;
        case 1: len = put(buf, len, ",\"open"); break;
        case 2: len = put(buf, len, "\"x\"y"); break;
        default: break;
      }
    }
    if (r + 1 < nrow || rnd(s) % 2) len = put(buf, len, eol[rnd(s) % 3 ? (unsigned long)crlf : rnd(s) % 6]);
  }
  return len;
}

/* any thread count and chunk size: the serial result (and serial errors) */
static void test_threads (void) {
  static const int threads[] = {2, 3, 8};
  static const size_t chunks[] = {1, 40};
  char *buf = (char *)malloc(65536);
  unsigned long s = 2024;
  int t, c, iter, bad = 0, parallel = 0, fallback = 0, errors = 0;
  tally a = {0, 0, -1};
  for (iter = 0; iter < 200; iter++) {
    size_t len = gencsv(buf, &s, iter % 3 == 0);
    csv_t A;
    int sa = parse_n(&A, &a, buf, len, 1, ',', 1, 0);
    if (sa != CSV_OK) errors++;
    for (t = 0; t < 3; t++)
      for (c = 0; c < 2; c++) {
        csv_t B;
        int sb = parse_n(&B, &a, buf, len, 1, ',', threads[t], chunks[c]);
        if (!same(&A, sa, &B, sb)) {
          if (bad < 3) fprintf(stderr, "threads %d chunk %zu differ on:\n%.*s\n",
                               threads[t], chunks[c], (int)len, buf);
          bad++;
        }
        if (sb == CSV_OK) { if (B.parallel) parallel++; else fallback++; }
        csv_free(&B);
      }
    csv_free(&A);
  }
  CHECK(bad == 0);
  if (!(parallel > 200 && fallback > 30 && errors > 20))
    fprintf(stderr, "parallel %d, fallback %d, errors %d\n", parallel, fallback, errors);
  CHECK(parallel > 200 && fallback > 30 && errors > 20);  /* all paths ran */
  CHECK(a.held == 0);
  free(buf);
}

/* an error deep in the file: the same line as the serial parse reports */
static void test_thread_errors (void) {
  static const char *const tails[] = {
    "7,8,9\n", "7,\"x\n8,9\n", "7,\"x\"y,9\n", "\"a\nb\"\n",
  };
  static const char *const msgs[] = {
    "line 2005 has 3 fields, expected 2",
    "line 2005: a quoted field is not closed",
    "line 2005: unexpected text after a closing quote",
    "line 2005 has 1 fields, expected 2",
  };
  char *buf = (char *)malloc(40000);
  size_t i, len, t;
  tally a = {0, 0, -1};
  len = put(buf, 0, "a,b\n\"x\ny\",1\n\n");  /* lines 1-4 */
  for (i = 0; i < 2000; i++) len = put(buf, len, i % 7 ? "1,2\n" : "\"p\",\"q\"\n");
  for (t = 0; t < 4; t++) {
    size_t n = put(buf, len, tails[t]);
    csv_t P;
    CHECK(parse_n(&P, &a, buf, n, 1, ',', 1, 0) != CSV_OK);
    if (strcmp(P.msg, msgs[t]) != 0) fprintf(stderr, "%s\n", P.msg);
    CHECK(strcmp(P.msg, msgs[t]) == 0);
    csv_free(&P);
    CHECK(parse_n(&P, &a, buf, n, 1, ',', 4, 100) != CSV_OK);
    if (strcmp(P.msg, msgs[t]) != 0) fprintf(stderr, "%s\n", P.msg);
    CHECK(strcmp(P.msg, msgs[t]) == 0);
    csv_free(&P);
  }
  /* a line break inside quotes right where a chunk would start */
  {
    csv_t A, B;
    len = put(buf, 0, "a,b\n");
    for (i = 0; i < 300; i++) len = put(buf, len, "\"1\n2\n3\n4\n5\n6\n7\n8\",9\n");
    CHECK(parse_n(&A, &a, buf, len, 1, ',', 1, 0) == CSV_OK && A.nrow == 300);
    CHECK(parse_n(&B, &a, buf, len, 1, ',', 7, 64) == CSV_OK && same(&A, 0, &B, 0));
    csv_free(&A); csv_free(&B);
  }
  CHECK(a.held == 0);
  free(buf);
}

/* csv_settype: skipped, text, number (and its error) */
static void test_types (void) {
  static const char text[] = "id,x,s\n10,1.5,a\n9,2,b\n010,NA,\"3\"\n";
  csv_t P;
  csv_opts o;
  tally a = {0, 0, -1};
  setopts(&o, ',', 1, 1, 0);
  csv_init(&P, test_alloc, &a);
  CHECK(csv_begin(&P, text, sizeof text - 1, &o) == CSV_OK && P.ncol == 3);
  csv_settype(&P, 0, CSV_TEXT);
  csv_settype(&P, 1, CSV_SKIP);
  csv_settype(&P, 2, CSV_AUTO);
  CHECK(csv_rows(&P) == CSV_OK && P.nrow == 3);
  CHECK(P.cols[0].text && levels_are(&P, 0, "010|10|9"));  /* C order, as text */
  CHECK(P.cols[0].x[0] == 2 && P.cols[0].x[1] == 3 && P.cols[0].x[2] == 1);
  CHECK(P.cols[1].x == NULL && !P.cols[1].text);
  CHECK(P.cols[2].text && levels_are(&P, 2, "3|a|b"));
  csv_free(&P);
  /* a number column: markers and blanks are missing, text is an error */
  {
    static const char t2[] = "a,b\n1,2\n\n3,\" \"\n4,x\n";
    static const char *const msg[] = {  /* without a header, then with */
      "line 1, column V1: \"a\" is not a number",
      "line 5, column 'b': \"x\" is not a number"
    };
    for (o.header = 0; o.header <= 1; o.header++) {
      csv_init(&P, test_alloc, &a);
      CHECK(csv_begin(&P, t2, sizeof t2 - 1, &o) == CSV_OK);
      csv_settype(&P, (size_t)o.header, CSV_NUMBER);
      CHECK(csv_rows(&P) == CSV_ETYPE);
      CHECK(strcmp(P.msg, msg[o.header]) == 0);
      csv_free(&P);
    }
  }
  CHECK(a.held == 0);
}

/* allocation failures with threads: an error or success, never a leak */
static void test_nomem_threads (void) {
  char *buf = (char *)malloc(65536);
  unsigned long s = 77;
  size_t len;
  long budget;
  int ok = 0, oom = 0, other = 0;
  do len = gencsv(buf, &s, 0); while (len < 2000);
  for (budget = 0; budget < 400; budget += 3) {
    csv_t P;
    tally a = {0, 0, 0};
    int st;
    a.budget = budget;
    st = parse_n(&P, &a, buf, len, 1, ',', 3, 64);
    if (st == CSV_OK) ok++;
    else if (st == CSV_ENOMEM) oom++;
    else other++;
    csv_free(&P);
    CHECK(a.held == 0);
  }
  CHECK(oom > 5 && ok > 0 && other == 0);
  free(buf);
}

/* the writer: the same bytes with and without threads, blocks of any size */
static void test_writer (void) {
  static const double x[] = {0.1, NAN, -0.0, 1e300, 5e-324, 3, 2.5, -7};
  static const double codes[] = {1, 2, NAN, 3, 1, 2, 3, 1};
  csv_wlevel lev[3] = {{"plain", 5, 0}, {"a \"q\"", 5, 0}, {"two\nlines", 9, 0}};
  csv_wlevel names[2] = {{"x", 1, 0}, {"s\"", 2, 0}};
  csv_wcol cols[2];
  csv_wopts o;
  char path[64], *work, got[4][512];
  size_t rowmax, glen[4];
  int k, err;
  cols[0].x = x; cols[0].lev = NULL; cols[0].nlev = 0;
  cols[1].x = codes; cols[1].lev = lev; cols[1].nlev = 3;
  o.sep = ';'; o.na = "NA"; o.nalen = 2;
  rowmax = csv_wrowmax(cols, 2, &o);
  CHECK(rowmax >= CSV_NUMLEN + 14 && lev[1].nq == 2 && lev[0].nq == 0);
  work = (char *)malloc(rowmax * 3 * 8);
  snprintf(path, sizeof path, "/tmp/orrery-test-write-%ld.csv", (long)getpid());
  for (k = 0; k < 4; k++) {
    static const int nbuf[] = {1, 2, 4, 8};
    static const size_t rows[] = {1, 3, 1, 2};  /* rows a block */
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f == NULL) break;
    CHECK(csv_write(fileno(f), names, cols, 2, 8, &o, rowmax, work,
                    rowmax * rows[k], nbuf[k], &err) == CSV_OK);
    fclose(f);
    f = fopen(path, "rb");
    glen[k] = fread(got[k], 1, sizeof got[k] - 1, f);
    got[k][glen[k]] = '\0';
    fclose(f);
  }
  CHECK(strcmp(got[0], "\"x\";\"s\"\"\"\n0.1;\"plain\"\nNA;\"a \"\"q\"\"\"\n-0;NA\n"
               "1e+300;\"two\nlines\"\n5e-324;\"plain\"\n3;\"a \"\"q\"\"\"\n"
               "2.5;\"two\nlines\"\n-7;\"plain\"\n") == 0);
  for (k = 1; k < 4; k++) CHECK(glen[k] == glen[0] && memcmp(got[k], got[0], glen[0]) == 0);
  /* a closed descriptor: an error with its errno */
  CHECK(csv_write(-1, names, cols, 2, 8, &o, rowmax, work, rowmax, 1, &err) == CSV_EIO &&
        err == EBADF);
  remove(path);
  free(work);
}

int main (void) {
  test_growth();
  test_setbuffer();
  test_interrupt();
  test_fmtnum();
  test_numbers();
  test_shapes();
  test_errors();
  test_nomem();
  test_threads();
  test_thread_errors();
  test_types();
  test_nomem_threads();
  test_writer();
  return CTEST_DONE();
}
