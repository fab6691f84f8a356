(defpackage :utils
  (:use :cl)
  (:export #:flatten #:group-by))

(in-package :utils)

(defun flatten (tree)
  "Return the leaves of TREE as a flat list."
  (cond ((null tree) nil)
        ((atom tree) (list tree))
        (t (mapcan #'flatten tree))))

(defun group-by (key list)
  (let ((table (make-hash-table :test #'equal)))
    (dolist (item list table)
      (push item (gethash (funcall key item) table)))))
