package io.rowflow.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Passes items from the calling thread to a helper thread in batches, through a small bounded queue, so that two steps
 * of a pipeline (parsing and staging, reading and writing) use both cores while memory stays bounded by
 * {@code capacity × batchSize} items. A failure on either side stops the other.
 */
public final class Handoff<T> {
    private static final List<Object> END = List.of();

    private final int batchSize;
    private final BlockingQueue<List<T>> queue;
    private final Thread helper;
    private List<T> batch;
    private volatile Throwable helperFailure;
    private volatile boolean aborted;

    /** Starts a helper thread that hands every item, in order, to {@code consumer}. */
    public Handoff(String name, int batchSize, int capacity, Consumer<T> consumer) {
        this(name, batchSize, capacity, consumer, () -> {
        });
    }

    /**
     * As above; {@code last} runs in the helper thread when it stops, whether all went well or not (resources that
     * must be used from one thread only, such as a DuckDB appender, are closed there).
     */
    public Handoff(String name, int batchSize, int capacity, Consumer<T> consumer, Runnable last) {
        this.batchSize = batchSize;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batch = new ArrayList<>(batchSize);
        this.helper = new Thread(() -> {
            drain(consumer);
            try {
                last.run();
            } catch (Throwable e) {
                if (helperFailure == null) {
                    helperFailure = e;
                }
            }
        }, name);
        helper.setDaemon(true);
        helper.start();
    }

    @SuppressWarnings("unchecked")
    private void drain(Consumer<T> consumer) {
        try {
            while (true) {
                List<T> next = queue.poll(100, TimeUnit.MILLISECONDS);
                if (aborted) {
                    return;
                }
                if (next == null) {
                    continue;
                }
                if (next == (Object) END) {
                    return;
                }
                next.forEach(consumer);
            }
        } catch (Throwable e) {
            helperFailure = e;
        }
    }

    public void put(T item) {
        batch.add(item);
        if (batch.size() >= batchSize) {
            send(batch);
            batch = new ArrayList<>(batchSize);
        }
    }

    /** Sends what is left, waits for the helper to finish, and rethrows its failure if it had one. */
    @SuppressWarnings("unchecked")
    public void finish() {
        if (!batch.isEmpty()) {
            send(batch);
        }
        send((List<T>) (Object) END);
        join();
        rethrowHelperFailure();
    }

    /** Stops the helper without waiting for the items still queued (the calling side failed). */
    public void abort() {
        aborted = true;
        queue.clear();
        join();
    }

    private void send(List<T> items) {
        try {
            while (!queue.offer(items, 100, TimeUnit.MILLISECONDS)) {
                rethrowHelperFailure();
                if (!helper.isAlive()) {
                    throw new IllegalStateException("The " + helper.getName() + " thread stopped");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
            throw new CancellationException("Interrupted");
        }
    }

    private void join() {
        boolean interrupted = false;
        while (helper.isAlive()) {
            try {
                helper.join();
            } catch (InterruptedException e) {
                interrupted = true;
                aborted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void rethrowHelperFailure() {
        Throwable failure = helperFailure;
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }
}
