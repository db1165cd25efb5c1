package io.strait.grpc;

import io.grpc.CallOptions;
import io.grpc.Deadline;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The gRPC cases with the client connected to the backend itself: the reference the Strait mode must match. */
class DirectGrpcIntegrationTest extends AbstractGrpcIntegrationTest {

    @Override
    int startTarget() {
        return backend.port();
    }

    @Override
    void stopTarget() {
        // Nothing stands between the client and the backend.
    }

    /**
     * Checks the technique {@code StraitGrpcIntegrationTest.grpcTimeoutAloneEndsTheCall} relies on: a call without a
     * deadline but with a raw grpc-timeout header carries that header to the server, which takes it as its deadline.
     */
    @Test
    void rawTimeoutHeaderWithoutClientDeadlineReachesTheServer() {
        final Status s = GrpcCalls.failure(GrpcCalls.withTimeoutHeader(channel, "300m"), TestService.SLEEP,
            CallOptions.DEFAULT, new byte[0]).getStatus();

        // grpc-java's server resets the stream at its deadline (the client sees CANCELLED): why the Strait test of
        // grpc-timeout sends its call to an upstream that never answers instead.
        assertThat(s.getCode()).as("%s", s).isNotEqualTo(Status.Code.OK);
        final Deadline serverDeadline = backend.service().sleepDeadline;
        assertThat(serverDeadline).as("the server's deadline from the raw header").isNotNull();
        assertThat(serverDeadline.isBefore(Deadline.after(1, TimeUnit.SECONDS))).isTrue();
    }
}
