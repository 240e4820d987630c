# Orrery -- build, test, bench, install.  See README.md.
#
#   make          the program ./orrery, liborrery.{a,so}, orrery.so, orrery.pc
#   make run      install missing packages, build, run the demo experiment
#                 and write its report (orrery report) to build/demo.html
#   make test     install missing packages, build, run every test
#   make check    luacheck, then the test suite built with -fsanitize=address,undefined
#   make bench    comparisons against lua5.4, R and statsmodels
#   make fuzz     bounded libFuzzer runs of the parsers
#   make fuzz-long  the same, 15 minutes per target (a soak; not run by CI)
#   make doc      docs/reference from the help strings (committed; a test checks it)
#   make install PREFIX=dir   (with the Jupyter kernelspec: docs/jupyter.md)

PREFIX  ?= /usr/local
B       ?= build
CC      ?= cc
# cairo: its headers only; lplot.c opens libcairo.so.2 when a PNG or PDF is written
PKGS     = lua5.4 gsl lapacke openblas cairo
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
BLAS_DIR   := $(shell pkg-config --variable=libdir openblas 2>/dev/null)

OPT     ?= -O2
WERROR  ?= -Werror
SANITIZE ?=
# -fvisibility=hidden: the shared objects export only what the public headers
# mark ORRERY_API (vm/orrery.h, modules/mat/omat.h); tests/sh/test_exports.sh
# checks it.
CFLAGS_ALL = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(OPT) -g \
  -fPIC -fvisibility=hidden -Wall -Wextra $(WERROR) $(SANITIZE) $(PKG_CFLAGS) \
  -Ivm -Imodules $(CFLAGS)

# The numeric libraries, dynamic (for the shared objects and sanitized builds).
NUM_LIBS = -lgsl -llapacke -L$(BLAS_DIR) -lopenblas -lgfortran -lpthread -lm
# The program links the numeric libraries statically (libgfortran.a comes
# with the gfortran package, hence its place in DEBS): loading libopenblas.so
# and its dependencies (libgfortran, libquadmath) costs ~4 ms, twice the whole
# start-up of lua5.4.
# Lua itself is linked statically too, with its symbols exported for C modules.
ifeq ($(STATIC),0)
PROG_LIBS = -Wl,-E -llua5.4 -lreadline $(NUM_LIBS) -ldl
else
PROG_LIBS = -Wl,-E -Wl,-Bstatic -llua5.4 -lgsl -llapacke -L$(BLAS_DIR) -lopenblas \
  -lgfortran -lquadmath -Wl,-Bdynamic -lreadline -lpthread -lm -ldl
endif

# make MPI=1: experiment.replicate/sweep split replicates across the ranks of
# mpirun (Open MPI: libopenmpi-dev, openmpi-bin); B defaults to build/mpi.
ifeq ($(MPI),1)
B        = build/mpi
MPI_CFLAGS := -DORRERY_MPI $(shell pkg-config --cflags ompi-c 2>/dev/null)
MPI_LIBS   := $(shell pkg-config --libs ompi-c 2>/dev/null)
CFLAGS_ALL += $(MPI_CFLAGS)
NUM_LIBS   += $(MPI_LIBS)
PROG_LIBS  += $(MPI_LIBS)
endif

MODDIRS  := $(sort $(patsubst %/.,%,$(wildcard modules/*/.)))
BINDINGS := $(foreach d,$(MODDIRS),$(wildcard $(d)/l$(notdir $(d)).c)) vm/lhelp.c vm/largs.c
MOD_SRC  := $(sort $(wildcard modules/*/*.c))
LIB_SRC  := vm/oaux.c vm/orules.c vm/largs.c vm/ostate.c vm/lhelp.c $(MOD_SRC)
PROG_SRC := vm/main.c vm/repl.c
STDLIB   := $(sort $(wildcard stdlib/*.lua stdlib/*/*.lua))

LIB_OBJ  := $(patsubst %.c,$(B)/obj/%.o,$(LIB_SRC)) $(B)/obj/gen/modules.o
PROG_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(PROG_SRC))

