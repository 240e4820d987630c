/*
** orrery --kernel FILE: a Jupyter kernel (messaging protocol 5.3).
**
** Built as its own shared object, okernel.so, loaded by main.c only for
** --kernel: ZeroMQ (and the C++ runtime and Kerberos libraries it pulls in),
** jansson and OpenSSL would otherwise be loaded by every start of the
** program. Nothing here is in liborrery, so an embedding, sandboxed or not,
** has no kernel entry point.
**
** Threads. The main thread owns the Lua state and the shell, control and
** stdin sockets, and handles one request at a time. A heartbeat thread
** echoes the heartbeat socket (zmq_proxy). An output thread owns the iopub
** socket: file descriptors 1 and 2 are pipes that it reads, so whatever a
** cell writes (print, io.write, a C library's printf) becomes "stream"
** messages while the cell runs. The main thread hands its own iopub
** messages to the output thread over an inproc socket, and the output
** thread drains the pipes before forwarding each one, so a cell's streams
** always come before its result, error and idle status. Both threads block
** SIGINT: an interrupt (interrupt_mode "signal") reaches the main thread's
** handler, which is the REPL's (orr_docall in main.c): it stops Lua code by
** a hook and C kernels by the flag they poll, and nothing jumps over C
** frames, so the state stays intact.
**
** Messages are signed with HMAC-SHA256 under the connection file's key; a
** message with a missing or wrong signature is dropped and logged to the
** kernel's own stderr (the terminal or log of whoever started it), never
** answered, and a kernel without a key refuses to start.
*/
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <zmq.h>

#include "lua.h"
#include "lauxlib.h"

#include "orrery.h"
#include "ohost.h"

#define PROTOCOL_VERSION  "5.3"
#define DELIM  "<IDS|MSG>"
#define IO_ENDPOINT  "inproc://orrery-iopub"
#define MAX_FRAMES  64        /* identities + 6 parts + buffers we accept */
#define READ_CHUNK  65536     /* bytes read from an output pipe at a time */
#define LINGER_MS  1000       /* how long closing sockets waits for sends */
#define MEMORY_SHARE  2       /* default memory cap: physical memory / this */

/* the output thread's commands: first byte of the first inproc frame */
#define CMD_SEND    'M'       /* forward the remaining frames to iopub */
#define CMD_PARENT  'P'       /* the request streams now belong to */
#define CMD_QUIT    'Q'


/*
** Lua's memory, capped by the kernel itself (around the state's own
** allocator) so that the cap can leave a reserve: user code runs under the
** cap, the kernel's own work (compiling the next cell, answering requests)
** may use the reserve too. A cell that filled memory and kept it in a
** global can still be followed by "hog = nil".
*/
typedef struct kmem {
  lua_Alloc f;
  void *ud;
  size_t used, cap, reserve;  /* bytes; cap 0: none */
  int strict;                 /* user code runs: no reserve */
} kmem;

#define RESERVE_SHARE  32          /* reserve: cap / this ... */
#define RESERVE_MIN    (4u << 20)  /* ... but at least this */


typedef struct kernel {
  void *ctx;
  void *shell, *control, *stdin_, *hb, *iopub;
  void *io, *iothr;     /* inproc pair: main's end, the output thread's end */
  unsigned char key[512];
  size_t keylen;
  EVP_MAC *mac;         /* HMAC, fetched once (contexts are per message) */
  char session[40];
  lua_State *L;
  const orr_host *host;
  int count;            /* execution_count of the last stored cell */
  int pipes[2];         /* read ends: stdout, stderr of the process */
  int logfd;            /* the original stderr, for the kernel's own log */
  json_t *parent;       /* header of the request being handled */
  kmem mem;
  int restart;          /* shutdown_request asked for a restart */
  volatile sig_atomic_t running;  /* a cell is being run (idle_sigint) */
  int done;
} kernel;


/* one received message */
typedef struct kmsg {
  zmq_msg_t frames[MAX_FRAMES];
  int n, delim;         /* frames; index of the delimiter */
  json_t *header, *parent, *metadata, *content;
} kmsg;


static void klog (kernel *k, const char *fmt, const char *arg) {
  dprintf(k->logfd, "orrery kernel: ");
  dprintf(k->logfd, fmt, arg);
  dprintf(k->logfd, "\n");
}


/* ---------------------------------------------------------------------- */
/* text                                                                    */
/* ---------------------------------------------------------------------- */

/* length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid,
   -1 if it is cut off by the end of the buffer */
static int utf8len (const unsigned char *s, size_t n) {
  int len, i;
  unsigned c = s[0];
  if (c < 0x80) return 1;
  else if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c >= 0xE0 && c <= 0xEF) len = 3;
  else if (c >= 0xF0 && c <= 0xF4) len = 4;
  else return 0;
  for (i = 1; i < len; i++) {
    if ((size_t)i >= n) return -1;
    if ((s[i] & 0xC0) != 0x80) return 0;
  }
  if (len == 3 && ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F))) return 0;
  if (len == 4 && ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))) return 0;
  return len;
}


/*
** A JSON string from bytes that may not be UTF-8 (Lua strings are bytes):
** invalid bytes become U+FFFD. With 'keep' non-NULL, a sequence cut off at
** the end is not converted and *keep says how many bytes it has (a pipe
** read may split a character).
*/
static json_t *jtext (const char *p, size_t n, size_t *keep) {
  const unsigned char *s = (const unsigned char *)p;
  char *out = malloc(3 * n + 1), *o = out;
  size_t i = 0;
  json_t *j;
  if (keep) *keep = 0;
  if (out == NULL) return json_string("");
  while (i < n) {
    int l = utf8len(s + i, n - i);
    if (l < 0 && keep) { *keep = n - i; break; }
    if (l <= 0) { memcpy(o, "\xEF\xBF\xBD", 3); o += 3; i++; }
    else { memcpy(o, s + i, l); o += l; i += l; }
  }
  j = json_stringn(out, o - out);
  free(out);
  return j ? j : json_string("");
}


/* a Lua value's string (or "") as a JSON string */
static json_t *jlua (lua_State *L, int idx) {
  size_t n = 0;
  const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &n) : "";
  return jtext(s, n, NULL);
}


