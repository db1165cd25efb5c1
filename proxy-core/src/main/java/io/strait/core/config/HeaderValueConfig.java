package io.strait.core.config;


/**
 * Immutable. A header to add: name and value.
 */
public record HeaderValueConfig(
        String name,
        String value) {
}
