/*
** The status codes of the regress kernels (ols.c, glm.c, iv.c, ridge.c,
** sketch.c) and their messages, one enum for the module. Formulas and
** sources: docs/methods/regress.md.
*/
#ifndef regress_h
#define regress_h

typedef enum {
  REG_OK = 0,
  REG_NEEDPIVOT,    /* rq_qr: refill A and call rq_qr_pivot (not an error) */
  REG_NEEDQR,       /* rq_normal: use the QR instead (not an error) */
  REG_EINTR,        /* ORR_INTERRUPTED() was seen: the output is incomplete */
  REG_ELAPACK,      /* a LAPACK routine failed */
  REG_ESINGULAR,    /* the design (R of its QR) is singular */
  REG_ENOGOOD,      /* glm: no observation with a positive working weight */
  REG_ENOVALID,     /* glm: the first step is invalid, nothing to halve to */
  REG_EHALVING,     /* glm: step-halving found no valid coefficients */
  REG_ENONFINITE,   /* glm: non-finite coefficients */
  REG_ERANK         /* sketch: the sketched design is rank deficient */
} regress_status;

/* The message of a status (REG_OK: "ok"), without the function's name. */
const char *regress_strerror (int status);

#endif
