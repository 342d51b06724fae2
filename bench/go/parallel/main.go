// parallel: do two Ps run CPU-bound goroutines twice as fast as one?
//
// The Go twin of bench/parallel.rs: W work items (default 8; the first
// argument overrides W) each run a 64-bit xorshift 50,000,000 steps from
// their own seed; the results are XORed into a checksum, so the work
// cannot be optimised away. Main runs the items as W goroutines at
// GOMAXPROCS 1, then at 2. ns_per_op is the time per item at 2 Ps;
// speedup is the time at 1 P over the time at 2 Ps.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"gortbench/benchargs"
)

const steps = 50_000_000

var checksum uint64

// xorshift is the work item: steps rounds of xorshift64 from seed.
func xorshift(seed uint64, steps int) uint64 {
	x := seed
	for i := 0; i < steps; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

// run runs the w items at procs Ps and returns the wall time and checksum.
func run(w, procs int) (time.Duration, uint64) {
	runtime.GOMAXPROCS(procs)
	atomic.StoreUint64(&checksum, 0)
	var wg sync.WaitGroup
	t0 := time.Now()
	wg.Add(w)
	for i := 0; i < w; i++ {
		go func(seed uint64) {
			r := xorshift(seed, steps)
			for { // atomic XOR (Go 1.19 has no atomic.Xor)
				old := atomic.LoadUint64(&checksum)
				if atomic.CompareAndSwapUint64(&checksum, old, old^r) {
					break
				}
			}
			wg.Done()
		}(uint64(i + 1))
	}
	wg.Wait()
	return time.Since(t0), atomic.LoadUint64(&checksum)
}

func main() {
	w := benchargs.N("parallel", 8)
	t1, sum1 := run(w, 1)
	t2, sum2 := run(w, 2)
	if sum1 != sum2 {
		fmt.Fprintf(os.Stderr, "parallel: checksum %#x at 1 P but %#x at 2 Ps\n", sum1, sum2)
		os.Exit(1)
	}
	fmt.Printf("bench=parallel gomaxprocs=%d n=%d ns_per_op=%.1f speedup=%.2f\n",
		runtime.GOMAXPROCS(0), w, float64(t2.Nanoseconds())/float64(w),
		float64(t1)/float64(t2))
}
