/**
 * The stats registry: Envoy-named counters, gauges and histograms, written per event loop without atomics or
 * contention and summed (or merged) when read.
 *
 * <p>Stats are declared in enums implementing {@link io.strait.core.stats.StatDescriptor} ({@link
 * io.strait.core.stats.HttpStat}, {@link io.strait.core.stats.ClusterStat}) and instantiated under a prefix as a
 * {@link io.strait.core.stats.StatsScope}; each loop writes through its own {@link io.strait.core.stats.LoopStats}.
 * Names follow Envoy: {@code http.<listener>.} and {@code cluster.<name>.} roots, {@code downstream_}/{@code
 * upstream_}, {@code cx}/{@code rq}, {@code _total} for counters, {@code _active} for gauges, {@code _time} for
 * latency histograms. Histogram values are recorded in <b>microseconds</b> (Envoy shows milliseconds: renderers
 * divide by 1000, keeping the fraction).
 *
 * <p>Counters and gauges are Agrona counters, one per (stat, writer), in direct memory or in a memory-mapped stats
 * file ({@link io.strait.core.stats.StatsRegistry#open(int, java.nio.file.Path)}) that another process reads live
 * with {@link io.strait.core.stats.StatsFileReader} ({@code strait stat}). Threading: each loop writes only its own
 * records (no atomics, no locks, no allocation); scopes are made and removed under the registry's lock, off the
 * loops; readers, in this process or another, may read at any time.
 */
package io.strait.core.stats;
