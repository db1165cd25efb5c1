/**
 * Strait's configuration model and its entry point. {@link io.strait.core.config.ConfigLoader} reads a YAML file (or
 * text) and returns a {@link io.strait.core.config.ConfigResult}: either a validated
 * {@link io.strait.core.config.StraitConfig} or every {@link io.strait.core.config.ConfigError} found, each with its
 * field path, line and column. The records here ({@code ListenerConfig}, {@code RouteConfig},
 * {@code ClusterConfig}, ...) are the model the other packages read.
 *
 * <p>Threading: loading runs off the event loops (on the launcher or a reload thread), since it reads files and
 * builds TLS contexts to check them; the records it returns are immutable and safe to hand to any thread. How the YAML
 * is read is in {@code io.strait.core.config.yaml}, how each section is checked in
 * {@code io.strait.core.config.validate}.
 */
package io.strait.core.config;
