// spawn: what it costs to start a goroutine and see it finish.
//
// The Go twin of bench/spawn.rs: main adds N to a WaitGroup, then starts
// N goroutines (default 1,000,000; the first argument overrides N). Each
// adds 1 to a shared atomic and calls Done; main waits. ns_per_op is the
// wall time from the first go to the return of Wait, divided by N.
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

var (
	sum int64
	wg  sync.WaitGroup
)

func main() {
	n := benchargs.N("spawn", 1_000_000)
	t0 := time.Now()
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			atomic.AddInt64(&sum, 1)
			wg.Done()
		}()
	}
	wg.Wait()
	total := time.Since(t0)
	if s := atomic.LoadInt64(&sum); s != int64(n) {
		fmt.Fprintf(os.Stderr, "spawn: sum is %d, want %d\n", s, n)
		os.Exit(1)
	}
	fmt.Printf("bench=spawn gomaxprocs=%d n=%d ns_per_op=%.1f\n",
		runtime.GOMAXPROCS(0), n, float64(total.Nanoseconds())/float64(n))
}
