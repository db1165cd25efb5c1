/**
 * The YAML binding machinery of the configuration: {@link io.strait.core.config.yaml.YamlTreeReader} reads the text
 * into a tree of {@link io.strait.core.config.yaml.YamlNode}s that keep their line and column;
 * {@link io.strait.core.config.yaml.Fields} gives typed access to one map of it, reporting what is wrong under its
 * field path; {@link io.strait.core.config.yaml.ConfigSyntax}, {@link io.strait.core.config.yaml.Durations} and
 * {@link io.strait.core.config.yaml.Sizes} parse the value syntaxes (addresses, domains, tokens, 5s, 8KiB). It knows
 * nothing of listeners or clusters. Public only so that {@code io.strait.core.config.validate} can use it: it is not
 * an API for other packages.
 *
 * <p>Threading: runs off the event loops, confined to the thread of one load ({@code Fields} writes to that load's
 * error list); the tree it builds is immutable, and the parsers are stateless.
 */
package io.strait.core.config.yaml;
