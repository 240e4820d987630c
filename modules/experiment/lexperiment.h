/*
** experiment: what the binding's files share.
**   lexperiment_copy.c  copies a value (run and its upvalues) out of one
**                       state into bytes and back into another state
**   lexperiment_run.c   the worker threads, the dispatch of replicates, the
**                       gathering of their results into columns
*/
#ifndef lexperiment_h
#define lexperiment_h

#include <stddef.h>
#include <stdint.h>
#include "lua.h"

/* A growable byte buffer; 'oom' is set when malloc failed (then n stops). */
typedef struct ebuf {
  char *p;
  size_t n, cap;
  int oom;
} ebuf;

void ebuf_add (ebuf *b, const void *s, size_t len);
void ebuf_free (ebuf *b);

/*
** Encodes the value at idx of L (the parent) into a buffer owned by a
** userdata pushed on L's stack (freed by the GC, so an error leaks
** nothing); returns the buffer. An uncopyable value raises
** "fn: <where> is <what>", where names the path to it ("upvalue 'f' of
** run"); 'what' names the value at idx.
*/
ebuf *exp_encode (lua_State *L, int idx, const char *fn, const char *what);
/* Decodes bytes made by exp_encode and pushes the value on W (a worker);
   raises a Lua error in W when a module value cannot be found there. */
void exp_decode (lua_State *W, const char *p, size_t n);

/* Adds _run to the module table on the top of the stack. */
void lexperiment_run_open (lua_State *L);

#endif