/* byte offset of code point 'cp' in UTF-8 text s (length n), and back */
static size_t cp2byte (const char *s, size_t n, long cp) {
  size_t i = 0;
  for (; i < n && cp > 0; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80 && --cp == 0) {
      for (i++; i < n && ((unsigned char)s[i] & 0xC0) == 0x80; i++) ;
      return i;
    }
  return cp > 0 ? n : i;
}

static long byte2cp (const char *s, size_t b) {
  long cp = 0;
  size_t i;
  for (i = 0; i < b; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) cp++;
  return cp;
}


/* ---------------------------------------------------------------------- */
/* messages                                                                */
/* ---------------------------------------------------------------------- */

static void newid (char *buf) {  /* a random UUID, 37 bytes */
  unsigned char r[16];
  int i;
  char *p = buf;
  if (RAND_bytes(r, sizeof r) != 1) {
    for (i = 0; i < 16; i++) r[i] = (unsigned char)rand();
  }
  r[6] = (r[6] & 0x0F) | 0x40;
  r[8] = (r[8] & 0x3F) | 0x80;
  for (i = 0; i < 16; i++) {
    p += sprintf(p, "%02x", r[i]);
    if (i == 3 || i == 5 || i == 7 || i == 9) *p++ = '-';
  }
  *p = '\0';
}


static json_t *newheader (kernel *k, const char *type) {
  char id[40], date[64];
  struct timespec ts;
  struct tm tm;
  newid(id);
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  strftime(date, 24, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(date + strlen(date), 40, ".%06ldZ", (long)(ts.tv_nsec / 1000) % 1000000);
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "msg_id", id,
                   "session", k->session, "username", "orrery", "date", date,
                   "msg_type", type, "version", PROTOCOL_VERSION);
}


/* hex HMAC-SHA256 of the four parts into hex (65 bytes); 0 on failure */
static int sign (kernel *k, const char *const parts[4], const size_t lens[4],
                 char *hex) {
  EVP_MAC_CTX *c = k->mac ? EVP_MAC_CTX_new(k->mac) : NULL;
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t outlen = 0;
  int i, ok = 0;
  OSSL_PARAM params[2];
  params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
  params[1] = OSSL_PARAM_construct_end();
  if (c && EVP_MAC_init(c, k->key, k->keylen, params)) {
    ok = 1;
    for (i = 0; i < 4 && ok; i++)
      ok = EVP_MAC_update(c, (const unsigned char *)parts[i], lens[i]);
    ok = ok && EVP_MAC_final(c, out, &outlen, sizeof out) && outlen == 32;
  }
  EVP_MAC_CTX_free(c);
  if (ok)
    for (i = 0; i < 32; i++) sprintf(hex + 2 * i, "%02x", out[i]);
  return ok;
}


static int sendframe (void *sock, const void *p, size_t n, int more) {
  return zmq_send(sock, p, n, more ? ZMQ_SNDMORE : 0) >= 0;
}


/*
** Sends a message on 'sock': the identities of 'to' (a request, or NULL),
** the delimiter, the signature and the four parts. 'prefix' (or NULL) is
** one frame sent first: the output thread's command. Takes 'content'.
*/
static void sendmsg_ (kernel *k, void *sock, const char *prefix, const kmsg *to,
                      const char *topic, const char *type, json_t *parent,
                      json_t *content) {
  json_t *header = newheader(k, type), *meta = json_object();
  char *parts[4];
  size_t lens[4];
  char hex[65];
  int i;
  parts[0] = json_dumps(header, JSON_COMPACT);
  parts[1] = json_dumps(parent ? parent : json_object(), JSON_COMPACT);
  parts[2] = json_dumps(meta, JSON_COMPACT);
  parts[3] = json_dumps(content, JSON_COMPACT);
  for (i = 0; i < 4; i++) lens[i] = parts[i] ? strlen(parts[i]) : 0;
  if (parts[0] && parts[1] && parts[2] && parts[3] &&
      sign(k, (const char *const *)parts, lens, hex)) {
    if (prefix) sendframe(sock, prefix, 1, 1);
    if (to)
      for (i = 0; i < to->delim; i++)
        zmq_send(sock, zmq_msg_data((zmq_msg_t *)&to->frames[i]),
                 zmq_msg_size((zmq_msg_t *)&to->frames[i]), ZMQ_SNDMORE);
    if (topic) sendframe(sock, topic, strlen(topic), 1);
    sendframe(sock, DELIM, strlen(DELIM), 1);
    sendframe(sock, hex, 64, 1);
    for (i = 0; i < 4; i++) sendframe(sock, parts[i], lens[i], i < 3);
  }
  else klog(k, "cannot encode a %s message", type);
  for (i = 0; i < 4; i++) free(parts[i]);
  json_decref(header);
  json_decref(meta);
  json_decref(content);
}


/* a reply on the request's own socket */
static void reply (kernel *k, void *sock, const kmsg *req, const char *type,
                   json_t *content) {
  sendmsg_(k, sock, NULL, req, NULL, type, req->header, content);
}


/* an iopub message, through the output thread (after pending output) */
static void publish (kernel *k, const char *type, json_t *content) {
  char cmd = CMD_SEND;
  fflush(stdout);
  fflush(stderr);
  sendmsg_(k, k->io, &cmd, NULL, type, type, k->parent, content);
}


static void status (kernel *k, const char *state) {
  publish(k, "status", json_pack("{s:s}", "execution_state", state));
}


static void freemsg (kmsg *m) {
  int i;
  for (i = 0; i < m->n; i++) zmq_msg_close(&m->frames[i]);
  json_decref(m->header); json_decref(m->parent);
  json_decref(m->metadata); json_decref(m->content);
  m->header = m->parent = m->metadata = m->content = NULL;
  m->n = 0;
}


static json_t *parsepart (zmq_msg_t *f) {
  json_error_t err;
  json_t *j = json_loadb(zmq_msg_data(f), zmq_msg_size(f), 0, &err);
  if (j && !json_is_object(j)) { json_decref(j); j = NULL; }
  return j;
}


