# sandproof: non-recursive GNU make build.
#
# Everything is built out of tree into $(BUILD) with the same relative layout as the sources, so
# `kyua test --build-root=$(BUILD)` runs the Kyuafiles of the source tree against the binaries built
# here.  Conventions (new files are picked up without editing this file):
#   lib/*.c                  -> $(BUILD)/lib/libsbx.a and libsbx.so.$(SBX_SOVERSION)
#   tools/*.c                -> $(BUILD)/tools/<name>          (linked with libsbx and libsp)
#   tools/*.static.c         -> $(BUILD)/tools/<name>          (static, not installed)
#   tools/<script> (+x)      -> $(BUILD)/tools/<script>        (copied, @VARS@ substituted)
#   cases/harness/*.c        -> $(BUILD)/cases/harness/libsp.a (the harness, linked into every test)
#   cases/probe/*.c          -> $(BUILD)/cases/probe/sp-probe  (static, never sanitized)
#   cases/<g>/*_test.c       -> $(BUILD)/cases/<g>/<name>_test (ATF-C test programs)
#   cases/<g>/*_helper.c     -> $(BUILD)/cases/<g>/<name>_helper
#   cases/<g>/*.static.c     -> $(BUILD)/cases/<g>/<name>      (static helper programs)
#   fixtures/**              -> $(BUILD)/fixtures/**           (copied, @VARS@ substituted)
# sbx-run alone is linked statically against musl when musl-gcc and Debian's libcap2 source are
# there (lib/*.c and libcap again, into $(BUILD)/musl/); see "sbx-run's libc" below.

.SUFFIXES:
.DELETE_ON_ERROR:
SHELL := /bin/bash

VERSION := 0.1.0
SBX_SOVERSION := 0

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD ?= build-san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD ?= build
SAN_FLAGS :=
endif

prefix ?= /usr/local
exec_prefix ?= $(prefix)
bindir ?= $(exec_prefix)/bin
libdir ?= $(exec_prefix)/lib
includedir ?= $(prefix)/include
mandir ?= $(prefix)/share/man
pkgconfigdir ?= $(libdir)/pkgconfig
testsdir ?= $(prefix)/tests/sandproof
DESTDIR ?=

CC ?= gcc
ifeq ($(origin CC),default)
CC := gcc
endif
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	-Wpointer-arith -Wcast-qual -Wundef -Wvla -Wnull-dereference
BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 -fstack-protector-strong $(WARNINGS)
DEPFLAGS = -MMD -MP -MF $(@:.o=.d)

# Dependencies are checked before anything is compiled (ci/deps.sh installs them as root on
# Debian, and otherwise prints the exact apt-get line).  Skipped for clean and for lint-only runs.
ifeq ($(filter clean distclean,$(MAKECMDGOALS)),)
ifneq ($(SANDPROOF_DEPS_CHECKED),1)
DEPS_STATUS := $(shell ci/deps.sh build >&2 && echo ok)
ifneq ($(DEPS_STATUS),ok)
$(error missing build dependencies (see the message above))
endif
export SANDPROOF_DEPS_CHECKED := 1
endif
endif

ATF_CFLAGS := $(shell $(PKG_CONFIG) --cflags atf-c 2>/dev/null)
ATF_LIBS := $(shell $(PKG_CONFIG) --libs atf-c 2>/dev/null)
CAP_CFLAGS := $(shell $(PKG_CONFIG) --cflags libcap 2>/dev/null)
CAP_LIBS := $(shell $(PKG_CONFIG) --libs libcap 2>/dev/null)

