/*
** Interrupt flag shared by the host and the kernels.
** Kernels know nothing of Lua, so the host's SIGINT handler raises this flag
** and long loops in C poll it through ORR_INTERRUPTED() and return early.
*/
#ifndef ointr_h
#define ointr_h

#include <signal.h>

extern volatile sig_atomic_t orr_interrupted;

#define ORR_INTERRUPTED()  (orr_interrupted != 0)

#endif
