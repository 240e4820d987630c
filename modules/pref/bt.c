/*
** Bradley-Terry maximum likelihood: P(i beats j) = s(theta_i - theta_j).
** The comparisons come aggregated into a k x k matrix of weighted wins, so
** each Newton step costs O(k^2) for the gradient and information and
** O(k^3) for their Cholesky, whatever the number of comparisons.  The
** log-likelihood is concave; a step that lowers it is halved.
*/
#include <math.h>
#include <string.h>

#include "ointr.h"
#include "pref/pref.h"

/* step halvings before a Newton step is given up */
#define MAX_HALVING  30


size_t pref_bt_work (size_t k) {
  return k * k + 4 * k;
}


/* Whether every item reaches every other in the graph i -> j when w_ij > 0
   (dir = 0) or w_ji > 0 (dir = 1), from item 0.  seen, queue: k doubles. */
static int reaches_all (size_t k, const double *w, int dir, double *seen,
                        double *queue) {
  size_t head = 0, tail = 0, i, j, count = 1;
  for (i = 0; i < k; i++) seen[i] = 0;
  seen[0] = 1; queue[tail++] = 0;
  while (head < tail) {
    i = (size_t)queue[head++];
    for (j = 0; j < k; j++) {
      double wij = dir ? w[j + i * k] : w[i + j * k];
      if (!seen[j] && wij > 0) { seen[j] = 1; queue[tail++] = (double)j; count++; }
    }
  }
  return count == k;
}


static double loglik (size_t k, const double *w, const double *theta) {
  size_t i, j;
  double ll = 0;
  for (j = 0; j < k; j++)
    for (i = 0; i < k; i++)
      if (w[i + j * k] > 0) ll += w[i + j * k] * pref_logsig(theta[i] - theta[j]);
  return ll;
}


/* In-place Cholesky (lower) of the m x m matrix a (leading dimension lda);
   0 when not positive definite. */
static int chol (size_t m, double *a, size_t lda) {
  size_t i, j, l;
  for (j = 0; j < m; j++) {
    double d = a[j + j * lda];
    for (l = 0; l < j; l++) d -= a[j + l * lda] * a[j + l * lda];
    if (!(d > 0)) return 0;
    d = sqrt(d);
    a[j + j * lda] = d;
    for (i = j + 1; i < m; i++) {
      double s = a[i + j * lda];
      for (l = 0; l < j; l++) s -= a[i + l * lda] * a[j + l * lda];
      a[i + j * lda] = s / d;
    }
  }
  return 1;
}


/* Solves L L' x = b in place (L from chol). */
static void cholsolve (size_t m, const double *a, size_t lda, double *b) {
  size_t i, l;
  for (i = 0; i < m; i++) {
    double s = b[i];
    for (l = 0; l < i; l++) s -= a[i + l * lda] * b[l];
    b[i] = s / a[i + i * lda];
  }
  for (i = m; i-- > 0;) {
    double s = b[i];
    for (l = i + 1; l < m; l++) s -= a[l + i * lda] * b[l];
    b[i] = s / a[i + i * lda];
  }
}


/*
** The information matrix of the free scores (all but ref, in order) into
** a (m x m, m = k - 1) and the gradient of the log-likelihood into g (m).
*/
static void infograd (size_t k, const double *w, size_t ref,
                      const double *theta, double *a, double *g) {
  size_t m = k - 1, i, j;
  memset(a, 0, m * m * sizeof(double));
  memset(g, 0, m * sizeof(double));
  for (i = 0; i < k; i++) {
    size_t fi = i < ref ? i : i - 1;
    for (j = 0; j < k; j++) {
      double nij, p, v;
      if (j == i) continue;
      nij = w[i + j * k] + w[j + i * k];
      if (nij == 0) continue;
      p = pref_sig(theta[i] - theta[j]);
      v = nij * p * (1 - p);
      if (i == ref) continue;
      g[fi] += w[i + j * k] - nij * p;
      a[fi + fi * m] += v;
      if (j != ref) a[fi + (j < ref ? j : j - 1) * m] -= v;
    }
  }
}


int pref_bt (size_t k, const double *w, size_t ref, int maxiter, double tol,
             double *theta, double *cov, double *loglik_out, int *iter,
             double *work) {
  size_t m = k - 1, i, j;
  double *a = work, *g = work + k * k, *step = g + k, *old = step + k;
  double ll;
  int it, status = PREF_EMAXITER;
  /* the MLE exists iff every item reaches every other through wins */
  if (!reaches_all(k, w, 0, step, old) || !reaches_all(k, w, 1, step, old))
    return PREF_ENOMLE;
  for (i = 0; i < k; i++) theta[i] = 0;
  ll = loglik(k, w, theta);
  for (it = 1; it <= maxiter; it++) {
    double big = 0, t = 1, lnew;
    int h;
    if (ORR_INTERRUPTED()) return PREF_EINTR;
    infograd(k, w, ref, theta, a, g);
    if (!chol(m, a, m)) return PREF_ESINGULAR;
    memcpy(step, g, m * sizeof(double));
    cholsolve(m, a, m, step);
    memcpy(old, theta, k * sizeof(double));
    for (h = 0; h <= MAX_HALVING; h++, t /= 2) {
      for (i = 0; i < k; i++)
        if (i != ref) theta[i] = old[i] + t * step[i < ref ? i : i - 1];
      lnew = loglik(k, w, theta);
      if (lnew >= ll - 1e-12 * fabs(ll)) break;
    }
    if (h > MAX_HALVING) { memcpy(theta, old, k * sizeof(double)); break; }
    ll = lnew;
    for (i = 0; i < m; i++) if (fabs(t * step[i]) > big) big = fabs(t * step[i]);
    if (big < tol) { status = PREF_OK; break; }
  }
  *iter = it > maxiter ? maxiter : it;
  /* the inverse information at the estimate, column by column */
  infograd(k, w, ref, theta, a, g);
  if (!chol(m, a, m)) return PREF_ESINGULAR;
  memset(cov, 0, k * k * sizeof(double));
  for (j = 0; j < m; j++) {
    size_t cj = j < ref ? j : j + 1;
    memset(step, 0, m * sizeof(double));
    step[j] = 1;
    cholsolve(m, a, m, step);
    for (i = 0; i < m; i++) cov[(i < ref ? i : i + 1) + cj * k] = step[i];
  }
  *loglik_out = loglik(k, w, theta);
  return status;
}
