import { workerData } from "node:worker_threads";
import { createClassifier } from "../core/classify.ts";
import type { ClassificationInput } from "../core/result.ts";
import { loadListData } from "../data/loadListData.ts";
import { toResultJson } from "../core/resultJson.ts";
import { serveRequests } from "../threadPool.ts";

/** A classification thread (see classifyService.ts): the same data and engine as the server's own. */
const { dataDir } = workerData as { dataDir?: string };
const classifier = createClassifier(dataDir ? loadListData(dataDir) : loadListData());

serveRequests((input: ClassificationInput) => toResultJson(classifier.classify(input)));
