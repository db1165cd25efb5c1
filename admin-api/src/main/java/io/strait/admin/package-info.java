/**
 * The admin HTTP server: stats (text, JSON, Prometheus), clusters, listeners, config dump, certificates, server
 * info, readiness, and the operator's actions (health-check fail/ok, drain, reload, runtime, logging, reset counters,
 * reopen logs, quit).
 *
 * <p>Threading: {@link io.strait.admin.AdminServer} runs on one thread of its own ({@code strait-admin}, a
 * single-thread Netty event loop group that is never a worker loop). Every request is handled, every page rendered
 * and every {@link io.strait.admin.AdminTarget} method called on that thread, so the classes here keep their state
 * without locks; the proxy is reached only through the {@link io.strait.admin.AdminTarget} interface, whose reads
 * must be safe from a foreign thread (the stats registry is summed on read) and whose actions must not block for
 * long.
 */
package io.strait.admin;
