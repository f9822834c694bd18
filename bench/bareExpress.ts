/**
 * The yardstick of bench:http: a bare Express 5 JSON endpoint (express.json() and res.json(), nothing
 * else) on the port given, answering POST /api/v1/classify with what it was sent.
 */
import express from "express";

const app = express();
app.use(express.json({ limit: "64kb" }));
app.post("/api/v1/classify", (req, res) => {
  res.json({ received: req.body });
});
app.listen(Number(process.argv[2]), "127.0.0.1", () => process.stdout.write("listening\n"));
