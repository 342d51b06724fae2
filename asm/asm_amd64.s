# asm_amd64.s: the parts of the runtime that Rust cannot say: the rest of
# rt0 before the first Rust call, and the goroutine context switches.
#
# Register conventions are the System V ones Rust uses: arguments in %rdi,
# %rsi, ...; %rbx, %rbp, %r12-%r15 are callee-saved. The current g lives
# in the TLS slot %fs:-8, which is m.tls[0] of the running M.

	.include "go_asm.inc"
	.text

# rt0_go(argc: i64 in %rdi, argv: *const *const u8 in %rsi) -> !
# Go's runtime·rt0_go: set up g0 and m0, then walk the bootstrap.
	.globl	rt0_go
	.type	rt0_go, @function
rt0_go:
	# Copy argc and argv to an aligned place on the stack.
	movq	%rdi, %rax
	movq	%rsi, %rbx
	subq	$40, %rsp
	andq	$~15, %rsp		# 16-byte aligned: every call below sees the SysV alignment
	movq	%rax, 24(%rsp)
	movq	%rbx, 32(%rsp)

	# m0's g0 runs on the kernel's stack. Claim the 64 KiB below here.
	leaq	g0(%rip), %rdi
	leaq	-G0_STACK_SIZE(%rsp), %rbx
	movq	%rbx, g_stackguard0(%rdi)
	movq	%rbx, g_stackguard1(%rdi)
	movq	%rbx, g_stack_lo(%rdi)
	movq	%rsp, g_stack_hi(%rdi)

	# Point %fs just past m0.tls[0], so %fs:-8 is m0.tls[0].
	leaq	m0+m_tls(%rip), %rdi
	call	settls

	# Check the arithmetic: a store through %fs:-8 must land in m0.tls[0].
	movq	$0x123, %fs:-8
	cmpq	$0x123, m0+m_tls(%rip)
	je	ok
	call	abort
ok:
	# Link g0 and m0, and make g0 the current g.
	leaq	g0(%rip), %rcx
	movq	%rcx, %fs:-8		# getg() == &g0
	leaq	m0(%rip), %rax
	movq	%rcx, m_g0(%rax)	# m0.g0 = &g0
	movq	%rax, g_m(%rcx)		# g0.m = &m0
	cld				# the direction flag stays clear from here on

	# The bootstrap, in Go's order (src/proc.rs tells the story).
	movq	24(%rsp), %rdi		# argc
	movq	32(%rsp), %rsi		# argv
	call	args
	call	osinit
	call	schedinit
	leaq	mainPC(%rip), %rdi	# the funcval of runtime_main
	call	newproc			# goroutine 1, into P0's runnext
	call	mstart			# becomes the scheduler; never returns
	call	abort
	.size	rt0_go, . - rt0_go

# abort() -> !: crash at once, with no help from the runtime (Go's runtime·abort).
	.globl	abort
	.type	abort, @function
abort:
	int3
1:	jmp	1b
	.size	abort, . - abort

# gogo(buf: *const Gobuf) -> !
# Resume the goroutine buf describes: make buf.g current, load its stack
# and frame pointers, and jump to buf.pc with buf.ctxt in %rdi (a new
# goroutine's entry receives its funcval there).
	.globl	gogo
	.type	gogo, @function
gogo:
	movq	gobuf_g(%rdi), %rdx
	movq	%rdx, %fs:-8		# getg() == buf.g
	movq	gobuf_sp(%rdi), %rsp
	movq	gobuf_bp(%rdi), %rbp
	movq	gobuf_pc(%rdi), %rcx
	movq	gobuf_ctxt(%rdi), %rdi
	jmp	*%rcx
	.size	gogo, . - gogo

# mcall(f: extern "C" fn(gp: *mut G) -> !)
# Switch from the current goroutine gp to its M's g0 and call f(gp) on the
# g0 stack, at g0.sched.sp. The callee-saved registers go onto gp's own
# stack and gp.sched points at mcall_return, so a later gogo(&gp.sched)
# pops them and returns from mcall as if f had returned. f never returns.
	.globl	mcall
	.type	mcall, @function
mcall:
	movq	%rdi, %rax		# f
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%fs:-8, %rdi		# gp
	movq	g_m(%rdi), %rbx
	movq	m_g0(%rbx), %rsi	# g0 of this M
	cmpq	%rsi, %rdi
	je	1f			# mcall on g0 is a runtime bug: g0.sched stays as it is
	movq	%rsp, g_sched+gobuf_sp(%rdi)
	leaq	mcall_return(%rip), %rcx
	movq	%rcx, g_sched+gobuf_pc(%rdi)
	movq	%rdi, g_sched+gobuf_g(%rdi)
	movq	%rbp, g_sched+gobuf_bp(%rdi)
	movq	%rsi, %fs:-8		# getg() == g0
	movq	g_sched+gobuf_sp(%rsi), %rsp
	xorl	%ebp, %ebp		# g0's frames begin afresh
	call	*%rax			# f(gp)
	call	badmcall2		# f returned
1:	call	badmcall
	.globl	mcall_return		# tracebacks of parked goroutines start here
mcall_return:
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	mcall, . - mcall

# goexit: the return address every goroutine starts with.
# newproc1 pushes goexit+1 as the fake caller of a goroutine's entry, so
# when the entry returns it lands on the call below, and tracebacks and
# gdb name the outermost frame "goexit".
	.globl	goexit
	.type	goexit, @function
goexit:
	nop				# goexit+1 is the next instruction
	call	goexit1			# mcall(goexit0); never returns
	ud2
	.size	goexit, . - goexit

	.section .note.GNU-stack, "", @progbits
