// sleep: how late a 1 ms sleep wakes up.
//
// The Go twin of bench/sleep.rs: main calls time.Sleep(1 ms) N times in a
// row (default 1000; the first argument overrides N) and times each call.
// ns_per_op is the mean actual duration; the oversleep of a call is its
// duration minus 1 ms, in microseconds: mean, median and 99th percentile
// (nearest rank).
package main

import (
	"fmt"
	"runtime"
	"sort"
	"time"

	"gortbench/benchargs"
)

func main() {
	n := benchargs.N("sleep", 1000)
	took := make([]int64, 0, n)
	for i := 0; i < n; i++ {
		t0 := time.Now()
		time.Sleep(time.Millisecond)
		took = append(took, time.Since(t0).Nanoseconds())
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	var sum int64
	for _, t := range took {
		sum += t
	}
	mean := float64(sum) / float64(n)
	median := float64(took[n/2])
	if n%2 == 0 {
		median = float64(took[n/2-1]+took[n/2]) / 2
	}
	p99 := float64(took[(n*99+99)/100-1])
	overUS := func(ns float64) float64 { return (ns - 1e6) / 1e3 }
	fmt.Printf("bench=sleep gomaxprocs=%d n=%d ns_per_op=%.1f mean_oversleep_us=%.1f median_oversleep_us=%.1f p99_oversleep_us=%.1f\n",
		runtime.GOMAXPROCS(0), n, mean, overUS(mean), overUS(median), overUS(p99))
}
