import fs from "node:fs";
import os from "node:os";

/**
 * Lowers the priority of the calling thread to the lowest (nice 19), so throughput work yields the CPU to the
 * threads answering requests. On Linux a thread has its own id, and setpriority on it affects
 * that thread alone. Elsewhere, or when not allowed, the thread keeps the normal priority.
 */
export function lowerThisThreadPriority(): void {
  try {
    const tid = Number(fs.readlinkSync("/proc/thread-self").split("/").pop());
    if (Number.isInteger(tid)) os.setPriority(tid, 19);
  } catch {
    // Not Linux, or not allowed: run at the normal priority.
  }
}
