/*
** experiment: copying run, with its upvalues, from the parent state into a
** worker state.
**
** The parent encodes the value once into bytes; every worker decodes them
** into its own state. What is copied:
**   nil, booleans, numbers (integer or float), strings: as they are;
**   tables: deeply, keys and values, with their metatables; a table (or
**     function) reached twice is one object in the copy too, so cycles and
**     sharing survive;
**   Lua functions: their bytecode (lua_dump) and each upvalue, recursively;
**     upvalues that two closures share stay shared (lua_upvaluejoin);
**   the parent's global table (_ENV): the worker's own globals;
**   module values: a table or function that the parent can name (a loaded
**     module, e.g. package.loaded["orrery.regress"], or a field of one, or a
**     namespace's private field, a registry metatable, a C function of _G)
**     is looked up by that name in the worker, loading the module there;
**   matrices: their values; frames: their columns, rebuilt with data.frame.
** Anything else (an rng stream, another userdata, a coroutine, a C function
** from elsewhere) raises an error naming the path to it.
*/
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "mat/omat.h"
#include "rng/orng.h"
#include "experiment/lexperiment.h"


enum {
  T_NIL, T_FALSE, T_TRUE, T_INT, T_NUM, T_STR, T_REF, T_TABLE, T_FUNC,
  T_GLOBALS, T_NAMED, T_MAT, T_FRAME, T_UPJOIN, T_END
};

#define EBUF_MIN  256


void ebuf_add (ebuf *b, const void *s, size_t len) {
  if (b->oom) return;
  if (b->n + len > b->cap) {
    size_t cap = b->cap ? b->cap : EBUF_MIN;
    char *p;
    while (cap < b->n + len) cap *= 2;
    if ((p = (char *)realloc(b->p, cap)) == NULL) { b->oom = 1; return; }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, len);
  b->n += len;
}


void ebuf_free (ebuf *b) {
  free(b->p);
  b->p = NULL;
  b->n = b->cap = 0;
}


/* ---------------------------------------------------------------------- */
/* encoding, in the parent                                                */
/* ---------------------------------------------------------------------- */

typedef struct enc {
  lua_State *L;
  ebuf *b;
  const char *fn;
  int seen;       /* stack index: object -> id */
  int names;      /* stack index: value -> name (module values) */
  int upids;      /* stack index: upvalue id -> funcid * 256 + n - 1 */
  int frame_mt;   /* stack index: data.Frame, or nil */
  int nextid;
} enc;


static void put_byte (enc *e, int t) {
  unsigned char c = (unsigned char)t;
  ebuf_add(e->b, &c, 1);
}

static void put_int (enc *e, int64_t v) { ebuf_add(e->b, &v, sizeof v); }

static void put_str (enc *e, const char *s, size_t len) {
  put_int(e, (int64_t)len);
  ebuf_add(e->b, s, len);
}


static int buf_gc (lua_State *L) {
  ebuf_free((ebuf *)lua_touserdata(L, 1));
  return 0;
}


static int dump_writer (lua_State *L, const void *p, size_t sz, void *ud) {
  (void)L;
  ebuf_add((ebuf *)ud, p, sz);
  return 0;
}


/* name: module values, by the name the worker finds them with */
static void addname (lua_State *L, int names, const char *name) {
  /* value on top; keeps the first name found for it */
  int t = lua_type(L, -1);
  if (t == LUA_TTABLE || t == LUA_TFUNCTION) {
    lua_pushvalue(L, -1);
    if (lua_rawget(L, names) == LUA_TNIL) {
      lua_pop(L, 1);
      lua_pushvalue(L, -1);
      lua_pushstring(L, name);
      lua_rawset(L, names);
    }
    else lua_pop(L, 1);
  }
  lua_pop(L, 1);
}


/* adds the string-keyed tables and functions of the table on top, as
   prefix + "\1" + key; pops it */
static void addfields (lua_State *L, int names, const char *prefix) {
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    if (lua_type(L, -2) == LUA_TSTRING) {
      const char *name = lua_pushfstring(L, "%s\1%s", prefix, lua_tostring(L, -2));
      lua_insert(L, -2);
      addname(L, names, name);
      lua_pop(L, 1);
    }
    else lua_pop(L, 1);
  }
  lua_pop(L, 1);
}


/* what addeach names: a table and its fields, a table, a C function */
enum { NAME_DEEP, NAME_TABLE, NAME_CFUNC };

/* names every value of the table on top (string keys) that 'what' allows
   as prefix + key; pops the table */
