section .text
global my_strlen

; size_t my_strlen(const char *s)
my_strlen:
    mov rax, rdi
.loop:
    cmp byte [rax], 0
    je .done
    inc rax
    jmp .loop
.done:
    sub rax, rdi
    ret
