# sys_linux_amd64.s: system calls that must not touch the Rust world.

	.include "go_asm.inc"
	.text

# settls(tls0: *mut usize in %rdi)
# Point this thread's %fs at tls0+8, so that %fs:-8 is tls0[0]: the one
# static-TLS word the x86-64 ELF ABI puts just below the thread pointer,
# which gort uses to hold the current g. tls0[1] gets the thread pointer
# itself, as the ABI asks for at %fs:0. On failure, crash: no handler
# exists yet, so the store below ends the process with SIGSEGV (as Go).
	.globl	settls
	.type	settls, @function
settls:
	addq	$8, %rdi		# the thread pointer
	movq	%rdi, 0(%rdi)		# %fs:0 points to itself
	movq	%rdi, %rsi
	movl	$ARCH_SET_FS, %edi
	movl	$SYS_arch_prctl, %eax
	syscall
	cmpq	$-4095, %rax
	jae	1f			# unsigned: -4095..-1 are errors
	ret
1:	movl	$0xf1, 0xf1		# crash, as Go does
	ud2
	.size	settls, . - settls

	.section .note.GNU-stack, "", @progbits
