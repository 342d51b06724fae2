# rt0_linux_amd64.s: the ELF entry point of every gort program.
#
# The kernel starts the process here with no stack frame and this stack:
#
#     0(%rsp)          argc
#     8(%rsp)          argv[0] ... argv[argc-1], 0
#                      envp[0] ... envp[n-1], 0
#                      auxv: (tag, value) pairs ending in AT_NULL
#
# %rsp is 16-byte aligned, %fs base is 0, all other registers are 0 or junk.

	.text

# _rt0_amd64_linux() -> !: the ELF entry (ENTRY in linker.ld).
# Hands argc in %rdi and argv in %rsi to rt0_go, as Go's _rt0_amd64 does.
	.globl	_rt0_amd64_linux
	.type	_rt0_amd64_linux, @function
_rt0_amd64_linux:
	xorl	%ebp, %ebp		# outermost frame: unwinders stop at %rbp == 0
	movq	0(%rsp), %rdi		# argc
	leaq	8(%rsp), %rsi		# argv
	jmp	rt0_go
	.size	_rt0_amd64_linux, . - _rt0_amd64_linux

	.section .note.GNU-stack, "", @progbits
