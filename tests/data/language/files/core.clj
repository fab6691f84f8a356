(ns todo.core
  (:require [clojure.string :as str]
            [clojure.set :as set]))

(defn parse-line [line]
  (let [[done title] (str/split line #"\s+" 2)]
    {:done (= done "x") :title (str/trim (or title ""))}))

(defn pending [todos]
  (remove :done todos))

(defn summary [todos]
  (let [{done true open false} (group-by :done todos)]
    (format "%d done, %d open" (count done) (count open))))

(defn -main [& args]
  (->> (slurp (first args))
       str/split-lines
       (map parse-line)
       summary
       println))
