/**
 * Distributed load: agents that run a workload from a common start instant and a coordinator that merges their
 * HdrHistogram intervals, over Aeron UDP with an embedded media driver per process.
 *
 * <p>Threading: each agent's workload runs on its own threads; Aeron's duty cycles run on the driver's and the
 * process's agent threads; messages are encoded and decoded on the thread that polls them.
 */
package io.strait.load.distributed;
