package io.rowflow.pipeline;

import io.rowflow.common.cancel.InFlight;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Passes items from the calling thread to a helper thread in batches, through a small bounded queue, so that two steps
 * of a pipeline (parsing and staging, reading and writing) use both cores while memory stays bounded by
 * {@code capacity × batchSize} items (or units of weight: a row of 16,384 cells weighs as much as 16,384 one-cell
 * rows). A failure on either side stops the other.
 */
public final class Handoff<T> {
    private static final List<Object> END = List.of();

    private final int batchSize;
    private final ToIntFunction<T> weight;
    private final BlockingQueue<List<T>> queue;
    private final Thread helper;
    private List<T> batch;
    private long batchWeight;
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
        this(name, batchSize, capacity, consumer, last, item -> 1);
    }

    /**
     * As above, a batch sent once its items weigh {@code batchSize} in all: wide rows travel a few at a time, so that
     * the memory held and the work the helper has before it notices an abort stay the same however wide they are.
     */
    public Handoff(String name, int batchSize, int capacity, Consumer<T> consumer, Runnable last,
            ToIntFunction<T> weight) {
        this.batchSize = batchSize;
        this.weight = weight;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batch = new ArrayList<>();
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
                // A batch of wide rows takes seconds: an abort is looked for before each item, not once per batch.
                for (T item : next) {
                    if (aborted) {
                        return;
                    }
                    consumer.accept(item);
                }
            }
        } catch (Throwable e) {
            helperFailure = e;
        }
    }

    public void put(T item) {
        batch.add(item);
        batchWeight += Math.max(1, weight.applyAsInt(item));
        if (batchWeight >= batchSize) {
            send(batch);
            batch = new ArrayList<>();
            batchWeight = 0;
        }
    }

    /** Sends what is left, waits for the helper to finish, and rethrows its failure if it had one. */
    @SuppressWarnings("unchecked")
    public void finish() {
        if (!batch.isEmpty()) {
            send(batch);
        }
        send((List<T>) (Object) END);
        if (join()) {
            throw new CancellationException("Interrupted"); // the helper was stopped too, its items not all handled
        }
        rethrowHelperFailure();
    }

    /**
     * Stops the helper without waiting for the items still queued (the calling side failed, or was stopped): the work
     * it is in, a native database call included, is aborted too ({@link InFlight}).
     */
    public void abort() {
        aborted = true;
        queue.clear();
        InFlight.interrupt(helper);
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

    /** Waits for the helper to end; true when this thread was interrupted meanwhile (and the helper stopped). */
    private boolean join() {
        boolean interrupted = false;
        while (helper.isAlive()) {
            try {
                helper.join();
            } catch (InterruptedException e) {
                // This side was stopped while the helper works through what it was given: it stops too, at once.
                interrupted = true;
                aborted = true;
                queue.clear();
                InFlight.interrupt(helper);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return interrupted;
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
