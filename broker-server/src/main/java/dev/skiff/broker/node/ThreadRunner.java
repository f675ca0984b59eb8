package dev.skiff.broker.node;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The one place in the node that makes threads: named, and with uncaught errors logged. */
final class ThreadRunner {
    private ThreadRunner() {}

    static ThreadFactory named(String prefix, boolean daemon) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(daemon);
            t.setUncaughtExceptionHandler((thread, e) -> org.slf4j.LoggerFactory.getLogger(ThreadRunner.class)
                    .error("uncaught error on {}", thread.getName(), e));
            return t;
        };
    }

    /** A thread that runs {@code task} at JVM shutdown (SIGTERM, SIGINT, System.exit). */
    static void onShutdown(String name, Runnable task) {
        Runtime.getRuntime().addShutdownHook(new Thread(task, name));
    }
}
