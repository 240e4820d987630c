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

/*
** The REPL's rules, shared with the Jupyter kernel (vm/okernel.c) so that a
** notebook cell reads, completes and stops like a line at the prompt.
*/
/* characters that end the word TAB (or Jupyter's complete) works on */
#define ORR_WORDBREAKS  " \t\n\"\\'><=;+-*/%^~#&|{}()[],"
/* 1 (and pops the message) if 'status' is a syntax error at the end of the
   input: a statement that more lines would finish */
int orr_incomplete (lua_State *L, int status);
/* Compiles "return <string on the top>;" as chunk 'chunkname': an
   expression whose value is shown. On success the function is pushed above
   the string; on failure only the string stays. */
int orr_addreturn (lua_State *L, const char *chunkname);
/* 0: a second Ctrl-C while a call runs interrupts it again instead of
   killing the process (the kernel, whose interrupt button is pressed twice) */
extern int orr_sigint_kills;

/*
** The Jupyter kernel lives in its own shared object (okernel.so, linked
** with ZeroMQ, jansson and OpenSSL), loaded only by --kernel, so that the
** program's start-up does not pay for those libraries. It reaches the
** host's functions, hidden in the program, through this table.
*/
typedef struct orr_host {
  int (*docall) (lua_State *L, int narg, int nres);
  int (*incomplete) (lua_State *L, int status);
  int (*addreturn) (lua_State *L, const char *chunkname);
  int *sigint_kills;
} orr_host;

/* okernel.so's entry point: serves the kernel described by the connection
   file; returns the process's exit status */
typedef int (*orr_kernel_main_fn) (const char *connfile, const orr_host *host);
#define ORR_KERNEL_MAIN  "orr_kernel_main"

#endif
