// alloc: the cost of an allocation, and of collecting it.
//
// The Go twin of bench/alloc.rs, with the same four workloads of N
// operations (default 1,000,000; the first argument overrides N):
// small-serial, small-parallel (8 goroutines), mixed-serial and
// mixed-parallel (8 goroutines, each keeping 64 objects alive). Go frees
// by garbage collection, so an operation here is one allocation that
// escapes to the heap, and the collector's work is in the wall time.
// ns_per_op is wall time / N; the lines say allocator=go.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"

	"gortbench/benchargs"
)

const (
	workers = 8
	window  = 64
)

// sink makes each allocation escape, as the Rust side's are heap objects.
var sink []byte

func xorshift(x *uint64) uint64 {
	*x ^= *x << 13
	*x ^= *x >> 7
	*x ^= *x << 17
	return *x
}

// small: n allocations of 16..256 bytes, each dead at once.
func small(n int, _ uint64) {
	for i := 0; i < n; i++ {
		size := 16 + (i*7%16)*16
		b := make([]byte, size)
		b[0] = 1
		sink = b
	}
}

// mixed: n replacements in a window of 64 live objects of 8 B..32 KiB.
func mixed(n int, seed uint64) {
	rng := seed | 1
	var live [window][]byte
	for i := 0; i < n; i++ {
		slot := xorshift(&rng) % window
		shift := xorshift(&rng) % 12
		size := (8 << shift) + xorshift(&rng)%(8<<shift)
		if size > 32<<10 {
			size = 32 << 10
		}
		b := make([]byte, size)
		b[0] = 1
		live[slot] = b
	}
	runtime.KeepAlive(&live)
}

func measure(workload string, n int, work func(int, uint64), parallel bool) {
	t0 := time.Now()
	if parallel {
		var wg sync.WaitGroup
		wg.Add(workers)
		for w := 0; w < workers; w++ {
			go func(w int) {
				work(n/workers, uint64(w)+1)
				wg.Done()
			}(w)
		}
		wg.Wait()
	} else {
		work(n, 1)
	}
	total := time.Since(t0)
	fmt.Printf("bench=alloc gomaxprocs=%d n=%d ns_per_op=%.1f workload=%s allocator=go\n",
		runtime.GOMAXPROCS(0), n, float64(total.Nanoseconds())/float64(n), workload)
}

func main() {
	n := benchargs.N("alloc", 1_000_000)
	measure("small-serial", n, small, false)
	measure("small-parallel", n, small, true)
	measure("mixed-serial", n, mixed, false)
	measure("mixed-parallel", n, mixed, true)
}
