/**
 * strait-load, the load generator: closed loop (like wrk, h2load) or open loop at a fixed rate with
 * coordinated-omission correction (like wrk2), over HTTP/1.1, HTTPS and HTTP/2, with per-interval HdrHistogram
 * reports. Imports no Strait code: it measures any server over sockets (loopback only).
 *
 * <p>Threading: each worker thread owns its connections and histograms; a run's results are harvested on the
 * workers' own loops and merged by the main thread.
 */
package io.strait.load;
