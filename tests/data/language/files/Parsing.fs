namespace Tools

open System.Text.RegularExpressions

module Parsing =
    let (|Int|_|) (s: string) =
        match System.Int32.TryParse s with
        | true, v -> Some v
        | _ -> None

    let parseKeyValues (text: string) =
        Regex.Matches(text, @"(\w+)=(\S+)")
        |> Seq.map (fun m -> m.Groups.[1].Value, m.Groups.[2].Value)
        |> Map.ofSeq

    let describe value =
        match value with
        | Int n when n < 0 -> "negative"
        | Int _ -> "number"
        | _ -> "text"
