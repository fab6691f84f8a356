import { EventEmitter } from "events";

export interface Todo {
  id: number;
  title: string;
  done: boolean;
}

type Listener = (todos: readonly Todo[]) => void;

export class TodoStore extends EventEmitter {
  private todos: Todo[] = [];
  private nextId = 1;

  add(title: string): Todo {
    const todo: Todo = { id: this.nextId++, title, done: false };
    this.todos = [...this.todos, todo];
    this.emit("change", this.todos);
    return todo;
  }

  toggle(id: number): void {
    this.todos = this.todos.map((t) => (t.id === id ? { ...t, done: !t.done } : t));
    this.emit("change", this.todos);
  }

  subscribe(listener: Listener): () => void {
    this.on("change", listener);
    return () => this.off("change", listener);
  }
}
