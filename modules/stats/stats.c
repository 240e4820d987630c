/*
** The status codes of the stats kernels and their messages (stats.h).
*/
#include "stats/stats.h"


const char *stats_strerror (int status) {
  switch (status) {
    case STATS_OK: return "ok";
    case STATS_EPROB: return "p must be in [0, 1]";
    case STATS_EFAIL: return "cannot compute an accurate value";
    case STATS_ERANGE: return "the quantile lies beyond the range of double precision";
    case STATS_EINTR: return "interrupted";
    case STATS_ENOTPD: return "the covariance matrix is singular";
    case STATS_ELAPACK: return "the eigen-decomposition failed";
    case STATS_ESMALL: return "too few rows for the columns";
    default: return "unknown status";
  }
}
