	.text
	.globl	fast_memcpy
	.type	fast_memcpy, @function
fast_memcpy:
	.cfi_startproc
	movq	%rdi, %rax
	movq	%rdx, %rcx
	shrq	$3, %rcx
	rep movsq
	movq	%rdx, %rcx
	andq	$7, %rcx
	rep movsb
	ret
	.cfi_endproc
	.size	fast_memcpy, .-fast_memcpy
	.section	.note.GNU-stack,"",@progbits
