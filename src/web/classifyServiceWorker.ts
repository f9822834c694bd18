import { workerData } from "node:worker_threads";
import { createClassifier } from "../core/classify.ts";
import type { ClassificationInput } from "../core/result.ts";
import type { ListData } from "../data/loadListData.ts";
import { toResultJson } from "../core/resultJson.ts";
import { serveRequests } from "../threadPool.ts";

/** A classification thread (see classifyService.ts): the same validated data and engine as the server's own. */
const { listData } = workerData as { listData: ListData };
const classifier = createClassifier(listData);

serveRequests((input: ClassificationInput) => toResultJson(classifier.classify(input)));
