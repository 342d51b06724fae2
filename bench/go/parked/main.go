// parked: what a parked goroutine costs in time and in memory.
//
// The Go twin of bench/parked.rs: main starts N goroutines (default
// 100,000; the first argument overrides N). Each calls started.Done(),
// parks on a shared WaitGroup gate that main holds at 1, then calls
// finished.Done(). ns_per_op is the time from the first go until all have
// started, divided by N. After 100 ms main compares VmRSS with its value
// before the first go: bytes_per_goroutine = (after - before) * 1024 / N.
package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"

	"gortbench/benchargs"
)

// vmRSSKB returns the process's resident set in kB, from /proc/self/status.
func vmRSSKB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		fmt.Fprintln(os.Stderr, "parked:", err)
		os.Exit(1)
	}
	for _, l := range bytes.Split(b, []byte("\n")) {
		if bytes.HasPrefix(l, []byte("VmRSS:")) {
			v := bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(l[len("VmRSS:"):]), []byte("kB")))
			if kb, err := strconv.ParseInt(string(v), 10, 64); err == nil {
				return kb
			}
		}
	}
	fmt.Fprintln(os.Stderr, "parked: /proc/self/status: no VmRSS line")
	os.Exit(1)
	return 0
}

func main() {
	n := benchargs.N("parked", 100_000)
	var gate, started, finished sync.WaitGroup
	gate.Add(1)
	started.Add(n)
	finished.Add(n)
	rssBefore := vmRSSKB()
	t0 := time.Now()
	for i := 0; i < n; i++ {
		go func() {
			started.Done()
			gate.Wait()
			finished.Done()
		}()
	}
	started.Wait()
	total := time.Since(t0)
	time.Sleep(100 * time.Millisecond)
	rssAfter := vmRSSKB()
	gate.Done()
	finished.Wait()
	fmt.Printf("bench=parked gomaxprocs=%d n=%d ns_per_op=%.1f bytes_per_goroutine=%d\n",
		runtime.GOMAXPROCS(0), n, float64(total.Nanoseconds())/float64(n),
		(rssAfter-rssBefore)*1024/int64(n))
}
