Require Import Arith.

Theorem add_comm_example : forall n m : nat, n + m = m + n.
Proof.
  intros n m.
  apply Nat.add_comm.
Qed.

Definition double (n : nat) : nat := n + n.

Lemma double_even : forall n, Nat.even (double n) = true.
Proof.
  intros n. unfold double. rewrite <- Nat.double_twice.
  apply Nat.even_mul.
Qed.
