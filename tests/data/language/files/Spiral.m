(* Plot a logarithmic spiral and its arc length *)
spiral[a_, b_][t_] := {a Exp[b t] Cos[t], a Exp[b t] Sin[t]}

arcLength[a_, b_, t1_] := Integrate[Norm[D[spiral[a, b][t], t]], {t, 0, t1},
  Assumptions -> t > 0]

ParametricPlot[spiral[1, 0.1][t], {t, 0, 6 Pi}, PlotStyle -> Thick]

Table[{n, N[arcLength[1, 0.1, n Pi]]}, {n, 1, 4}] // TableForm
