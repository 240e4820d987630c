/*
** The interactive loop: GNU readline with history in ~/.orrery_history,
** completion of globals, fields and methods, auto-printing of expressions,
** multi-line input, and Ctrl-C that returns to the prompt.
*/
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/readline.h>
#include <readline/history.h>

#include "lua.h"
#include "lauxlib.h"

#include "ohost.h"

#define PROMPT   "> "
#define PROMPT2  ">> "
#define HISTORY_FILE  ".orrery_history"
#define HISTORY_SIZE  1000
#define EOFMARK  "<eof>"

static lua_State *replL = NULL;
static sigjmp_buf prompt_jmp;
static char history_path[4096];


/* Ctrl-C at the prompt abandons the line being typed. */
static void prompt_sigint (int sig) {
  (void)sig;
  siglongjmp(prompt_jmp, 1);
}


/* ---------------------------------------------------------------------- */
/* completion: candidates come from orrery.repl's complete(text)           */
/* ---------------------------------------------------------------------- */

static char *completion_generator (const char *text, int state) {
  static int idx, n, base;
  lua_State *L = replL;
  if (state == 0) {  /* work above whatever a multi-line entry keeps */
    idx = 0; n = 0;
    base = lua_gettop(L);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "orrery.repl");
    if (lua_pcall(L, 1, 1, 0) != LUA_OK ||
        lua_getfield(L, -1, "complete") != LUA_TFUNCTION) {
      lua_settop(L, base);
      return NULL;
    }
    lua_pushstring(L, text);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK || !lua_istable(L, -1)) {
      lua_settop(L, base);
      return NULL;
    }
    n = (int)lua_rawlen(L, -1);
  }
  while (idx < n) {
    const char *s;
    lua_rawgeti(L, -1, ++idx);
    s = lua_tostring(L, -1);
    if (s) {
      char *r = strdup(s);  /* readline frees it */
      lua_pop(L, 1);
      return r;
    }
    lua_pop(L, 1);
  }
  lua_settop(L, base);
  return NULL;
}


static char **completion (const char *text, int start, int end) {
  (void)start; (void)end;
  rl_attempted_completion_over = 1;  /* no file-name completion */
  rl_completion_append_character = '\0';
  return rl_completion_matches(text, completion_generator);
}


/* ---------------------------------------------------------------------- */
/* reading and evaluating                                                  */
/* ---------------------------------------------------------------------- */

static int incomplete (lua_State *L, int status) {
  if (status == LUA_ERRSYNTAX) {
    size_t lmsg;
    const char *msg = lua_tolstring(L, -1, &lmsg);
    size_t lmark = sizeof(EOFMARK) - 1;
    if (lmsg >= lmark && strcmp(msg + lmsg - lmark, EOFMARK) == 0) {
      lua_pop(L, 1);
      return 1;
    }
  }
  return 0;
}


/* "return line" compiles: an expression to print */
static int addreturn (lua_State *L) {
  const char *line = lua_tostring(L, -1);
  const char *retline = lua_pushfstring(L, "return %s;", line);
  int status = luaL_loadbuffer(L, retline, strlen(retline), "=stdin");
  if (status == LUA_OK) lua_remove(L, -2);
  else lua_pop(L, 2);
  return status;
}


static void addhistory (const char *line) {
  if (line[0] == '\0') return;
  add_history(line);
  if (history_path[0]) {
    append_history(1, history_path);
    history_truncate_file(history_path, HISTORY_SIZE);
  }
}


/* Reads one line; returns 0 at end of input. The line is pushed. */
static int pushline (lua_State *L, int firstline) {
  char *b = readline(firstline ? PROMPT : PROMPT2);
  size_t l;
  if (b == NULL) return 0;
  l = strlen(b);
  if (l > 0 && b[l - 1] == '\n') b[--l] = '\0';
  if (firstline && b[0] == '=')
    lua_pushfstring(L, "return %s", b + 1);
  else
    lua_pushlstring(L, b, l);
  free(b);
  return 1;
}


static int multiline (lua_State *L) {
  for (;;) {
    size_t len;
    const char *line = lua_tolstring(L, 1, &len);
    int status = luaL_loadbuffer(L, line, len, "=stdin");
    if (!incomplete(L, status) || !pushline(L, 0)) {
      addhistory(line);
      return status;
    }
    lua_pushliteral(L, "\n");
    lua_insert(L, -2);
    lua_concat(L, 3);
  }
}


static int loadline (lua_State *L) {
  int status;
  lua_settop(L, 0);
  if (!pushline(L, 1)) return -1;
  if ((status = addreturn(L)) != LUA_OK)
    status = multiline(L);
  else
    addhistory(lua_tostring(L, 1));
  lua_remove(L, 1);
  return status;
}


/* Prints the values on the stack through orrery.repl's show (tostring if absent). */
static void printresults (lua_State *L) {
  int n = lua_gettop(L);
  if (n == 0) return;
  lua_getglobal(L, "require");
  lua_pushliteral(L, "orrery.repl");
  if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_getfield(L, -1, "show") == LUA_TFUNCTION) {
    lua_remove(L, -2);
    lua_insert(L, 1);
    if (orr_docall(L, n, 0) != LUA_OK)
      orr_report(L, LUA_ERRRUN);
    return;
  }
  lua_settop(L, n);
  lua_getglobal(L, "print");
  lua_insert(L, 1);
  if (lua_pcall(L, n, 0, 0) != LUA_OK) orr_report(L, LUA_ERRRUN);
}


void orr_repl (lua_State *L) {
  int status;
  const char *home = getenv("HOME");
  replL = L;
  rl_readline_name = "orrery";
  rl_attempted_completion_function = completion;
  rl_basic_word_break_characters = " \t\n\"\\'><=;+-*/%^~#&|{}()[],";
  rl_catch_signals = 0;
  if (home && strlen(home) + sizeof(HISTORY_FILE) + 2 < sizeof history_path) {
    snprintf(history_path, sizeof history_path, "%s/%s", home, HISTORY_FILE);
    if (read_history(history_path) != 0)
      write_history(history_path);  /* append_history needs the file to exist */
  }
  for (;;) {
    if (sigsetjmp(prompt_jmp, 1)) {  /* Ctrl-C while typing */
      rl_free_line_state();
      rl_cleanup_after_signal();
      rl_reset_after_signal();
      fputc('\n', stdout);
    }
    signal(SIGINT, prompt_sigint);
    status = loadline(L);
    signal(SIGINT, SIG_DFL);
    if (status == -1) break;
    if (status == LUA_OK) status = orr_docall(L, 0, LUA_MULTRET);
    if (status == LUA_OK) printresults(L);
    else orr_report(L, status);
  }
  lua_settop(L, 0);
  fputc('\n', stdout);
  fflush(stdout);
}
