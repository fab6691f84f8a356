Require Import List.
Import ListNotations.

Fixpoint rev_app {A : Type} (l acc : list A) : list A :=
  match l with
  | [] => acc
  | x :: xs => rev_app xs (x :: acc)
  end.

Lemma rev_app_correct : forall (A : Type) (l acc : list A),
  rev_app l acc = rev l ++ acc.
Proof.
  intros A l. induction l as [| x xs IH]; intros acc.
  - reflexivity.
  - simpl. rewrite IH. rewrite <- app_assoc. reflexivity.
Qed.
