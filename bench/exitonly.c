/* exitonly: the floor for start-up. A static program that does nothing but
 * exit_group(0), so exec-to-exit measures the kernel alone (execve, the
 * first page faults, exit). No libc: glibc's static start-up makes system
 * calls of its own (TLS, brk, IRELATIVE relocations), which is start-up
 * cost, not the floor. Built by `make bench`:
 *     cc -static -nostdlib -O2 -o target/bench/exitonly bench/exitonly.c
 */
void _start(void)
{
	__asm__ volatile("syscall" : : "a"(231) /* exit_group */, "D"(0));
	__builtin_unreachable();
}