# ---- sbx-run's libc ---------------------------------------------------------------------------
# glibc's static start-up runs ~90 cpuid instructions (x86 feature and cache detection), and in
# a VM each one traps to the hypervisor: about 1 ms per process (docs/PERFORMANCE.md).  musl
# runs none, so the launcher is built with musl when it can be.  libcap, which libsbx uses, is
# compiled from Debian's libcap2 source for it (ci/libcap-src.sh fetches it; Debian's libcap.a
# is built for glibc and cannot be linked with musl).  libsbx.a, libsbx.so and every other
# program stay glibc builds.
#   SBX_RUN_LIBC=auto|musl|glibc   auto: musl when musl-gcc and the libcap source are found
#   MUSL_CC=musl-gcc  LIBCAP_SRC=build-deps/libcap2
SBX_RUN_LIBC ?= auto
MUSL_CC ?= musl-gcc
LIBCAP_SRC ?= build-deps/libcap2
ifeq ($(SANITIZE),1)
# ASan and UBSan need glibc (and a dynamic link).
SBX_RUN_USES := glibc
else ifeq ($(SBX_RUN_LIBC),glibc)
SBX_RUN_USES := glibc
else ifneq ($(filter-out auto musl,$(SBX_RUN_LIBC)),)
$(error SBX_RUN_LIBC must be auto, musl or glibc, not '$(SBX_RUN_LIBC)')
else
SBX_RUN_WHY := $(if $(shell command -v $(MUSL_CC) 2>/dev/null),,$(MUSL_CC) not found (Debian: \
	musl-tools))
SBX_RUN_WHY := $(SBX_RUN_WHY)$(if $(wildcard $(LIBCAP_SRC)/libcap/cap_alloc.c),,$(if \
	$(SBX_RUN_WHY),; )no libcap source in '$(LIBCAP_SRC)' (run ci/libcap-src.sh as root))
SBX_RUN_USES := $(if $(SBX_RUN_WHY),glibc,musl)
ifeq ($(SBX_RUN_LIBC)$(SBX_RUN_USES),muslglibc)
$(error SBX_RUN_LIBC=musl: $(SBX_RUN_WHY))
endif
endif

# -iquote: cases/harness/features.h must not shadow glibc's <features.h>.
ALL_CFLAGS = $(BASE_CFLAGS) $(CFLAGS) $(SAN_FLAGS) -Ilib -iquote cases/harness
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS)