/*
** Receives a message from a ROUTER socket. Returns 1 with the parts parsed,
** 0 when it is dropped (logged): no delimiter, a wrong signature, or a
** header that is not a JSON object. A content that is not JSON leaves
** m->content NULL: the handler answers with an error.
*/
static int recvmsg_ (kernel *k, void *sock, kmsg *m) {
  int more = 1, i;
  const char *parts[4];
  size_t lens[4];
  char hex[65];
  memset(m, 0, sizeof *m);
  m->delim = -1;
  while (more) {
    size_t sz = sizeof more;
    zmq_msg_t tmp, *f = m->n < MAX_FRAMES ? &m->frames[m->n] : &tmp;
    zmq_msg_init(f);
    if (zmq_msg_recv(f, sock, 0) < 0) { zmq_msg_close(f); freemsg(m); return 0; }
    zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &sz);
    if (f == &tmp) { zmq_msg_close(f); continue; }  /* extra buffers: ignored */
    if (m->delim < 0 && zmq_msg_size(f) == strlen(DELIM) &&
        memcmp(zmq_msg_data(f), DELIM, strlen(DELIM)) == 0)
      m->delim = m->n;
    m->n++;
  }
  if (m->delim < 0 || m->n < m->delim + 6) {
    klog(k, "dropped a message without the %s delimiter and six parts", DELIM);
    freemsg(m);
    return 0;
  }
  for (i = 0; i < 4; i++) {
    parts[i] = zmq_msg_data(&m->frames[m->delim + 2 + i]);
    lens[i] = zmq_msg_size(&m->frames[m->delim + 2 + i]);
  }
  if (!sign(k, parts, lens, hex) || zmq_msg_size(&m->frames[m->delim + 1]) != 64 ||
      CRYPTO_memcmp(hex, zmq_msg_data(&m->frames[m->delim + 1]), 64) != 0) {
    klog(k, "dropped a message with %s", "a missing or wrong signature");
    freemsg(m);
    return 0;
  }
  m->header = parsepart(&m->frames[m->delim + 2]);
  if (m->header == NULL || !json_is_string(json_object_get(m->header, "msg_type"))) {
    klog(k, "dropped a message whose header is %s", "not a JSON object with a msg_type");
    freemsg(m);
    return 0;
  }
  m->parent = parsepart(&m->frames[m->delim + 3]);
  m->metadata = parsepart(&m->frames[m->delim + 4]);
  m->content = parsepart(&m->frames[m->delim + 5]);
  return 1;
}


/* ---------------------------------------------------------------------- */
/* the output thread                                                       */
/* ---------------------------------------------------------------------- */

typedef struct outbuf {
  char data[READ_CHUNK + 4];
  size_t kept;          /* bytes of a cut-off character held back */
} outbuf;


/* reads what pipe i holds now and publishes it as a stream */
static void drain (kernel *k, int i, outbuf *b, json_t *parent) {
  static const char *const names[2] = { "stdout", "stderr" };
  for (;;) {
    ssize_t r = read(k->pipes[i], b->data + b->kept, READ_CHUNK);
    size_t n, keep;
    json_t *text;
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return;
    n = b->kept + (size_t)r;
    text = jtext(b->data, n, &keep);
    if (n > keep)
      sendmsg_(k, k->iopub, NULL, NULL, "stream", "stream", parent,
               json_pack("{s:s, s:o}", "name", names[i], "text", text));
    else json_decref(text);
    memmove(b->data, b->data + n - keep, keep);
    b->kept = keep;
  }
}


