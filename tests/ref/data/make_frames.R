# Reference values for tests/data/test_frame.lua: R's summary() statistics
# and print() layout. Run from this directory: Rscript make_frames.R
f17 <- function(x) formatC(x, digits = 17, format = "g")
d <- data.frame(model = rownames(mtcars), mtcars, row.names = NULL)
write.csv(d, "mtcars.csv", row.names = FALSE)
out <- c()
for (v in c("mpg", "hp", "wt", "qsec")) {
  x <- mtcars[[v]]
  q <- quantile(x, c(0, .25, .5, .75, 1), type = 7)
  out <- c(out, paste(v, paste(f17(c(q[1], q[2], q[3], mean(x), q[4], q[5])), collapse = " ")))
}
# a column with missing values: ozone of airquality
x <- airquality$Ozone
q <- quantile(x, c(0, .25, .5, .75, 1), type = 7, na.rm = TRUE)
out <- c(out, paste("Ozone", paste(f17(c(q[1], q[2], q[3], mean(x, na.rm = TRUE), q[4], q[5])), collapse = " ")),
         paste("Ozone_na", sum(is.na(x))))
write.csv(airquality, "airquality.csv", row.names = FALSE)
# iris: factor level counts
tab <- table(iris$Species)
out <- c(out, paste("Species_levels", paste(names(tab), collapse = " ")),
         paste("Species_counts", paste(as.integer(tab), collapse = " ")))
write.csv(iris, "iris.csv", row.names = FALSE)
# factor() of numbers: levels in numeric order, named by as.character
x <- c(100000, 123456, 0.0001, 0.1, 1e20, 1/3, 2, -1.5, 1e15, 1e5 + 0.5,
       1234567890123456, 0.00012345, 1e-300, 5e-324, 10, -100000)
out <- c(out, paste("numeric_levels", paste(levels(factor(x)), collapse = " ")))
writeLines(out, "summary.txt")
# print layouts
small <- data.frame(a = c(1, 2.5, 3, NA), b = factor(c("x", "y", NA, "x")),
                    c = c(1e10, 2, 3, -4), d = c(0.001234, 123.5, -7, 0))
writeLines(capture.output(print(small)), "print_small.txt")
wide <- head(d, 12); wide$model <- factor(wide$model)
writeLines(capture.output(print(wide)), "print_mtcars12.txt")