static void addeach (lua_State *L, int names, const char *prefix, int what) {
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    int t = lua_type(L, -1);
    if (lua_type(L, -2) == LUA_TSTRING && strcmp(lua_tostring(L, -2), LUA_GNAME) != 0 &&
        (what == NAME_CFUNC ? lua_iscfunction(L, -1) : t == LUA_TTABLE)) {
      const char *name = lua_pushfstring(L, "%s%s", prefix, lua_tostring(L, -2));
      lua_pushvalue(L, -2);
      addname(L, names, name);
      if (what == NAME_DEEP) {
        lua_pushvalue(L, -2);
        addfields(L, names, name);
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}


/*
** The module values the worker can find by name: loaded modules and their
** fields ("L"), namespaces' private fields ("P"), the C functions of _G
** ("G": a script's own globals are not the worker's, so only these) and
** the registry's metatables ("R": "orrery.mat", ...).
*/
static void buildnames (lua_State *L, int names) {
  lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  addeach(L, names, "L", NAME_DEEP);
  if (lua_getfield(L, LUA_REGISTRYINDEX, ORR_PRIVATE) == LUA_TTABLE)
    addeach(L, names, "P", NAME_DEEP);
  else lua_pop(L, 1);
  lua_pushglobaltable(L);
  addeach(L, names, "G", NAME_CFUNC);
  lua_pushvalue(L, LUA_REGISTRYINDEX);
  addeach(L, names, "R", NAME_TABLE);
}


static void encode (enc *e, int idx, const char *where);

static void fail (enc *e, const char *where, const char *what) {
  orr_error(e->L, e->fn, "%s is %s", where, what);
  abort();  /* not reached */
}


/* an object seen before is a reference; else it gets the next id */
static int seen (enc *e, int idx) {
  lua_State *L = e->L;
  lua_pushvalue(L, idx);
  if (lua_rawget(L, e->seen) != LUA_TNIL) {
    put_byte(e, T_REF);
    put_int(e, lua_tointeger(L, -1));
    lua_pop(L, 1);
    return 1;
  }
  lua_pop(L, 1);
  return 0;
}

static int newid (enc *e, int idx) {
  lua_State *L = e->L;
  lua_pushvalue(L, idx);
  lua_pushinteger(L, ++e->nextid);
  lua_rawset(L, e->seen);
  return e->nextid;
}


static int named (enc *e, int idx) {
  lua_State *L = e->L;
  lua_pushvalue(L, idx);
  if (lua_rawget(L, e->names) == LUA_TSTRING) {
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    put_byte(e, T_NAMED);
    put_str(e, s, len);
    lua_pop(L, 1);
    return 1;
  }
  lua_pop(L, 1);
  return 0;
}


static void encode_frame (enc *e, int idx, const char *where) {
  lua_State *L = e->L;
  lua_Integer j, k;
  orr_require(L, "data");
  lua_getfield(L, -1, "names");
  lua_pushvalue(L, idx);
  lua_call(L, 1, 1);                          /* data, names */
  k = (lua_Integer)lua_rawlen(L, -1);
  put_byte(e, T_FRAME);
  put_int(e, newid(e, idx));
  put_int(e, k);
  for (j = 1; j <= k; j++) {
    size_t len;
    const char *name;
    lua_rawgeti(L, -1, j);
    name = lua_tolstring(L, -1, &len);
    put_str(e, name, len);
    lua_getfield(L, -3, "col");
    lua_pushvalue(L, idx);
    lua_pushvalue(L, -3);
    lua_call(L, 2, 1);
    lua_pushfstring(L, "column '%s' of %s", name, where);
    encode(e, -2, lua_tostring(L, -1));
    lua_pop(L, 3);
  }
  lua_pop(L, 2);
}


static void encode_table (enc *e, int idx, const char *where) {
  lua_State *L = e->L;
  if (!lua_isnil(L, e->frame_mt) && lua_getmetatable(L, idx)) {
    int isframe = lua_rawequal(L, -1, e->frame_mt);
    lua_pop(L, 1);
    if (isframe) {
      encode_frame(e, idx, where);
      return;
    }
  }
  put_byte(e, T_TABLE);
  put_int(e, newid(e, idx));
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    int top = lua_gettop(L);
    const char *kw, *kk;
    /* (never lua_tostring on the key: it would change it under lua_next) */
    if (lua_type(L, -2) == LUA_TSTRING)
      kw = lua_pushfstring(L, "field '%s' of %s", lua_tostring(L, -2), where);
    else if (lua_isinteger(L, -2))
      kw = lua_pushfstring(L, "element %I of %s", lua_tointeger(L, -2), where);
    else kw = lua_pushfstring(L, "a field of %s", where);
    kk = lua_pushfstring(L, "a key of %s", where);
    encode(e, top - 1, kk);
    encode(e, top, kw);
    lua_settop(L, top - 1);
  }
  put_byte(e, T_NIL);  /* the end of the pairs */
  if (lua_getmetatable(L, idx)) {
    lua_pushfstring(L, "the metatable of %s", where);
    encode(e, -2, lua_tostring(L, -1));
    lua_pop(L, 2);
  }
  else put_byte(e, T_NIL);
}


static void encode_function (enc *e, int idx, const char *where) {
  lua_State *L = e->L;
  int id, n;
  if (lua_iscfunction(L, idx))
    fail(e, where, "a C function that is not from an Orrery module or the "
                   "standard library");
  put_byte(e, T_FUNC);
  id = newid(e, idx);
  put_int(e, id);
  {  /* the bytecode, length first */
    size_t at = e->b->n;
    int64_t len = 0;
    put_int(e, 0);
    lua_pushvalue(L, idx);
    lua_dump(L, dump_writer, e->b, 0);
    lua_pop(L, 1);
    if (!e->b->oom) {
      len = (int64_t)(e->b->n - at - sizeof len);
      memcpy(e->b->p + at, &len, sizeof len);
    }
  }
  for (n = 1; lua_getupvalue(L, idx, n) != NULL; n++) {
    const char *name = lua_getupvalue(L, idx, n);  /* pushes again */
    void *uid = lua_upvalueid(L, idx, n);
    lua_pop(L, 1);
    lua_pushlightuserdata(L, uid);
    if (lua_rawget(L, e->upids) != LUA_TNIL) {  /* shared with a closure seen before */
      lua_Integer code = lua_tointeger(L, -1);
      put_byte(e, T_UPJOIN);
      put_int(e, code / 256);
      put_int(e, code % 256 + 1);
      lua_pop(L, 2);
      continue;
    }
    lua_pop(L, 1);
    lua_pushlightuserdata(L, uid);
    lua_pushinteger(L, (lua_Integer)id * 256 + (n - 1));
    lua_rawset(L, e->upids);
    put_byte(e, T_END + 1);  /* a value follows */
    /* the root "" is a wrapper (experiment.sweep's): its upvalues are
       named as the user wrote them */
    if (*where) lua_pushfstring(L, "upvalue '%s' of %s", name && *name ? name : "?", where);
    else lua_pushstring(L, name && *name ? name : "?");
    encode(e, -2, lua_tostring(L, -1));
    lua_pop(L, 2);
  }
  put_byte(e, T_END);
}


static void encode (enc *e, int idx, const char *where) {
  lua_State *L = e->L;
  idx = lua_absindex(L, idx);
  luaL_checkstack(L, 12, "value nested too deeply");
  switch (lua_type(L, idx)) {
    case LUA_TNIL: put_byte(e, T_NIL); break;
    case LUA_TBOOLEAN: put_byte(e, lua_toboolean(L, idx) ? T_TRUE : T_FALSE); break;
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) {
        put_byte(e, T_INT);
        put_int(e, (int64_t)lua_tointeger(L, idx));
      }
      else {
        double x = (double)lua_tonumber(L, idx);
        put_byte(e, T_NUM);
        ebuf_add(e->b, &x, sizeof x);
      }
      break;
    case LUA_TSTRING: {
      size_t len;
      const char *s = lua_tolstring(L, idx, &len);
      put_byte(e, T_STR);
      put_str(e, s, len);
      break;
    }
    case LUA_TTABLE:
      if (seen(e, idx)) break;
      lua_pushglobaltable(L);
      if (lua_rawequal(L, -1, idx)) { lua_pop(L, 1); put_byte(e, T_GLOBALS); break; }
      lua_pop(L, 1);
      if (named(e, idx)) break;
      encode_table(e, idx, where);
      break;
    case LUA_TFUNCTION:
      if (seen(e, idx) || named(e, idx)) break;
      encode_function(e, idx, where);
      break;
    case LUA_TUSERDATA: {
      omat *m = omat_test(L, idx);
      if (m != NULL) {
        put_byte(e, T_MAT);
        put_int(e, (int64_t)m->r);
        put_int(e, (int64_t)m->c);
        ebuf_add(e->b, m->x, m->r * m->c * sizeof(double));
        break;
      }
      if (orng_test(L, idx) != NULL)
        fail(e, where, "an rng stream (streams are not copied: draw from the "
                       "stream r that each replicate receives)");
      fail(e, where, "a userdata (a worker receives numbers, strings, booleans, "
                     "tables, Lua functions, matrices and frames)");
      break;
    }
    case LUA_TTHREAD: fail(e, where, "a coroutine (it cannot be copied to a worker)");
      break;
    default:
      fail(e, where, lua_pushfstring(L, "a %s (it cannot be copied to a worker)",
                                     luaL_typename(L, idx)));
  }
  if (e->b->oom) orr_error(L, e->fn, "not enough memory");
}