static void *outputthread (void *ud) {
  kernel *k = (kernel *)ud;
  outbuf *bufs = calloc(2, sizeof *bufs);
  json_t *parent = json_object();
  zmq_pollitem_t items[3];
  int quit = 0;
  memset(items, 0, sizeof items);
  items[0].socket = k->iothr;  items[0].events = ZMQ_POLLIN;
  items[1].fd = k->pipes[0]; items[1].events = ZMQ_POLLIN;
  items[2].fd = k->pipes[1]; items[2].events = ZMQ_POLLIN;
  while (!quit && bufs) {
    int i;
    if (zmq_poll(items, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (i = 0; i < 2; i++)
      if (items[i + 1].revents & ZMQ_POLLIN) drain(k, i, &bufs[i], parent);
    if (items[0].revents & ZMQ_POLLIN) {
      zmq_msg_t f;
      int more;
      size_t sz = sizeof more;
      char cmd;
      /* what was written before this command was sent is in the pipes */
      drain(k, 0, &bufs[0], parent);
      drain(k, 1, &bufs[1], parent);
      zmq_msg_init(&f);
      if (zmq_msg_recv(&f, k->iothr, 0) < 0) { zmq_msg_close(&f); break; }
      cmd = zmq_msg_size(&f) > 0 ? *(char *)zmq_msg_data(&f) : CMD_QUIT;
      zmq_getsockopt(k->iothr, ZMQ_RCVMORE, &more, &sz);
      while (more) {
        zmq_msg_close(&f);
        zmq_msg_init(&f);
        zmq_msg_recv(&f, k->iothr, 0);
        zmq_getsockopt(k->iothr, ZMQ_RCVMORE, &more, &sz);
        if (cmd == CMD_SEND)
          zmq_msg_send(&f, k->iopub, more ? ZMQ_SNDMORE : 0);
        else if (cmd == CMD_PARENT) {
          json_t *p = json_loadb(zmq_msg_data(&f), zmq_msg_size(&f), 0, NULL);
          if (p) { json_decref(parent); parent = p; }
        }
      }
      zmq_msg_close(&f);
      if (cmd == CMD_PARENT) sendframe(k->iothr, "", 0, 0);  /* the ack */
      if (cmd == CMD_QUIT) quit = 1;
    }
  }
  json_decref(parent);
  free(bufs);
  return NULL;
}


/* the request being handled: streams from now on carry its header */
static void setparent (kernel *k, json_t *header) {
  char cmd = CMD_PARENT;
  char *s;
  json_decref(k->parent);
  k->parent = json_incref(header);
  s = json_dumps(header, JSON_COMPACT);
  fflush(stdout);
  fflush(stderr);
  sendframe(k->io, &cmd, 1, 1);
  sendframe(k->io, s ? s : "{}", s ? strlen(s) : 2, 0);
  free(s);
  /* wait until the output thread has it: output from now on is this
     request's, output before it went out under the previous one */
  while (zmq_recv(k->io, &cmd, 1, 0) < 0 && errno == EINTR) ;
}


static void *heartbeat (void *ud) {
  kernel *k = (kernel *)ud;
  zmq_proxy(k->hb, k->hb, NULL);  /* echoes until the context ends */
  zmq_close(k->hb);
  return NULL;
}


/* ---------------------------------------------------------------------- */
/* Lua                                                                     */
/* ---------------------------------------------------------------------- */

/* pushes require(name)[field] */
static void pushfield (lua_State *L, const char *module, const char *field) {
  lua_getglobal(L, "require");
  lua_pushstring(L, module);
  lua_call(L, 1, 1);
  lua_getfield(L, -1, field);
  lua_remove(L, -2);
}


/*
** Compiles a cell as chunk 'name' by the REPL's rule, extended to several
** lines: the whole cell as an expression ("return cell;"), or else
** statements whose last lines are an expression (the shortest tail of
** whole lines that is one and compiles after the lines before it), or else
** plain statements. Pushes
** the function, or the error message; returns the load status.
*/
static int loadcell (kernel *k, const char *code, size_t len, const char *name) {
  lua_State *L = k->L;
  size_t end = len, start;
  lua_pushlstring(L, code, len);
  if (k->host->addreturn(L, name) == LUA_OK) { lua_remove(L, -2); return LUA_OK; }
  lua_pop(L, 1);
  while (end > 0 && (code[end - 1] == '\n' || code[end - 1] == ' ' ||
                     code[end - 1] == '\t' || code[end - 1] == '\r' ||
                     code[end - 1] == ';'))
    end--;
  for (start = end; start > 0; ) {
    for (start--; start > 0 && code[start - 1] != '\n'; start--) ;
    if (start == 0) break;  /* the whole cell: tried already */
    lua_pushlstring(L, code + start, end - start);
    if (k->host->addreturn(L, name) == LUA_OK) {
      lua_pop(L, 2);
      lua_pushlstring(L, code, start);
      lua_pushliteral(L, "return ");
      lua_pushlstring(L, code + start, end - start);
      lua_pushliteral(L, ";");
      lua_concat(L, 4);
      if (luaL_loadbuffer(L, lua_tostring(L, -1), lua_rawlen(L, -1), name) == LUA_OK) {
        lua_remove(L, -2);
        return LUA_OK;
      }
      lua_pop(L, 2);
    }
    else lua_pop(L, 1);
  }
  return luaL_loadbuffer(L, code, len, name);
}


/*
** loadcell in protected mode, so that a state whose memory is at its cap
** gets an error, not a panic: args kernel, code, length (light userdata and
** an integer: pushing them allocates nothing), and the chunk's name's number
** (0: "[cell]"). Returns the function, or nil, the message and the status.
*/
static int lcompile (lua_State *L) {
  kernel *k = (kernel *)lua_touserdata(L, 1);
  const char *code = (const char *)lua_touserdata(L, 2);
  size_t len = (size_t)lua_tointeger(L, 3);
  lua_Integer n = lua_tointeger(L, 4);
  const char *name = n > 0 ? lua_pushfstring(L, "=[cell %I]", n) : "=[cell]";
  int st = loadcell(k, code, len, name);
  if (st == LUA_OK) return 1;
  lua_pushnil(L);
  lua_insert(L, -2);
  lua_pushinteger(L, st);
  return 3;
}


/* compiles a cell, pushing the function or the message; returns the status */
static int compile (kernel *k, const char *code, size_t len, int n) {
  lua_State *L = k->L;
  int st;
  lua_pushcfunction(L, lcompile);
  lua_pushlightuserdata(L, k);
  lua_pushlightuserdata(L, (void *)code);
  lua_pushinteger(L, (lua_Integer)len);
  lua_pushinteger(L, n);
  st = lua_pcall(L, 4, LUA_MULTRET, 0);
  if (st != LUA_OK) return st;
  if (lua_isfunction(L, -1)) return LUA_OK;
  st = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  lua_remove(L, -2);
  return st;
}


/* the sink of orrery.display: display_data with the object's bundle */
static int displaysink (lua_State *L) {
  kernel *k = (kernel *)lua_touserdata(L, lua_upvalueindex(1));
  json_t *data = json_object();
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING)
      json_object_set_new(data, lua_tostring(L, -2), jlua(L, -1));
    lua_pop(L, 1);
  }
  publish(k, "display_data", json_pack("{s:o, s:{}, s:{}}", "data", data,
                                       "metadata", "transient"));
  return 0;
}


/*
** The results of a cell, on the stack above 'base': text/plain as the REPL
** prints them, and for a single rich object (orrery.display) its other
** forms. Runs in protected mode (format may call __tostring).
*/
static int bundle (lua_State *L) {
  int n = lua_gettop(L);
  lua_newtable(L);
  lua_insert(L, 1);                          /* 1: the bundle, 2..n+1: values */
  if (n == 1) {
    pushfield(L, "orrery.display", "bundle");
    lua_pushvalue(L, 2);
    lua_call(L, 1, 1);
    lua_replace(L, 1);
  }
  pushfield(L, "orrery.repl", "format");
  lua_insert(L, 2);
  lua_call(L, n, 1);
  lua_setfield(L, 1, "text/plain");
  return 1;
}


/* turns the error message on the top into (ename, evalue, traceback) */
static json_t *errorcontent (lua_State *L, int status) {
  size_t n;
  const char *msg = lua_tolstring(L, -1, &n);
  const char *tb = msg ? strstr(msg, "\nstack traceback:") : NULL;
  const char *ename = "Error";
  json_t *lines = json_array(), *evalue;
  if (msg == NULL) { msg = "(error object is not a string)"; n = strlen(msg); }
  evalue = jtext(msg, tb ? (size_t)(tb - msg) : n, NULL);
  if (status == LUA_ERRSYNTAX) ename = "SyntaxError";
  else if (status == LUA_ERRMEM) ename = "MemoryError";
  else if (strstr(json_string_value(evalue), "interrupted")) ename = "Interrupted";
  json_array_append(lines, evalue);
  if (tb) {
    const char *p = tb + 1, *e;
    for (; *p; p = *e ? e + 1 : e) {
      size_t l;
      e = strchr(p, '\n');
      if (e == NULL) e = p + strlen(p);
      l = (size_t)(e - p);
      /* the kernel's own frame below the cell's main chunk */
      if (*e == '\0' && l == strlen("\t[C]: in ?") && memcmp(p, "\t[C]: in ?", l) == 0)
        break;
      json_array_append_new(lines, jtext(p, l, NULL));
    }
  }
  lua_pop(L, 1);
  return json_pack("{s:s, s:o, s:o}", "ename", ename, "evalue", evalue,
                   "traceback", lines);
}


