#!/usr/bin/python3
"""Reference values for pref.dpo_loss: the DPO loss family written from the
published formulas (Rafailov et al. 2023; TRL's DPOTrainer.dpo_loss for the
variants), independently of the C kernel, in numpy.  Derivatives are not
derived by hand here: they come from the complex step,
f'(x) = Im f(x + ih) / h with h = 1e-200, exact to rounding for these
analytic pieces (hinge: the branch at the point).

Writes dpo_pairs.csv (the inputs) and dpo_ref.txt ("key v1 v2 ...",
17 significant digits) next to this script.  Run: /usr/bin/python3 make_dpo.py
"""
import os
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
H = 1e-200


def logsigmoid(x):
    # log s(x) for real or complex x, branching on the real part
    x = np.asarray(x, dtype=complex)
    out = np.empty_like(x)
    pos = x.real >= 0
    out[pos] = -np.log1p(np.exp(-x[pos]))
    out[~pos] = x[~pos] - np.log1p(np.exp(x[~pos]))
    return out


def sigmoid(x):
    x = np.asarray(x, dtype=complex)
    out = np.empty_like(x)
    pos = x.real >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1 + e)
    return out


def relu(x):
    return np.where(x.real > 0, x, 0)


def losses(name, lw, ll, Lw, Ll, beta, eps, lc=None, lr=None):
    cr = lw - Lw          # chosen log-ratio
    rr = ll - Ll          # rejected log-ratio
    if name == "ipo" and lc is not None:
        cr = cr / lc
        rr = rr / lr
    logits = cr - rr
    if name in ("sigmoid", "cdpo"):
        return -logsigmoid(beta * logits) * (1 - eps) - logsigmoid(-beta * logits) * eps
    if name == "robust":
        return (-logsigmoid(beta * logits) * (1 - eps)
                + logsigmoid(-beta * logits) * eps) / (1 - 2 * eps)
    if name == "hinge":
        return relu(1 - beta * logits)
    if name == "ipo":
        return (logits - 1 / (2 * beta)) ** 2
    if name == "bco_pair":
        return -logsigmoid(beta * cr) - logsigmoid(-(beta * rr))
    if name == "sppo_hard":
        return (cr - 0.5 / beta) ** 2 + (rr + 0.5 / beta) ** 2
    if name == "nca_pair":
        c, r = cr * beta, rr * beta
        return -logsigmoid(c) - 0.5 * logsigmoid(-c) - 0.5 * logsigmoid(-r)
    if name == "apo_zero":
        return (1 - sigmoid(beta * cr)) + sigmoid(beta * rr)
    if name == "apo_down":
        return sigmoid(beta * cr) + (1 - sigmoid(beta * logits))
    if name == "exo_pair":
        e = 1e-3 if eps == 0 else eps
        z = beta * logits
        return (sigmoid(z) * (logsigmoid(z) - np.log(1 - e))
                + sigmoid(-z) * (logsigmoid(-z) - np.log(e)))
    if name == "discopop":
        tau = 0.05
        z = beta * logits
        m = sigmoid(z / tau)
        # m * exp(-z) as exp(log s(z/tau) - z): no 0 * inf
        return -logsigmoid(z) * (1 - m) + np.exp(logsigmoid(z / tau) - z)
    raise ValueError(name)


def main():
    rs = np.random.RandomState(20261204)
    n = 48
    Lw = -rs.uniform(5, 300, n)
    Ll = -rs.uniform(5, 300, n)
    lw = Lw + rs.normal(0, 8, n)
    ll = Ll + rs.normal(0, 8, n)
    # ties (equal log-ratios), policy = reference, small differences
    lw[0:3] = Lw[0:3]; ll[0:3] = Ll[0:3]
    lw[3] = Lw[3] + 2.5; ll[3] = Ll[3] + 2.5
    lw[4:8] = Lw[4:8] + rs.normal(0, 0.01, 4)
    # extremes: log-ratios of +-1e4
    lw[8], Lw[8], ll[8], Ll[8] = 1e4, 0.0, -1e4, 0.0
    lw[9], Lw[9], ll[9], Ll[9] = -1e4, 0.0, 1e4, 0.0
    lw[10], Lw[10], ll[10], Ll[10] = -1e4, 0.0, -1e4, 0.0
    lw[11], Lw[11], ll[11], Ll[11] = 1e4, 0.0, 1e4, 0.0
    lc = rs.randint(5, 400, n).astype(float)
    lr = rs.randint(5, 400, n).astype(float)
    with open(os.path.join(HERE, "dpo_pairs.csv"), "w") as f:
        f.write("lw,ll,Lw,Ll,lc,lr\n")
        for i in range(n):
            f.write(",".join("%.17g" % v for v in (lw[i], ll[i], Lw[i], Ll[i], lc[i], lr[i])) + "\n")
    cases = [
        ("sigmoid", 0.1, 0.0, False), ("sigmoid", 1.0, 0.0, False),
        ("cdpo", 0.5, 0.1, False), ("hinge", 0.1, 0.0, False),
        ("ipo", 0.1, 0.0, True), ("ipo", 0.5, 0.0, False),
        ("robust", 0.2, 0.2, False), ("bco_pair", 0.1, 0.0, False),
        ("sppo_hard", 0.1, 0.0, False), ("nca_pair", 0.3, 0.0, False),
        ("apo_zero", 0.1, 0.0, False), ("apo_down", 0.1, 0.0, False),
        ("exo_pair", 0.1, 0.0, False), ("exo_pair", 0.1, 0.2, False),
        ("discopop", 0.1, 0.0, False), ("discopop", 0.05, 0.0, False),
    ]
    out = ["# pref.dpo_loss reference: make_dpo.py (numpy %s); inputs dpo_pairs.csv" % np.__version__,
           "# case lines: name beta label_smoothing use_lengths"]
    fmt = lambda a: " ".join("%.17g" % v for v in a)
    for k, (name, beta, eps, uselen) in enumerate(cases, 1):
        a = (lc, lr) if uselen else (None, None)
        L = losses(name, lw, ll, Lw, Ll, beta, eps, *a).real
        gc = losses(name, lw + 1j * H, ll, Lw, Ll, beta, eps, *a).imag / H
        gr = losses(name, lw, ll + 1j * H, Lw, Ll, beta, eps, *a).imag / H
        cr, rr = lw - Lw, ll - Ll
        if uselen:
            cr, rr = cr / lc, rr / lr
        rc, rj = beta * cr, beta * rr
        key = "c%d" % k
        out.append("%s.case %s %.17g %.17g %d" % (key, name, beta, eps, int(uselen)))
        out.append("%s.losses %s" % (key, fmt(L)))
        out.append("%s.loss %.17g" % (key, L.mean()))
        out.append("%s.grad_chosen %s" % (key, fmt(gc)))
        out.append("%s.grad_rejected %s" % (key, fmt(gr)))
        out.append("%s.rewards_chosen %s" % (key, fmt(rc)))
        out.append("%s.rewards_rejected %s" % (key, fmt(rj)))
        out.append("%s.accuracy %.17g" % (key, (rc > rj).mean()))
        out.append("%s.margin %.17g" % (key, (rc - rj).mean()))
    out.append("ncases %d" % len(cases))
    with open(os.path.join(HERE, "dpo_ref.txt"), "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
