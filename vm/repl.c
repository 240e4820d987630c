/*
** The interactive loop: GNU readline with history in ~/.orrery_history,
** completion of globals, fields and methods, auto-printing of expressions,
** multi-line input, and Ctrl-C that returns to the prompt.
**
** Signals: nothing jumps. While Lua code runs (a command, the printing of
** its results, or the Lua code behind a TAB completion) Ctrl-C goes to
** orr_docall's handler, which sets a hook (main.c). At the prompt, readline
** runs through its callback interface under select, and Ctrl-C only raises
** a flag and wakes select: the line is then discarded and a fresh prompt
** shown, as bash does.
*/
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

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

/* what loadline returns besides a load status */
#define LINE_EOF      (-1)   /* end of input */
#define LINE_DROPPED  (-2)   /* Ctrl-C discarded the statement being typed */

static lua_State *replL = NULL;
static char history_path[4096];


/* ---------------------------------------------------------------------- */
/* completion: candidates come from orrery.repl's complete(text)           */
/* ---------------------------------------------------------------------- */

/* candidates(text): orrery.repl's complete(text) */
static int candidates (lua_State *L) {
  lua_getglobal(L, "require");
  lua_pushliteral(L, "orrery.repl");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "complete");
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);
  return 1;
}


static char *completion_generator (const char *text, int state) {
  static int idx, n, base;
  lua_State *L = replL;
  if (state == 0) {  /* work above whatever a multi-line entry keeps */
    idx = 0; n = 0;
    base = lua_gettop(L);
    /* through orr_docall: a completion that runs Lua code for long (an
       __index or __pairs that loops) is stopped by Ctrl-C like a command */
    lua_pushcfunction(L, candidates);
    lua_pushstring(L, text);
    if (orr_docall(L, 1, 1) != LUA_OK || !lua_istable(L, -1)) {
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

int orr_incomplete (lua_State *L, int status) {
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
int orr_addreturn (lua_State *L, const char *chunkname) {
  const char *line = lua_tostring(L, -1);
  const char *retline = lua_pushfstring(L, "return %s;", line);
  int status = luaL_loadbuffer(L, retline, strlen(retline), chunkname);
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


/* ---------------------------------------------------------------------- */
/* reading a line: readline's callback interface under pselect            */
/* ---------------------------------------------------------------------- */

static volatile sig_atomic_t got_sigint, got_sigwinch;
static int wakeup[2] = {-1, -1};  /* the prompt's self-pipe */
static char *cb_line;
static int cb_done;


/*
** The prompt's handler: it may run on any thread (OpenBLAS has its own,
** which do not block SIGINT), so besides the flag it writes to a pipe that
** the prompt's select watches with the terminal. Both are safe in a signal
** handler, wherever it lands: readline's code is never interrupted by more.
*/
static void prompt_signal (int sig) {
  int e = errno;
  if (sig == SIGINT) got_sigint = 1;
  else got_sigwinch = 1;
  if (write(wakeup[1], "", 1) < 0) { /* full: select wakes anyway */ }
  errno = e;
}


static void online (char *line) {
  cb_line = line;
  cb_done = 1;
  rl_callback_handler_remove();  /* no new prompt until we ask for one */
}


static int openwakeup (void) {
  int i;
  if (wakeup[0] >= 0) return 1;
  if (pipe(wakeup) != 0) return 0;
  for (i = 0; i < 2; i++) {
    fcntl(wakeup[i], F_SETFL, fcntl(wakeup[i], F_GETFL) | O_NONBLOCK);
    fcntl(wakeup[i], F_SETFD, FD_CLOEXEC);
  }
  return 1;
}


/*
** Reads a line with 'prompt' into *line (malloc'ed, NULL at end of input).
** Returns 1, or 0 when Ctrl-C discarded the line.
*/
static int readaline (const char *prompt, char **line) {
  struct sigaction sa, oldint, oldwinch;
  int dropped = 0;
  sa.sa_handler = prompt_signal;
  sa.sa_flags = SA_RESTART;  /* readline's own reads and writes go on */
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &oldint);
  sigaction(SIGWINCH, &sa, &oldwinch);
  got_sigint = got_sigwinch = 0;
  cb_line = NULL;
  cb_done = 0;
  rl_callback_handler_install(prompt, online);
  while (!cb_done) {
    int fd = fileno(rl_instream), r;
    char drain[64];
    fd_set fds;
    FD_ZERO(&fds);
    FD_SET(fd, &fds);
    FD_SET(wakeup[0], &fds);
    r = select((fd > wakeup[0] ? fd : wakeup[0]) + 1, &fds, NULL, NULL, NULL);
    if (r > 0 && FD_ISSET(wakeup[0], &fds))
      while (read(wakeup[0], drain, sizeof drain) > 0) ;
    if (got_sigwinch) {
      got_sigwinch = 0;
      rl_resize_terminal();
    }
    if (got_sigint) {  /* drop the line, as readline's own handler would */
      rl_free_line_state();
      rl_callback_sigcleanup();
      rl_echo_signal_char(SIGINT);
      rl_callback_handler_remove();
      fputc('\n', stdout);
      fflush(stdout);
      dropped = 1;
      break;
    }
    if (r < 0) {
      if (errno == EINTR) continue;
      rl_callback_handler_remove();  /* cannot wait on the terminal: end */
      break;
    }
    if (FD_ISSET(fd, &fds)) rl_callback_read_char();
  }
  sigaction(SIGINT, &oldint, NULL);
  sigaction(SIGWINCH, &oldwinch, NULL);
  *line = cb_line;
  return !dropped;
}


/* Reads one line and pushes it; returns 1, 0 at end of input, or
   LINE_DROPPED (nothing pushed). */
static int pushline (lua_State *L, int firstline) {
  char *b;
  size_t l;
  if (!readaline(firstline ? PROMPT : PROMPT2, &b)) return LINE_DROPPED;
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
    int status = luaL_loadbuffer(L, line, len, "=stdin"), more;
    if (!orr_incomplete(L, status) || (more = pushline(L, 0)) == 0) {
      addhistory(line);
      return status;
    }
    if (more == LINE_DROPPED) return LINE_DROPPED;
    lua_pushliteral(L, "\n");
    lua_insert(L, -2);
    lua_concat(L, 3);
  }
}


/* Pushes the next statement compiled; returns its load status, LINE_EOF
   or LINE_DROPPED. */
static int loadline (lua_State *L) {
  int status;
  lua_settop(L, 0);
  if ((status = pushline(L, 1)) != 1) return status == 0 ? LINE_EOF : status;
  if ((status = orr_addreturn(L, "=stdin")) != LUA_OK)
    status = multiline(L);
  else
    addhistory(lua_tostring(L, 1));
  if (status == LINE_DROPPED) lua_settop(L, 0);
  else lua_remove(L, 1);
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
  rl_basic_word_break_characters = ORR_WORDBREAKS;
  rl_catch_signals = 0;   /* signals are ours: see readaline */
  rl_catch_sigwinch = 0;
  if (!openwakeup()) {
    fprintf(stderr, "%s: cannot open a pipe for the prompt\n", orr_progname);
    return;
  }
  if (home && strlen(home) + sizeof(HISTORY_FILE) + 2 < sizeof history_path) {
    snprintf(history_path, sizeof history_path, "%s/%s", home, HISTORY_FILE);
    if (read_history(history_path) != 0)
      write_history(history_path);  /* append_history needs the file to exist */
  }
  while ((status = loadline(L)) != LINE_EOF) {
    if (status == LINE_DROPPED) continue;
    if (status == LUA_OK) status = orr_docall(L, 0, LUA_MULTRET);
    if (status == LUA_OK) printresults(L);
    else orr_report(L, status);
  }
  lua_settop(L, 0);
  fputc('\n', stdout);
  fflush(stdout);
}
