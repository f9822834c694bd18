import express from "express";
import type { AppDeps } from "./createApp.ts";

/** The list browser: /lists, /lists/:edition, /lists/:edition/:entry, /lists/diff. */
export function listsRouter(_deps: AppDeps): express.Router {
  const router = express.Router();
  return router;
}
