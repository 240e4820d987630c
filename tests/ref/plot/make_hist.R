# Reference for plot:hist: R's hist() breaks and counts (Sturges' classes
# over pretty(), right-closed) on data sets that ship with R (datasets):
# faithful$eruptions, faithful$waiting, precip, rivers, and pretty() itself
# on a few ranges. Run: Rscript make_hist.R  (writes hist_ref.txt here)
out <- file("hist_ref.txt", "w")
put <- function(key, v) cat(key, formatC(v, digits = 17, format = "g"), "\n", file = out)
for (nm in c("eruptions", "waiting")) {
  h <- hist(faithful[[nm]], plot = FALSE)
  put(paste0(nm, "_breaks"), h$breaks); put(paste0(nm, "_counts"), h$counts)
  write.table(faithful[[nm]], paste0(nm, ".txt"), row.names = FALSE, col.names = FALSE)
}
for (nm in c("precip", "rivers")) {
  x <- get(nm)
  h <- hist(x, plot = FALSE)
  put(paste0(nm, "_breaks"), h$breaks); put(paste0(nm, "_counts"), h$counts)
  write.table(as.vector(x), paste0(nm, ".txt"), row.names = FALSE, col.names = FALSE)
}
ranges <- list(c(0, 1), c(-3.7, 12.2), c(0.001, 0.0093), c(1e6, 3.4e6), c(-1, -1), c(5, 5.0000001))
for (i in seq_along(ranges)) {
  r <- ranges[[i]]
  for (n in c(3, 5, 10)) {
    put(sprintf("pretty_%d_%d_range", i, n), r)
    put(sprintf("pretty_%d_%d", i, n), pretty(r, n))
  }
}
close(out)