ebuf *exp_encode (lua_State *L, int idx, const char *fn, const char *what) {
  enc e;
  ebuf *b;
  int top;
  idx = lua_absindex(L, idx);
  b = (ebuf *)lua_newuserdatauv(L, sizeof(ebuf), 0);
  memset(b, 0, sizeof *b);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, buf_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  top = lua_gettop(L);
  e.L = L;
  e.b = b;
  e.fn = fn;
  e.nextid = 0;
  lua_newtable(L); e.seen = lua_gettop(L);
  lua_newtable(L); e.names = lua_gettop(L);
  lua_newtable(L); e.upids = lua_gettop(L);
  buildnames(L, e.names);
  lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  if (lua_getfield(L, -1, "orrery.data") == LUA_TTABLE) {
    lua_getfield(L, -1, "Frame");
    lua_replace(L, -3);
    lua_pop(L, 1);
  }
  else {
    lua_pop(L, 2);
    lua_pushnil(L);
  }
  e.frame_mt = lua_gettop(L);
  encode(&e, idx, what);
  lua_settop(L, top);
  return b;
}


/* ---------------------------------------------------------------------- */
/* decoding, in a worker                                                  */
/* ---------------------------------------------------------------------- */

typedef struct dec {
  lua_State *L;
  const char *p, *end;
  int objs;   /* stack index: id -> object */
} dec;


