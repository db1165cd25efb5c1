package io.strait.core.config;


/** A header to add: name and value. Immutable. */
public record HeaderValueConfig(String name, String value) {
}
