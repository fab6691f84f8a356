#include <asm/unistd.h>

	.section .text
	.globl _start
_start:
	movl	$1, %edi
	leaq	msg(%rip), %rsi
	movl	$len, %edx
	movl	$__NR_write, %eax
	syscall
	xorl	%edi, %edi
	movl	$__NR_exit, %eax
	syscall

	.section .rodata
msg:	.ascii "hello\n"
	len = . - msg
