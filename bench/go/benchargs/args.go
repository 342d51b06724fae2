// Package benchargs reads the one argument every benchmark takes: N,
// overriding its default. The twin of bench/args.rs.
package benchargs

import (
	"fmt"
	"os"
	"strconv"
)

// N returns N from the first argument, or def; a bad N is a usage error.
func N(name string, def int) int {
	if len(os.Args) < 2 {
		return def
	}
	n, err := strconv.Atoi(os.Args[1])
	if err != nil || n <= 0 {
		fmt.Fprintf(os.Stderr, "usage: %s [N]\n", name)
		os.Exit(2)
	}
	return n
}
