module Parser (Expr (..), parseExpr, eval) where

import Data.Char (isDigit, isSpace)

data Expr
  = Num Int
  | Add Expr Expr
  | Mul Expr Expr
  deriving (Show, Eq)

parseExpr :: String -> Maybe Expr
parseExpr s = case expr (filter (not . isSpace) s) of
  Just (e, "") -> Just e
  _ -> Nothing

expr :: String -> Maybe (Expr, String)
expr s = do
  (t, rest) <- term s
  case rest of
    ('+' : rest') -> do
      (e, rest'') <- expr rest'
      pure (Add t e, rest'')
    _ -> pure (t, rest)

term :: String -> Maybe (Expr, String)
term s = case span isDigit s of
  ("", _) -> Nothing
  (ds, rest) -> Just (Num (read ds), rest)

eval :: Expr -> Int
eval (Num n) = n
eval (Add a b) = eval a + eval b
eval (Mul a b) = eval a * eval b
