package dev.skiff.broker.group;

/**
 * Where the answer to one request goes. The core only stores responders and names them in {@link
 * Effects}; the shell completes them (a gRPC StreamObserver), tests record them.
 */
@FunctionalInterface
public interface Responder<T> {
    void complete(T response);
}
