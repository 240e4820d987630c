# Reference for tests/bayes/test_hgf.lua: trajectories of the hierarchical
# Gaussian filter on fixed input sequences, from an independent R transcription
# of the update equations of Mathys et al. (2011, 2014) (binary and continuous,
# 2 and 3 levels; docs/methods/bayes.md). The sequences are written too.
# Run from the repository root: Rscript tests/ref/bayes/make_hgf.R
dir <- "tests/ref/bayes/"
f <- function(v) formatC(v, digits = 17, format = "g")
set.seed(12)
# binary: p = 0.8 for 40 trials, 0.2 for 40, 0.8 for 40; trial 50 missing
pr <- rep(c(0.8, 0.2, 0.8), each = 40)
ub <- as.numeric(runif(120) < pr); ub[50] <- NA
# continuous: a random walk whose step size changes, observed with noise; trial 30 missing
uc <- cumsum(c(rnorm(50, 0, 0.1), rnorm(50, 0, 0.5))) + rnorm(100, 0, 0.05); uc[30] <- NA

binary <- function(u, L, omega, kappa, theta, mu0, pi0) {
  n <- length(u); m2 <- mu0[1]; p2 <- pi0[1]; m3 <- mu0[2]; p3 <- pi0[2]
  out <- matrix(NA_real_, n, 8)
  for (k in 1:n) {
    muhat1 <- 1 / (1 + exp(-m2))
    v2 <- if (L == 3) exp(kappa * m3 + omega) else exp(omega)
    pihat2 <- 1 / (1 / p2 + v2)
    pihat3 <- 1 / (1 / p3 + theta)
    d1 <- NA; d2 <- NA; s <- NA
    if (is.na(u[k])) { p2 <- pihat2; p3 <- pihat3 }
    else {
      d1 <- u[k] - muhat1
      p2 <- pihat2 + muhat1 * (1 - muhat1)
      old <- m2
      m2 <- m2 + d1 / p2
      s <- -(u[k] * log(muhat1) + (1 - u[k]) * log(1 - muhat1))
      if (L == 3) {
        w2 <- v2 * pihat2
        d2 <- (1 / p2 + (m2 - old)^2) * pihat2 - 1
        p3 <- pihat3 + kappa^2 / 2 * w2 * (w2 + (2 * w2 - 1) * d2)
        m3 <- m3 + kappa * w2 * d2 / (2 * p3)
      }
    }
    out[k, ] <- c(muhat1, m2, if (L == 3) m3 else NA, p2, if (L == 3) p3 else NA, d1, d2, s)
  }
  out
}

continuous <- function(u, L, omega, kappa, theta, pi_u, mu0, pi0) {
  n <- length(u); m <- mu0; p <- pi0
  out <- matrix(NA_real_, n, 10)
  for (k in 1:n) {
    v1 <- exp(kappa[1] * m[2] + omega[1]); pihat1 <- 1 / (1 / p[1] + v1); muhat1 <- m[1]
    v2 <- if (L == 3) exp(kappa[2] * m[3] + omega[2]) else exp(omega[2])
    pihat2 <- 1 / (1 / p[2] + v2)
    pihat3 <- if (L == 3) 1 / (1 / p[3] + theta) else NA
    e <- NA; d1 <- NA; d2 <- NA; s <- NA
    if (is.na(u[k])) { p[1] <- pihat1; p[2] <- pihat2; if (L == 3) p[3] <- pihat3 }
    else {
      e <- u[k] - muhat1
      s <- -dnorm(u[k], muhat1, sqrt(1 / pihat1 + 1 / pi_u), log = TRUE)
      p[1] <- pihat1 + pi_u
      m[1] <- muhat1 + pi_u / p[1] * e
      d1 <- (1 / p[1] + (m[1] - muhat1)^2) * pihat1 - 1
      w1 <- v1 * pihat1
      old2 <- m[2]
      p[2] <- pihat2 + kappa[1]^2 / 2 * w1 * (w1 + (2 * w1 - 1) * d1)
      m[2] <- m[2] + kappa[1] * w1 * d1 / (2 * p[2])
      if (L == 3) {
        d2 <- (1 / p[2] + (m[2] - old2)^2) * pihat2 - 1
        w2 <- v2 * pihat2
        p[3] <- pihat3 + kappa[2]^2 / 2 * w2 * (w2 + (2 * w2 - 1) * d2)
        m[3] <- m[3] + kappa[2] * w2 * d2 / (2 * p[3])
      }
    }
    out[k, ] <- c(m[1], m[2], if (L == 3) m[3] else NA, p[1], p[2], if (L == 3) p[3] else NA,
                  e, d1, d2, s)
  }
  out
}

wr <- function(M, names, file) {
  M[is.na(M)] <- NaN
  txt <- apply(M, 1, function(r) paste(f(r), collapse = ","))
  writeLines(c(paste(names, collapse = ","), txt), paste0(dir, file))
}
writeLines(c("u", ifelse(is.na(ub), "NaN", f(ub))), paste0(dir, "hgf_binary_u.csv"))
writeLines(c("u", ifelse(is.na(uc), "NaN", f(uc))), paste0(dir, "hgf_cont_u.csv"))
bn <- c("mu1", "mu2", "mu3", "pi2", "pi3", "pe1", "pe2", "surprise")
wr(binary(ub, 3, -2.5, 1.2, 0.3, c(0, 1), c(1, 2)), bn, "hgf_binary3.csv")
wr(binary(ub, 2, -1.5, 1, 1, c(0.5, 0), c(2, 1)), bn, "hgf_binary2.csv")
cn <- c("mu1", "mu2", "mu3", "pi1", "pi2", "pi3", "pe1", "pe2", "pe3", "surprise")
wr(continuous(uc, 3, c(-4, -3), c(1, 0.8), 0.2, 400, c(0, -1, 1), c(10, 2, 3)), cn, "hgf_cont3.csv")
wr(continuous(uc, 2, c(-4, -3), c(1, 1), 1, 400, c(0, -1), c(10, 2)), cn, "hgf_cont2.csv")
