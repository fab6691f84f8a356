{-# LANGUAGE OverloadedStrings #-}
module Main where

import qualified Data.Map.Strict as Map
import qualified Data.Text as T
import qualified Data.Text.IO as TIO

wordFreq :: T.Text -> Map.Map T.Text Int
wordFreq = Map.fromListWith (+) . map (\w -> (T.toLower w, 1)) . T.words

main :: IO ()
main = do
  contents <- TIO.getContents
  let freq = wordFreq contents
  mapM_ (\(w, n) -> TIO.putStrLn (w <> "\t" <> T.pack (show n))) (Map.toList freq)
