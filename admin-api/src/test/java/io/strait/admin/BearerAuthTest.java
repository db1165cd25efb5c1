package io.strait.admin;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BearerAuthTest {

    @Test
    void noTokenAllowsAll() {
        assertThat(new BearerAuth(null).allows(null)).isTrue();
        assertThat(new BearerAuth("").required()).isFalse();
    }

    @Test
    void tokenMustMatchExactly() {
        final BearerAuth auth = new BearerAuth("abc");
        assertThat(auth.allows("Bearer abc")).isTrue();
        assertThat(auth.allows("bearer abc")).isTrue();
        assertThat(auth.allows("Bearer abcd")).isFalse();
        assertThat(auth.allows("Bearer ab")).isFalse();
        assertThat(auth.allows("Basic abc")).isFalse();
        assertThat(auth.allows("abc")).isFalse();
        assertThat(auth.allows(null)).isFalse();
    }
}