ORRERY   := $(if $(filter build,$(B)),./orrery,$(B)/orrery)

.PHONY: all deps run test check bench fuzz fuzz-long doc install clean FORCE
all: $(ORRERY) $(B)/liborrery.a $(B)/liborrery.so $(B)/orrery.so $(B)/orrery.pc $(B)/okernel.so

# -MMD: each object depends on the headers it includes, not on every header,
# and on $(B)/cflags, which changes only when the flags do (a new flag such
# as -fvisibility=hidden rebuilds everything).
$(B)/obj/%.o: %.c $(B)/cflags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(B)/cflags: FORCE
	@mkdir -p $(B)
	@echo '$(CC) $(CFLAGS_ALL)' | cmp -s - $@ || echo '$(CC) $(CFLAGS_ALL)' > $@
FORCE:

-include $(patsubst %.o,%.d,$(LIB_OBJ) $(PROG_OBJ))

$(B)/gen/modules.c: tools/genmodules.sh $(BINDINGS) $(STDLIB)
	@mkdir -p $(dir $@)
	sh tools/genmodules.sh "$(BINDINGS)" "$(STDLIB)" > $@.tmp && mv $@.tmp $@

$(B)/obj/gen/modules.o: $(B)/gen/modules.c vm/omodules.h $(B)/cflags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(B)/liborrery.a: $(LIB_OBJ)
	rm -f $@; ar rcs $@ $^

# The shared objects do not link liblua: the host or interpreter carries the VM.
$(B)/liborrery.so: $(LIB_OBJ)
	$(CC) $(SANITIZE) -shared -Wl,-soname,liborrery.so.0 -o $@ $^ $(NUM_LIBS)

$(B)/orrery.so: $(LIB_OBJ)
	$(CC) $(SANITIZE) -shared -o $@ $^ $(NUM_LIBS)

$(ORRERY): $(PROG_OBJ) $(B)/liborrery.a
	$(CC) $(SANITIZE) -o $@ $(PROG_OBJ) $(B)/liborrery.a $(PROG_LIBS)

# The Jupyter kernel (orrery --kernel): a shared object the program loads
# only then, so that ZeroMQ and its libraries cost other runs nothing. Its
# Lua symbols come from the program (-Wl,-E), its host functions through
# the table main.c passes (vm/ohost.h).
KERNEL_LIBS = -lzmq -ljansson -lcrypto -lpthread
$(B)/okernel.so: $(B)/obj/vm/okernel.o
	$(CC) $(SANITIZE) -shared -o $@ $^ $(KERNEL_LIBS)
-include $(B)/obj/vm/okernel.d

$(B)/orrery.pc: orrery.pc.in
	@mkdir -p $(B)
	sed 's|@PREFIX@|$(PREFIX)|' $< > $@

# ---------------------------------------------------------------- packages
DEBS = gcc make pkg-config liblua5.4-dev lua5.4 libgsl-dev liblapacke-dev \
  libopenblas-dev libreadline-dev python3 gfortran lua-check \
  libzmq3-dev libjansson-dev libssl-dev python3-jupyter-client python3-nbclient \
  python3-nbconvert python3-ipykernel \
  libcairo2-dev fontconfig fonts-dejavu-core
ifeq ($(MPI),1)
DEBS += openmpi-bin libopenmpi-dev
endif
deps:
	@missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	  else echo "missing packages; run: sudo apt-get install$$missing"; exit 1; fi; \
	fi