/* ---------------------------------------------------------------------- */
/* requests                                                                */
/* ---------------------------------------------------------------------- */

static const char *cstring (const kmsg *m, const char *field, size_t *len) {
  json_t *v = m->content ? json_object_get(m->content, field) : NULL;
  if (!json_is_string(v)) return NULL;
  if (len) *len = json_string_length(v);
  return json_string_value(v);
}


static int cbool (const kmsg *m, const char *field, int dflt) {
  json_t *v = m->content ? json_object_get(m->content, field) : NULL;
  return json_is_boolean(v) ? json_is_true(v) : dflt;
}


static void kernel_info (kernel *k, void *sock, const kmsg *m) {
  reply(k, sock, m, "kernel_info_reply", json_pack(
    "{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s}, s:s, s:[]}",
    "status", "ok", "protocol_version", PROTOCOL_VERSION,
    "implementation", "orrery", "implementation_version", ORRERY_VERSION + sizeof "Orrery",
    "language_info", "name", "lua", "version", LUA_VERSION_MAJOR "." LUA_VERSION_MINOR,
    "mimetype", "text/x-lua", "file_extension", ".lua",
    "pygments_lexer", "lua", "codemirror_mode", "lua",
    "banner", ORRERY_VERSION " (" LUA_RELEASE "): statistical modelling in Lua",
    "help_links"));
}


static void setrunning (kernel *k, int on);
static int usercall (kernel *k, int narg, int nres);

static void execute (kernel *k, void *sock, const kmsg *m) {
  lua_State *L = k->L;
  size_t len;
  const char *code = cstring(m, "code", &len);
  int silent = cbool(m, "silent", 0);
  int store = cbool(m, "store_history", 1) && !silent;
  int st;
  if (code == NULL) {
    reply(k, sock, m, "execute_reply", json_pack(
      "{s:s, s:i, s:s, s:s, s:[s]}", "status", "error", "execution_count", k->count,
      "ename", "BadMessage", "evalue", "execute_request: content has no code string",
      "traceback", "execute_request: content has no code string"));
    return;
  }
  if (store) k->count++;
  setrunning(k, 1);
  if (!silent)
    publish(k, "execute_input", json_pack("{s:s%, s:i}", "code", code, len,
                                          "execution_count", k->count));
  lua_settop(L, 0);
  st = compile(k, code, len, k->count > 0 ? k->count : 1);
  if (st == LUA_OK) st = usercall(k, 0, LUA_MULTRET);
  if (st == LUA_OK && lua_gettop(L) > 0 && !silent) {
    lua_pushcfunction(L, bundle);
    lua_insert(L, 1);
    st = usercall(k, lua_gettop(L) - 1, 1);
    if (st == LUA_OK) {
      json_t *data = json_object();
      lua_pushnil(L);
      while (lua_next(L, 1)) {
        if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING)
          json_object_set_new(data, lua_tostring(L, -2), jlua(L, -1));
        lua_pop(L, 1);
      }
      publish(k, "execute_result", json_pack("{s:i, s:o, s:{}}", "execution_count",
                                             k->count, "data", data, "metadata"));
    }
  }
  setrunning(k, 0);
  if (st == LUA_OK)
    reply(k, sock, m, "execute_reply", json_pack(
      "{s:s, s:i, s:{}, s:[]}", "status", "ok", "execution_count", k->count,
      "user_expressions", "payload"));
  else {
    json_t *err = errorcontent(L, st);
    if (!silent) publish(k, "error", json_deep_copy(err));
    json_object_set_new(err, "status", json_string("error"));
    json_object_set_new(err, "execution_count", json_integer(k->count));
    reply(k, sock, m, "execute_reply", err);
  }
  lua_settop(L, 0);
  if (st == LUA_ERRMEM)  /* what the cell left unreachable, before the next */
    lua_gc(L, LUA_GCCOLLECT);
}


/* start of the word that ends at byte 'cur' (the REPL's word breaks) */
static size_t wordstart (const char *code, size_t cur) {
  while (cur > 0 && strchr(ORR_WORDBREAKS, code[cur - 1]) == NULL) cur--;
  return cur;
}


/* pushes the text at light userdata 1 with length 2 in place of both */
static void argtext (lua_State *L) {
  lua_pushlstring(L, (const char *)lua_touserdata(L, 1), (size_t)lua_tointeger(L, 2));
  lua_replace(L, 1);
  lua_settop(L, 1);
}


static int candidates (lua_State *L) {  /* orrery.repl's complete(text) */
  argtext(L);
  pushfield(L, "orrery.repl", "complete");
  lua_insert(L, 1);
  lua_call(L, 1, 1);
  return 1;
}


static void complete (kernel *k, void *sock, const kmsg *m) {
  lua_State *L = k->L;
  size_t len, cur, start;
  const char *code = cstring(m, "code", &len);
  json_t *pos = m->content ? json_object_get(m->content, "cursor_pos") : NULL;
  json_t *matches = json_array();
  if (code == NULL) code = "", len = 0;
  cur = json_is_integer(pos) ? cp2byte(code, len, (long)json_integer_value(pos)) : len;
  start = wordstart(code, cur);
  lua_settop(L, 0);
  lua_pushcfunction(L, candidates);
  lua_pushlightuserdata(L, (void *)(code + start));
  lua_pushinteger(L, (lua_Integer)(cur - start));
  if (k->host->docall(L, 2, 1) == LUA_OK && lua_istable(L, -1)) {
    lua_Integer i, n = (lua_Integer)lua_rawlen(L, -1);
    for (i = 1; i <= n; i++) {
      lua_rawgeti(L, -1, i);
      if (lua_type(L, -1) == LUA_TSTRING) json_array_append_new(matches, jlua(L, -1));
      lua_pop(L, 1);
    }
  }
  lua_settop(L, 0);
  reply(k, sock, m, "complete_reply", json_pack(
    "{s:s, s:o, s:I, s:I, s:{}}", "status", "ok", "matches", matches,
    "cursor_start", (json_int_t)byte2cp(code, start),
    "cursor_end", (json_int_t)byte2cp(code, cur), "metadata"));
}


