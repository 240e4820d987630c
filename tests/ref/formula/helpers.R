# Shared by make_formula.R and make_functions.R: frames and design matrices
# written in the files tests/formula/test_formula_r.lua reads.

num <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))

# text columns become factors with levels in C byte order, as Orrery's frames
recode <- function(d) {
  for (v in names(d)) if (is.factor(d[[v]]) || is.character(d[[v]]))
    d[[v]] <- factor(as.character(d[[v]]))
  d
}

write_data <- function(name, d) {
  out <- d
  lev <- character(0)
  for (v in names(d)) if (is.factor(d[[v]])) {
    out[[v]] <- as.integer(d[[v]])
    lev <- c(lev, paste(v, paste(levels(d[[v]]), collapse = " ")))
  }
  cols <- lapply(out, num)
  lines <- do.call(paste, c(cols, sep = ","))
  writeLines(c(paste(names(d), collapse = ","), lines), paste0(name, ".csv"))
  writeLines(lev, paste0(name, "_levels.txt"))
}

cases <- character(0)
write_case <- function(id, ds, f, X, y, nd, drop = TRUE, off = NULL, kind = "mm") {
  M <- cbind(y, X)
  hdr <- c("y", paste0("c", seq_len(ncol(X))))
  if (!is.null(off)) { M <- cbind(M, off); hdr <- c(hdr, "offset") }
  lines <- apply(M, 1, function(r) paste(num(r), collapse = ","))
  writeLines(c(paste(hdr, collapse = ","), lines), paste0(id, ".csv"))
  writeLines(colnames(X), paste0(id, "_names.txt"))
  cases <<- c(cases, paste(id, ds, kind, if (drop) "drop" else "keep", nd, f, sep = "\t"))
}

mm_case <- function(id, ds, d, f, drop = TRUE) {
  mf <- model.frame(as.formula(f), data = d, na.action = na.omit,
                    drop.unused.levels = drop)
  X <- model.matrix(terms(mf), mf)
  y <- model.response(mf)
  if (is.factor(y)) y <- as.integer(y)
  write_case(id, ds, f, X, y, nrow(d) - nrow(mf), drop, model.offset(mf))
}

