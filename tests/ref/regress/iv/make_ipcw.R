# Reference values for regress.ipcw on survival's lung data: censoring weights
# from survfit(Surv(time, 1 - status)) left-limited at each time, then lm with
# those weights. Run from this folder: Rscript make_ipcw.R
suppressMessages(library(survival))
d <- na.omit(lung[, c("time", "status", "age", "ph.karno")])
d$event <- d$status - 1          # R's 1/2 coding to 0/1
write.csv(d[, c("time", "event", "age", "ph.karno")], "lung_ipcw.csv", row.names = FALSE)
d <- read.csv("lung_ipcw.csv")
fc <- survfit(Surv(time, 1 - event) ~ 1, data = d)
# S_C(t-): the censoring survival just before t
left <- function(u) { k <- which(fc$time < u); if (length(k) == 0) 1 else fc$surv[max(k)] }
Sc <- sapply(d$time, left)
w <- d$event / Sc
fit <- lm(time ~ age + ph.karno, data = d, weights = w)
out <- file("ipcw.txt", "w")
put <- function(key, x) cat(key, formatC(as.numeric(x), digits = 17, format = "g"), "\n", file = out)
put("weights_head", w[1:10])
put("weights_sum", sum(w))
put("coef", coef(fit))
put("se", sqrt(diag(vcov(fit))))
close(out)
