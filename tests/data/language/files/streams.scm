(define-syntax cons-stream
  (syntax-rules ()
    ((_ a b) (cons a (delay b)))))

(define (stream-car s) (car s))
(define (stream-cdr s) (force (cdr s)))

(define (integers-from n)
  (cons-stream n (integers-from (+ n 1))))

(define (stream-take s n)
  (if (= n 0)
      '()
      (cons (stream-car s) (stream-take (stream-cdr s) (- n 1)))))

(display (stream-take (integers-from 1) 10))
(newline)
