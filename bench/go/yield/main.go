// yield: the cost of one trip through the scheduler.
//
// The Go twin of bench/yield.rs: two goroutines each call runtime.Gosched
// N times (default 1,000,000; the first argument overrides N); main waits
// for both on a WaitGroup. ns_per_op is the wall time divided by 2N: the
// time per yield.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"

	"gortbench/benchargs"
)

func main() {
	n := benchargs.N("yield", 1_000_000)
	var wg sync.WaitGroup
	t0 := time.Now()
	wg.Add(2)
	for g := 0; g < 2; g++ {
		go func() {
			for i := 0; i < n; i++ {
				runtime.Gosched()
			}
			wg.Done()
		}()
	}
	wg.Wait()
	total := time.Since(t0)
	fmt.Printf("bench=yield gomaxprocs=%d n=%d ns_per_op=%.1f\n",
		runtime.GOMAXPROCS(0), n, float64(total.Nanoseconds())/(2*float64(n)))
}