run: deps
	$(MAKE) all
	./orrery scripts/demo.lua
	@./orrery report scripts/demo.lua -o $(B)/demo.html 2> /dev/null && echo "report: $(B)/demo.html"
	@echo
	@echo "Jupyter: make install (PREFIX=/usr/local) puts the Orrery kernel in"
	@echo "  PREFIX/share/jupyter/kernels/orrery; then 'jupyter kernelspec list' shows it,"
	@echo "  and 'jupyter notebook' or 'jupyter console --kernel orrery' starts it."
	@echo "  By hand: ./orrery --kernel CONNECTION_FILE (see docs/jupyter.md)."

# ---------------------------------------------------------------- tests
C_TESTS   := $(patsubst tests/c/%.c,$(B)/tests/%,$(wildcard tests/c/test_*.c))
TEST_LIBS = -llua5.4 $(NUM_LIBS) -ldl

$(B)/tests/%: tests/c/%.c $(B)/liborrery.a tests/c/ctest.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/c -o $@ $< $(B)/liborrery.a $(TEST_LIBS)

$(B)/tests/embed_host: tests/embed/host.c $(B)/liborrery.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/c -o $@ $< $(B)/liborrery.a $(TEST_LIBS)

test: deps
	$(MAKE) all $(C_TESTS) $(B)/tests/embed_host
	@B=$(B) ORRERY=$(ORRERY) sh tests/run.sh

# luacheck (.luacheckrc) first: the Lua halves and scripts with no warning
check: deps
	luacheck --no-color -q stdlib scripts
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/plot/lsan.supp $(MAKE) test B=build/asan STATIC=0 OPT=-O1 \
	  SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"

bench: all
	sh bench/run.sh

fuzz:
	sh tests/fuzz/run.sh

fuzz-long:
	FUZZ_SECONDS=$${FUZZ_SECONDS:-900} sh tests/fuzz/run.sh

# The reference manual, generated like a man page and committed.
doc: all
	rm -rf docs/reference && mkdir -p docs/reference
	$(ORRERY) tools/gendoc.lua docs/reference

# ---------------------------------------------------------------- install
install: all
	install -d $(PREFIX)/bin $(PREFIX)/lib/pkgconfig $(PREFIX)/include/orrery \
	  $(PREFIX)/lib/lua/5.4 $(PREFIX)/share/orrery/scripts $(PREFIX)/share/man/man1
	install -m 755 $(ORRERY) $(PREFIX)/bin/orrery
	install -m 644 $(B)/liborrery.a $(PREFIX)/lib/liborrery.a
	install -m 755 $(B)/liborrery.so $(PREFIX)/lib/liborrery.so.0
	ln -sf liborrery.so.0 $(PREFIX)/lib/liborrery.so
	install -m 644 vm/orrery.h $(PREFIX)/include/orrery.h
	install -m 644 modules/mat/omat.h $(PREFIX)/include/orrery/omat.h
	sed 's|@PREFIX@|$(PREFIX)|' orrery.pc.in > $(PREFIX)/lib/pkgconfig/orrery.pc
	install -m 755 $(B)/orrery.so $(PREFIX)/lib/lua/5.4/orrery.so
	cp -R scripts/. $(PREFIX)/share/orrery/scripts/
	install -m 644 orrery.1 $(PREFIX)/share/man/man1/orrery.1
	install -d $(PREFIX)/lib/orrery $(PREFIX)/share/jupyter/kernels/orrery
	install -m 755 $(B)/okernel.so $(PREFIX)/lib/orrery/okernel.so
	sed 's|"orrery", "--kernel"|"$(abspath $(PREFIX))/bin/orrery", "--kernel"|' \
	  share/jupyter/kernels/orrery/kernel.json > $(PREFIX)/share/jupyter/kernels/orrery/kernel.json
	install -m 644 share/jupyter/kernels/orrery/logo-32x32.png \
	  share/jupyter/kernels/orrery/logo-64x64.png share/jupyter/kernels/orrery/logo-svg.svg \
	  $(PREFIX)/share/jupyter/kernels/orrery/

clean:
	rm -rf build orrery
