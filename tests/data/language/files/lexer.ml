open Printf

type token = INT of int | PLUS | TIMES | LPAREN | RPAREN | EOF

let tokenize s =
  let n = String.length s in
  let rec go i acc =
    if i >= n then List.rev (EOF :: acc)
    else match s.[i] with
      | ' ' | '\t' | '\n' -> go (i + 1) acc
      | '+' -> go (i + 1) (PLUS :: acc)
      | '*' -> go (i + 1) (TIMES :: acc)
      | '(' -> go (i + 1) (LPAREN :: acc)
      | ')' -> go (i + 1) (RPAREN :: acc)
      | '0' .. '9' ->
        let j = ref i in
        while !j < n && s.[!j] >= '0' && s.[!j] <= '9' do incr j done;
        go !j (INT (int_of_string (String.sub s i (!j - i))) :: acc)
      | c -> failwith (sprintf "unexpected %c" c)
  in
  go 0 []
