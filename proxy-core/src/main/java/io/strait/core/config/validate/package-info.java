/**
 * Binding and validation of the configuration, one class per section: {@link
 * io.strait.core.config.validate.ConfigValidator} binds the top-level keys and orders the sections (clusters first,
 * so references to them can be checked where they are written), {@code ClusterValidator} (with
 * {@code HealthValidator}), {@code ListenerValidator} (with {@code TlsValidator}), {@code VirtualHostValidator},
 * {@code RouteValidator} and {@code RetryValidator} each bind theirs into the records of {@code io.strait.core.config}.
 * Every error is collected with its field path, line and column rather than stopping at the first. Only
 * {@code ConfigValidator} is public, for {@link io.strait.core.config.ConfigLoader}.
 *
 * <p>Threading: runs off the event loops, confined to the thread of one load (the validators of a load share its
 * error list and cluster names); the records it returns are immutable.
 */
package io.strait.core.config.validate;
