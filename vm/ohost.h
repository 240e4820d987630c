/*
** What the program's two halves (main.c, repl.c) share.
*/
#ifndef ohost_h
#define ohost_h

#include "lua.h"

/* Calls the function below 'narg' arguments with a traceback handler and
   Ctrl-C turned into an error; returns the status. */
int orr_docall (lua_State *L, int narg, int nres);
/* Prints the error message on the top of the stack (if any) to stderr. */
int orr_report (lua_State *L, int status);
/* The interactive loop. */
void orr_repl (lua_State *L);

extern const char *orr_progname;

#endif
