// chan: the round trip of a value over two unbuffered channels.
//
// The Go twin of bench/chan.rs: two goroutines bat a counter back and
// forth N times (default 1,000,000; the first argument overrides N).
// ns_per_op is the wall time per round trip.
package main

import (
	"fmt"
	"os"
	"runtime"
	"time"

	"gortbench/benchargs"
)

func main() {
	n := benchargs.N("chan", 1_000_000)
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
	}()
	t0 := time.Now()
	v := 0
	for i := 0; i < n; i++ {
		ping <- v
		v = <-pong
	}
	total := time.Since(t0)
	close(ping)
	if v != n {
		fmt.Fprintf(os.Stderr, "chan: counter is %d, want %d\n", v, n)
		os.Exit(1)
	}
	fmt.Printf("bench=chan gomaxprocs=%d n=%d ns_per_op=%.1f\n",
		runtime.GOMAXPROCS(0), n, float64(total.Nanoseconds())/float64(n))
}
