package dev.skiff.client;

import java.time.Clock;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * What a client takes from its surroundings: time, threads, channels and randomness. {@link
 * #system()} is the real world; tests swap in a fixed clock, in-process channels or a seeded random.
 */
public final class ClientEnvironment {
    private final Clock clock;
    private final ThreadFactory threadFactory;
    private final ChannelFactory channelFactory;
    private final RandomGenerator random;

    private ClientEnvironment(
            Clock clock, ThreadFactory threadFactory, ChannelFactory channelFactory, RandomGenerator random) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.threadFactory = threadFactory;
        this.channelFactory = channelFactory;
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The system clock, daemon threads, plaintext channels and an unseeded random. */
    public static ClientEnvironment system() {
        return new ClientEnvironment(Clock.systemUTC(), null, null, new SplittableRandom());
    }

    public ClientEnvironment withClock(Clock newClock) {
        return new ClientEnvironment(newClock, threadFactory, channelFactory, random);
    }

    public ClientEnvironment withThreadFactory(ThreadFactory newThreadFactory) {
        return new ClientEnvironment(clock, newThreadFactory, channelFactory, random);
    }

    public ClientEnvironment withChannelFactory(ChannelFactory newChannelFactory) {
        return new ClientEnvironment(clock, threadFactory, newChannelFactory, random);
    }

    public ClientEnvironment withRandom(RandomGenerator newRandom) {
        return new ClientEnvironment(clock, threadFactory, channelFactory, newRandom);
    }

    public Clock clock() {
        return clock;
    }

    public RandomGenerator random() {
        return random;
    }

    /** The configured channel factory, or plaintext channels accepting messages up to {@code maxInboundMessageBytes}. */
    public ChannelFactory channelFactory(int maxInboundMessageBytes) {
        return channelFactory != null ? channelFactory : ChannelFactory.plaintext(maxInboundMessageBytes);
    }

    /** The configured thread factory, or one that makes daemon threads named {@code name}. */
    public ThreadFactory threadFactory(String name) {
        if (threadFactory != null) {
            return threadFactory;
        }
        ThreadFactory base = Executors.defaultThreadFactory();
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread t = base.newThread(runnable);
            int n = count.getAndIncrement();
            t.setName(n == 0 ? name : name + "-" + n);
            t.setDaemon(true);
            return t;
        };
    }
}
