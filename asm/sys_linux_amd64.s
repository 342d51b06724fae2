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

# clone(flags: u64 in %rdi, stk: usize in %rsi, mp: *mut M in %rdx,
#       gp: *mut G in %rcx, f: extern "C" fn() -> ! in %r8) -> i64
# Go's runtime·clone: start a thread on stack stk with %fs at &mp.tls[1]
# (CLONE_SETTLS), whose first act is to make gp current and call f. In
# the parent, returns the child's tid or -errno.
	.globl	clone
	.type	clone, @function
clone:
	pushq	%r12			# callee-saved: the parent's, kept for it
	pushq	%r13
	movq	%rdx, %r13		# mp, gp and f survive the syscall in
	movq	%rcx, %r9		# registers the child inherits
	movq	%r8, %r12
	leaq	m_tls+8(%r13), %r8	# tls: the new thread pointer, &mp.tls[1]
	xorl	%edx, %edx		# no parent tid
	xorl	%r10d, %r10d		# no child tid
	movl	$SYS_clone, %eax
	syscall
	testq	%rax, %rax
	jz	1f
	popq	%r13			# parent: done
	popq	%r12
	ret
1:	# Child: on the new stack, with %fs set; nothing else is ours yet.
	xorl	%ebp, %ebp		# outermost frame
	movq	%r9, %fs:-8		# getg() == gp (the M's g0)
	call	*%r12			# f: mstart, never returns
	movl	$111, %edi		# if it did: exit this thread, loudly
	movl	$SYS_exit, %eax
	syscall
	ud2
	.size	clone, . - clone

# exit_thread(wait: *mut u32 in %rdi) -> !
# End this thread. Once the store to *wait is visible, nothing runs on
# this thread's stack any more, so another thread may free it.
	.globl	exit_thread
	.type	exit_thread, @function
exit_thread:
	movl	$0, (%rdi)		# the stack is no longer in use
	xorl	%edi, %edi
	movl	$SYS_exit, %eax		# this thread only, not the process
	syscall
	ud2
	.size	exit_thread, . - exit_thread

# sigtramp(sig: u32 in %edi, info: *mut Siginfo in %rsi, ctx: *mut Ucontext in %rdx)
# Go's runtime·sigtramp: the handler the kernel calls for every signal gort
# catches, on the M's gsignal stack (SA_ONSTACK), with every signal
# blocked. It makes a frame of its own, so %rbp chains (gort's and gdb's)
# lead from sighandler through here to the kernel's signal frame, whose
# return address is sigreturn__sigaction.
	.globl	sigtramp
	.type	sigtramp, @function
sigtramp:
	pushq	%rbp			# the interrupted code's frame pointer
	movq	%rsp, %rbp
	call	sighandler		# same arguments, same registers
	popq	%rbp
	ret				# into sigreturn__sigaction
	.size	sigtramp, . - sigtramp

# sigreturn__sigaction() -> !: the restorer (SA_RESTORER) every handler
# returns into: rt_sigreturn resumes the interrupted code from the frame
# the kernel pushed. gdb recognises the bytes 48 c7 c0 0f 00 00 00 0f 05
# (`mov $15,%rax; syscall`) at pc itself, in a function whose name contains
# "sigaction", and shows <signal handler called>; gort's traceback also
# looks this pc up exactly. Nothing looks at pc-1, so no nop goes in front
# (glibc's __restore_rt has one for unwinders that find its FDE at pc-1:
# gort has no unwind tables).
	.globl	sigreturn__sigaction
	.type	sigreturn__sigaction, @function
sigreturn__sigaction:
	movq	$15, %rax		# SYS_rt_sigreturn; this exact encoding, for gdb
	syscall
	ud2
	.size	sigreturn__sigaction, . - sigreturn__sigaction

	.section .note.GNU-stack, "", @progbits
