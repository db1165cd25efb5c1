/**
 * Host health arithmetic, pure Java: passive outlier detection ({@link io.strait.lb.health.OutlierDetector}) and
 * slow-start weights ({@link io.strait.lb.health.SlowStart}). The proxy runs the active health checks and turns
 * these states into {@link io.strait.lb.HostSet} snapshots.
 */
package io.strait.lb.health;