# ---- sources --------------------------------------------------------------------------------
LIB_SRCS := $(sort $(wildcard lib/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB_PIC_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.pic.o)
LIBSBX_A := $(BUILD)/lib/libsbx.a
LIBSBX_SO := $(BUILD)/lib/libsbx.so.$(SBX_SOVERSION)

HARNESS_SRCS := $(sort $(wildcard cases/harness/*.c))
HARNESS_OBJS := $(HARNESS_SRCS:%.c=$(BUILD)/%.o)
LIBSP_A := $(BUILD)/cases/harness/libsp.a

PROBE_SRCS := $(sort $(wildcard cases/probe/*.c))
PROBE_OBJS := $(PROBE_SRCS:%.c=$(BUILD)/%.probe.o)
PROBE := $(BUILD)/cases/probe/sp-probe

TOOL_STATIC_SRCS := $(sort $(wildcard tools/*.static.c))
TOOLS_STATIC := $(TOOL_STATIC_SRCS:%.static.c=$(BUILD)/%)
TOOL_SRCS := $(sort $(filter-out $(TOOL_STATIC_SRCS),$(wildcard tools/*.c)))
TOOLS_C := $(TOOL_SRCS:%.c=$(BUILD)/%)
TOOL_SCRIPTS := $(sort $(filter-out %.c %.h %.1 %.in %.md,$(wildcard tools/*)))
TOOL_SCRIPTS := $(foreach f,$(TOOL_SCRIPTS),$(if $(wildcard $(f)/.),,$(f)))
TOOLS_SH := $(TOOL_SCRIPTS:%=$(BUILD)/%)
MAN_PAGES := $(sort $(wildcard tools/*.1))

TEST_SRCS := $(sort $(wildcard cases/*/*_test.c))
TESTS := $(TEST_SRCS:%.c=$(BUILD)/%)
HELPER_SRCS := $(sort $(wildcard cases/*/*_helper.c))
HELPERS := $(HELPER_SRCS:%.c=$(BUILD)/%)
STATIC_HELPER_SRCS := $(sort $(wildcard cases/*/*.static.c))
STATIC_HELPERS := $(STATIC_HELPER_SRCS:%.static.c=$(BUILD)/%)
KYUAFILES := Kyuafile $(sort $(wildcard cases/Kyuafile cases/*/Kyuafile))

FIXTURE_FILES := $(sort $(shell find fixtures -type f 2>/dev/null))
FIXTURES := $(FIXTURE_FILES:%=$(BUILD)/%)

ALL_C := $(sort $(shell find lib cases tools ci -name '*.[ch]' 2>/dev/null))

# Paths substituted into scripts and fixtures.  The build tree points at itself; `make install`
# substitutes the installed locations instead (see install-tests).
BUILD_ABS = $(abspath $(BUILD))
SUBST_BUILD = sed -e 's|@SBX_RUN@|$(BUILD_ABS)/tools/sbx-run|g' \
	-e 's|@TOOLSDIR@|$(BUILD_ABS)/tools|g' \
	-e 's|@TESTSDIR@|$(BUILD_ABS)|g' \
	-e 's|@SRCDIR@|$(CURDIR)|g' \
	-e 's|@VERSION@|$(VERSION)|g'
SUBST_INSTALL = sed -e 's|@SBX_RUN@|$(bindir)/sbx-run|g' \
	-e 's|@TOOLSDIR@|$(bindir)|g' \
	-e 's|@TESTSDIR@|$(testsdir)|g' \
	-e 's|@SRCDIR@|$(testsdir)|g' \
	-e 's|@VERSION@|$(VERSION)|g'

# ---- targets ---------------------------------------------------------------------------------
.PHONY: all check conform bench lint install install-tests clean distclean kernels restricted docs

all: $(LIBSBX_A) $(LIBSBX_SO) $(BUILD)/lib/libsbx.pc $(TOOLS_C) $(TOOLS_SH) $(TOOLS_STATIC) $(PROBE) $(TESTS) \
	$(HELPERS) $(STATIC_HELPERS) $(FIXTURES)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CAP_CFLAGS) $(ATF_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/%.pic.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CAP_CFLAGS) -fPIC $(DEPFLAGS) -c -o $@ $<

$(LIBSBX_A): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIBSBX_SO): $(LIB_PIC_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,libsbx.so.$(SBX_SOVERSION) $(ALL_LDFLAGS) -o $@ $^ $(CAP_LIBS)
	ln -sf libsbx.so.$(SBX_SOVERSION) $(BUILD)/lib/libsbx.so

$(BUILD)/lib/libsbx.pc: lib/libsbx.pc.in Makefile
	@mkdir -p $(@D)
	sed -e 's|@prefix@|$(prefix)|g' -e 's|@libdir@|$(libdir)|g' \
		-e 's|@includedir@|$(includedir)|g' -e 's|@VERSION@|$(VERSION)|g' $< > $@

$(LIBSP_A): $(HARNESS_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# The probe runs inside arbitrary sandboxes, where no shared library of the host may be visible:
# static, single-threaded, and never built with sanitizers (their runtimes need /proc and threads).
$(BUILD)/%.probe.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -iquote cases/probe $(DEPFLAGS) -c -o $@ $<

$(PROBE): $(PROBE_OBJS)
	$(CC) -static $(LDFLAGS) -o $@ $^

$(STATIC_HELPERS): $(BUILD)/cases/%: $(BUILD)/cases/%.static.o
	$(CC) -static $(LDFLAGS) -o $@ $^

$(BUILD)/cases/%.static.o: cases/%.static.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

# Only libsbx's own tests (cases/lib) link libsbx; the conformance cases drive sandboxes through
# adapters and must not depend on the reference implementation.
$(BUILD)/cases/lib/%_test: $(BUILD)/cases/lib/%_test.o $(LIBSP_A) $(LIBSBX_A)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBSP_A) $(LIBSBX_A) $(ATF_LIBS) $(CAP_LIBS)

$(BUILD)/cases/%_test: $(BUILD)/cases/%_test.o $(LIBSP_A)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBSP_A) $(ATF_LIBS)

$(BUILD)/cases/%_helper: $(BUILD)/cases/%_helper.o $(LIBSBX_A)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBSBX_A) $(CAP_LIBS)

# Other tools link only libc; one that needs libsbx or the harness gets a rule of its own.
$(BUILD)/tools/%: $(BUILD)/tools/%.o
	$(CC) $(ALL_LDFLAGS) -o $@ $<

# `sandproof kernel` shares the harness's feature probes (cases/harness/features.c).
$(BUILD)/tools/sandproof-kernel: $(BUILD)/tools/sandproof-kernel.o $(LIBSP_A)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBSP_A)

# The attack-surface inventory drives an adapter with the harness core.
$(BUILD)/tools/sandproof-surface: $(BUILD)/tools/sandproof-surface.o $(LIBSP_A)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBSP_A)

# Static helper programs of the tools (the benchmark's exit-at-once program, glibc like most
# payloads; its memory helper, with musl when sbx-run is, see "sbx-run's libc").
RSS_HELPER_MUSL := $(if $(filter musl,$(SBX_RUN_USES)),$(BUILD)/tools/sandproof-rss)
$(filter-out $(RSS_HELPER_MUSL),$(TOOLS_STATIC)): $(BUILD)/tools/%: $(BUILD)/tools/%.static.o
	$(CC) -static $(LDFLAGS) -o $@ $^

$(BUILD)/tools/%.static.o: tools/%.static.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

# sbx-run is linked statically (no dynamic loader, no libcap.so relocation at start-up; it is
# benchmarked against bubblewrap), except when sanitized: ASan cannot be linked statically.
ifeq ($(SBX_RUN_USES),musl)
# musl-gcc sees musl's headers only; the kernel's uapi headers (linux/, asm/, asm-generic/) are
# made visible through symlinks in $(MUSL)/include, never glibc's /usr/include itself.
MUSL := $(BUILD)/musl
MUSL_INC := $(MUSL)/include
KERNEL_INC ?= /usr/include
KERNEL_ASM_INC ?= $(firstword $(wildcard \
	$(KERNEL_INC)/$(shell $(CC) -print-multiarch 2>/dev/null)/asm $(KERNEL_INC)/asm))
MUSL_VERSION := $(shell dpkg-query -W -f='$${source:Upstream-Version}' musl-dev 2>/dev/null)
LIBCAP_DIR := $(LIBCAP_SRC)/libcap
# The library objects, as libcap's own Makefile lists them (not libpsx, not the programs).
LIBCAP_FILES := $(shell sed -n 's/^CAPFILES=//p' $(LIBCAP_DIR)/Makefile)
LIBCAP_MUSL_OBJS := $(LIBCAP_FILES:%=$(MUSL)/libcap/%.o)
LIBCAP_MUSL_A := $(MUSL)/libcap/libcap.a
LIBSBX_MUSL_OBJS := $(LIB_SRCS:%.c=$(MUSL)/%.o)
LIBSBX_MUSL_A := $(MUSL)/lib/libsbx.a
MUSL_CFLAGS = $(BASE_CFLAGS) $(CFLAGS) -Ilib -I$(LIBCAP_DIR)/include -isystem $(MUSL_INC)
# libcap's own flags (Make.Rules), without its warning list, plus Debian's stack protector.
LIBCAP_CFLAGS = $(CFLAGS) -fstack-protector-strong -Dlinux -D_LARGEFILE64_SOURCE \
	-D_FILE_OFFSET_BITS=64 -I$(MUSL)/libcap -I$(LIBCAP_DIR)/include/uapi -I$(LIBCAP_DIR)/include \
	-isystem $(MUSL_INC)

$(MUSL_INC)/.stamp:
	@mkdir -p $(@D)
	ln -sfn $(KERNEL_INC)/linux $(@D)/linux
	ln -sfn $(KERNEL_INC)/asm-generic $(@D)/asm-generic
	ln -sfn $(KERNEL_ASM_INC) $(@D)/asm
	@touch $@

# cap_names.h as libcap's Makefile makes it: the CAP_* names of its copy of the uapi header,
# turned into a table by _makenames, a program for the build machine.
$(MUSL)/libcap/cap_names.list.h: $(LIBCAP_DIR)/include/uapi/linux/capability.h
	@mkdir -p $(@D)
	grep -E '^#define\s+CAP_([^\s]+)\s+[0-9]+\s*$$' $< | sed -e 's/^#define\s\+/{"/' \
		-e 's/\s*$$/},/' -e 's/\s\+/",/' \
		-e 'y/ABCDEFGHIJKLMNOPQRSTUVWXYZ/abcdefghijklmnopqrstuvwxyz/' > $@

$(MUSL)/libcap/_makenames: $(LIBCAP_DIR)/_makenames.c $(MUSL)/libcap/cap_names.list.h
	$(CC) -O2 -I$(MUSL)/libcap -o $@ $<

$(MUSL)/libcap/cap_names.h: $(MUSL)/libcap/_makenames
	$< > $@

$(MUSL)/libcap/%.o: $(LIBCAP_DIR)/%.c $(MUSL)/libcap/cap_names.h | $(MUSL_INC)/.stamp
	$(MUSL_CC) $(LIBCAP_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(LIBCAP_MUSL_A): $(LIBCAP_MUSL_OBJS)
	rm -f $@ && ar rcs $@ $^

$(MUSL)/lib/%.o: lib/%.c | $(MUSL_INC)/.stamp
	@mkdir -p $(@D)
	$(MUSL_CC) $(MUSL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(LIBSBX_MUSL_A): $(LIBSBX_MUSL_OBJS)
	rm -f $@ && ar rcs $@ $^

$(MUSL)/tools/sbx-run.o: tools/sbx-run.c Makefile | $(MUSL_INC)/.stamp
	@mkdir -p $(@D)
	$(MUSL_CC) $(MUSL_CFLAGS) -DSBX_LIBC_NAME='"$(strip musl $(MUSL_VERSION))"' $(DEPFLAGS) -c -o $@ $<

$(BUILD)/tools/sbx-run: $(MUSL)/tools/sbx-run.o $(LIBSBX_MUSL_A) $(LIBCAP_MUSL_A)
	@mkdir -p $(@D)
	$(MUSL_CC) -static $(LDFLAGS) -o $@ $^

# The benchmark's memory helper: every row of the memory column includes the pages it has
# written before it forks the command (tools/sandproof-rss.static.c), 136 KiB after glibc's
# static start-up, a few with musl's.
$(BUILD)/tools/sandproof-rss: tools/sandproof-rss.static.c | $(MUSL_INC)/.stamp
	@mkdir -p $(@D)
	$(MUSL_CC) $(MUSL_CFLAGS) -static $(LDFLAGS) -o $@ $<
else
SBX_RUN_NOTE = sbx-run: linked with glibc, not musl: $(SBX_RUN_WHY)
$(BUILD)/tools/sbx-run: $(BUILD)/tools/sbx-run.o $(LIBSBX_A)
	$(if $(SBX_RUN_WHY),@echo "$(SBX_RUN_NOTE)" >&2)
	$(CC) $(ALL_LDFLAGS) $(if $(SAN_FLAGS),,-static) -o $@ $< $(LIBSBX_A) $(CAP_LIBS)
endif

# A target for helpers and partial builds: make BUILD=... lib tools probe harness
.PHONY: lib tools probe harness tests fixtures
lib: $(LIBSBX_A) $(LIBSBX_SO) $(BUILD)/lib/libsbx.pc
tools: $(TOOLS_C) $(TOOLS_SH) $(TOOLS_STATIC)
probe: $(PROBE)
harness: $(LIBSP_A)
tests: $(TESTS) $(HELPERS) $(STATIC_HELPERS)
fixtures: $(FIXTURES)

$(TOOLS_SH): $(BUILD)/tools/%: tools/% Makefile
	@mkdir -p $(@D)
	$(SUBST_BUILD) $< > $@ && chmod 755 $@

$(FIXTURES): $(BUILD)/fixtures/%: fixtures/% Makefile
	@mkdir -p $(@D)
	$(SUBST_BUILD) $< > $@ && if [ -x $< ]; then chmod 755 $@; else chmod 644 $@; fi

# ---- tests -----------------------------------------------------------------------------------
# The project's own tests: libsbx's tests and the conformance suite against the reference
# sandbox, as this user and (when root) again as an unprivileged user.  Ends with one line:
# `N passed, N failed, N skipped`.
check: all
	@BUILD=$(BUILD) SANITIZE=$(SANITIZE) MAKE="$(MAKE)" ci/check.sh

# The main job: the suite against the reference sandbox and every supported sandbox installed,
# the matrix on the terminal, and build/report/ (index.html, results.json, junit/), whose
# rendering is then checked in headless Chromium.  The columns of the last `make kernels` (if
# any) join the report.
conform: all
	@ci/deps.sh conform report
	@rm -rf $(BUILD)/report
	@$(BUILD)/tools/sandproof run --all-installed --html $(BUILD)/report \
		--json $(BUILD)/report/results.json --junit $(BUILD)/report/junit \
		$(if $(wildcard $(BUILD)/kernels/columns),--kernels $(BUILD)/kernels); rc=$$?; \
	ci/report-check.sh $(BUILD)/report || rc=1; exit $$rc

bench: all
	@ci/deps.sh bench
	@$(BUILD)/tools/bench

kernels: all
	@ci/kernels.sh

restricted: all
	@BUILD=$(BUILD) ci/restricted.sh

# docs/PROPERTIES.md: the catalogue from the test programs' metadata and the self-test's kill
# matrix (run as root, so the chroot control is part of it); make check fails when it is stale.
docs: all
	@$(BUILD)/tools/sandproof selftest --kills=$(BUILD)/kills.txt
	@$(BUILD)/tools/sandproof properties --format=md --kills=$(BUILD)/kills.txt > docs/PROPERTIES.md
	@echo "wrote docs/PROPERTIES.md"

lint:
	@ci/deps.sh lint
	@ci/lint.sh $(ALL_C)

# ---- install ---------------------------------------------------------------------------------
install: all install-tests
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(libdir) $(DESTDIR)$(includedir) \
		$(DESTDIR)$(pkgconfigdir) $(DESTDIR)$(mandir)/man1
	install -m 644 $(LIBSBX_A) $(DESTDIR)$(libdir)/libsbx.a
	install -m 755 $(LIBSBX_SO) $(DESTDIR)$(libdir)/libsbx.so.$(SBX_SOVERSION)
	ln -sf libsbx.so.$(SBX_SOVERSION) $(DESTDIR)$(libdir)/libsbx.so
	install -m 644 lib/sbx.h $(DESTDIR)$(includedir)/sbx.h
	install -m 644 $(BUILD)/lib/libsbx.pc $(DESTDIR)$(pkgconfigdir)/libsbx.pc
	for t in $(filter-out %/sandproof-bench,$(TOOLS_C)); do \
		install -m 755 $$t $(DESTDIR)$(bindir)/; done
	for s in $(filter-out tools/bench,$(TOOL_SCRIPTS)); do \
		$(SUBST_INSTALL) $$s > $(DESTDIR)$(bindir)/$${s#tools/} && \
		chmod 755 $(DESTDIR)$(bindir)/$${s#tools/}; done
	for m in $(MAN_PAGES); do install -m 644 $$m $(DESTDIR)$(mandir)/man1/; done

# The suite in the FreeBSD layout: `cd $(testsdir) && kyua test` works from the installed tree.
install-tests: all
	install -d $(DESTDIR)$(testsdir)
	for k in $(KYUAFILES); do install -D -m 644 $$k $(DESTDIR)$(testsdir)/$$k; done
	for p in $(TESTS) $(HELPERS) $(STATIC_HELPERS) $(PROBE); do \
		install -D -m 755 $$p $(DESTDIR)$(testsdir)/$${p#$(BUILD)/}; done
	for f in $(FIXTURE_FILES); do \
		install -d $(DESTDIR)$(testsdir)/$$(dirname $$f) && \
		$(SUBST_INSTALL) $$f > $(DESTDIR)$(testsdir)/$$f && \
		if [ -x $$f ]; then chmod 755 $(DESTDIR)$(testsdir)/$$f; \
		else chmod 644 $(DESTDIR)$(testsdir)/$$f; fi; done

clean:
	rm -rf $(BUILD)

distclean:
	rm -rf build build-*

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
