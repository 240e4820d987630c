/*
** Kernel tests for modules/data/csv.c: exact number parsing (against
** strtod, bit for bit), the grammar's edge cases, error lines, and
** allocation failure at every allocation (nothing leaks, nothing crashes).
*/
#include <stdlib.h>
#include <string.h>

#include "ctest.h"
#include "data/csv.h"
#include "ointr.h"

/* an allocator that counts bytes held and can fail after 'budget' calls */
typedef struct acct { long held, calls, budget; } acct;

static void *test_alloc (void *ud, void *ptr, size_t osize, size_t nsize) {
  acct *a = (acct *)ud;
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

static int parse (csv_t *P, acct *a, const char *text, int header, char sep) {
  csv_opts o;
  size_t n = strlen(text);
  char *buf = (char *)malloc(n + 1);
  int st;
  memcpy(buf, text, n + 1);
  o.sep = sep; o.header = header; o.na = NA; o.nalen = NALEN; o.nna = 2;
  csv_init(P, test_alloc, a);
  st = csv_parse(P, buf, n, &o);
  free(buf);
  return st;
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
  acct a = {0, 0, -1};
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
    o.sep = ','; o.header = 1; o.na = NA; o.nalen = NALEN; o.nna = 2;
    csv_init(&P, test_alloc, &a);
    CHECK(csv_parse(&P, text, sizeof text - 1, &o) == CSV_OK && P.nrow == 1 &&
          P.cols[0].text && P.cols[0].lev[0].len == 3);
    csv_free(&P);
  }
  CHECK(a.held == 0);
}

static void test_errors (void) {
  csv_t P;
  acct a = {0, 0, -1};
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
    acct a = {0, 0, 0};
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

/* line ends mixed so that the first guess at the row count is short */
static void test_growth (void) {
  csv_t P;
  acct a = {0, 0, -1};
  CHECK(parse(&P, &a, "a\n1\r2\r3\r4\n5\n6\r7\r8\r9\r10\r11\n", 1, ',') == CSV_OK);
  CHECK(P.nrow == 11 && P.cols[0].x[10] == 11 && P.cols[0].x[4] == 5);
  csv_free(&P);
  CHECK(a.held == 0);
}

/* the caller's storage: filled in place, or left for the kernel's memory
   when the rows outgrow it (CR and LF mixed) */
static void test_setbuffer (void) {
  csv_t P;
  acct a = {0, 0, -1};
  csv_opts o;
  double x0[16], x1[16];
  static const char t1[] = "a,b\n1,x\n2,y\n";
  static const char t2[] = "a\n1\r2\r3\r4\n5\n6\r7\r8\r9\r10\r11\n";
  o.sep = ','; o.header = 1; o.na = NA; o.nalen = NALEN; o.nna = 2;
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
  CHECK(csv_begin(&P, t2, sizeof t2 - 1, &o) == CSV_OK && P.cap < 11);
  csv_setbuffer(&P, 0, x0);
  CHECK(csv_rows(&P) == CSV_OK && P.nrow == 11);
  CHECK(!P.cols[0].ext && P.cols[0].x != x0 && P.cols[0].x[10] == 11 && P.cols[0].x[0] == 1);
  csv_free(&P);
  CHECK(a.held == 0);
}

/* the interrupt flag stops a parse with a status, freeing nothing early */
static void test_interrupt (void) {
  csv_t P;
  acct a = {0, 0, -1};
  orr_interrupted = 1;
  CHECK(parse(&P, &a, "a\n1\n2\n", 1, ',') == CSV_EINTR);
  CHECK(strcmp(P.msg, "interrupted") == 0);
  orr_interrupted = 0;
  csv_free(&P);
  CHECK(a.held == 0);
}

/* csv_fmtnum: the shortest of %.15g..%.17g, and always exact */
static void test_fmtnum (void) {
  char buf[40];
  unsigned long s = 99;
  int k, bad = 0;
  CHECK(csv_fmtnum(buf, sizeof buf, 0.1) == 3 && strcmp(buf, "0.1") == 0);
  CHECK(csv_fmtnum(buf, sizeof buf, 1.0 / 3) == 18);
  csv_fmtnum(buf, sizeof buf, -HUGE_VAL);
  CHECK(strcmp(buf, "-Inf") == 0);
  csv_fmtnum(buf, sizeof buf, -0.0);
  CHECK(strcmp(buf, "-0") == 0);
  csv_fmtnum(buf, sizeof buf, -1234567.0);
  CHECK(strcmp(buf, "-1234567") == 0);
  csv_fmtnum(buf, sizeof buf, 999999999999999.0);
  CHECK(strcmp(buf, "999999999999999") == 0);
  csv_fmtnum(buf, sizeof buf, 1e15);
  CHECK(strcmp(buf, "1e+15") == 0);
  csv_fmtnum(buf, sizeof buf, 0.0);
  CHECK(strcmp(buf, "0") == 0);
  for (k = 0; k < 100000; k++) {
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

int main (void) {
  test_growth();
  test_setbuffer();
  test_interrupt();
  test_fmtnum();
  test_numbers();
  test_shapes();
  test_errors();
  test_nomem();
  return CTEST_DONE();
}