/* inspect's text for a name: its help, or else what the value is */
static int describe (lua_State *L) {
  const char *name;
  argtext(L);
  name = lua_tostring(L, 1);
  pushfield(L, "orrery.help", "lookup");
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);
  if (lua_isstring(L, -1)) return 1;
  lua_pop(L, 1);
  lua_pushfstring(L, "return %s", name);         /* a name: indexing only */
  luaL_gsub(L, lua_tostring(L, -1), ":", ".");
  if (luaL_loadstring(L, lua_tostring(L, -1)) != LUA_OK) return 0;
  lua_call(L, 0, 1);
  if (lua_isnil(L, -1)) return 0;
  pushfield(L, "orrery.help", "lookup");
  lua_pushvalue(L, -2);
  lua_call(L, 1, 1);
  if (lua_isstring(L, -1)) return 1;
  lua_pop(L, 1);
  pushfield(L, "orrery.repl", "format");
  lua_pushvalue(L, -2);
  lua_call(L, 1, 1);
  lua_pushfstring(L, "%s: %s\n%s", name, luaL_typename(L, -2), lua_tostring(L, -1));
  return 1;
}


static void inspect (kernel *k, void *sock, const kmsg *m) {
  lua_State *L = k->L;
  size_t len, cur, start, end;
  const char *code = cstring(m, "code", &len);
  json_t *pos = m->content ? json_object_get(m->content, "cursor_pos") : NULL;
  json_t *data = json_object();
  int found = 0;
  if (code == NULL) code = "", len = 0;
  cur = json_is_integer(pos) ? cp2byte(code, len, (long)json_integer_value(pos)) : len;
  /* the name around the cursor; a cursor just after "f(" means f */
  if (cur > 0 && code[cur - 1] == '(') cur--;
  start = wordstart(code, cur);
  for (end = cur; end < len && strchr(ORR_WORDBREAKS, code[end]) == NULL; end++) ;
  while (end > start && (code[end - 1] == '.' || code[end - 1] == ':')) end--;
  if (end > start) {
    lua_settop(L, 0);
    lua_pushcfunction(L, describe);
    lua_pushlightuserdata(L, (void *)(code + start));
    lua_pushinteger(L, (lua_Integer)(end - start));
    if (k->host->docall(L, 2, 1) == LUA_OK && lua_isstring(L, -1)) {
      json_object_set_new(data, "text/plain", jlua(L, -1));
      found = 1;
    }
    lua_settop(L, 0);
  }
  reply(k, sock, m, "inspect_reply", json_pack(
    "{s:s, s:b, s:o, s:{}}", "status", "ok", "found", found, "data", data,
    "metadata"));
}


static void is_complete (kernel *k, void *sock, const kmsg *m) {
  lua_State *L = k->L;
  size_t len;
  const char *code = cstring(m, "code", &len);
  const char *state = "invalid";
  if (code == NULL) code = "", len = 0;
  lua_settop(L, 0);
  if (compile(k, code, len, 0) == LUA_OK) state = "complete";
  else if (lua_type(L, -1) == LUA_TSTRING && k->host->incomplete(L, LUA_ERRSYNTAX))
    state = "incomplete";  /* the statements' error: compile tries them last */
  lua_settop(L, 0);
  if (strcmp(state, "incomplete") == 0)
    reply(k, sock, m, "is_complete_reply", json_pack("{s:s, s:s}", "status",
                                                     state, "indent", "  "));
  else
    reply(k, sock, m, "is_complete_reply", json_pack("{s:s}", "status", state));
}


static void shutdown_ (kernel *k, void *sock, const kmsg *m) {
  json_t *r = m->content ? json_object_get(m->content, "restart") : NULL;
  k->restart = json_is_true(r);
  k->done = 1;
  reply(k, sock, m, "shutdown_reply", json_pack("{s:s, s:b}", "status", "ok",
                                                "restart", k->restart));
  publish(k, "shutdown_reply", json_pack("{s:s, s:b}", "status", "ok",
                                         "restart", k->restart));
}


/* interrupt_request (interrupt_mode "message"): nothing runs between
   requests, so there is nothing to stop; a running cell is stopped by
   SIGINT, as kernel.json asks */
static void interrupt (kernel *k, void *sock, const kmsg *m) {
  reply(k, sock, m, "interrupt_reply", json_pack("{s:s}", "status", "ok"));
}


/* front ends ask these at start-up: no comms, no stored history */
static void comm_info (kernel *k, void *sock, const kmsg *m) {
  reply(k, sock, m, "comm_info_reply", json_pack("{s:s, s:{}}", "status", "ok", "comms"));
}


static void history (kernel *k, void *sock, const kmsg *m) {
  reply(k, sock, m, "history_reply", json_pack("{s:s, s:[]}", "status", "ok", "history"));
}


/* comm_open/comm_msg/comm_close (widgets): no comm targets, and these
   messages have no reply */
static void comm (kernel *k, void *sock, const kmsg *m) {
  (void)k; (void)sock; (void)m;
}


