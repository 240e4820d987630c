/*
** The status codes of the surv kernels and their messages (surv.h).
*/
#include "surv/surv.h"


const char *surv_strerror (int status) {
  switch (status) {
    case SURV_OK: return "ok";
    case SURV_EMAXITER: return "the iteration limit was reached";
    case SURV_EINTR: return "interrupted";
    case SURV_ENOTFINITE: return "a risk-set sum is not positive and finite";
    case SURV_ESTART:
      return "the log-likelihood is not finite at the starting values";
    case SURV_ESINGULAR: return "the information matrix is singular";
    case SURV_EHALVING:
      return "step-halving failed to increase the log-likelihood";
    default: return "unknown status";
  }
}