static int get_byte (dec *d) {
  if (d->p >= d->end) luaL_error(d->L, "experiment: truncated copy");
  return (unsigned char)*d->p++;
}

static int64_t get_int (dec *d) {
  int64_t v;
  if (d->end - d->p < (ptrdiff_t)sizeof v) luaL_error(d->L, "experiment: truncated copy");
  memcpy(&v, d->p, sizeof v);
  d->p += sizeof v;
  return v;
}

static const char *get_bytes (dec *d, size_t len) {
  const char *s = d->p;
  if ((size_t)(d->end - d->p) < len) luaL_error(d->L, "experiment: truncated copy");
  d->p += len;
  return s;
}


/* the module value named s (see buildnames) onto W's stack */
static void resolve (lua_State *W, const char *s, size_t len) {
  const char *sep = memchr(s, '\1', len);
  size_t head = sep ? (size_t)(sep - s) : len;
  lua_pushlstring(W, s + 1, head - 1);  /* module, namespace or key */
  switch (s[0]) {
    case 'L':
      lua_getfield(W, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
      lua_pushvalue(W, -2);
      if (lua_rawget(W, -2) == LUA_TNIL) {  /* load it as the parent did */
        lua_pop(W, 1);
        lua_getfield(W, LUA_REGISTRYINDEX, ORR_REQUIRE);
        if (lua_isnil(W, -1)) { lua_pop(W, 1); lua_getglobal(W, "require"); }
        lua_pushvalue(W, -3);
        lua_call(W, 1, 1);
      }
      lua_remove(W, -2);
      break;
    case 'P': {
      const char *ns = lua_tostring(W, -1);
      orr_require(W, ns);
      lua_pop(W, 1);
      lua_getfield(W, LUA_REGISTRYINDEX, ORR_PRIVATE);
      lua_getfield(W, -1, ns);
      lua_remove(W, -2);
      break;
    }
    case 'G':
      lua_pushglobaltable(W);
      break;
    default:  /* 'R' */
      lua_pushvalue(W, -1);
      lua_rawget(W, LUA_REGISTRYINDEX);
      break;
  }
  if (sep) {
    lua_pushlstring(W, sep + 1, len - head - 1);
    if (lua_istable(W, -2)) lua_gettable(W, -2);
    else lua_pushnil(W);
    lua_remove(W, -2);
  }
  else if (s[0] == 'G') {
    lua_pushvalue(W, -2);
    lua_gettable(W, -2);
    lua_remove(W, -2);
  }
  if (lua_isnil(W, -1))
    luaL_error(W, "experiment: '%s' is not available in a worker", lua_tostring(W, -2));
  lua_remove(W, -2);
}


static void decode (dec *d);

static void remember (dec *d, int64_t id) {
  lua_pushvalue(d->L, -1);
  lua_rawseti(d->L, d->objs, (lua_Integer)id);
}


static void decode_function (dec *d) {
  lua_State *W = d->L;
  int64_t id = get_int(d), len = get_int(d);
  const char *code = get_bytes(d, (size_t)len);
  int n, fidx;
  if (luaL_loadbufferx(W, code, (size_t)len, "=run", "b") != LUA_OK) lua_error(W);
  remember(d, id);
  fidx = lua_gettop(W);
  for (n = 1;; n++) {
    int t = get_byte(d);
    if (t == T_END) break;
    if (t == T_UPJOIN) {
      int64_t other = get_int(d), m = get_int(d);
      lua_rawgeti(W, d->objs, (lua_Integer)other);
      lua_upvaluejoin(W, fidx, n, lua_gettop(W), (int)m);
      lua_pop(W, 1);
      continue;
    }
    decode(d);
    if (lua_setupvalue(W, fidx, n) == NULL) lua_pop(W, 1);
  }
}


static void decode_frame (dec *d) {
  lua_State *W = d->L;
  int64_t id = get_int(d), k = get_int(d), j;
  orr_require(W, "data");
  lua_getfield(W, -1, "frame");
  lua_remove(W, -2);
  lua_createtable(W, (int)k, 0);
  for (j = 1; j <= k; j++) {
    int64_t len = get_int(d);
    const char *name = get_bytes(d, (size_t)len);
    lua_createtable(W, 2, 0);
    lua_pushlstring(W, name, (size_t)len);
    lua_rawseti(W, -2, 1);
    decode(d);
    lua_rawseti(W, -2, 2);
    lua_rawseti(W, -2, (lua_Integer)j);
  }
  lua_call(W, 1, 1);
  remember(d, id);
}


static void decode (dec *d) {
  lua_State *W = d->L;
  int t = get_byte(d);
  luaL_checkstack(W, 12, "value nested too deeply");
  switch (t) {
    case T_NIL: lua_pushnil(W); break;
    case T_FALSE: lua_pushboolean(W, 0); break;
    case T_TRUE: lua_pushboolean(W, 1); break;
    case T_INT: lua_pushinteger(W, (lua_Integer)get_int(d)); break;
    case T_NUM: {
      double x;
      memcpy(&x, get_bytes(d, sizeof x), sizeof x);
      lua_pushnumber(W, (lua_Number)x);
      break;
    }
    case T_STR: {
      int64_t len = get_int(d);
      lua_pushlstring(W, get_bytes(d, (size_t)len), (size_t)len);
      break;
    }
    case T_REF: lua_rawgeti(W, d->objs, (lua_Integer)get_int(d)); break;
    case T_GLOBALS: lua_pushglobaltable(W); break;
    case T_NAMED: {
      int64_t len = get_int(d);
      resolve(W, get_bytes(d, (size_t)len), (size_t)len);
      break;
    }
    case T_TABLE: {
      int tidx;
      lua_newtable(W);
      remember(d, get_int(d));
      tidx = lua_gettop(W);
      for (;;) {
        decode(d);
        if (lua_isnil(W, -1)) break;  /* the metatable slot: keys are never nil */
        decode(d);
        lua_rawset(W, tidx);
      }
      lua_pop(W, 1);
      decode(d);  /* the metatable */
      if (lua_istable(W, -1)) lua_setmetatable(W, tidx);
      else lua_pop(W, 1);
      break;
    }
    case T_FUNC: decode_function(d); break;
    case T_MAT: {
      int64_t r = get_int(d), c = get_int(d);
      omat *m = omat_new(W, (size_t)r, (size_t)c);
      size_t nb = (size_t)(r * c) * sizeof(double);
      memcpy(m->x, get_bytes(d, nb), nb);
      break;
    }
    case T_FRAME: decode_frame(d); break;
    default: luaL_error(W, "experiment: bad copy (tag %d)", t);
  }
}


void exp_decode (lua_State *W, const char *p, size_t n) {
  dec d;
  d.L = W;
  d.p = p;
  d.end = p + n;
  lua_newtable(W);
  d.objs = lua_gettop(W);
  decode(&d);
  lua_remove(W, d.objs);
}
