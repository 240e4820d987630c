/*
** The status codes of the regress kernels and their messages (regress.h).
*/
#include "regress/regress.h"


const char *regress_strerror (int status) {
  switch (status) {
    case REG_OK: return "ok";
    case REG_NEEDPIVOT: return "the QR needs limited pivoting";
    case REG_NEEDQR: return "the normal equations are not accurate enough";
    case REG_EINTR: return "interrupted";
    case REG_ELAPACK: return "LAPACK failed";
    case REG_ESINGULAR: return "the design is singular";
    case REG_ENOGOOD: return "no observations with positive weight";
    case REG_ENOVALID:
      return "no valid set of coefficients found from the starting values "
             "(eta or mu out of range)";
    case REG_EHALVING: return "step-halving could not find valid coefficients";
    case REG_ENONFINITE: return "non-finite coefficients";
    case REG_ERANK: return "the sketched design is rank deficient (increase m)";
    default: return "unknown status";
  }
}
