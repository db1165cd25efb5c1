package io.strait.grpc;

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
}
