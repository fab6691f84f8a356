import express, { Request, Response } from "express";

const app = express();
app.use(express.json());

interface CreateUser {
  name: string;
  email?: string;
}

const users = new Map<string, CreateUser>();

app.post("/users", (req: Request<{}, {}, CreateUser>, res: Response) => {
  const { name } = req.body;
  if (!name) {
    return res.status(400).json({ error: "name is required" });
  }
  users.set(name, req.body);
  res.status(201).json(req.body);
});

app.get("/users/:name", (req, res) => {
  const user = users.get(req.params.name);
  user ? res.json(user) : res.sendStatus(404);
});

app.listen(3000, () => console.log("listening on :3000"));
