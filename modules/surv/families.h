/*
** Parametric survival families on the linear-predictor ("eta") scale.
**
** Every family is written as a function of four slots, so that one fitting
** engine serves all of them (docs/methods/surv.md, "Parametric families"):
**   e[0] = log lambda   (PH scale)
**   e[1] = log phi      (AFT scale; the AFT block enters as -x'beta)
**   e[2] = log gamma    (power shape; Gompertz: gamma itself, any sign;
**                        log-normal: gamma = 1/sigma)
**   e[3] = theta = log(kappa + 1)   (APGW only)
** Slots a family does not use are ignored and get a zero gradient.
** Plain C: no Lua, no allocation, no statics.
*/
#ifndef survreg_families_h
#define survreg_families_h

enum {
  SR_EXPONENTIAL, SR_WEIBULL, SR_GOMPERTZ, SR_LOGLOGISTIC, SR_LOGNORMAL,
  SR_BURR, SR_APGW, SR_NFAMILIES
};

#define SR_NSLOT 4

/*
** The log-likelihood contribution of one observation, delta log h(t) - H(t)
** (log S(t) for censored log-normal times), with its gradient with respect
** to the four slots in g (NULL: not wanted). logt = log(t).
*/
double sr_loglik1 (int fam, double t, double logt, double delta,
                   const double e[SR_NSLOT], double g[SR_NSLOT]);

/*
** As sr_loglik1 plus the 4 x 4 Hessian in the slots (row-major, symmetric),
** analytic for every family (central differences of the analytic gradient
** remain as the fallback of a family without one). 'active' flags the slots
** whose rows are wanted.
*/
double sr_loglik2 (int fam, double t, double logt, double delta,
                   const double e[SR_NSLOT], const int active[SR_NSLOT],
                   double g[SR_NSLOT], double h[SR_NSLOT * SR_NSLOT]);

/* Cumulative hazard H(t) (Inf allowed), log hazard log h(t), at t > 0. */
double sr_cumhaz (int fam, double t, const double e[SR_NSLOT]);
double sr_loghaz (int fam, double t, const double e[SR_NSLOT]);
/* log S(t) = -H(t), computed without cancellation for the log-normal. */
double sr_logsurv (int fam, double t, const double e[SR_NSLOT]);
/* The time t with P(T <= t) = p (R's predict type = "quantile"); Inf when
   p is beyond the cure fraction of a defective distribution. */
double sr_quantile (int fam, double p, const double e[SR_NSLOT]);
/* S(infinity): the cure fraction (0 for proper distributions). */
double sr_cure (int fam, const double e[SR_NSLOT]);

/*
** E(k, A) = expm1(k A) / k and its derivative in k, accurate as k -> 0
** (a series in k A near zero): the APGW cumulative hazard is
** lambda (kappa+1) E(kappa, log(1 + (phi t)^gamma/(kappa+1))).
*/
void sr_expm1_ratio (double k, double A, double *E, double *Ek);

#endif
