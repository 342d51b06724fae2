// hello: the Go twin of src/bin/hello.rs, the program whose start-up,
// peak RSS, size and system calls `make bench` measures. fmt.Println, as
// every Go hello world is written.
package main

import "fmt"

func main() {
	fmt.Println("hello, world")
}
