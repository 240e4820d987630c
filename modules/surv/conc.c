/*
** The concordance of a Cox model's risk score with the observed times, in
** O(n log n): Fenwick trees over the ranks of the score.
**
** A pair (i, j) is comparable when i has an event at t and j is still at
** risk after it (stop_j > t, or stop_j = t and j censored; start_j < t).
** It is concordant when score_i > score_j.  Deaths at the same time are
** tied in y and left out, as survival::concordance does.
**
** Pass 1 walks each stratum from the latest time down, keeping the rows at
** risk in a tree, and asks for each death how much weight lies below, at
** and above its score.  Pass 2 gives every row its sums as the *later*
** member of pairs: it walks up in time, keeping the deaths seen so far in a
** tree, and takes for row j the deaths in (start_j, stop_j] (stop_j
** excluded when j itself died then).
*/
#include <math.h>
#include <string.h>

#include "surv/surv.h"


/* Fenwick tree over ranks 1..K (tree[0] unused); at[] holds plain totals */
static void fw_add (double *tree, size_t K, size_t r, double v) {
  for (; r <= K; r += r & (~r + 1)) tree[r] += v;
}

static double fw_below (const double *tree, size_t r) {  /* ranks < r */
  double s = 0;
  for (r = r - 1; r > 0; r -= r & (~r + 1)) s += tree[r];
  return s;
}


#define STRATUM(d, i) ((d)->strata ? (d)->strata[i] : 0)
#define W(d, i) ((d)->w ? (d)->w[i] : 1.0)

size_t conc_rank_work (size_t n) {
  return n * sizeof(size_t) + surv_order_work(n);
}


size_t conc_rank (const double *score, size_t n, size_t *rank, void *work) {
  size_t *o = (size_t *)work, i, K = 0;
  surv_order(score, n, o, o + n);
  for (i = 0; i < n; i++) {
    /* equal scores (rows with equal covariates) share a rank */
    if (i == 0 || score[o[i]] != score[o[i - 1]]) K++;
    rank[o[i]] = K;
  }
  return K;
}


size_t cox_concordance_work (size_t K) {
  return 3 * (K + 1);   /* the tree, the plain totals, the deaths by rank */
}


double cox_concordance (const cox_data *d, const size_t *rank, size_t K,
                        double *count, double *num, double *den, double *tree) {
  size_t n = d->n, i = 0, q = 0;
  double *at = tree + K + 1, *byrank = at + K + 1;
  memset(count, 0, 5 * sizeof(double));
  memset(byrank, 0, (K + 1) * sizeof(double));
  memset(num, 0, n * sizeof(double));
  memset(den, 0, n * sizeof(double));
  while (i < n) {
    int s = STRATUM(d, i);
    size_t a = i, b, e, j;
    double tot = 0;
    for (b = i; b < n && STRATUM(d, b) == s; b++) ;
    /* pass 1: the stratum's rows [a, b), times decreasing */
    memset(tree, 0, 2 * (K + 1) * sizeof(double));
    while (i < b) {
      double t = d->stop[i];
      for (e = i; e < b && d->stop[e] == t; e++)
        if (d->status[e] == 0) {
          fw_add(tree, K, rank[e], W(d, e)); at[rank[e]] += W(d, e); tot += W(d, e);
        }
      if (d->start) {
        while (q < n && STRATUM(d, d->sorder[q]) == s && d->start[d->sorder[q]] >= t) {
          size_t o = d->sorder[q++];
          fw_add(tree, K, rank[o], -W(d, o)); at[rank[o]] -= W(d, o); tot -= W(d, o);
        }
      }
      {
        /* pairs of deaths at t: tied in y (and in x too when the ranks
           agree); byrank[] holds the weight seen so far at each rank */
        double wseen = 0;
        for (j = i; j < e; j++) {
          double lo, eq, hi, wj;
          if (d->status[j] == 0) continue;
          wj = W(d, j);
          lo = fw_below(tree, rank[j]); eq = at[rank[j]]; hi = tot - lo - eq;
          count[0] += wj * lo; count[1] += wj * hi; count[2] += wj * eq;
          num[j] += lo + eq / 2; den[j] += lo + eq + hi;
          count[4] += wj * byrank[rank[j]];
          count[3] += wj * (wseen - byrank[rank[j]]);
          byrank[rank[j]] += wj; wseen += wj;
        }
        for (j = i; j < e; j++) byrank[rank[j]] = 0;
      }
      for (j = i; j < e; j++)
        if (d->status[j] != 0) {
          fw_add(tree, K, rank[j], W(d, j)); at[rank[j]] += W(d, j); tot += W(d, j);
        }
      i = e;
    }
    if (d->start)
      while (q < n && STRATUM(d, d->sorder[q]) == s) q++;
    /* pass 2: the same rows with times increasing, deaths in the tree */
    memset(tree, 0, 2 * (K + 1) * sizeof(double));
    tot = 0;
    {
      size_t qs = q;   /* start order of this stratum, walked backwards */
      size_t r = b;
      while (r > a) {
        double t = d->stop[r - 1];
        size_t f = r;   /* the block is [g, r) */
        size_t g;
        for (g = r; g > a && d->stop[g - 1] == t; g--) ;
        /* rows whose start is before t: take off the deaths up to start */
        if (d->start) {
          while (qs > 0 && STRATUM(d, d->sorder[qs - 1]) == s &&
                 d->start[d->sorder[qs - 1]] < t) {
            size_t o = d->sorder[--qs];
            double lo = fw_below(tree, rank[o]), eq = at[rank[o]];
            num[o] -= (tot - lo - eq) + eq / 2;
            den[o] -= tot;
          }
        }
        for (j = g; j < f; j++)   /* deaths: partners strictly before t */
          if (d->status[j] != 0) {
            double lo = fw_below(tree, rank[j]), eq = at[rank[j]];
            num[j] += (tot - lo - eq) + eq / 2;
            den[j] += tot;
          }
        for (j = g; j < f; j++)
          if (d->status[j] != 0) {
            fw_add(tree, K, rank[j], W(d, j)); at[rank[j]] += W(d, j); tot += W(d, j);
          }
        for (j = g; j < f; j++)   /* censored: partners up to and at t */
          if (d->status[j] == 0) {
            double lo = fw_below(tree, rank[j]), eq = at[rank[j]];
            num[j] += (tot - lo - eq) + eq / 2;
            den[j] += tot;
          }
        r = g;
      }
    }
  }
  return (count[0] + count[2] / 2) / (count[0] + count[1] + count[2]);
}


double conc_se (size_t n, const double *count, const double *num,
                const double *den, const double *w, const int *cluster,
                size_t ncl, int robust, double *work) {
  double ptot = count[0] + count[1] + count[2];
  double c = (count[0] + count[2] / 2) / ptot, v = 0;
  size_t i;
  if (cluster) {   /* the influences add up within a cluster */
    memset(work, 0, ncl * sizeof(double));
    for (i = 0; i < n; i++)
      work[cluster[i]] += (w ? w[i] : 1.0) * (num[i] - c * den[i]) / ptot;
    for (i = 0; i < ncl; i++) v += work[i] * work[i];
  }
  else if (robust)   /* each row its own cluster (sampling weights) */
    for (i = 0; i < n; i++) {
      double ui = (w ? w[i] : 1.0) * (num[i] - c * den[i]) / ptot;
      v += ui * ui;
    }
  else               /* case weights are replications */
    for (i = 0; i < n; i++) {
      double ui = (num[i] - c * den[i]) / ptot;
      v += (w ? w[i] : 1.0) * ui * ui;
    }
  return sqrt(v);
}
