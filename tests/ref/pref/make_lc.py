#!/usr/bin/python3
"""Reference values for pref.lc_winrate: the length-controlled AlpacaEval GLM
fitted by statsmodels' GLM (Binomial, freq_weights) on the soft labels
written as weighted duplicate rows (y = 1 with weight p, y = 0 with weight
1 - p), on a simulated verbose model: 600 instructions with a difficulty
covariate, the model's outputs longer than the baseline's and the judge's
preference tilted towards length.

Writes lc_rows.csv (pref, len_model, len_base, difficulty) and lc_ref.txt
next to this script.  Run: /usr/bin/python3 make_lc.py
"""
import os
import numpy as np
import statsmodels
import statsmodels.api as sm

HERE = os.path.dirname(os.path.abspath(__file__))


def fit(p, delta, gamma):
    n = len(p)
    sd = np.std(delta, ddof=1)          # sample standard deviation
    x = np.tanh(delta / sd)
    cols = [np.ones(n), x] + ([gamma] if gamma is not None else [])
    X = np.column_stack(cols)
    Xd = np.vstack([X, X])
    yd = np.concatenate([np.ones(n), np.zeros(n)])
    wd = np.concatenate([p, 1 - p])
    keep = wd > 0
    res = sm.GLM(yd[keep], Xd[keep], family=sm.families.Binomial(),
                 freq_weights=wd[keep]).fit(tol=1e-14, maxiter=100)
    b, V = res.params, res.cov_params()
    # LC win rate: the prediction at zero length difference, averaged
    eta = b[0] + (b[2] * gamma if gamma is not None else 0)
    s = 1 / (1 + np.exp(-eta))
    lc = 100 * s.mean()
    g = np.zeros(len(b))
    g[0] = 100 * np.mean(s * (1 - s))
    if gamma is not None:
        g[2] = 100 * np.mean(s * (1 - s) * gamma)
    return b, res.bse, lc, np.sqrt(g @ V @ g), res.llf


def main():
    rs = np.random.RandomState(805)
    n = 600
    len_base = rs.gamma(4, 300, n).round()
    len_model = (len_base * rs.lognormal(0.4, 0.3, n)).round()
    gamma = rs.normal(0, 1, n)
    delta = len_base - len_model
    eta = 0.2 - 0.8 * np.tanh(delta / np.std(delta, ddof=1)) + 0.7 * gamma
    prob = 1 / (1 + np.exp(-eta))
    # soft labels: a judge's probability, with some hard 0/1 rows
    p = np.clip(prob + rs.normal(0, 0.1, n), 0, 1)
    p[::10] = (rs.uniform(size=len(p[::10])) < prob[::10]).astype(float)
    with open(os.path.join(HERE, "lc_rows.csv"), "w") as f:
        f.write("pref,len_model,len_base,difficulty\n")
        for i in range(n):
            f.write("%.17g,%.17g,%.17g,%.17g\n" % (p[i], len_model[i], len_base[i], gamma[i]))
    out = ["# pref.lc_winrate reference: make_lc.py (statsmodels %s, numpy %s)"
           % (statsmodels.__version__, np.__version__)]
    f17 = lambda a: " ".join("%.17g" % v for v in np.atleast_1d(a))
    for tag, g in (("diff", gamma), ("nodiff", None)):
        b, se, lc, lcse, llf = fit(p, delta, g)
        out += ["%s.coef %s" % (tag, f17(b)), "%s.se %s" % (tag, f17(se)),
                "%s.lc %s" % (tag, f17(lc)), "%s.lc_se %s" % (tag, f17(lcse)),
                "%s.loglik %s" % (tag, f17(llf))]
    out.append("raw %s" % f17(100 * p.mean()))
    out.append("raw_se %s" % f17(100 * np.std(p, ddof=1) / np.sqrt(n)))
    with open(os.path.join(HERE, "lc_ref.txt"), "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
