# gort: the usual verbs, wrapping cargo.
#
#   make run        build the seed programs and show what they print
#   make test       everything that must pass (unit, programs, ELF, gdb, strace, loom)
#   make test-slow  the stress tier
#   make gdb        gdb on hello, stopped at _rt0_amd64_linux
#   make disasm     the entry and rt0_go, disassembled with source
#   make clean

CARGO    ?= cargo
PROGRAMS := hello initorder echoargs goargs
RELEASE  := target/release

# Tools the build and the tests use, by the command that shows they exist
# and the Debian package that provides it.
TOOLS := as:binutils readelf:binutils gdb:gdb strace:strace

.PHONY: all build run test test-slow loom deps gdb disasm clean

all: build

# Installs what is missing (as root, with apt-get) and says what it did.
deps:
	@missing=""; for t in $(TOOLS); do \
	  command -v $${t%%:*} >/dev/null 2>&1 || missing="$$missing $${t#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(CARGO) build --release

run: build
	@for p in $(PROGRAMS); do \
	  echo "\$$ $(RELEASE)/$$p"; $(RELEASE)/$$p; echo "(exit $$?)"; echo; \
	done
	@echo "\$$ $(RELEASE)/echoargs hello 'wide world'"; $(RELEASE)/echoargs hello 'wide world'; echo "(exit $$?)"; echo
	@echo "\$$ GODEBUG=inittrace=1 $(RELEASE)/initorder"; GODEBUG=inittrace=1 $(RELEASE)/initorder; echo "(exit $$?)"; echo
	@echo "\$$ GODEBUG=boottrace=1 $(RELEASE)/hello"; GODEBUG=boottrace=1 $(RELEASE)/hello; echo "(exit $$?)"

test: deps
	$(CARGO) test --release
	$(MAKE) --no-print-directory loom

# The run queue, model-checked with loom (src/runq.rs): its own target
# directory, since --cfg loom changes every crate's flags.
loom:
	RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom $(CARGO) test --release --lib runq

test-slow: deps
	$(CARGO) test --release -- --ignored

gdb: build
	gdb -q -ex 'break _rt0_amd64_linux' -ex 'run' -ex 'layout src' $(RELEASE)/hello

disasm: build
	objdump -d -S --no-show-raw-insn $(RELEASE)/hello | awk '/<_rt0_amd64_linux>:/,/^$$/; /<rt0_go>:/,/^$$/'

clean:
	$(CARGO) clean
