# Reference values for pref.bt: BradleyTerry2::BTm on two real data sets.
#  - citations (Stigler 1994): cross-citations of four statistics journals,
#    as counts (countsToBinomial), so the fit uses weights;
#  - football: English Premier League 2008-9 to 2012-13 (1900 games of 29
#    teams), draws dropped, one row per decisive game (home win: home beats
#    away), no home advantage.
# Scores with the first item as reference (BTm's default) and their SEs;
# sum-to-zero scores and SEs by A theta, A V A' with A = I - 11'/k; the
# Bradley-Terry log-likelihood sum w log s(score_winner - score_loser).
# glm's convergence criterion is tightened (epsilon 1e-12) so that the
# reference is the MLE to well below the tests' 1e-6.
# Writes citations.csv, football.csv, football_all.csv and bt_ref.txt next
# to itself.
# Run: Rscript make_bt.R
suppressMessages(library(BradleyTerry2))
ctl <- glm.control(epsilon = 1e-12, maxit = 100)
out <- c(sprintf("# pref.bt reference: make_bt.R (BradleyTerry2 %s, %s)",
                 packageVersion("BradleyTerry2"), R.version.string))
f17 <- function(x) paste(sprintf("%.17g", x), collapse = " ")

ref <- function(tag, fit, k, win, los, w) {
  b <- c(0, coef(fit))
  V <- matrix(0, k, k)
  V[-1, -1] <- vcov(fit)
  A <- diag(k) - matrix(1 / k, k, k)
  bs <- as.vector(A %*% b)
  Vs <- A %*% V %*% t(A)
  ll <- sum(w * plogis(b[win] - b[los], log.p = TRUE))
  c(sprintf("%s.score %s", tag, f17(b)),
    sprintf("%s.se %s", tag, f17(sqrt(diag(V)))),
    sprintf("%s.score_sum %s", tag, f17(bs)),
    sprintf("%s.se_sum %s", tag, f17(sqrt(pmax(diag(Vs), 0)))),
    sprintf("%s.loglik %s", tag, f17(ll)),
    sprintf("%s.k %d", tag, k))
}

# citations: counts
cs <- countsToBinomial(citations)
fit <- BTm(cbind(win1, win2), player1, player2, data = cs, control = ctl)
k <- nlevels(cs$player1)
p1 <- as.integer(cs$player1); p2 <- as.integer(cs$player2)
write.csv(data.frame(p1 = p1, p2 = p2, win1 = cs$win1, win2 = cs$win2),
          "citations.csv", row.names = FALSE)
out <- c(out, ref("cit", fit, k, c(p1, p2), c(p2, p1), c(cs$win1, cs$win2)))

# football: one row per decisive game
data(football)
fb <- football[football$result != 0, ]
teams <- levels(football$home)
fb$home <- factor(fb$home, levels = teams)
fb$away <- factor(fb$away, levels = teams)
fb$win <- fb$result == 1
winner <- ifelse(fb$win, as.integer(fb$home), as.integer(fb$away))
loser <- ifelse(fb$win, as.integer(fb$away), as.integer(fb$home))
fit2 <- BTm(cbind(win, !win), home, away, data = fb, control = ctl)
stopifnot(length(coef(fit2)) == length(teams) - 1)
write.csv(data.frame(winner = winner, loser = loser), "football.csv", row.names = FALSE)
out <- c(out, ref("fb", fit2, length(teams), winner, loser, rep(1, length(winner))))
# every game with its draws, for Davidson's tie model (no peer in
# BradleyTerry2: the test checks it against a general-purpose optimiser)
write.csv(data.frame(home = as.integer(football$home), away = as.integer(football$away),
                     result = football$result), "football_all.csv", row.names = FALSE)
writeLines(out, "bt_ref.txt")
