module Library

open System

type Shape =
    | Circle of radius: float
    | Rectangle of width: float * height: float

let area shape =
    match shape with
    | Circle r -> Math.PI * r * r
    | Rectangle (w, h) -> w * h

let totalArea shapes = shapes |> List.sumBy area

[<EntryPoint>]
let main argv =
    let shapes = [ Circle 1.0; Rectangle (2.0, 3.0) ]
    printfn "Total area: %.2f" (totalArea shapes)
    0