static void handle (kernel *k, void *sock, kmsg *m) {
  static const struct {
    const char *type;
    void (*f) (kernel *, void *, const kmsg *);
  } handlers[] = {
    {"kernel_info_request", kernel_info}, {"execute_request", execute},
    {"complete_request", complete}, {"inspect_request", inspect},
    {"is_complete_request", is_complete}, {"shutdown_request", shutdown_},
    {"interrupt_request", interrupt}, {"comm_info_request", comm_info},
    {"history_request", history}, {"comm_open", comm}, {"comm_msg", comm},
    {"comm_close", comm}, {NULL, NULL}
  };
  const char *type = json_string_value(json_object_get(m->header, "msg_type"));
  int i;
  setparent(k, m->header);
  status(k, "busy");
  for (i = 0; handlers[i].type && strcmp(handlers[i].type, type) != 0; i++) ;
  if (handlers[i].type == NULL || m->content == NULL) {
    /* answer <name>_reply, so that a client waiting for it is not left
       waiting: an error saying what was wrong */
    char rtype[128], evalue[200];
    size_t l = strlen(type);
    const char *what = handlers[i].type ? "its content is not a JSON object"
                                        : "unknown message type";
    if (l > 8 && strcmp(type + l - 8, "_request") == 0) l -= 8;
    snprintf(rtype, sizeof rtype, "%.*s_reply", (int)(l > 100 ? 100 : l), type);
    snprintf(evalue, sizeof evalue, "%.100s: %s", type, what);
    klog(k, "%s", evalue);
    reply(k, sock, m, rtype, json_pack("{s:s, s:s, s:s, s:[s]}", "status", "error",
      "ename", handlers[i].type ? "BadMessage" : "UnknownMessageType",
      "evalue", evalue, "traceback", evalue));
  }
  else handlers[i].f(k, sock, m);
  status(k, "idle");
}


/* ---------------------------------------------------------------------- */
/* set-up                                                                  */
/* ---------------------------------------------------------------------- */

/*
** SIGINT outside orr_docall's own handler. Between requests there is
** nothing to stop. While a cell is being set up or its result formatted
** (running), the interrupt is kept for the call that comes: the C kernels'
** flag is raised and a hook stops the next Lua instruction, as in main.c.
*/
static kernel *volatile sigkernel = NULL;

static void pendingstop (lua_State *L, lua_Debug *ar) {
  (void)ar;
  lua_sethook(L, NULL, 0, 0);
  luaL_error(L, "interrupted!");
}

static void idle_sigint (int sig) {
  kernel *k = sigkernel;
  (void)sig;
  if (k && k->running) {
    orrery_interrupt();
    lua_sethook(k->L, pendingstop, LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE |
                LUA_MASKCOUNT, 1);
  }
}


/* a cell starts, or has ended: an interrupt that came too late for it
   must not stop the next one */
static void setrunning (kernel *k, int on) {
  k->running = on;
  if (!on) {
    if (lua_gethook(k->L) == pendingstop) lua_sethook(k->L, NULL, 0, 0);
    orrery_clear_interrupt(k->L);
  }
}


static void *kalloc (void *ud, void *ptr, size_t osize, size_t nsize) {
  kmem *m = (kmem *)ud;
  size_t old = ptr ? osize : 0, limit = m->cap + (m->strict ? 0 : m->reserve);
  void *np;
  if (nsize == 0) {
    m->f(m->ud, ptr, osize, 0);
    m->used -= old;
    return NULL;
  }
  if (m->cap && nsize > old && m->used - old + nsize > limit)
    return NULL;  /* Lua turns this into a "not enough memory" error */
  np = m->f(m->ud, ptr, osize, nsize);
  if (np) m->used = m->used - old + nsize;
  return np;
}


/* runs 'narg' arguments under the host's docall with the strict cap */
static int usercall (kernel *k, int narg, int nres) {
  int st;
  k->mem.strict = 1;
  st = k->host->docall(k->L, narg, nres);
  k->mem.strict = 0;
  return st;
}


/* the cap on Lua's memory: ORRERY_KERNEL_MEMORY (bytes, with K/M/G), or a
   share of the physical memory, so that a runaway cell gets "not enough
   memory" instead of the machine's OOM killer */
static size_t memorylimit (void) {
  const char *s = getenv("ORRERY_KERNEL_MEMORY");
  long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
  if (s && *s) {
    char *e;
    double v = strtod(s, &e);
    if (*e == 'K' || *e == 'k') v *= 1024.0;
    else if (*e == 'M' || *e == 'm') v *= 1024.0 * 1024.0;
    else if (*e == 'G' || *e == 'g') v *= 1024.0 * 1024.0 * 1024.0;
    if (v > 0) return (size_t)v;
  }
  if (pages > 0 && psize > 0) return (size_t)pages * (size_t)psize / MEMORY_SHARE;
  return 0;
}


static int readconnection (kernel *k, const char *file, char addr[5][128]) {
  static const char *const ports[5] = {
    "shell_port", "control_port", "stdin_port", "hb_port", "iopub_port"
  };
  json_error_t err;
  json_t *c = json_load_file(file, 0, &err), *v;
  const char *transport, *ip, *key, *scheme;
  int i;
  if (c == NULL) {
    dprintf(k->logfd, "%s --kernel: %s: %s\n", "orrery", file, err.text);
    return 0;
  }
  transport = json_string_value(json_object_get(c, "transport"));
  ip = json_string_value(json_object_get(c, "ip"));
  key = json_string_value(json_object_get(c, "key"));
  scheme = json_string_value(json_object_get(c, "signature_scheme"));
  if (transport == NULL) transport = "tcp";
  if (ip == NULL) ip = "127.0.0.1";
  if (key == NULL || *key == '\0' || strlen(key) >= sizeof k->key) {
    dprintf(k->logfd, "orrery --kernel: %s: no key (an unsigned kernel is refused)\n", file);
    json_decref(c);
    return 0;
  }
  if (scheme && strcmp(scheme, "hmac-sha256") != 0) {
    dprintf(k->logfd, "orrery --kernel: %s: signature_scheme %s (only hmac-sha256)\n",
            file, scheme);
    json_decref(c);
    return 0;
  }
  k->keylen = strlen(key);
  memcpy(k->key, key, k->keylen);
  for (i = 0; i < 5; i++) {
    v = json_object_get(c, ports[i]);
    if (!json_is_integer(v)) {
      dprintf(k->logfd, "orrery --kernel: %s: no %s\n", file, ports[i]);
      json_decref(c);
      return 0;
    }
    if (strcmp(transport, "ipc") == 0)
      snprintf(addr[i], 128, "ipc://%s-%d", ip, (int)json_integer_value(v));
    else
      snprintf(addr[i], 128, "%s://%s:%d", transport, ip, (int)json_integer_value(v));
  }
  json_decref(c);
  return 1;
}


