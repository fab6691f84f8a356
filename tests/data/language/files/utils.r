#' Normalise a numeric vector to [0, 1]
#'
#' @param x a numeric vector
#' @return the rescaled vector
normalise <- function(x) {
  rng <- range(x, na.rm = TRUE)
  if (diff(rng) == 0) return(rep(0, length(x)))
  (x - rng[1]) / diff(rng)
}

moving_average <- function(x, k = 3) {
  stopifnot(is.numeric(x), k >= 1)
  as.numeric(stats::filter(x, rep(1 / k, k), sides = 2))
}

x <- c(1, 5, 3, 8, 2)
cat(normalise(x), "\n")
