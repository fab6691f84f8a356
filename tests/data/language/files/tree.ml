type 'a tree =
  | Leaf
  | Node of 'a tree * 'a * 'a tree

let rec insert cmp x = function
  | Leaf -> Node (Leaf, x, Leaf)
  | Node (l, v, r) as t ->
    let c = cmp x v in
    if c < 0 then Node (insert cmp x l, v, r)
    else if c > 0 then Node (l, v, insert cmp x r)
    else t

let rec to_list = function
  | Leaf -> []
  | Node (l, v, r) -> to_list l @ (v :: to_list r)

let of_list cmp xs = List.fold_left (fun t x -> insert cmp x t) Leaf xs

let () =
  let t = of_list compare [5; 3; 8; 1; 4] in
  to_list t |> List.map string_of_int |> String.concat " " |> print_endline