static void *bindsocket (kernel *k, int type, const char *addr) {
  void *s = zmq_socket(k->ctx, type);
  int linger = LINGER_MS;
  if (s == NULL) return NULL;
  zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
  if (zmq_bind(s, addr) != 0) {
    dprintf(k->logfd, "orrery --kernel: cannot bind %s: %s\n", addr, zmq_strerror(errno));
    zmq_close(s);
    return NULL;
  }
  return s;
}


/* stdout and stderr become pipes read by the output thread; stdin is empty */
static int redirect (kernel *k) {
  int out[2], err[2], i, nul;
  if (pipe(out) != 0 || pipe(err) != 0) return 0;
  k->logfd = fcntl(2, F_DUPFD_CLOEXEC, 3);
  if (k->logfd < 0) return 0;
  fflush(stdout);
  fflush(stderr);
  if (dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0) return 0;
  close(out[1]);
  close(err[1]);
  k->pipes[0] = out[0];
  k->pipes[1] = err[0];
  for (i = 0; i < 2; i++) {
    fcntl(k->pipes[i], F_SETFL, fcntl(k->pipes[i], F_GETFL) | O_NONBLOCK);
    fcntl(k->pipes[i], F_SETFD, FD_CLOEXEC);
  }
  if ((nul = open("/dev/null", O_RDONLY)) >= 0) {
    dup2(nul, 0);
    if (nul != 0) close(nul);
  }
  setvbuf(stdout, NULL, _IOLBF, 0);  /* a cell's lines stream as printed */
  return 1;
}


/* control before shell, one request at a time, until shutdown */
static void serve (kernel *k) {
  zmq_pollitem_t items[2];
  memset(items, 0, sizeof items);
  items[0].socket = k->control; items[0].events = ZMQ_POLLIN;
  items[1].socket = k->shell;   items[1].events = ZMQ_POLLIN;
  while (!k->done) {
    int i;
    if (zmq_poll(items, 2, -1) < 0) {
      if (errno == EINTR) continue;  /* an interrupt while idle */
      klog(k, "zmq_poll: %s", zmq_strerror(errno));
      return;
    }
    for (i = 0; i < 2 && !k->done; i++)
      if (items[i].revents & ZMQ_POLLIN) {
        kmsg *m = malloc(sizeof *m);
        if (m == NULL) continue;
        if (recvmsg_(k, items[i].socket, m)) {
          handle(k, items[i].socket, m);
          freemsg(m);
        }
        free(m);
        break;  /* control first again */
      }
  }
}


__attribute__((visibility("default")))
int orr_kernel_main (const char *connfile, const orr_host *host) {
  kernel K, *k = &K;
  char addr[5][128];
  orrery_config cfg;
  pthread_t outt, hbt;
  sigset_t block, old;
  struct sigaction sa;
  int ok;
  memset(k, 0, sizeof *k);
  k->host = host;
  k->logfd = 2;
  if (!readconnection(k, connfile, addr)) return 1;
  if ((k->mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL) {
    dprintf(2, "orrery --kernel: OpenSSL has no HMAC\n");
    return 1;
  }
  newid(k->session);
  memset(&cfg, 0, sizeof cfg);
  k->L = orrery_new(&cfg);
  if (k->L == NULL) { dprintf(2, "orrery --kernel: not enough memory\n"); return 1; }
  k->mem.f = lua_getallocf(k->L, &k->mem.ud);
  k->mem.used = (size_t)lua_gc(k->L, LUA_GCCOUNT, 0) * 1024 +
                (size_t)lua_gc(k->L, LUA_GCCOUNTB, 0);
  k->mem.cap = memorylimit();
  k->mem.reserve = k->mem.cap / RESERVE_SHARE;
  if (k->mem.reserve < RESERVE_MIN) k->mem.reserve = RESERVE_MIN;
  lua_setallocf(k->L, kalloc, &k->mem);
  *host->sigint_kills = 0;  /* pressing interrupt twice must not kill it */
  /* the threads (and ZeroMQ's own) block SIGINT: it reaches this one */
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  k->ctx = zmq_ctx_new();
  ok = k->ctx && redirect(k);
  if (ok) {
    k->shell = bindsocket(k, ZMQ_ROUTER, addr[0]);
    k->control = bindsocket(k, ZMQ_ROUTER, addr[1]);
    k->stdin_ = bindsocket(k, ZMQ_ROUTER, addr[2]);
    k->hb = bindsocket(k, ZMQ_REP, addr[3]);
    k->iopub = bindsocket(k, ZMQ_PUB, addr[4]);
    k->io = bindsocket(k, ZMQ_PAIR, IO_ENDPOINT);
    ok = k->shell && k->control && k->stdin_ && k->hb && k->iopub && k->io;
  }
  if (ok) {
    k->iothr = zmq_socket(k->ctx, ZMQ_PAIR);
    ok = k->iothr && zmq_connect(k->iothr, IO_ENDPOINT) == 0 &&
         pthread_create(&outt, NULL, outputthread, k) == 0;
    ok = ok && pthread_create(&hbt, NULL, heartbeat, k) == 0;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (!ok) return 1;
  lua_pushlightuserdata(k->L, k);
  lua_pushcclosure(k->L, displaysink, 1);
  pushfield(k->L, "orrery.display", "set_sink");  /* rich objects shown */
  lua_insert(k->L, -2);
  lua_call(k->L, 1, 0);
  sigkernel = k;
  sa.sa_handler = idle_sigint;
  sa.sa_flags = 0;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  serve(k);
  /* the last messages out, then the threads and sockets closed */
  fflush(stdout);
  fflush(stderr);
  { char cmd = CMD_QUIT; sendframe(k->io, &cmd, 1, 0); }
  pthread_join(outt, NULL);
  zmq_close(k->shell); zmq_close(k->control); zmq_close(k->stdin_);
  zmq_close(k->io); zmq_close(k->iothr); zmq_close(k->iopub);
  zmq_ctx_shutdown(k->ctx);  /* ends the heartbeat's proxy */
  pthread_join(hbt, NULL);
  zmq_ctx_term(k->ctx);
  json_decref(k->parent);
  lua_setallocf(k->L, k->mem.f, k->mem.ud);  /* orrery_close frees its own */
  orrery_close(k->L);
  EVP_MAC_free(k->mac);
  return 0;
}
