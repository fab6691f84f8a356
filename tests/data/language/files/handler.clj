(ns api.handler
  (:require [ring.util.response :refer [response not-found]]
            [compojure.core :refer [defroutes GET POST]]))

(def db (atom {}))

(defn get-item [id]
  (if-let [item (get @db id)]
    (response item)
    (not-found {:error "no such item"})))

(defroutes app
  (GET "/items/:id" [id] (get-item id))
  (POST "/items/:id" [id :as {body :body}]
    (swap! db assoc id body)
    (response body)))
