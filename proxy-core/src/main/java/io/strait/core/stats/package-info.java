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
 */
package io.strait.core.stats;
