# gort: the usual verbs, wrapping cargo.
#
#   make run        build the seed programs and show what they print
#   make test       everything that must pass (unit, programs, ELF, gdb, strace, loom)
#   make test-slow  the stress tier
#   make bench      gort against Go, side by side, written to BENCHMARKS.md
#   make gdb        gdb on hello, stopped at _rt0_amd64_linux
#   make disasm     the entry and rt0_go, disassembled with source
#   make clean

CARGO    ?= cargo
PROGRAMS := hello initorder echoargs goargs memstats
RELEASE  := target/release

# Tools the build and the tests use, by the command that shows they exist
# and the Debian package that provides it.
TOOLS := as:binutils readelf:binutils gdb:gdb strace:strace
# make bench's, on top of those (bench/README.md).
BENCH_TOOLS := go:golang-go hyperfine:hyperfine strip:binutils cc:gcc

# The benchmark driver (bench/driver): a std crate of its own, built apart.
DRIVER_FLAGS := --release --manifest-path bench/driver/Cargo.toml --target-dir target/driver
DRIVER       := target/driver/release/bench-driver
BENCH_OUT    := target/bench
ROUNDS       ?= 5

.PHONY: all build run test test-slow loom deps bench bench-alloc bench-deps bench-check gdb disasm clean

all: build

# Installs the tools in $(1) that are missing (as root, with apt-get) and
# says what it did.
define install_missing
@missing=""; for t in $(1); do \
	  command -v $${t%%:*} >/dev/null 2>&1 || missing="$$missing $${t#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
endef

deps:
	$(call install_missing,$(TOOLS))

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
	$(MAKE) --no-print-directory bench-check
	$(MAKE) --no-print-directory loom

# The run queue, model-checked with loom (src/runq.rs): its own target
# directory, since --cfg loom changes every crate's flags.
loom:
	RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom $(CARGO) test --release --lib runq

# The driver's own tests, and every gort benchmark program once with a small
# N, printing well-formed lines (no Go, no timings judged).
bench-check: bench-alloc
	$(CARGO) test $(DRIVER_FLAGS)
	$(CARGO) build $(DRIVER_FLAGS)
	$(DRIVER) check --gort $(RELEASE)

# bench_alloc links dlmalloc, to compare with: only with --features bench.
bench-alloc:
	$(CARGO) build --release --features bench --bin bench_alloc

bench-deps: deps
	$(call install_missing,$(BENCH_TOOLS))

# Builds both sides and the C floor, then runs them (about 3 minutes on
# two cores; ROUNDS=N for more or fewer runs per side).
bench: build bench-alloc bench-deps
	cd bench/go && go build -o ../../$(BENCH_OUT)/go/ ./...
	$(CC) -static -nostdlib -O2 -o $(BENCH_OUT)/exitonly bench/exitonly.c
	$(CARGO) build $(DRIVER_FLAGS)
	$(DRIVER) run --gort $(RELEASE) --go $(BENCH_OUT)/go --exitonly $(BENCH_OUT)/exitonly --rounds $(ROUNDS)

test-slow: deps
	$(CARGO) test --release -- --ignored

gdb: build
	gdb -q -ex 'break _rt0_amd64_linux' -ex 'run' -ex 'layout src' $(RELEASE)/hello

disasm: build
	objdump -d -S --no-show-raw-insn $(RELEASE)/hello | awk '/<_rt0_amd64_linux>:/,/^$$/; /<rt0_go>:/,/^$$/'

clean:
	$(CARGO) clean
